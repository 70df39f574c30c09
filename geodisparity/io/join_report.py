"""The report that :func:`geodisparity.join` returns with the joined regions."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from geodisparity.errors import format_rows
from geodisparity.i18n import listing, message
from geodisparity.io.keys import common_digit_width

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["JoinReport", "nothing_matched_message"]

_SHOW = 10  # labels shown per list in the summary


def _no_rows() -> pd.DataFrame:
    import pandas as pd

    return pd.DataFrame()


@dataclass(frozen=True, eq=False)
class JoinReport:
    """What :func:`join` matched, what it did not, and what it repaired.

    Attributes
    ----------
    matched : int
        Regions that received at least one table row.
    n_left : int
        Regions given.
    n_right : int
        Table rows considered (after selecting a year, if one was selected).
    matched_rows : int
        Table rows joined to a region.
    unmatched_left : pandas.DataFrame
        Regions without a table row (key and name columns, regions' index).
    unmatched_right : pandas.DataFrame
        Table rows without a region (key, name and year columns, table's index).
    suggestions : pandas.DataFrame
        Close matches for unmatched table rows among unmatched regions:
        columns ``table_value``, ``region_value``, ``region_key``, ``score``
        (0-100, from ``rapidfuzz.fuzz.WRatio`` on normalised names, or
        ``rapidfuzz.fuzz.ratio`` on keys).
    ambiguous : pandas.DataFrame
        Table names that fit several regions and were left unmatched:
        columns ``table_value``, ``candidates``, ``reason``.
    repairs : dict
        ``{"regions": {...}, "table": {...}}``: for each side, how many keys
        each repair changed (only repairs that happened).
    by : str
        ``"key"`` or ``"name"``.
    how : str
        ``"left"`` or ``"inner"``.
    table : str
        The table's name (its file name when read with :func:`read_table`).
    year : str or None
        Description of the year handling, None when no ``year`` was given.
    left_labels, right_labels : tuple of str
        The unmatched regions and table rows as the summary prints them
        (``"330127 (淳安县)"``: key as matched, then name), distinct, in order.
    right_values : tuple of str or None
        For each of ``right_labels``, the value its suggestions were looked up
        with (``suggestions.table_value``).
    empty_geometry : pandas.DataFrame
        Regions whose geometry is empty or missing (key and name columns,
        regions' index). They take part in the join and in non-spatial
        statistics, are islands in spatial weights and are left off maps.
    empty_labels : tuple of str
        The same regions as the summary prints them.
    """

    matched: int
    n_left: int
    n_right: int
    matched_rows: int
    unmatched_left: pd.DataFrame = field(repr=False)
    unmatched_right: pd.DataFrame = field(repr=False)
    suggestions: pd.DataFrame = field(repr=False)
    ambiguous: pd.DataFrame = field(repr=False)
    repairs: dict[str, dict[str, int]] = field(repr=False)
    by: str = "key"
    how: str = "left"
    table: str = "the table"
    year: str | None = None
    left_labels: tuple[str, ...] = field(default=(), repr=False)
    right_labels: tuple[str, ...] = field(default=(), repr=False)
    right_values: tuple[str | None, ...] = field(default=(), repr=False)
    empty_geometry: pd.DataFrame = field(default_factory=_no_rows, repr=False)
    empty_labels: tuple[str, ...] = field(default=(), repr=False)

    @property
    def complete(self) -> bool:
        """Whether every region and every table row matched, with nothing ambiguous."""
        return not (len(self.unmatched_left) or len(self.unmatched_right) or len(self.ambiguous))

    def __repr__(self) -> str:
        return (
            f"JoinReport(matched={self.matched}, n_left={self.n_left}, n_right={self.n_right}, "
            f"unmatched_left={len(self.unmatched_left)}, "
            f"unmatched_right={len(self.unmatched_right)}, "
            f"ambiguous={len(self.ambiguous)}, suggestions={len(self.suggestions)}, "
            f"empty_geometry={len(self.empty_geometry)})"
        )

    def __str__(self) -> str:
        return self.summary()

    def summary(self, lang: str = "en") -> str:
        """Return the summary lines (what matched, what did not, repairs, hints) in ``lang``.

        Parameters
        ----------
        lang : {"en", "zh"}
            Language of the words around the labels (labels are shown as given).

        Returns
        -------
        str
            One line per point, joined with newlines.

        Examples
        --------
        >>> import pandas as pd
        >>> report = JoinReport(2, 2, 2, 2, *[pd.DataFrame()] * 4, repairs={}, table="t.csv")
        >>> print(report.summary("zh"))
        2 个地区中有 2 个与 t.csv 匹配（按代码匹配，how='left'；使用了 2 行中的 2 行）
        """
        def say(key: str, **fields: Any) -> str:
            return message(f"join.{key}", lang, **fields)

        def rows(labels: Any) -> str:
            return _rows(labels, lang)

        table = self.table
        lines = [say("matched", matched=self.matched, n_left=self.n_left, table=table,
                     by=say(f"by_{self.by}"), how=repr(self.how),
                     year=say("year", year=_year_text(self.year, lang)) if self.year else "",
                     matched_rows=self.matched_rows, n_right=self.n_right)]
        if len(self.unmatched_left):
            n = len(self.unmatched_left)
            lines.append(say("no_row_one" if n == 1 else "no_row_many", n=n, table=table,
                             rows=rows(self.left_labels)))
        if len(self.unmatched_right):
            n = len(self.unmatched_right)
            lines.append(say("no_region_one" if n == 1 else "no_region_many", n=n, table=table,
                             rows=rows(self.right_labels)))
        if len(self.ambiguous):
            cases = [say("fits", value=repr(r.table_value), candidates=r.candidates)
                     for r in self.ambiguous.itertuples(index=False)]
            lines.append(say("ambiguous", rows=rows(cases)))
        repairs = [f"{say(side)}: " + ", ".join(f"{n} {_repair_text(what, lang)}"
                                               for what, n in done.items())
                   for side, done in self.repairs.items() if done]
        if repairs:
            lines.append(say("repairs", repairs="; ".join(repairs)))
        if len(self.suggestions):
            best = self.suggestions.drop_duplicates("table_value")
            hints = [_hint(r, lang) for r in best.itertuples(index=False)]
            lines.append(say("did_you_mean", rows=rows(hints)))
        if len(self.empty_geometry):
            n = len(self.empty_geometry)
            lines.append(say("empty_one" if n == 1 else "empty_many", n=n,
                             rows=rows(self.empty_labels)))
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """Return the report as plain Python data (lists of records for the tables).

        Returns
        -------
        dict
            JSON-serialisable except for exotic cell values.

        Examples
        --------
        >>> import geopandas as gpd, pandas as pd
        >>> from shapely.geometry import box
        >>> regions = gpd.GeoDataFrame({"code": ["01"]}, geometry=[box(0, 0, 1, 1)])
        >>> from geodisparity import join
        >>> _, report = join(regions, pd.DataFrame({"code": ["01"], "v": [1]}), on="code")
        >>> report.to_dict()["matched"], report.to_dict()["unmatched_right"]
        (1, [])
        """
        return {
            "matched": self.matched,
            "n_left": self.n_left,
            "n_right": self.n_right,
            "matched_rows": self.matched_rows,
            "unmatched_left": _records(self.unmatched_left),
            "unmatched_right": _records(self.unmatched_right),
            "suggestions": _records(self.suggestions),
            "ambiguous": _records(self.ambiguous),
            "repairs": {side: dict(done) for side, done in self.repairs.items()},
            "by": self.by,
            "how": self.how,
            "table": self.table,
            "year": self.year,
            "empty_geometry": _records(self.empty_geometry),
        }

    def to_frame(self) -> pd.DataFrame:
        """Return one row per unmatched region or table row, for review or export.

        Returns
        -------
        pandas.DataFrame
            Columns ``side`` (``"regions"`` or ``"table"``), ``label`` (as
            the summary prints it), ``suggestion`` and ``score`` (the best
            close region for a table row, else missing). Empty when all matched.

        Examples
        --------
        >>> import geopandas as gpd, pandas as pd
        >>> from shapely.geometry import box
        >>> from geodisparity import join
        >>> regions = gpd.GeoDataFrame({"code": ["0101", "0102"]},
        ...                            geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1)])
        >>> _, report = join(regions, pd.DataFrame({"code": ["0101", "0110"]}), on="code")
        >>> report.to_frame()[["side", "label", "suggestion"]].values.tolist()
        [['regions', '0102', None], ['table', '0110', '0102']]
        """
        import pandas as pd

        best = self.suggestions.drop_duplicates("table_value").set_index("table_value")
        rows = [{"side": "regions", "label": label, "suggestion": None, "score": None}
                for label in self.left_labels]
        for label, value in zip(self.right_labels, self.right_values, strict=True):
            hit = best.loc[value] if value in best.index else None
            rows.append({"side": "table", "label": label,
                         "suggestion": None if hit is None else hit["region_value"],
                         "score": None if hit is None else float(hit["score"])})
        frame = pd.DataFrame(rows, columns=["side", "label", "suggestion", "score"])
        return frame.astype({"suggestion": object}).replace({float("nan"): None})


def nothing_matched_message(report: JoinReport, left: pd.Series, right: pd.Series,
                            columns: tuple[str | None, str | None]) -> str:
    """Explain a join where no table row matched a region, with examples from both sides.

    ``left`` and ``right`` are the non-missing keys as compared (after repair)
    or the names; ``columns`` names the regions' and the table's column.

    Examples
    --------
    >>> import pandas as pd
    >>> report = JoinReport(0, 2, 1, 0, *[pd.DataFrame()] * 4, repairs={}, table="t.csv")
    >>> message = nothing_matched_message(report, pd.Series(["330127", "330182"]),
    ...                                   pd.Series(["330127001000"]), ("adcode", "code"))
    >>> print(message.split(chr(10))[0])
    nothing matched: none of the 1 rows of t.csv matches one of the 2 regions (by key: \
regions column 'adcode', t.csv column 'code')
    >>> print(message.split(chr(10))[3])
    1 table keys start with a region key but are longer (e.g. '330127001000'): they may be \
longer codes of the same system; cut them to 6 characters to match
    """
    by = report.by
    if by == "key":
        hint = (_prefix_hint(left, right) or
                "check that both columns hold codes of the same system (e.g. 6-digit county "
                "codes vs 9- or 12-digit statistical codes, FIPS vs GEOID) with the same "
                "leading zeros, and that the key columns are the right ones")
    elif len(report.ambiguous):
        hint = ("the table's names each fit several regions (see 'ambiguous' below): join by "
                "key (on=) or make the region names unique")
    else:
        hint = ("check that both columns hold names in the same language and script, and "
                "that the name columns are the right ones; codes match more reliably (on=)")
    lines = [
        f"nothing matched: none of the {report.n_right} rows of {report.table} matches one "
        f"of the {report.n_left} regions (by {by}: regions column {columns[0]!r}, "
        f"{report.table} column {columns[1]!r})",
        f"region {by}s look like: {_examples(left)}",
        f"table {by}s look like: {_examples(right)}",
        hint,
    ]
    return "\n".join(lines) + "\n" + str(report)


def _examples(values: pd.Series, limit: int = 5) -> str:
    shown = [repr(str(v)) for v in dict.fromkeys(values.tolist())]
    if not shown:
        return "(all missing)"
    lengths = sorted({len(str(v)) for v in values.tolist()})
    span = str(lengths[0]) if len(lengths) == 1 else f"{lengths[0]}-{lengths[-1]}"
    return f"{format_rows(shown, limit=limit)} ({span} characters)"


def _prefix_hint(left: pd.Series, right: pd.Series) -> str | None:
    """Say so when table keys are region keys followed by more characters (longer codes)."""
    width = common_digit_width(left)
    if width is None:
        return None
    regions = set(left.tolist())
    longer = [k for k in right.tolist() if len(k) > width and k[:width] in regions]
    if not longer:
        return None
    return (f"{len(longer)} table keys start with a region key but are longer (e.g. "
            f"{longer[0]!r}): they may be longer codes of the same system; cut them to "
            f"{width} characters to match")


def _hint(suggestion: Any, lang: str = "en") -> str:
    """``'龙泉' -> '龙泉市' (100, key 331181)``; the key only when it adds something."""
    key = suggestion.region_key
    extra = (", " + message("join.hint_key", lang, key=key)
             if isinstance(key, str) and key != suggestion.region_value else "")
    return (f"{suggestion.table_value!r} -> {suggestion.region_value!r} "
            f"({suggestion.score:.0f}{extra})")


def _rows(labels: Any, lang: str) -> str:
    """Labels joined as a list, the first few only (like :func:`format_rows`), in ``lang``."""
    return listing(labels, lang, limit=_SHOW)


def _year_text(year: str, lang: str) -> str:
    """Describe the year handling of :func:`geodisparity.join` in ``lang``."""
    if lang == "en":
        return year
    if year.startswith("long table by "):
        return message("join.long_year", lang, column=year[len("long table by "):])
    return year


_REPAIRS = {"converted to text": "repair_text", "'.0' removed": "repair_dot0",
            "whitespace stripped": "repair_space",
            "leading zeros removed (region keys are numbers)": "repair_zeros"}


def _repair_text(what: str, lang: str) -> str:
    """Describe a key repair (see :func:`geodisparity.io.keys.repair_keys`) in ``lang``."""
    if what in _REPAIRS:
        return message(f"join.{_REPAIRS[what]}", lang)
    padded = re.fullmatch(r"zero-padded to (\d+) digits", what)
    return message("join.repair_pad", lang, width=padded.group(1)) if padded else what


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    plain = frame.astype(object).where(frame.notna(), None)
    return plain.to_dict("records")
