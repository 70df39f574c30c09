"""The rasters stage of ``geodisparity run``: ``[[rasters]]`` entries become columns.

Called by :mod:`geodisparity.pipeline` through three small hooks:
:func:`raster_inputs` (the files, checked to exist and protected from being
overwritten), :func:`add_raster_columns` (zonal statistics of each raster over
the regions, added to the joined table before the derived indicators, so that
the new columns feed the maps, gaps, clusters and report like any column) and
:func:`raster_sections` (a paragraph of the report saying where each column
came from). The stage does nothing when the study file has no ``[[rasters]]``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from geodisparity.config import ConfigError, RunConfig
from geodisparity.config_rasters import RasterEntry
from geodisparity.errors import format_rows
from geodisparity.i18n import LANGUAGES, words

if TYPE_CHECKING:  # pragma: no cover
    from geodisparity.report import Section

__all__ = ["RasterRun", "raster_inputs", "add_raster_columns", "raster_sections"]

logger = logging.getLogger(__name__)

#: The section's words by language (from :mod:`geodisparity.i18n`).
WORDS = {lang: words("rasters", lang) for lang in LANGUAGES}


@dataclass(frozen=True)
class RasterRun:
    """What the rasters stage computed: one row per entry, and the regions left without a value.

    Attributes
    ----------
    table : DataFrame
        ``column``, ``source`` (statistic, file, band, weights), ``regions``
        (with a value) and ``crs`` (the raster's) per ``[[rasters]]`` entry.
    missing : dict
        Column -> ids of the regions with no valid cell.
    entries : tuple of RasterEntry
        The ``[[rasters]]`` entries, for labels and units.
    """

    table: pd.DataFrame
    missing: dict[str, list[Any]]
    entries: tuple[RasterEntry, ...] = ()


def raster_inputs(config: RunConfig) -> dict[str, Path]:
    """Return ``{"rasters[1].path": file, ...}``: every raster file the run reads."""
    files = {}
    for number, entry in enumerate(config.rasters, start=1):
        files[f"rasters[{number}].path"] = config.resolve(entry.path)
        if entry.weights is not None:
            files[f"rasters[{number}].weights"] = config.resolve(entry.weights)
    return files


def add_raster_columns(joined: Any, config: RunConfig) -> tuple[Any, RasterRun | None]:
    """Add one column per ``[[rasters]]`` entry to the joined table (every year's rows).

    The statistics are computed once per region (its geometry in the boundary
    file) and copied to each of its rows.
    """
    if not config.rasters:
        return joined, None
    key = config.boundaries.key
    regions = joined.drop_duplicates(subset=key).set_index(key)
    regions = regions[[regions.geometry.name]]
    result, rows, missing = joined.copy(), [], {}
    moved = None
    for entry in config.rasters:
        _check_name(entry, result)
        if entry.gcj02 and moved is None:
            from geodisparity.gcj02 import gcj02_to_wgs84

            moved = gcj02_to_wgs84(regions)
        values, crs = _zonal(moved if entry.gcj02 else regions, entry, config)
        result[entry.name] = result[key].map(values).to_numpy(dtype=float)
        empty = values.index[values.isna()]
        if len(empty):
            missing[entry.name] = list(empty)
            logger.warning("[[rasters]] %r: no valid cell in %d regions: %s", entry.name,
                           len(empty), format_rows(empty))
        rows.append({"column": entry.name, "source": entry.describe(),
                     "regions": int(values.notna().sum()), "crs": crs})
    return result, RasterRun(pd.DataFrame(rows), missing, config.rasters)


def _check_name(entry: RasterEntry, frame: Any) -> None:
    if entry.name in frame.columns:
        raise ConfigError(
            f"[[rasters]] {entry.name!r} has the name of a column of the joined table; "
            f"choose another name so that it does not replace that column"
        )


def _zonal(regions: Any, entry: RasterEntry, config: RunConfig) -> tuple[pd.Series, str]:
    """One statistic of one raster over the regions, and the raster's CRS for the report."""
    from geodisparity import zonal_stats

    weights = None if entry.weights is None else str(config.resolve(entry.weights))
    frame = zonal_stats(regions, str(config.resolve(entry.path)), stats=(entry.statistic,),
                        band=entry.band, weights=weights, crs=entry.crs)
    crs = frame.attrs.get("crs", entry.crs or "")
    return frame[entry.statistic].astype(float), str(crs)


def raster_sections(run: RasterRun | None, lang: str) -> list[Section]:
    """Return the report's section on the raster columns (none without ``[[rasters]]``)."""
    if run is None:
        return []
    from geodisparity.report import Section, Table

    words = WORDS.get(lang, WORDS["en"])
    paragraphs = [words["intro"]]
    paragraphs += [words["missing"].format(column=column, n=len(ids), rows=format_rows(ids))
                   for column, ids in run.missing.items()]
    labels = {entry.name: entry.label_in(lang) for entry in run.entries}
    table = run.table.assign(label=run.table["column"].map(labels).fillna(run.table["column"]))
    table = table[["column", "label", "source", "regions", "crs"]]
    table = table.rename(columns={c: words[c] for c in table.columns})
    return [Section(words["title"], paragraphs, [Table.from_frame(table)])]
