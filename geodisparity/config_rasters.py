"""Study-file section ``[[rasters]]``: indicators computed from rasters by zonal statistics.

Each entry names a raster file (GeoTIFF, netCDF, anything GDAL reads), the
statistic of its cells over each region and the name of the new column; the
pipeline (:mod:`geodisparity.pipeline_rasters`) adds that column to the joined
table before the derived indicators, so that it feeds the same maps, gap
statistics, clusters, targets and report as a column of the table. Kept apart
from :mod:`geodisparity.config`, which calls :func:`read_rasters` with its own
key-path-aware reader; the keys are declared in :data:`RASTERS` (the study-file
schema of :mod:`geodisparity.config_schema`), from which the reference page is
generated.

Examples
--------
>>> from geodisparity.config import parse_config
>>> cfg = parse_config({
...     "boundaries": {"source": "zhejiang/counties", "key": "adcode"},
...     "table": {"path": "t.csv", "key": "adcode"},
...     "analysis": {"income": "income"},
...     "rasters": [{"path": "dem.nc", "name": "elevation", "crs": "EPSG:4326",
...                  "label": "Mean elevation", "unit": "m"}],
... })
>>> entry = cfg.rasters[0]
>>> entry.name, entry.statistic, entry.band, entry.crs
('elevation', 'mean', 1, 'EPSG:4326')
>>> cfg.indicators[-1].indicator  # label and unit travel with the column
Indicator('elevation', label='Mean elevation', unit='m')
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from geodisparity.config_schema import REQUIRED, Key, Range, Section
from geodisparity.indicators import Indicator

if TYPE_CHECKING:  # pragma: no cover
    from geodisparity.config import _Reader as Reader

__all__ = ["RasterEntry", "RASTERS", "STATISTICS", "read_rasters", "raster_indicators"]

#: Statistics a ``[[rasters]]`` entry may ask for; ``range`` is max - min.
STATISTICS = ("mean", "sum", "min", "max", "range", "std", "count", "majority")
#: Statistics that a weights raster changes into what residents experience.
WEIGHTED = ("mean", "std")

RASTERS = Section("rasters", "Rasters (zonal statistics)", array=True, description=(
    "Indicators computed from rasters: each entry adds a column holding a statistic of the "
    "raster's cells over each region (partial cells count by the share of them inside the "
    "region; nodata, netCDF fill values and NaN are left out). The regions are reprojected to "
    "the raster's CRS; the raster is not resampled. The column is then used like a column of "
    "the table: in [analysis], [clusters], [[layers]], [[indicators]] expressions and "
    "[composite]."), keys=(
    Key("path", "text", default=REQUIRED, example="data/dem.tif",
        description="The raster: GeoTIFF, netCDF or any file GDAL reads, relative to the "
                    "study file."),
    Key("name", "text", default=REQUIRED, example="elevation_mean",
        description="Name of the new column (must not be a column of the table)."),
    Key("statistic", "text", default="mean", choices=STATISTICS, example="std",
        description="Statistic of the cells over each region: mean, sum, min, max, range "
                    "(max - min), std, count (cells, by covered share) or majority (most "
                    "common value)."),
    Key("band", "whole number", default=1, range=Range(1), example=2,
        description="Band of the raster (1 is the first)."),
    Key("weights", "text", example="data/population.tif",
        description="A second raster of weights (e.g. gridded population) for a weighted "
                    "mean or std: the value that residents experience. It must be on the same "
                    "grid as `path`."),
    Key("crs", "text", example="EPSG:4326",
        description="CRS of a raster that declares none (netCDF files often do not); a raster "
                    "with no CRS is refused without it."),
    Key("gcj02", "true or false", default=False, example=True,
        description="The boundaries are in GCJ-02 (AMap, Tencent; the bundled Chinese layers): "
                    "move them to WGS 84 (`gd.gcj02_to_wgs84`) before overlaying this raster. "
                    "The offset is about 0.5 km in eastern China: it matters for rasters finer "
                    "than about 1 km, not for coarser ones."),
    Key("label", "text or table {en, zh}", example={"en": "Mean elevation", "zh": "平均海拔"},
        description="Label of the column in maps and reports: text, or one per language."),
    Key("unit", "text", example="m", description="Unit shown after values."),
))


@dataclass(frozen=True)
class RasterEntry:
    """One ``[[rasters]]`` entry: which statistic of which raster makes which column."""

    name: str
    path: str
    statistic: str = "mean"
    band: int = 1
    weights: str | None = None
    crs: str | None = None
    gcj02: bool = False
    label: str | dict[str, str] | None = None
    unit: str | None = None

    def label_in(self, lang: str) -> str:
        """Return the label in ``lang`` (else English, else the column name)."""
        if isinstance(self.label, dict):
            return self.label.get(lang) or self.label.get("en") or self.name
        return self.label or self.name

    def describe(self) -> str:
        """How the column is computed, for the report: ``mean of dem.nc (band 2)``."""
        from pathlib import PurePath

        parts = [f"{self.statistic} of {PurePath(self.path).name}"]
        if self.band != 1:
            parts.append(f"band {self.band}")
        if self.weights:
            parts.append(f"weighted by {PurePath(self.weights).name}")
        if self.crs:
            parts.append(f"CRS {self.crs} given in the study file")
        if self.gcj02:
            parts.append("boundaries moved from GCJ-02 to WGS 84")
        return parts[0] + (f" ({', '.join(parts[1:])})" if len(parts) > 1 else "")


def read_rasters(reader: Reader) -> tuple[RasterEntry, ...]:
    """Read every ``[[rasters]]`` entry, checked against :data:`RASTERS`."""
    entries = []
    for where, _, values in reader.items(RASTERS):
        for key in ("name", "path"):
            if not values[key].strip():
                raise reader.fail(f"{where}.{key} = {values[key]!r} must not be empty")
        if isinstance(values["label"], dict):
            _check_label(reader, values["label"], f"{where}.label")
        if values["weights"] is not None and values["statistic"] not in WEIGHTED:
            raise reader.fail(f"{where}.weights weights the mean or std of the cells; "
                              f"statistic = {values['statistic']!r} does not use weights: "
                              f"set statistic = \"mean\" or \"std\", or remove weights")
        entries.append(RasterEntry(**values))
    names = [entry.name for entry in entries]
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise reader.fail(f"[[rasters]] makes the column {repeated[0]!r} twice; give each "
                          f"entry its own name")
    return tuple(entries)


def _check_label(reader: Reader, label: dict[str, Any], where: str) -> None:
    unknown = sorted(set(label) - {"en", "zh"})
    if unknown:
        raise reader.fail(f"unknown key {where}.{unknown[0]}; accepted here: en, zh")
    for lang, text in label.items():
        if not isinstance(text, str):
            raise reader.fail(f"{where}.{lang} = {text!r} must be text")


def raster_indicators(rasters: tuple[RasterEntry, ...], described: set[str]) -> tuple[Any, ...]:
    """Describe each raster column as an ``[[indicators]]`` entry (label, unit), once.

    Columns already described by an ``[[indicators]]`` entry (``described``),
    for instance to give them a target, keep that entry.
    """
    from geodisparity.config import IndicatorEntry

    return tuple(
        IndicatorEntry(entry.name, None, Indicator(entry.name, label=entry.label,
                                                   unit=entry.unit))
        for entry in rasters if entry.name not in described
    )
