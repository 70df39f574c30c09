"""Labels, units and words for what ``geodisparity run`` shows, in the study's language.

The study file labels its indicators (``[[indicators]]`` and ``[[targets]]``:
``label`` and ``unit``, as text or ``{ en = ..., zh = ... }``); the columns of
geodisparity's own tables and of the bundled boundaries have labels in
:mod:`geodisparity.i18n`. Any other column is shown by its name. Values read
as words too: ``True``/``False`` as yes/no, cluster and status labels in the
report's language, and a column such as ``prefecture_en`` by its ``_zh``
sibling in a Chinese report.

Examples
--------
>>> from geodisparity.indicators import Indicator
>>> labels = Labels("zh", {"income": Indicator("income", label={"en": "Income", "zh": "收入"},
...                                            unit={"en": "yuan", "zh": "元"})})
>>> labels.heading("income"), labels.heading("ci_low"), labels.heading("other")
('收入（元）', '95% 置信区间下限', 'other')
>>> labels.value(True), labels.value("High-High")
('是', '高-高')
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pandas as pd

from geodisparity.i18n import MESSAGES, bool_word, message, translate

if TYPE_CHECKING:  # pragma: no cover
    from geodisparity.config import RunConfig
    from geodisparity.indicators import Indicator

__all__ = ["Labels", "SIBLINGS"]

#: Suffixes of a column's versions in each language (``name_en`` / ``name_zh``).
SIBLINGS = {"en": "_en", "zh": "_zh"}


@dataclass(frozen=True)
class Labels:
    """How a run names columns and shows values in one language.

    Parameters
    ----------
    lang : {"en", "zh"}
        Language.
    indicators : mapping
        Column -> :class:`~geodisparity.Indicator` with the study's label and unit.
    columns : tuple of str
        Columns of the regions (to find a column's other-language sibling).
    adjust : str, optional
        The multiple-testing adjustment (``"fdr"``, ``"by"``, ``"bonferroni"``).
    """

    lang: str
    indicators: Mapping[str, Indicator] = field(default_factory=dict)
    columns: tuple[str, ...] = ()
    adjust: str | None = None

    @classmethod
    def of(cls, config: RunConfig, columns: Any = ()) -> Labels:
        """Labels of a study: its indicators and targets, and the regions' columns."""
        indicators: dict[str, Indicator] = {e.name: e.indicator for e in config.indicators}
        for target in config.targets:
            indicators.setdefault(target.column, target)
        return cls(config.lang, indicators, tuple(map(str, columns)), config.clusters.adjust)

    def say(self, key: str, **fields: Any) -> str:
        """Return message ``key`` of :mod:`geodisparity.i18n` in this language."""
        return message(key, self.lang, **fields)

    def label(self, column: Any) -> str:
        """Return the study's label of ``column``, else the built-in one, else the name."""
        column = str(column)
        indicator = self.indicators.get(column)
        if indicator is not None and indicator.label is not None:
            return indicator.label_in(self.lang)
        for key in (f"column.{column}", f"gaps.{column}"):
            if key in MESSAGES:
                return self.say(key, adjust=self.adjust_name())
        return column

    def in_sentence(self, column: Any) -> str:
        """Return the label for use inside a sentence ("coefficient of variation")."""
        label = self.label(column)
        if self.lang == "en" and len(label) > 1 and label[0].isupper() and label[1].islower():
            return label[0].lower() + label[1:]
        return label

    def unit(self, column: Any) -> str | None:
        """Return the study's unit of ``column`` in this language, or None."""
        indicator = self.indicators.get(str(column))
        return None if indicator is None else indicator.unit_in(self.lang)

    def heading(self, column: Any) -> str:
        """Return the label with the unit, e.g. "Income (yuan)" or "收入（元）"."""
        unit = self.unit(column)
        label = self.label(column)
        if not unit:
            return label
        return f"{label}（{unit}）" if self.lang == "zh" else f"{label} ({unit})"

    def adjust_name(self) -> str:
        """Return the adjustment's short name ("FDR", "Bonferroni"; else "multiple-testing")."""
        key = f"adjust.{self.adjust}"
        return self.say(key if key in MESSAGES else "adjust.any")

    def with_year(self, label: str, year: Any) -> str:
        """Return ``label`` with the year it shows (a year, or a (start, end) span)."""
        if year is None:
            return label
        if isinstance(year, tuple):
            return self.say("layer.years", label=label, start=year[0], end=year[-1])
        return self.say("layer.year", label=label, year=year)

    def display(self, column: str) -> str:
        """Return the sibling of ``column`` in this language if the regions have it.

        ``prefecture_en`` is shown as ``prefecture_zh`` in Chinese (and the
        other way round), when both columns exist.
        """
        for suffix in SIBLINGS.values():
            if column.endswith(suffix):
                sibling = column[: -len(suffix)] + SIBLINGS.get(self.lang, suffix)
                if sibling in self.columns:
                    return sibling
        return column

    def value(self, value: Any) -> Any:
        """Return a value as shown: booleans as words, known labels translated."""
        value = bool_word(value, self.lang)
        return translate(value, self.lang) if isinstance(value, str) else value

    def values_of(self, column: str, regions: pd.DataFrame) -> dict[Any, Any]:
        """Return ``{value: shown value}`` of a column, through its sibling if one-to-one."""
        shown = self.display(column)
        if shown == column or shown not in regions or column not in regions:
            return {}
        pairs = regions[[column, shown]].dropna().drop_duplicates()
        if pairs[column].duplicated().any():
            return {}
        return dict(zip(pairs[column], pairs[shown], strict=True))

    def frame(self, frame: pd.DataFrame, *, regions: pd.DataFrame | None = None) -> pd.DataFrame:
        """Return a copy of ``frame`` with headings labelled and values shown as words.

        Parameters
        ----------
        frame : DataFrame
            A table of the report.
        regions : DataFrame, optional
            The regions, to show e.g. ``prefecture_en`` values by ``prefecture_zh``.

        Returns
        -------
        DataFrame
            The table as shown.
        """
        out = frame.copy()
        for column in out.columns:
            series = out[column]
            mapping = self.values_of(str(column), regions) if regions is not None else {}
            if mapping:
                out[column] = series.map(lambda v, m=mapping: m.get(v, v))
            elif _is_words(series):
                out[column] = series.map(self.value)
        out.columns = [self.heading(c) for c in out.columns]
        return out

    def matrix(self, frame: pd.DataFrame, *, column: str | None = None,
               regions: pd.DataFrame | None = None) -> pd.DataFrame:
        """Return a matrix whose rows and columns are values (groups) as shown."""
        mapping = (self.values_of(column, regions)
                   if column is not None and regions is not None else {})

        def show(value: Any) -> Any:
            return self.value(mapping.get(value, value))

        out = frame.copy()
        out.index = [show(v) for v in frame.index]
        out.columns = [show(v) for v in frame.columns]
        return out


def _is_words(series: pd.Series) -> bool:
    """Whether a column holds text or booleans (shown as words), not numbers."""
    types = pd.api.types
    return bool(types.is_bool_dtype(series) or types.is_object_dtype(series)
                or types.is_string_dtype(series)
                or isinstance(series.dtype, pd.CategoricalDtype))


def display_name(config: RunConfig, columns: Any) -> str | None:
    """Return the column of region names to show: ``[boundaries] name`` or its sibling.

    With ``name = "name_en"`` and ``lang = "zh"``, the Chinese names
    (``name_zh``) are shown when the boundaries have them.
    """
    name = config.boundaries.name
    if name is None:
        return None
    return Labels(config.lang, columns=tuple(map(str, columns))).display(name)
