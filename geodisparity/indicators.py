"""What an indicator means: its column, which way is better, its target and weight.

:class:`Indicator` is the one type shared by :func:`geodisparity.composite_index`,
:func:`geodisparity.target_attainment` and the study file's ``[[indicators]]``
and ``[[targets]]`` entries. It says nothing about how a column is computed
(a study file's ``expression`` does that); it says how to read it.

A target is either one number for every region (``target=3.5``) or, when
``target`` is text, the name of a column holding each region's own target
(``target="doctors_target"``): a province breaks its goal down into
different figures per county this way.

Examples
--------
>>> doctors = Indicator("doctors_per_1000", target=3.5, target_year=2025,
...                     label={"en": "Doctors per 1,000", "zh": "每千人医生数"})
>>> doctors.label_in("zh"), doctors.better
('每千人医生数', 1)
>>> as_indicators(["income", Indicator("ratio", direction="lower")])[1].direction
'lower'
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from geodisparity.errors import InputError

__all__ = ["Indicator", "DIRECTIONS", "as_indicators"]

DIRECTIONS: tuple[str, ...] = ("higher", "lower")

Label = str | Mapping[str, str]


@dataclass(frozen=True)
class Indicator:
    """An indicator column, which way is better, and optionally its target and weight.

    Parameters
    ----------
    column : str
        Column of the data holding the indicator.
    direction : {"higher", "lower"}, default "higher"
        Whether a higher value is better (income, doctors per 1,000) or a
        lower one (an urban-rural income ratio, a Gini coefficient).
    target : float or str, optional
        The value to reach: a number for every region, or the name of a
        column holding each region's own target.
    target_year : int, optional
        The year by which the target should be reached (needed for pace).
    weight : float, optional
        Weight in a composite index with ``weights="given"``; 0 or more.
    label : str or mapping, optional
        Display name, or ``{"en": ..., "zh": ...}``; default the column.
    unit : str or mapping, optional
        Unit of the values, e.g. "yuan", or ``{"en": "yuan", "zh": "元"}``.

    Examples
    --------
    >>> Indicator("urban_rural_ratio", direction="lower", target=1.9, target_year=2025)
    Indicator('urban_rural_ratio', direction='lower', target=1.9, target_year=2025)
    >>> Indicator("gini", direction="down")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    geodisparity.errors.InputError: indicator 'gini': direction='down' is not accepted; ...
    """

    column: str
    direction: Literal["higher", "lower"] = "higher"
    target: float | str | None = None
    target_year: int | None = None
    weight: float | None = None
    label: Label | None = None
    unit: Label | None = None

    def __post_init__(self) -> None:
        name = f"indicator {self.column!r}"
        if not isinstance(self.column, str) or not self.column:
            raise InputError(f"indicator column must be a non-empty column name, got "
                             f"{self.column!r}")
        if self.direction not in DIRECTIONS:
            raise InputError(f"{name}: direction={self.direction!r} is not accepted; "
                             f"use 'higher' or 'lower'")
        _check_target(name, self.target)
        if self.target_year is not None and (
                isinstance(self.target_year, bool) or not isinstance(self.target_year, int)):
            raise InputError(f"{name}: target_year={self.target_year!r} must be a whole year")
        if self.weight is not None and not (_is_number(self.weight) and self.weight >= 0
                                            and math.isfinite(self.weight)):
            raise InputError(f"{name}: weight={self.weight!r} must be a finite number, 0 or more")
        _check_label(name, self.label)
        _check_label(name, self.unit, "unit")

    @property
    def better(self) -> int:
        """+1 when higher values are better, -1 when lower ones are."""
        return 1 if self.direction == "higher" else -1

    @property
    def target_column(self) -> str | None:
        """The column of per-region targets, when ``target`` names one."""
        return self.target if isinstance(self.target, str) else None

    def label_in(self, lang: str = "en") -> str:
        """Return the label in ``lang`` (falling back to English, then the column)."""
        if isinstance(self.label, str):
            return self.label
        if isinstance(self.label, Mapping):
            return self.label.get(lang) or self.label.get("en") or self.column
        return self.column

    def unit_in(self, lang: str = "en") -> str | None:
        """Return the unit in ``lang`` (falling back to English), or None.

        Examples
        --------
        >>> Indicator("income", unit={"en": "yuan", "zh": "元"}).unit_in("zh")
        '元'
        """
        if isinstance(self.unit, Mapping):
            return self.unit.get(lang) or self.unit.get("en")
        return self.unit

    def __repr__(self) -> str:
        defaults = {"direction": "higher", "target": None, "target_year": None,
                    "weight": None, "label": None, "unit": None}
        parts = [repr(self.column)]
        parts += [f"{key}={getattr(self, key)!r}" for key, default in defaults.items()
                  if getattr(self, key) != default]
        return f"Indicator({', '.join(parts)})"

    __hash__ = None  # type: ignore[assignment]  # a label may be a dict


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _check_target(name: str, target: Any) -> None:
    if target is None or isinstance(target, str) and target:
        return
    if not _is_number(target) or not math.isfinite(target):
        raise InputError(f"{name}: target={target!r} must be a finite number or the name of a "
                         f"column of per-region targets")


def _check_label(name: str, label: Any, argument: str = "label") -> None:
    if label is None or isinstance(label, str):
        return
    if isinstance(label, Mapping) and label and all(
            isinstance(k, str) and isinstance(v, str) for k, v in label.items()):
        return
    raise InputError(f"{name}: {argument}={label!r} must be text or a mapping such as "
                     f"{{'en': 'Doctors per 1,000', 'zh': '每千人医生数'}}")


def as_indicators(indicators: Iterable[str | Indicator], *,
                  argument: str = "indicators") -> tuple[Indicator, ...]:
    """Return ``indicators`` as Indicator objects (a column name means higher is better).

    Parameters
    ----------
    indicators : iterable of str or Indicator
        Column names or :class:`Indicator` objects.
    argument : str
        Argument name, for messages.

    Returns
    -------
    tuple of Indicator

    Examples
    --------
    >>> as_indicators(["a", "a"])
    Traceback (most recent call last):
    ...
    geodisparity.errors.InputError: indicators names column 'a' twice; give each indicator once
    >>> as_indicators([])
    Traceback (most recent call last):
    ...
    geodisparity.errors.InputError: indicators is empty; give at least one column or Indicator
    """
    if isinstance(indicators, str | Indicator):
        indicators = [indicators]
    result = []
    for item in indicators:
        if isinstance(item, str):
            item = Indicator(item)
        elif not isinstance(item, Indicator):
            raise InputError(f"{argument} must hold column names or gd.Indicator objects; "
                             f"got {type(item).__name__} {item!r}")
        result.append(item)
    if not result:
        raise InputError(f"{argument} is empty; give at least one column or Indicator")
    columns = [i.column for i in result]
    repeated = sorted({c for c in columns if columns.count(c) > 1})
    if repeated:
        raise InputError(f"{argument} names column {repeated[0]!r} twice; give each indicator "
                         f"once")
    return tuple(result)
