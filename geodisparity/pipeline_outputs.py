"""Outputs for reuse: ``regions.gpkg`` (every computed column, with geometry) and ``tables.xlsx``.

``regions.gpkg`` holds one layer, ``regions``: the regions of the analysis
year with every column of ``regions.csv`` and ``clusters.csv`` and their
geometry, for a GIS. Column names are made safe for a GeoPackage (SQLite
compares them without case, GDAL reserves ``fid`` and the geometry column):
see :func:`gpkg_column_names`.

``tables.xlsx`` holds every table of the run, one sheet each: a ``contents``
sheet first (sheet, table, the CSV file it mirrors), then the CSV tables and
the tables of the report (Moran's I, intervals, decompositions, convergence,
LISA Markov matrices, regions left out). Each sheet's first row is the header,
with the configured labels where the study gives them.

Both are written through the staged outputs of :func:`geodisparity.pipeline.run_pipeline`.

Examples
--------
>>> gpkg_column_names(["name", "Name", "fid", "收入 (元)", "2023", "geometry"])
['name', 'Name_2', 'fid_', '收入_元', '_2023', 'geometry_']
>>> sheet_names(["Theil by a very long group column name", "Theil by a very long group column"])
['Theil by a very long group colu', 'Theil by a very long group co_2']
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from geodisparity.i18n import LANGUAGES, words

if TYPE_CHECKING:  # pragma: no cover
    from geodisparity.config import RunConfig
    from geodisparity.pipeline import _Analysis

__all__ = ["gpkg_column_names", "sheet_names", "run_tables",
           "write_reuse_outputs"]

_RESERVED = {"fid", "geometry", "geom"}
_NOT_WORD = re.compile(r"\W+")
_BAD_SHEET = re.compile(r"[\[\]:*?/\\]")


def gpkg_column_names(columns: Iterable[object]) -> list[str]:
    """Return column names a GeoPackage keeps as they are: unique without case, not reserved.

    Runs of characters other than letters (any script), digits and ``_``
    become one ``_``; a name starting with a digit gets a leading ``_``;
    ``fid``, ``geometry`` and ``geom`` get a trailing ``_``; repeats (compared
    without case) get ``_2``, ``_3``...
    """
    result: list[str] = []
    taken: set[str] = set()
    for column in columns:
        name = _NOT_WORD.sub("_", str(column)).strip("_") or "column"
        if name[0].isdigit():
            name = f"_{name}"
        if name.lower() in _RESERVED:
            name = f"{name}_"
        result.append(_unique(name, taken))
    return result


def sheet_names(titles: Iterable[str]) -> list[str]:
    """Return Excel sheet names: 31 characters at most, none of ``[]:*?/`` or a backslash.

    Names are unique without case (``_2``, ``_3``... added).
    """
    result: list[str] = []
    taken: set[str] = set()
    for title in titles:
        name = _BAD_SHEET.sub("_", title).strip("' ")[:31] or "table"
        result.append(_unique(name, taken, width=31))
    return result


def _unique(name: str, taken: set[str], *, width: int | None = None) -> str:
    """``name``, or ``name_2``, ``name_3``... (cut to ``width``): the first not in ``taken``.

    Names compare without case; the one returned is added to ``taken``.
    """
    unique, n = name, 1
    while unique.lower() in taken:
        n += 1
        stem = name if width is None else name[:width - len(str(n)) - 1]
        unique = f"{stem}_{n}"
    taken.add(unique.lower())
    return unique


#: The section's words by language (from :mod:`geodisparity.i18n`).
WORDS = {lang: words("outputs", lang) for lang in LANGUAGES}


def run_tables(config: RunConfig, result: _Analysis) -> list[tuple[str, pd.DataFrame, str]]:
    """Every table of a run: (title, table, CSV file it mirrors or "")."""
    from geodisparity.pipeline import _plain

    words = WORDS.get(config.lang, WORDS["en"])
    tables = [(words["regions"], _plain(result.regions), "regions.csv"),
              (words["gaps"], result.gaps, "gaps.csv"),
              (words["clusters"], result.cluster_table.reset_index(names="region"),
               "clusters.csv"),
              (words["moran"], result.global_table, ""),
              (words["intervals"], result.intervals, "")]
    for group, parts in result.decompositions.items():
        tables.append((words["theil"].format(group=group), parts["theil"].groups, ""))
        tables.append((words["dagum"].format(group=group),
                       parts["dagum"].gini_matrix.reset_index(names=group), ""))
    if result.convergence:
        tables.append((words["sigma"], result.convergence["sigma"].table, ""))
    tables += _dynamics_tables(result.space_time, words)
    tables += _target_tables(result.targets, words)
    if result.left_out:
        from geodisparity.pipeline_missing import left_out_records

        tables.append((words["left_out"],
                       pd.DataFrame(left_out_records(result.left_out, config.lang)), ""))
    return [(title, frame, file) for title, frame, file in tables if len(frame.columns)]


def _dynamics_tables(space: Any, words: dict[str, str]) -> list[tuple[str, pd.DataFrame, str]]:
    from geodisparity.spatial.lisa_dynamics import QUADRANTS

    tables = []
    for column, dynamics in (space.dynamics.items() if space is not None else ()):
        matrix = pd.DataFrame(dynamics.probabilities, columns=list(QUADRANTS))
        matrix.insert(0, words["from"], list(QUADRANTS))
        tables.append((words["markov"].format(column=column), matrix, ""))
        tables.append((words["transitions"].format(column=column), dynamics.by_period, ""))
    return tables


def _target_tables(run: Any, words: dict[str, str]) -> list[tuple[str, pd.DataFrame, str]]:
    if run is None:
        return []
    tables = []
    parts = [part for part in (run.regions, run.gaps) if part is not None]
    if parts:
        tables.append((words["attainment"], pd.concat(parts, ignore_index=True),
                       "attainment.csv"))
    if run.book is not None:
        tables.append((words["taskbook"], run.book.items, "taskbook.csv"))
        if run.book.by_group is not None:
            tables.append((words["taskbook_groups"], run.book.by_group, ""))
    if run.composite is not None:
        tables.append((words["composite"], run.composite.to_frame(), "composite.csv"))
    return tables


def column_labels(config: RunConfig) -> dict[str, str]:
    """Header labels the study gives: indicator labels, layer labels of choropleths, gaps."""
    from geodisparity.pipeline_report import GAP_HEADERS, GAP_HEADERS_ZH

    labels = dict(GAP_HEADERS_ZH if config.lang == "zh" else GAP_HEADERS)
    labels.pop("year", None)  # "year" is also a column of other tables: keep it plain
    for entry in config.indicators:
        if entry.indicator.label is not None:
            labels[entry.name] = entry.indicator.label_in(config.lang)
    return labels


def _rows(frame: pd.DataFrame, labels: dict[str, str]) -> list[list[object]]:
    header = [labels.get(str(column), str(column)) for column in frame.columns]
    if not len(frame.columns):
        return [header, *([] for _ in range(len(frame)))]
    columns = [_column_cells(column) for _, column in frame.items()]
    return [header, *(list(row) for row in zip(*columns, strict=True))]


def _column_cells(column: pd.Series) -> list[object]:
    """Return the cells of one column as :func:`_cell` makes them, a numpy column at a time."""
    kind = column.dtype.kind if isinstance(column.dtype, np.dtype) else None
    if kind in ("b", "i", "u"):
        return column.to_numpy().tolist()
    if kind == "f":  # NaN is the one float not equal to itself
        return [None if v != v else v for v in column.to_numpy().tolist()]
    return [v if type(v) is str else _cell(v) for v in column.tolist()]


def _cell(value: object) -> object:
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float | np.floating) and np.isnan(value):
        return None
    if isinstance(value, np.generic):
        return value.item()
    return value if isinstance(value, bool | int | float | str) else str(value)


def write_reuse_outputs(config: RunConfig, result: _Analysis, staged: dict[str, Path]) -> None:
    """Write ``regions.gpkg`` and ``tables.xlsx`` to their staged paths."""
    from geodisparity._gpkg import write_gpkg
    from geodisparity._xlsx import write_xlsx

    write_gpkg(staged["geopackage"], _geopackage(result), layer="regions")
    words = WORDS.get(config.lang, WORDS["en"])
    tables = run_tables(config, result)
    names = sheet_names([words["contents"], *(title for title, _, _ in tables)])
    contents = pd.DataFrame({words["sheet"]: names[1:],
                             words["table"]: [title for title, _, _ in tables],
                             words["file"]: [file for _, _, file in tables]})
    labels = column_labels(config)
    sheets = [(names[0], _rows(contents, {}))]
    sheets += [(name, _rows(frame, labels)) for name, (_, frame, _) in zip(
        names[1:], tables, strict=True)]
    write_xlsx(staged["tables"], sheets)


def _geopackage(result: _Analysis) -> Any:
    """Return the analysis year's regions: every computed column, geometry, safe names."""
    import geopandas as gpd

    current = result.current
    geometry = current.geometry.name
    computed = result.cluster_table.reindex(current.index)
    frame = pd.concat([pd.DataFrame(current.drop(columns=[geometry])),
                       computed.drop(columns=[c for c in computed if c in current])], axis=1)
    frame = frame.reset_index(drop=True)
    frame.columns = gpkg_column_names(frame.columns)
    for column in frame.columns:  # mixed objects (True/None, lists) as text
        values = frame[column]
        if values.dtype == object and not values.map(lambda v: v is None or isinstance(
                v, str)).all():
            frame[column] = values.map(lambda v: None if _cell(v) is None else str(v))
    return gpd.GeoDataFrame(frame, geometry=current.geometry.to_numpy(), crs=current.crs)
