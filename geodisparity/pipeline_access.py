"""The accessibility stage of ``geodisparity run``: the ``[access]`` score as a column.

Called by :mod:`geodisparity.pipeline` through small hooks:
:func:`access_inputs` (files read, checked and protected from overwriting),
:func:`add_access` (the column, added to the joined table before indicators
are derived, so that it feeds maps, clusters, indicators and targets),
:func:`access_layers` (its atlas map) and :func:`access_sections` (a report
section with its spread between regions). The stage does nothing without an
``[access]`` section.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from geodisparity.config import ConfigError, RunConfig
from geodisparity.config_access import AccessConfig
from geodisparity.errors import InputError, MissingColumnError, format_rows
from geodisparity.i18n import LANGUAGES, words
from geodisparity.pipeline_labels import Labels

__all__ = ["AccessRun", "access_inputs", "add_access", "access_layers", "access_sections",
           "read_points"]

logger = logging.getLogger(__name__)

_GEO_SUFFIXES = (".gpkg", ".geojson", ".json", ".shp", ".fgb", ".zip", ".parquet",
                 ".geoparquet")


@dataclass(frozen=True)
class AccessRun:
    """What the accessibility stage computed, for the report.

    Attributes
    ----------
    config : AccessConfig
        The ``[access]`` section.
    facilities : int
        Facilities read.
    capacity : float
        Their total capacity.
    population : str or None
        Column of the regions' population that weights the spread of the scores.
    """

    config: AccessConfig
    facilities: int
    capacity: float
    population: str | None


def access_inputs(config: RunConfig) -> dict[str, Path]:
    """Return the files ``[access]`` reads, by key path (none without the section)."""
    a = config.access
    if a is None:
        return {}
    files = {"access.facilities": config.resolve(a.facilities)}
    if a.demand != "regions":
        files["access.demand"] = config.resolve(a.demand)
    return files


def read_points(path: Path, *, x: str, y: str, crs: str, what: str) -> Any:
    r"""Read points: a vector file, or a table with coordinate columns ``x`` and ``y``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> table = pathlib.Path(tempfile.mkdtemp()) / "clinics.csv"
    >>> _ = table.write_text("name,lon,lat,beds\nA,120.1,30.2,40\n", encoding="utf-8")
    >>> read_points(table, x="lon", y="lat", crs="EPSG:4326", what="facilities").geometry[0].wkt
    'POINT (120.1 30.2)'
    """
    import geopandas as gpd

    from geodisparity import read_table

    if path.suffix.lower() in _GEO_SUFFIXES and not _plain_parquet(path):
        frame = gpd.read_parquet(path) if path.suffix.lower() in (".parquet", ".geoparquet") \
            else gpd.read_file(path)
        return frame if frame.crs is not None else frame.set_crs(crs)
    table = read_table(path)
    _require(table, [x, y], f"{what} ({path.name}), coordinate columns access.x and access.y")
    coordinates = table[[x, y]].apply(pd.to_numeric, errors="coerce")
    missing = coordinates.isna().any(axis=1).to_numpy()
    if missing.any():
        raise InputError(f"{what} ({path.name}): {int(missing.sum())} rows have no numeric "
                         f"{x}/{y} coordinates: rows {format_rows(table.index[missing] + 2)} "
                         f"of the file")
    return gpd.GeoDataFrame(table, geometry=gpd.points_from_xy(coordinates[x], coordinates[y]),
                            crs=crs)


def _plain_parquet(path: Path) -> bool:
    """Whether a Parquet file is a plain table (no GeoParquet metadata)."""
    if path.suffix.lower() not in (".parquet", ".geoparquet"):
        return False
    import pyarrow.parquet as pq

    return b"geo" not in (pq.read_schema(path).metadata or {})


def add_access(joined: Any, config: RunConfig) -> tuple[Any, AccessRun | None]:
    """Add the ``[access]`` score as a column of the joined table (each year its own)."""
    from geodisparity import access_by_region, accessibility

    a = config.access
    if a is None:
        return joined, None
    if a.name in joined.columns:
        raise ConfigError(f"access.name = {a.name!r} is already a column of the joined table; "
                          f"choose another name for the accessibility score")
    facilities = read_points(config.resolve(a.facilities), x=a.x, y=a.y, crs=a.crs,
                             what="access.facilities")
    _require(facilities, [a.capacity], "access.capacity")
    options = {"capacity": a.capacity, "method": a.method, "catchment": a.catchment,
               "decay": a.decay(), "per": a.per}
    result = joined.copy()
    if a.demand == "regions":
        population = a.population or config.analysis.population
        _require(joined, [population], "access.population")
        scores = _by_year(joined, facilities, population, config, options)
    else:
        points = read_points(config.resolve(a.demand), x=a.x, y=a.y, crs=a.crs,
                             what="access.demand")
        _require(points, [a.population], "access.population")
        points["access"] = accessibility(points, facilities, population=a.population, **options)
        key = config.boundaries.key
        regions = joined.drop_duplicates(key)
        by_region = access_by_region(points, regions, population=a.population)
        scores = joined[key].map(pd.Series(by_region.to_numpy(), index=regions[key])).to_numpy()
    result[a.name] = scores
    capacity = float(pd.to_numeric(facilities[a.capacity], errors="coerce").sum())
    weights = a.population if a.demand == "regions" else config.analysis.population
    return result, AccessRun(a, len(facilities), capacity, weights)


def _by_year(joined: Any, facilities: Any, population: str, config: RunConfig,
             options: dict[str, Any]) -> np.ndarray:
    """Score the regions (by their centroids) against the facilities, year by year."""
    import shapely

    from geodisparity import accessibility

    scores = np.full(len(joined), np.nan)
    year = config.table.year
    groups = joined.groupby(year).indices if year else {None: np.arange(len(joined))}
    located = ~np.asarray(shapely.is_missing(joined.geometry.values)
                          | shapely.is_empty(joined.geometry.values))
    known = joined[population].notna().to_numpy() & located
    for when, positions in groups.items():
        usable = positions[known[positions]]
        left_out = positions[~known[positions]]
        if len(left_out):
            logger.warning("access: %d regions%s have no population or no geometry; their "
                           "score is missing and they do not count as demand: %s",
                           len(left_out), "" if when is None else f" in {when}",
                           format_rows(joined[config.boundaries.key].iloc[left_out]))
        rows = joined.iloc[usable]
        scores[usable] = accessibility(rows, facilities, population=population,
                                       **options).to_numpy()
    return scores


def _require(frame: Any, columns: list[str], what: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise MissingColumnError(f"{what}: {', '.join(map(repr, missing))} is not a column; "
                                 f"columns are: {format_rows(map(str, frame.columns), limit=20)}")


def access_layers(config: RunConfig, year: int | None) -> list[dict[str, Any]]:
    """Return the atlas map of the score (none with ``layer = false`` or a [[layers]] entry)."""
    a = config.access
    if a is None or not a.layer or any(layer.column == a.name for layer in config.layers):
        return []
    label = Labels(config.lang).with_year(a.label_in(config.lang), year)
    return [{"column": a.name, "kind": "choropleth", "scheme": "quantiles", "k": 5,
             "label": label, "unit": a.unit}]


def _access_words(lang: str) -> dict[str, Any]:
    """Return the section's words (from :mod:`geodisparity.i18n`), methods and rows grouped."""
    found: dict[str, Any] = words("access", lang)
    found["methods"] = {m: found.pop(f"method_{m}") for m in ("2sfca", "e2sfca")}
    found["rows"] = tuple(found.pop(f"row_{i}") for i in range(1, 8))
    return found


WORDS = {lang: _access_words(lang) for lang in LANGUAGES}


def access_sections(config: RunConfig, run: AccessRun | None, current: Any,
                    year: int | None) -> list[Any]:
    """Return the report section: how the score was computed, how unequal between regions."""
    from geodisparity.report import Section, Table

    if run is None:
        return []
    a, words = run.config, WORDS.get(config.lang, WORDS["en"])
    label = a.label_in(config.lang)
    method = f"{a.method.upper()}, {words['methods'][a.method]}"
    if a.method == "e2sfca" and a.decay_kind == "gaussian":
        method += words["gaussian"]
    how = words["how"].format(
        label=label, method=method, catchment=f"{a.catchment:,.0f}",
        facilities=f"{run.facilities:,}", capacity=f"{run.capacity:,.6g}",
        demand=words["regions" if a.demand == "regions" else "points"], per=f"{a.per:,g}")
    table = pd.DataFrame({words["statistic"]: words["rows"],
                          words["value"]: _spread(current, a.name, run.population)})
    caption = words["caption"].format(label=label, year=year)
    if year is None:
        caption = caption.replace(" (None)", "").replace("（None）", "")
    return [Section(words["title"], [how], [Table.from_frame(table, caption=caption)])]


def _spread(current: Any, column: str, population: str | None) -> list[Any]:
    """Regions, weighted mean, min, max, max/min, weighted Gini, share of people at 0."""
    from geodisparity import gini

    values = pd.to_numeric(current[column], errors="coerce").to_numpy(dtype=float)
    weights = (np.ones(len(values)) if population is None or population not in current
               else pd.to_numeric(current[population], errors="coerce").to_numpy(dtype=float))
    keep = np.isfinite(values) & np.isfinite(weights)
    values, weights = values[keep], weights[keep]
    if len(values) == 0 or weights.sum() <= 0:
        return [len(values)] + [np.nan] * 6
    low, high = values.min(), values.max()
    return [len(values), float(np.average(values, weights=weights)), low, high,
            high / low if low > 0 else np.nan,
            gini(values, weights) if values.sum() > 0 else np.nan,
            float(weights[values == 0].sum() / weights.sum())]
