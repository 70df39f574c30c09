"""Study-file sections for targets: ``[[targets]]``, ``[attainment]``, ``[composite]``.

Also the indicator keys shared by ``[[indicators]]`` and ``[[targets]]``
(direction, target, target_year, weight, label, unit), read into a
:class:`geodisparity.Indicator`. Kept apart from :mod:`geodisparity.config`,
which calls these readers with its own key-path-aware reader.

Examples
--------
>>> from geodisparity.config import parse_config
>>> cfg = parse_config({
...     "boundaries": {"source": "zhejiang/counties", "key": "adcode"},
...     "table": {"path": "t.csv", "key": "adcode", "year": "year"},
...     "analysis": {"income": "income"},
...     "targets": [{"statistic": "urban_rural_ratio", "target": 1.9, "target_year": 2025}],
... })
>>> cfg.targets[0]
Indicator('urban_rural_ratio', direction='lower', target=1.9, target_year=2025)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from geodisparity.indicators import DIRECTIONS, Indicator

if TYPE_CHECKING:  # pragma: no cover
    from geodisparity.config import RunConfig
    from geodisparity.config import _Reader as Reader

__all__ = ["AttainmentConfig", "CompositeConfig", "TARGET_SECTIONS", "INDICATOR_KEYS",
           "GAP_STATISTICS", "read_indicator", "read_target_sections", "check_composite"]


@dataclass(frozen=True)
class AttainmentConfig:
    """How target attainment is judged (see :func:`geodisparity.target_attainment`)."""

    tolerance: float = 0.05
    pace: str = "compound"
    window: int = 3
    at_risk: float = 0.5


@dataclass(frozen=True)
class CompositeConfig:
    """A composite index of some ``[[indicators]]`` (see :func:`geodisparity.composite_index`)."""

    indicators: tuple[str, ...]
    weights: str = "entropy"
    method: str = "weighted_sum"
    normalise: str = "minmax"
    reference_year: int | None = None
    draws: int = 1000
    perturbation: float = 0.2
    seed: int | None = 20261129


#: Study-file sections read by :func:`_target_sections`.
TARGET_SECTIONS = ("targets", "attainment", "composite")

#: Keys describing an indicator, shared by ``[[indicators]]`` and ``[[targets]]``.
INDICATOR_KEYS = {"direction", "target", "target_year", "weight", "label", "unit"}

#: Gap statistics a ``[[targets]]`` entry may name: the columns of ``gaps.csv``
#: and the population-weighted Theil index.
GAP_STATISTICS = ("urban_rural_ratio", "regional_max_min_ratio", "income_gini",
                  "income_theil", "regional_williamson", "regional_theil_between_share")


def read_indicator(reader: Reader, item: dict[str, Any], column: str, w: str, *,
                   direction: str = "higher") -> Indicator:
    """Read direction, target, target year, weight, label and unit into an Indicator."""
    label = read_bilingual(reader, item, "label", w)
    weight = reader.get(item, "weight", (int, float), default=None, where=w)
    if weight is not None and weight < 0:
        raise reader.fail(f"{w}.weight = {weight} must be 0 or more")
    target = reader.get(item, "target", (int, float, str), default=None, where=w)
    if isinstance(target, str) and not target.strip():
        raise reader.fail(f"{w}.target = {target!r}: give a number or a column of targets")
    return Indicator(
        column,
        direction=reader.choice(item, "direction", DIRECTIONS, default=direction, where=w),
        target=float(target) if isinstance(target, int | float) else target,
        target_year=reader.get(item, "target_year", int, default=None, where=w),
        weight=None if weight is None else float(weight),
        label=label,
        unit=read_bilingual(reader, item, "unit", w),
    )


def read_bilingual(reader: Reader, item: dict[str, Any], key: str, w: str) -> Any:
    """Read text, or ``{ en = ..., zh = ... }`` (a label, unit or title in both languages)."""
    value = reader.get(item, key, (str, dict), default=None, where=w)
    where = f"{w}.{key}" if w else key
    if isinstance(value, dict):
        reader.check_keys(value, where, {"en", "zh"})
        for lang, text in value.items():
            if not isinstance(text, str):
                raise reader.fail(f"{where}.{lang} = {text!r} must be text")
    return value


def in_language(value: Any, lang: str) -> str | None:
    """Return text as given, or a ``{en, zh}`` table's text in ``lang`` (else English)."""
    if isinstance(value, dict):
        return value.get(lang) or value.get("en") or next(iter(value.values()), None)
    return value


def read_target_sections(reader: Reader) -> dict[str, Any]:
    """Read ``[[targets]]``, ``[attainment]`` and ``[composite]`` as RunConfig fields."""
    return {"targets": _targets(reader), "attainment": _attainment(reader),
            "composite": _composite(reader)}


def _targets(reader: Reader) -> tuple[Indicator, ...]:
    items = reader.raw.get("targets", [])
    if not isinstance(items, list):
        raise reader.fail("targets must be an array of tables ([[targets]])")
    result = []
    for number, item in enumerate(items, start=1):
        w = f"targets[{number}]"
        if not isinstance(item, dict):
            raise reader.fail(f"{w} must be a table with statistic and target")
        reader.check_keys(item, w, {"statistic", *INDICATOR_KEYS - {"weight"}})
        statistic = reader.choice(item, "statistic", GAP_STATISTICS, default=..., where=w)
        reader.get(item, "target", (int, float), where=w)  # one number for the province
        result.append(read_indicator(reader, item, statistic, w, direction="lower"))
    statistics = [t.column for t in result]
    repeated = sorted({s for s in statistics if statistics.count(s) > 1})
    if repeated:
        raise reader.fail(f"[[targets]] names {repeated[0]!r} twice; give one target each")
    return tuple(result)


def _attainment(reader: Reader) -> AttainmentConfig:
    t = reader.table("attainment")
    w = "attainment"
    reader.check_keys(t, w, {"tolerance", "pace", "window", "at_risk"})
    tolerance = reader.get(t, "tolerance", (int, float), default=0.05, where=w)
    at_risk = reader.get(t, "at_risk", (int, float), default=0.5, where=w)
    if not 0 <= tolerance < 1:
        raise reader.fail(f"attainment.tolerance = {tolerance} must be at least 0 and below 1")
    if not 0 <= at_risk <= 1:
        raise reader.fail(f"attainment.at_risk = {at_risk} must be between 0 and 1")
    return AttainmentConfig(
        tolerance=float(tolerance),
        pace=reader.choice(t, "pace", ("compound", "linear"), default="compound", where=w),
        window=_window(reader, t),
        at_risk=float(at_risk),
    )


def _composite(reader: Reader) -> CompositeConfig | None:
    if "composite" not in reader.raw:
        return None
    t = reader.table("composite")
    w = "composite"
    reader.check_keys(t, w, {"indicators", "weights", "method", "normalise", "reference_year",
                             "draws", "perturbation", "seed"})
    perturbation = reader.get(t, "perturbation", (int, float), default=0.2, where=w)
    if not 0 <= perturbation < 1:
        raise reader.fail(f"composite.perturbation = {perturbation} must be at least 0 "
                          f"and below 1")
    return CompositeConfig(
        indicators=reader.strings(t, "indicators", where=w),
        weights=reader.choice(t, "weights", ("entropy", "critic", "equal", "given"),
                              default="entropy", where=w),
        method=reader.choice(t, "method", ("weighted_sum", "topsis"), default="weighted_sum",
                             where=w),
        normalise=reader.choice(t, "normalise", ("minmax", "zscore"), default="minmax",
                                where=w),
        reference_year=reader.get(t, "reference_year", int, default=None, where=w),
        draws=reader.count(t, "draws", default=1000, where=w),
        perturbation=float(perturbation),
        seed=reader.seed(t, where=w),
    )


def check_composite(config: RunConfig, reader: Reader) -> None:
    """Check that ``[composite]`` names at least 2 ``[[indicators]]`` entries, weighted if asked."""
    composite = config.composite
    if composite is None:
        return
    if len(composite.indicators) < 2:
        raise reader.fail(f"composite.indicators = {list(composite.indicators)!r}: name at "
                          f"least 2 [[indicators]] entries")
    entries = {entry.name: entry.indicator for entry in config.indicators}
    unknown = [name for name in composite.indicators if name not in entries]
    if unknown:
        raise reader.fail(
            f"composite.indicators names {unknown[0]!r}, which is not an [[indicators]] entry "
            f"(entries: {', '.join(entries) or 'none'}); add one, without expression for a "
            f"column of the table"
        )
    if composite.weights == "given":
        missing = [n for n in composite.indicators if entries[n].weight is None]
        if missing:
            raise reader.fail(f"composite.weights = 'given' needs weight = <number> in the "
                              f"[[indicators]] entry of {missing[0]!r}")


def _window(reader: Reader, table: dict[str, Any]) -> int:
    window = reader.get(table, "window", int, default=3, where="attainment")
    if window < 1:
        raise reader.fail(f"attainment.window = {window} must be 1 or more")
    return window
