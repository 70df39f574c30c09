"""Task books: per region (and per group of regions), the targets that are slipping.

A province breaks its targets down into "task books" for its prefectures and
counties. :func:`task_book` reads a :func:`~geodisparity.target_attainment`
table for one year and lists, for every region, the indicators that are off
track (or at risk), with the gap and the pace needed, most urgent first; and,
per group (e.g. prefecture), how many of its regions are off track on each
indicator.

Urgency orders the items: off track before at risk; then fewer years left
(a passed deadline first); then the smaller share of the needed pace
achieved (``pace_ratio``). ``urgency`` numbers the items 1, 2, ... in that
order over the whole task book.

Examples
--------
>>> import pandas as pd
>>> from geodisparity.indicators import Indicator
>>> from geodisparity.stats.attainment import target_attainment
>>> frame = pd.DataFrame({"id": list("aabb"), "year": [2022, 2023] * 2,
...                       "pref": ["P"] * 4, "x": [1.0, 1.1, 1.0, 1.9]})
>>> t = target_attainment(frame, [Indicator("x", target=2.0, target_year=2025)],
...                       year="year", id="id", pace="linear")
>>> book = task_book(t, id="id", year="year", regions=frame, group="pref")
>>> book.items[["id", "indicator", "pace_status", "urgency"]]
  id indicator pace_status  urgency
0  a         x   off track        1
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from geodisparity._output import atomic_path
from geodisparity.errors import InputError, MissingColumnError
from geodisparity.stats.attainment import AT_RISK, OFF_TRACK

__all__ = ["TaskBook", "task_book", "write_excel"]

ITEM_COLUMNS = ("indicator", "label", "value", "target", "target_year", "gap", "status",
                "years_left", "needed_pace", "actual_pace", "pace_ratio", "pace_method",
                "pace_status", "urgency")


@dataclass(frozen=True, repr=False)
class TaskBook:
    """The slipping targets of one year.

    Attributes
    ----------
    items : DataFrame
        One row per region and slipping indicator: the group column (when
        given), the id, the name (when given), then ``indicator``, ``label``,
        ``value``, ``target``, ``target_year``, ``gap``, ``status``,
        ``years_left``, ``needed_pace``, ``actual_pace``, ``pace_ratio``,
        ``pace_method``, ``pace_status`` and ``urgency``; sorted by group,
        then urgency.
    by_group : DataFrame or None
        Per group and indicator: ``regions`` (with a status that year),
        ``off_track``, ``at_risk`` and ``most_urgent`` (the id of the region
        whose item comes first).
    per_region : DataFrame
        Indexed by every region id of that year: ``off_track`` (count),
        ``at_risk`` (count) and ``indicators`` (labels of the off-track ones,
        most urgent first, joined by "; ").
    year : int or None
        The year of the task book.
    """

    items: pd.DataFrame
    by_group: pd.DataFrame | None
    per_region: pd.DataFrame
    year: int | None

    def __repr__(self) -> str:
        counts = self.items["pace_status"].value_counts()
        flagged = self.per_region[["off_track", "at_risk"]].sum(axis=1) > 0
        return (f"TaskBook(year={self.year!r}, items={len(self.items)}, "
                f"off_track={int(counts.get(OFF_TRACK, 0))}, "
                f"at_risk={int(counts.get(AT_RISK, 0))}, "
                f"regions={int(flagged.sum())})")

    def to_frame(self) -> pd.DataFrame:
        """Return the items (one row per region and slipping indicator)."""
        return self.items.copy()


def task_book(
    attainment: pd.DataFrame,
    *,
    id: str,  # noqa: A002 - the name users expect for a region key
    year: str | None = None,
    as_of: int | None = None,
    regions: pd.DataFrame | None = None,
    group: str | None = None,
    name: str | None = None,
    labels: Mapping[str, str] | None = None,
    include: Sequence[str] = (OFF_TRACK, AT_RISK),
) -> TaskBook:
    """List each region's off-track (and at-risk) indicators, most urgent first.

    Parameters
    ----------
    attainment : DataFrame
        From :func:`geodisparity.target_attainment`.
    id : str
        Column of region keys in ``attainment`` (and ``regions``).
    year : str, optional
        Column of years in ``attainment``.
    as_of : int, optional
        Year of the task book; default the latest.
    regions : DataFrame, optional
        Region attributes with the ``id`` column: where ``group`` and
        ``name`` come from.
    group : str, optional
        Column of ``regions`` grouping the regions (e.g. prefecture).
    name : str, optional
        Column of ``regions`` with region names.
    labels : mapping, optional
        Indicator column -> display label.
    include : sequence of str, default ("off track", "at risk")
        Pace statuses listed.

    Returns
    -------
    TaskBook

    Examples
    --------
    >>> t = pd.DataFrame({"id": ["a"], "indicator": ["x"], "pace_status": ["on track"],
    ...                   "years_left": [2.0], "pace_ratio": [1.5]})
    >>> task_book(t, id="id").items.empty
    True
    """
    unknown = sorted(set(include) - {OFF_TRACK, AT_RISK})
    if unknown:
        raise InputError(f"include={list(include)!r}: use 'off track' and/or 'at risk'")
    for column in (id, year):
        if column is not None and column not in attainment.columns:
            raise MissingColumnError(f"{column!r} is not a column of attainment")
    table, when = _one_year(attainment, year, as_of)
    items = table[table["pace_status"].isin(list(include))].copy()
    items["label"] = items["indicator"].map(lambda c: (labels or {}).get(c, c))
    items = _order(items)
    attributes = _attributes(regions, id, group, name)
    if attributes is not None:
        items = items.merge(attributes, on=id, how="left")
    front = [c for c in (group, id, name) if c is not None]
    items = items[[*dict.fromkeys(front), *[c for c in ITEM_COLUMNS if c in items]]]
    if group is not None:
        items = items.sort_values([group, "urgency"], kind="stable", ignore_index=True)
    by_group = _by_group(table, items, attributes, id, group) if group is not None else None
    return TaskBook(items, by_group, _per_region(table, items, id), when)


def _one_year(table: pd.DataFrame, year: str | None,
              as_of: int | None) -> tuple[pd.DataFrame, int | None]:
    if year is None:
        return table, None
    years = pd.unique(table[year].dropna())
    when = as_of if as_of is not None else (int(max(years)) if len(years) else None)
    if as_of is not None and as_of not in years:
        raise InputError(f"as_of={as_of!r} is not a year of the attainment table; years are "
                         f"{', '.join(map(str, sorted(years)))}")
    return table[table[year] == when], when


def _order(items: pd.DataFrame) -> pd.DataFrame:
    """Sort by urgency (see the module docstring) and number the items."""
    left = items["years_left"].to_numpy(dtype=float)
    keys = pd.DataFrame({
        "status": (items["pace_status"] != OFF_TRACK).astype(int).to_numpy(),
        "left": np.where(np.isnan(left), np.inf, np.where(left > 0, left, -np.inf)),
        "ratio": items["pace_ratio"].astype(float).fillna(-np.inf).to_numpy(),
    }, index=items.index)
    order = keys.sort_values(["status", "left", "ratio"], kind="stable").index
    items = items.loc[order].reset_index(drop=True)
    items["urgency"] = np.arange(1, len(items) + 1)
    return items


def _attributes(regions: pd.DataFrame | None, id: str, group: str | None,  # noqa: A002
                name: str | None) -> pd.DataFrame | None:
    wanted = [c for c in (group, name) if c is not None]
    if not wanted:
        return None
    if regions is None:
        raise InputError("group= and name= are columns of regions=; give regions")
    missing = [c for c in (id, *wanted) if c not in regions.columns]
    if missing:
        raise MissingColumnError(f"{', '.join(map(repr, missing))} not columns of regions")
    return pd.DataFrame(regions[[id, *wanted]]).drop_duplicates(id)


def _by_group(table: pd.DataFrame, items: pd.DataFrame, attributes: pd.DataFrame | None,
              id: str, group: str) -> pd.DataFrame:  # noqa: A002
    assert attributes is not None  # group given implies attributes
    scope = table[table["status"].notna()].merge(attributes[[id, group]], on=id, how="left")
    counts = scope.groupby([group, "indicator"], sort=True)[id].nunique().rename("regions")
    flags = pd.DataFrame({
        group: items[group], "indicator": items["indicator"],
        "off_track": (items["pace_status"] == OFF_TRACK).astype(int),
        "at_risk": (items["pace_status"] == AT_RISK).astype(int),
    })
    slipping = flags.groupby([group, "indicator"])[["off_track", "at_risk"]].sum()
    first = items.groupby([group, "indicator"])[id].first().rename("most_urgent")
    summary = counts.to_frame().join(slipping).join(first)
    summary[["off_track", "at_risk"]] = summary[["off_track", "at_risk"]].fillna(0).astype(int)
    return summary.reset_index()


def _per_region(table: pd.DataFrame, items: pd.DataFrame, id: str) -> pd.DataFrame:  # noqa: A002
    ids = pd.Index(pd.unique(table[id]), name=id)
    off = items[items["pace_status"] == OFF_TRACK]
    risk = items[items["pace_status"] == AT_RISK]
    return pd.DataFrame({
        "off_track": off.groupby(id).size().reindex(ids, fill_value=0),
        "at_risk": risk.groupby(id).size().reindex(ids, fill_value=0),
        "indicators": off.groupby(id)["label"].agg("; ".join).reindex(ids, fill_value=""),
    })


def write_excel(book: TaskBook, path: str | os.PathLike[str], *, overwrite: bool = False,
                sheet_names: tuple[str, str] = ("regions", "groups")) -> Path:
    """Write a task book to an .xlsx file (items, and the group summary when present).

    Text cells are stored as text, never as formulas: a name starting with
    ``=`` stays a name.

    Parameters
    ----------
    book : TaskBook
        The task book.
    path : path-like
        The .xlsx file, written atomically.
    overwrite : bool, default False
        Replace an existing file.
    sheet_names : tuple of str
        Names of the two sheets.

    Returns
    -------
    Path

    Examples
    --------
    >>> import tempfile, openpyxl
    >>> items = pd.DataFrame({"name": ["=1+1"], "gap": [0.5]})
    >>> book = TaskBook(items, None, pd.DataFrame(), 2023)
    >>> out = write_excel(book, Path(tempfile.mkdtemp()) / "book.xlsx")
    >>> openpyxl.load_workbook(out).active["A2"].data_type
    's'
    """
    from geodisparity._xlsx import write_xlsx

    sheets = [(sheet_names[0], book.items)]
    if book.by_group is not None:
        sheets.append((sheet_names[1], book.by_group))
    target = Path(path)
    with atomic_path(target, overwrite=overwrite) as tmp:
        write_xlsx(tmp, [(title, _rows(frame)) for title, frame in sheets])
    return target


def _rows(frame: pd.DataFrame) -> list[list[object]]:
    """Return the header and the rows of ``frame`` as plain values (strings stay strings)."""
    return [[str(c) for c in frame.columns],
            *([_cell(v) for v in row] for row in frame.itertuples(index=False, name=None))]


def _cell(value: object) -> object:
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return None
    if isinstance(value, np.generic):
        return value.item()
    return value if isinstance(value, int | float | str) else str(value)
