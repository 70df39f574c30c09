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

from geodisparity.config_schema import ATTAINMENT, COMPOSITE, TARGETS
from geodisparity.indicators import Indicator

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


#: Study-file sections read by :func:`read_target_sections`.
TARGET_SECTIONS = ("targets", "attainment", "composite")

#: Keys describing an indicator, shared by ``[[indicators]]`` and ``[[targets]]``.
INDICATOR_KEYS = {"direction", "target", "target_year", "weight", "label", "unit"}

#: Gap statistics a ``[[targets]]`` entry may name: the columns of ``gaps.csv``
#: and the population-weighted Theil index.
GAP_STATISTICS: tuple[str, ...] = TARGETS.key("statistic").choices or ()


def read_indicator(reader: Reader, item: dict[str, Any], column: str, w: str) -> Indicator:
    """Make the Indicator of an entry whose keys the schema has checked.

    Also checks what the schema cannot say: the languages of a label table,
    a target column name that is not empty.
    """
    label = check_bilingual(reader, item.get("label"), f"{w}.label")
    target, weight = item.get("target"), item.get("weight")
    if isinstance(target, str) and not target.strip():
        raise reader.fail(f"{w}.target = {target!r}: give a number or a column of targets")
    return Indicator(
        column,
        direction=item["direction"],
        target=float(target) if isinstance(target, int | float) else target,
        target_year=item.get("target_year"),
        weight=None if weight is None else float(weight),
        label=label,
        unit=check_bilingual(reader, item.get("unit"), f"{w}.unit"),
    )


def check_bilingual(reader: Reader, value: Any, where: str) -> Any:
    """Check text or ``{ en = ..., zh = ... }`` (a label, unit or title in both languages).

    The schema lets a table through; this says which of its keys or values is wrong.
    """
    if isinstance(value, dict):
        unknown = sorted(set(value) - {"en", "zh"})
        if unknown:
            raise reader.fail(f"unknown key {where}.{unknown[0]}; accepted here: en, zh")
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
    result = [read_indicator(reader, values, values["statistic"], w)
              for w, _, values in reader.items(TARGETS)]
    statistics = [t.column for t in result]
    repeated = sorted({s for s in statistics if statistics.count(s) > 1})
    if repeated:
        raise reader.fail(f"[[targets]] names {repeated[0]!r} twice; give one target each")
    return tuple(result)


def _attainment(reader: Reader) -> AttainmentConfig:
    values = reader.section(ATTAINMENT)
    return AttainmentConfig(**{**values, "tolerance": float(values["tolerance"]),
                               "at_risk": float(values["at_risk"])})


def _composite(reader: Reader) -> CompositeConfig | None:
    if "composite" not in reader.raw:
        return None
    values = reader.section(COMPOSITE)
    indicators = values["indicators"]
    return CompositeConfig(**{
        **values, "indicators": (indicators,) if isinstance(indicators, str) else
        tuple(indicators), "perturbation": float(values["perturbation"])})


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
