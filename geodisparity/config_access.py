"""Study-file section ``[access]``: accessibility of facilities as a column of the regions.

The section names a file of facilities with a capacity column and how people
reach them (two-step floating catchment, see :func:`geodisparity.accessibility`);
the run adds the score as a column of the joined table, which then feeds the
atlas, ``regions.csv``, ``clusters.columns``, ``[[indicators]]`` and targets
like any other column. Kept apart from :mod:`geodisparity.config`, which lists
:data:`ACCESS` in its schema and calls :func:`read_access`.

Examples
--------
>>> from geodisparity.config import parse_config
>>> cfg = parse_config({
...     "boundaries": {"source": "zhejiang/counties", "key": "adcode"},
...     "table": {"path": "t.csv", "key": "adcode"},
...     "analysis": {"income": "income", "population": "population"},
...     "access": {"facilities": "hospitals.gpkg", "capacity": "beds", "catchment": 30000,
...                "method": "e2sfca", "per": 1000},
... })
>>> cfg.access.decay()
((10000.0, 1.0), (20000.0, 0.68), (30000.0, 0.22))
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from geodisparity.config_schema import REQUIRED, Key, Range, Section

if TYPE_CHECKING:  # pragma: no cover
    from geodisparity.config import RunConfig
    from geodisparity.config import _Reader as Reader

__all__ = ["ACCESS", "AccessConfig", "read_access", "check_access"]

_POSITIVE = Range(0, low_open=True)

ACCESS = Section("access", "Accessibility of services", description=(
    "Access to facilities (hospital beds, doctors, school places) by the two-step floating "
    "catchment method (2SFCA, Luo & Wang 2003; enhanced, Luo & Qi 2009): each facility's "
    "capacity is shared among the people within its catchment, and each place scores the "
    "shares of the facilities within its reach. Distances are straight lines in metres, in a "
    "projection fitted to the data. The score becomes a column of the regions (`name`), mapped "
    "in the atlas and usable in `clusters.columns`, [[indicators]] and targets."), keys=(
    Key("facilities", "text", default=REQUIRED, example="data/hospitals.gpkg",
        description="File of facility points (.gpkg, .geojson, .shp, .parquet), or a table "
                    "(.csv, .xlsx) with coordinate columns `x` and `y`; relative to the study "
                    "file."),
    Key("capacity", "text", default=REQUIRED, example="beds",
        description="Column of the facilities' capacity (0 or more)."),
    Key("x", "text", default="lon", example="longitude",
        description="Column of x coordinates (longitude) of a facilities or demand table."),
    Key("y", "text", default="lat", example="latitude",
        description="Column of y coordinates (latitude) of a facilities or demand table."),
    Key("crs", "text", default="EPSG:4326", example="EPSG:4490",
        description="CRS of the coordinates of a table, or of a file that declares none."),
    Key("demand", "text", default="regions", example="data/population_points.gpkg",
        description="Where people live: `regions` (each region's centroid, with its "
                    "population) or a file of population points, whose scores are averaged "
                    "per region, weighted by population."),
    Key("population", "text", example="pop",
        description="Population column: of the joined table with `demand = \"regions\"` "
                    "(default: `analysis.population`; each year its own), of the demand file "
                    "otherwise (required there)."),
    Key("method", "text", default="2sfca", choices=("2sfca", "e2sfca"), example="e2sfca",
        description="2sfca: everyone within the catchment alike (Luo & Wang 2003); e2sfca: "
                    "weights falling with distance (Luo & Qi 2009)."),
    Key("catchment", "number", default=REQUIRED, range=_POSITIVE, example=30000,
        description="How far a catchment reaches, in metres; nothing beyond counts."),
    Key("decay", "text", default="bands", choices=("bands", "gaussian"), example="gaussian",
        description="With e2sfca: `bands` (weights by distance band) or `gaussian` (Dai "
                    "2010: 1 at the facility, falling to 0 at the catchment's edge)."),
    Key("bands", "list of numbers", range=_POSITIVE, example=[10000, 20000],
        description="With e2sfca bands: distances in metres where the weight changes, "
                    "increasing and below `catchment` (default: thirds of the catchment)."),
    Key("weights", "list of numbers", range=Range(0), example=[1.0, 0.68, 0.22],
        description="With e2sfca bands: the weight of each band, one more than `bands` "
                    "(default: Luo & Qi's 1, 0.68, 0.22)."),
    Key("per", "number", default=1, range=_POSITIVE, example=1000,
        description="Scores per this many people (1000: beds per 1,000 residents)."),
    Key("name", "text", default="access", example="beds_access",
        description="Name of the column added to the regions (must not be a column already)."),
    Key("label", "text or table {en, zh}",
        example={"en": "Access to hospital beds", "zh": "医院床位可达性"},
        description="Label of its map layer: text, or one per language."),
    Key("unit", "text", example="beds per 1,000", description="Unit shown after values."),
    Key("layer", "true or false", default=True, example=False,
        description="Add a map of the score to the atlas."),
))


@dataclass(frozen=True)
class AccessConfig:
    """The ``[access]`` section, checked (see :data:`ACCESS` for each key)."""

    facilities: str
    capacity: str
    catchment: float
    x: str = "lon"
    y: str = "lat"
    crs: str = "EPSG:4326"
    demand: str = "regions"
    population: str | None = None
    method: str = "2sfca"
    decay_kind: str = "bands"
    bands: tuple[float, ...] | None = None
    weights: tuple[float, ...] | None = None
    per: float = 1.0
    name: str = "access"
    label: str | dict[str, str] | None = None
    unit: str | None = None
    layer: bool = True

    def decay(self) -> str | tuple[tuple[float, float], ...] | None:
        """Return the ``decay=`` argument of :func:`geodisparity.accessibility`."""
        from geodisparity.access.fca import LUO_QI_WEIGHTS

        if self.method == "2sfca":
            return None
        if self.decay_kind == "gaussian":
            return "gaussian"
        c = self.catchment
        bands = self.bands if self.bands is not None else (c / 3, 2 * c / 3)
        weights = self.weights if self.weights is not None else LUO_QI_WEIGHTS
        return tuple(zip((*map(float, bands), float(c)), map(float, weights), strict=True))

    def label_in(self, lang: str) -> str:
        """Return the label in ``lang`` (else English, else the column name)."""
        if isinstance(self.label, dict):
            return self.label.get(lang) or self.label.get("en") or self.name
        return self.label or self.name


def read_access(reader: Reader) -> AccessConfig | None:
    """Read ``[access]`` (None when the study file has no such section)."""
    if "access" not in reader.raw:
        return None
    values = reader.section(ACCESS)
    raw = reader.table("access")
    w = "access"
    if values["method"] == "2sfca":
        given = [key for key in ("decay", "bands", "weights") if key in raw]
        if given:
            raise reader.fail(f"{w}.{given[0]} is for method = \"e2sfca\"; the original 2SFCA "
                              f"weighs everyone within the catchment alike")
    bands, weights = values["bands"], values["weights"]
    _check_bands(reader, bands, weights, values["catchment"], values["decay"])
    label = values["label"]
    if isinstance(label, dict) and (set(label) - {"en", "zh"}
                                    or not all(isinstance(t, str) for t in label.values())):
        raise reader.fail(f"{w}.label = {label!r}: give text, or {{ en = ..., zh = ... }}")
    if not values["name"].strip():
        raise reader.fail(f"{w}.name = {values['name']!r} must not be empty")
    return AccessConfig(
        facilities=values["facilities"], capacity=values["capacity"],
        catchment=float(values["catchment"]), x=values["x"], y=values["y"], crs=values["crs"],
        demand=values["demand"], population=values["population"], method=values["method"],
        decay_kind=values["decay"],
        bands=None if bands is None else tuple(float(b) for b in bands),
        weights=None if weights is None else tuple(float(v) for v in weights),
        per=float(values["per"]), name=values["name"], label=label, unit=values["unit"],
        layer=values["layer"],
    )


def _check_bands(reader: Reader, bands: list[float] | None, weights: list[float] | None,
                 catchment: float, decay: str) -> None:
    if decay == "gaussian" and (bands is not None or weights is not None):
        raise reader.fail("access.bands and access.weights are for decay = \"bands\", not "
                          "\"gaussian\"")
    count = 2 if bands is None else len(bands)
    if bands is not None and (sorted(set(bands)) != bands or bands[-1] >= catchment):
        raise reader.fail(f"access.bands = {bands!r} must increase and stay below "
                          f"access.catchment = {catchment!r}")
    if weights is not None and len(weights) != count + 1:
        raise reader.fail(f"access.weights = {weights!r} needs {count + 1} weights, one per band "
                          f"({count} band limits and the catchment)")
    if bands is not None and weights is None and len(bands) != 2:
        raise reader.fail(f"access.bands = {bands!r}: give access.weights too (the default "
                          f"weights are for 3 bands)")


def check_access(config: RunConfig, reader: Reader) -> None:
    """Check that the population of ``[access]`` is known."""
    a = config.access
    if a is None or a.population is not None:
        return
    if a.demand != "regions":
        raise reader.fail(f"access.demand = {a.demand!r} is a file: name its population column "
                          f"with access.population")
    if config.analysis.population is None:
        raise reader.fail("[access] needs a population: set access.population or "
                          "analysis.population to a column of the table")
