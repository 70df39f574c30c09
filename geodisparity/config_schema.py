"""The study-file schema: every key of every section, with its type, default and limits.

The readers in :mod:`geodisparity.config` check a study file against these
tables (unknown keys, types, allowed values, ranges), and the reference page
``docs/study-file.md`` and ``geodisparity keys`` are generated from them, so
the documentation cannot drift from what the reader accepts.

A section module declares its keys in one :class:`Section` and lists that
section in :data:`geodisparity.config.STUDY_FILE` (one line)::

    ACCESS = Section("access", "Accessibility (2SFCA)", keys=(
        Key("supply", "text", example="doctors", description="Column of ..."),
        Key("radius", "number", default=30.0, range=Range(low=0, low_open=True), ...),
    ))

and reads it with ``reader.section(ACCESS)`` (a dict of every key, defaults
filled in, already checked).

Examples
--------
>>> from geodisparity.config_schema import Key, Range, Section
>>> alpha = Key("alpha", "number", default=0.05, range=Range(0, 1, low_open=True, high_open=True))
>>> clusters = Section("clusters", "Clusters", keys=(alpha,))
>>> clusters.check({"alpha": 0.1}, "clusters")
{'alpha': 0.1}
>>> clusters.check({"alpha": 1.5}, "clusters")
Traceback (most recent call last):
...
geodisparity.config_schema.SchemaError: clusters.alpha = 1.5 must be greater than 0 and less than 1
>>> clusters.check({"alhpa": 0.1}, "clusters")
Traceback (most recent call last):
...
geodisparity.config_schema.SchemaError: unknown key clusters.alhpa; accepted here: alpha
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from geodisparity._limits import MAX_PERMUTATIONS
from geodisparity.errors import GeodisparityError

__all__ = ["REQUIRED", "KINDS", "Key", "Range", "Section", "SchemaError", "toml_value",
           "TOP", "BOUNDARIES", "TABLE", "ANALYSIS", "CLUSTERS", "INDICATORS", "LAYERS",
           "TARGETS", "ATTAINMENT", "COMPOSITE", "CORE_SECTIONS"]


class SchemaError(GeodisparityError, ValueError):
    """A value does not fit its key's declaration (the readers add the file name)."""


class _Required:
    """Marker of a key without default: the file must give it."""

    def __repr__(self) -> str:
        return "REQUIRED"


REQUIRED: Any = _Required()


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _texts(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


#: The value types a key may declare, each with the test a value must pass.
KINDS: dict[str, Callable[[Any], bool]] = {
    "text": lambda value: isinstance(value, str),
    "whole number": _whole,
    "number": _number,
    "true or false": lambda value: isinstance(value, bool),
    "list of text": _texts,
    "text or list of text": lambda value: isinstance(value, str) or _texts(value),
    "list of numbers": lambda value: isinstance(value, list) and all(map(_number, value)),
    "number or text": lambda value: _number(value) or isinstance(value, str),
    "text or table {en, zh}": lambda value: isinstance(value, str | dict),
}


@dataclass(frozen=True)
class Range:
    """Limits of a numeric key: ``low <= value <= high`` (``<`` where open)."""

    low: float | None = None
    high: float | None = None
    low_open: bool = False
    high_open: bool = False

    def contains(self, value: float) -> bool:
        """Whether ``value`` is inside the limits."""
        above = self.low is None or (value > self.low if self.low_open else value >= self.low)
        below = self.high is None or (value < self.high if self.high_open else value <= self.high)
        return above and below

    def __str__(self) -> str:
        parts = []
        if self.low is not None:
            parts.append(f"{'greater than' if self.low_open else 'at least'} {_num(self.low)}")
        if self.high is not None:
            parts.append(f"{'less than' if self.high_open else 'at most'} {_num(self.high)}")
        return " and ".join(parts)


def _num(value: float) -> str:
    return f"{value:,}" if isinstance(value, int) and abs(value) >= 10_000 else str(value)


@dataclass(frozen=True)
class Key:
    """One key of a study-file section.

    ``kind`` is one of :data:`KINDS`; ``default`` is :data:`REQUIRED` for a key
    the section must give, None for an optional key without default;
    ``choices`` lists the accepted values of a text key; ``range`` limits a
    numeric one; ``example`` is a value as it would be written in the file.
    """

    name: str
    kind: str
    default: Any = None
    choices: tuple[Any, ...] | None = None
    range: Range | None = None
    example: Any = None
    description: str = ""
    section: str = ""

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"key {self.name!r}: unknown kind {self.kind!r}; use one of "
                             f"{', '.join(KINDS)}")

    @property
    def required(self) -> bool:
        """Whether the section must give this key."""
        return self.default is REQUIRED

    @property
    def path(self) -> str:
        """``section.name`` (just ``name`` at the top level)."""
        return f"{self.section}.{self.name}" if self.section else self.name

    def check(self, value: Any, path: str) -> Any:
        """Return ``value`` if it fits the declaration, else raise a SchemaError naming ``path``."""
        if not KINDS[self.kind](value):
            raise SchemaError(f"{path} = {value!r} must be {_article(self.kind)}")
        if self.choices is not None and value not in self.choices:
            raise SchemaError(f"{path} = {value!r} is not accepted; use one of "
                              f"{', '.join(map(str, self.choices))}")
        if self.range is not None and _number(value) and not self.range.contains(value):
            raise SchemaError(f"{path} = {value!r} must be {self.range}")
        if isinstance(value, list) and self.range is not None:
            outside = [v for v in value if _number(v) and not self.range.contains(v)]
            if outside:
                raise SchemaError(f"{path} = {value!r}: {outside[0]!r} must be {self.range}")
        return value


def _article(kind: str) -> str:
    return kind if kind.startswith(("text", "true", "list")) else f"a {kind}"


@dataclass(frozen=True)
class Section:
    """A table (``[name]``) or array of tables (``[[name]]``) of the study file.

    ``name`` is empty for the top-level keys. ``check`` validates one table of
    the section and returns every key's value, defaults filled in.
    """

    name: str
    title: str
    keys: tuple[Key, ...] = field(default_factory=tuple)
    description: str = ""
    array: bool = False
    required: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "keys", tuple(replace(k, section=self.name) for k in self.keys))
        names = [k.name for k in self.keys]
        if len(set(names)) != len(names):
            raise ValueError(f"section {self.name!r} declares a key twice")

    @property
    def heading(self) -> str:
        """How the section is written in a file: ``[name]``, ``[[name]]`` or top level."""
        if not self.name:
            return "top level"
        return f"[[{self.name}]]" if self.array else f"[{self.name}]"

    def key(self, name: str) -> Key:
        """Return the key called ``name``."""
        return next(k for k in self.keys if k.name == name)

    def check(self, table: dict[str, Any], where: str, *,
              ignore: Iterable[str] = ()) -> dict[str, Any]:
        """Check one table of this section; return ``{key: value or default}``.

        ``where`` is its path in messages (``clusters``, ``layers[2]``); keys
        in ``ignore`` (sub-sections, read elsewhere) are accepted unchecked.
        """
        prefix = f"{where}." if where else ""
        allowed = {k.name for k in self.keys} | set(ignore)
        unknown = sorted(set(table) - allowed, key=str)
        if unknown:
            raise SchemaError(f"unknown key {prefix}{unknown[0]}; accepted here: "
                              f"{', '.join(sorted(allowed))}")
        values = {}
        for key in self.keys:
            if key.name in table:
                values[key.name] = key.check(table[key.name], prefix + key.name)
            elif key.required:
                raise SchemaError(f"{prefix}{key.name} is missing")
            else:
                values[key.name] = key.default
        return values


def toml_value(value: Any) -> str:
    """Write a value as TOML, for examples and defaults in the reference.

    Examples
    --------
    >>> toml_value({"en": "Income", "zh": "收入"}), toml_value([0.5, "a"]), toml_value(True)
    ('{ en = "Income", zh = "收入" }', '[0.5, "a"]', 'true')
    """
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        escaped = value.replace("\\", "\\\\").replace('"', '\\"')
        return f'"{escaped}"'
    if isinstance(value, list | tuple):
        return "[" + ", ".join(toml_value(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {toml_value(v)}" for k, v in value.items()) + " }"
    return repr(value)


# ------------------------------------------------------------------------ the sections

_SEED = 20261129
_COUNT = Range(0, MAX_PERMUTATIONS)
_SHARE = Range(0, 1, high_open=True)

TOP = Section("", "Top level", description="Keys before the first section.", keys=(
    Key("title", "text or table {en, zh}", default="Regional disparities",
        example="Zhejiang county disparities, 2019-2023",
        description="Title of the atlas and the report: text, or one per language "
                    "(default: \"Regional disparities\" in the study's language)."),
    Key("note", "text or table {en, zh}", example="Source: provincial statistical yearbooks.",
        description="A note shown under the title (the data source, a caveat): text, or one "
                    "per language."),
    Key("lang", "text", default="en", choices=("en", "zh"), example="zh",
        description="Language of the atlas, the report and the tables: en (English) or zh "
                    "(Chinese)."),
    Key("output", "text", default="out", example="../out/demo",
        description="Output folder, relative to the study file (`geodisparity run --output` "
                    "overrides it)."),
))

BOUNDARIES = Section("boundaries", "Region boundaries", required=True,
                     description="The regions: a bundled layer or a boundary file.", keys=(
    Key("source", "text", default=REQUIRED, example="zhejiang/counties",
        description="A bundled layer (`geodisparity boundaries` lists them) or a boundary file "
                    "(.gpkg, .shp, .zip, .geojson, .topojson, .parquet), relative to the study "
                    "file."),
    Key("key", "text", default=REQUIRED, example="adcode",
        description="Column of unique region ids."),
    Key("name", "text", example="name_en",
        description="Column of region names: labels in maps and reports, and the boundaries' "
                    "side of the name join (`table.names`)."),
    Key("layer", "text", example="counties",
        description="Layer to read from a file with several (GeoPackage, TopoJSON, zip)."),
    Key("encoding", "text", example="gbk",
        description="Text encoding of a shapefile's .dbf when its .cpg is missing or wrong."),
    Key("crs", "text", example="EPSG:4490",
        description="Coordinate reference system of a file that declares none."),
))

TABLE = Section("table", "Statistics table", description=(
    "The statistics, joined to the boundaries by id (`key`) or by name (`names`). Leave the "
    "section out to analyse the attributes of the boundary file itself."), keys=(
    Key("path", "text", default=REQUIRED, example="data/income.csv",
        description="A .csv, .tsv, .txt, .xlsx, .parquet or .dbf table, relative to the study "
                    "file."),
    Key("key", "text", example="adcode",
        description="Column of region ids, matched to `boundaries.key` (leading zeros, numbers "
                    "stored as text and the like are repaired). Give `key`, `names` or both."),
    Key("names", "text", example="county",
        description="Column of region names. Without `key`, rows are matched to "
                    "`boundaries.name` by name (exact, then normalised: 县/市/区, County, case, "
                    "accents; names that fit several regions stay unmatched). With `key` the "
                    "names only label unmatched rows in the join summary."),
    Key("year", "text", example="year",
        description="Year column of a long table (one row per region and year)."),
    Key("sheet", "text", example="2023",
        description="Sheet of an .xlsx workbook (default: the only sheet)."),
    Key("encoding", "text", example="gb18030",
        description="Text encoding of a .csv or .dbf table (default: detected)."),
    Key("strict", "true or false", default=False, example=True,
        description="Fail when any region or table row is unmatched."),
))

_MISSING = Key(
    "missing", "text", default="error", choices=("drop", "error"), example="drop",
    description="A region with a missing value: `error` stops the run and names it; `drop` "
                "leaves it out of this analysis and lists it in the report.")

ANALYSIS = Section("analysis", "Gap statistics", required=True, description=(
    "Columns of the joined table for the gap statistics (Gini, Theil, Williamson, ratios), "
    "their decompositions and bootstrap intervals."), keys=(
    Key("income", "text", default=REQUIRED, example="income",
        description="Column of per-capita income (or any per-capita value to compare)."),
    Key("population", "text", example="population",
        description="Column of population, to weight the statistics."),
    Key("urban", "text", example="urban_income",
        description="Column of urban per-capita income (urban-rural ratio)."),
    Key("rural", "text", example="rural_income",
        description="Column of rural per-capita income (urban-rural ratio)."),
    Key("groups", "text or list of text", default=[], example=["mountain26", "prefecture_en"],
        description="Group columns: Theil and Dagum decompositions between and within groups, "
                    "with a permutation test."),
    Key("year", "whole number", example=2023,
        description="Year of the maps and clusters (default: the table's last year)."),
    Key("bootstrap", "whole number", default=499, range=_COUNT, example=999,
        description="Bootstrap resamples for confidence intervals (0: none); also the "
                    "permutations of the decomposition test (at least 99)."),
    Key("seed", "whole number", default=_SEED, range=Range(0), example=42,
        description="Random seed of the resampling: the same seed gives the same numbers."),
    replace(_MISSING, default="drop", description=(
        "A region with no income (or population, group) in the analysis year: `drop` leaves it "
        "out of the gap statistics and lists it in the report; `error` stops the run.")),
))

CLUSTERS = Section("clusters", "Spatial clusters", description=(
    "Global and local spatial autocorrelation (Moran's I, LISA, Getis-Ord Gi*) and change over "
    "time."), keys=(
    Key("columns", "text or list of text", default=[], example=["income", "doctors_per_1000"],
        description="Columns to cluster (each gets Moran's I, LISA and Gi*)."),
    Key("weights", "text", default="queen", choices=("queen", "rook", "knn"), example="knn",
        description="Neighbours: queen (shared edge or corner), rook (shared edge) or knn (the "
                    "k nearest)."),
    Key("k", "whole number", default=6, range=Range(1), example=4,
        description="Neighbours per region with `weights = \"knn\"`."),
    Key("permutations", "whole number", default=999, range=_COUNT, example=9999,
        description="Conditional permutations for pseudo p-values. 0 runs no permutation test: "
                    "no region is then classed as a cluster or hot spot (a warning says so)."),
    Key("seed", "whole number", default=_SEED, range=Range(0), example=42,
        description="Random seed of the permutations."),
    Key("alpha", "number", default=0.05, range=Range(0, 1, low_open=True, high_open=True),
        example=0.01, description="Significance level of the cluster classes."),
    Key("adjust", "text", default="fdr", choices=("fdr", "by", "bonferroni", "none"),
        example="bonferroni",
        description="Multiple-testing adjustment of the local p-values: fdr (Benjamini-"
                    "Hochberg), by (Benjamini-Yekutieli), bonferroni or none."),
    Key("emerging", "true or false", example=True,
        description="Emerging hot spots (Gi* each year and Mann-Kendall trend). Default: on "
                    "with 5 or more years."),
    Key("dynamics", "true or false", example=True,
        description="LISA dynamics (transitions, LISA Markov). Default: on with 2 or more "
                    "years."),
    Key("time_lag", "whole number", default=0, range=Range(0, 10), example=1,
        description="Earlier years of the region and its neighbours added to the emerging hot "
                    "spot neighbourhood."),
    _MISSING,
))

_LABEL = Key("label", "text or table {en, zh}",
             example={"en": "Doctors per 1,000", "zh": "每千人医生数"},
             description="Label in maps and reports: text, or one per language.")
_UNIT = Key("unit", "text or table {en, zh}", example="per 1,000",
            description="Unit shown after values: text, or one per language.")
_TARGET_YEAR = Key("target_year", "whole number", example=2025,
                   description="Year by which the target should be reached.")

INDICATORS = Section("indicators", "Derived indicators", array=True, description=(
    "Columns computed on the joined table, in order, or descriptions of existing columns. "
    "Expressions are data, not code: column names (`backquoted` if not plain words), numbers, "
    "+ - * / **, comparisons, and/or/not, and log, log10, exp, sqrt, abs, min, max, where."),
    keys=(
    Key("name", "text", default=REQUIRED, example="doctors_per_1000",
        description="Name of the column (must not be a column of the table when computed)."),
    Key("expression", "text", example="doctors / population * 1000",
        description="How to compute it; without one, `name` is a column of the table."),
    Key("direction", "text", default="higher", choices=("higher", "lower"), example="lower",
        description="Which way is better."),
    Key("target", "number or text", example=3.5,
        description="Target: a number, or the column of per-region targets."),
    _TARGET_YEAR,
    Key("weight", "number", range=Range(0), example=0.4,
        description="Weight in the composite index with `composite.weights = \"given\"`."),
    _LABEL,
    _UNIT,
))

LAYERS = Section("layers", "Atlas layers", array=True, description=(
    "Map layers of the atlas (default: income, and a LISA map of each clustered column)."),
    keys=(
    Key("column", "text", default=REQUIRED, example="income", description="Column to map."),
    Key("kind", "text", default="choropleth", choices=("choropleth", "lisa", "hotspot", "target"),
        example="lisa",
        description="choropleth (classes of values), lisa (LISA clusters), hotspot (Gi* hot and "
                    "cold spots) or target (above / below `target`). lisa and hotspot need the "
                    "column in `clusters.columns`."),
    Key("scheme", "text", default="quantiles",
        choices=("quantiles", "fisher_jenks", "natural_breaks", "equal_interval", "std_mean",
                 "user_defined"), example="fisher_jenks",
        description="Classification of a choropleth."),
    Key("k", "whole number", default=5, range=Range(1, 20), example=7,
        description="Number of classes of a choropleth."),
    Key("breaks", "list of numbers", example=[30000, 40000, 50000],
        description="Upper bounds of the classes with `scheme = \"user_defined\"`."),
    Key("label", "text or table {en, zh}", example="Per-capita disposable income",
        description="Name of the layer and its legend: text, or one per language (default: "
                    "the indicator's label, the kind of map and the analysis year)."),
    _UNIT,
    Key("target", "number", example=35000,
        description="Target value of a `kind = \"target\"` layer (required there)."),
    Key("direction", "text", default="above", choices=("above", "below"), example="below",
        description="Whether regions should be above or below the target."),
))

TARGETS = Section("targets", "Province-level targets", array=True, description=(
    "Targets on the gap statistics, for the attainment table and the task book."), keys=(
    Key("statistic", "text", default=REQUIRED,
        choices=("urban_rural_ratio", "regional_max_min_ratio", "income_gini", "income_theil",
                 "regional_williamson", "regional_theil_between_share"),
        example="urban_rural_ratio", description="Gap statistic the target is set on."),
    Key("target", "number", default=REQUIRED, example=1.9, description="Target value."),
    _TARGET_YEAR,
    Key("direction", "text", default="lower", choices=("higher", "lower"), example="lower",
        description="Which way is better (a smaller gap, by default)."),
    _LABEL,
    _UNIT,
))

ATTAINMENT = Section("attainment", "Target attainment", description=(
    "How attainment of targets is judged."), keys=(
    Key("tolerance", "number", default=0.05, range=_SHARE, example=0.1,
        description="A target missed by at most this share of it is \"within tolerance\"."),
    Key("pace", "text", default="compound", choices=("compound", "linear"), example="linear",
        description="How the pace needed and the actual pace are measured."),
    Key("window", "whole number", default=3, range=Range(1), example=5,
        description="Last years over which the actual pace is measured."),
    Key("at_risk", "number", default=0.5, range=Range(0, 1), example=0.8,
        description="A region is \"at risk\" when its pace is at least this share of the pace "
                    "needed but below it."),
))

COMPOSITE = Section("composite", "Composite index", description=(
    "A composite index of [[indicators]] entries, with the stability of the ranks under "
    "perturbed weights."), keys=(
    Key("indicators", "text or list of text", default=[],
        example=["income", "doctors_per_1000", "beds_per_1000"],
        description="Names of at least 2 [[indicators]] entries."),
    Key("weights", "text", default="entropy", choices=("entropy", "critic", "equal", "given"),
        example="critic", description="How indicators are weighted (`given`: each entry's "
                                      "`weight`)."),
    Key("method", "text", default="weighted_sum", choices=("weighted_sum", "topsis"),
        example="topsis", description="How scores are combined."),
    Key("normalise", "text", default="minmax", choices=("minmax", "zscore"), example="zscore",
        description="How indicators are put on one scale."),
    Key("reference_year", "whole number", example=2019,
        description="Year whose range fixes the scale (default: each year its own)."),
    Key("draws", "whole number", default=1000, range=_COUNT, example=500,
        description="Random perturbations of the weights (0: none)."),
    Key("perturbation", "number", default=0.2, range=_SHARE, example=0.1,
        description="Largest relative change of a weight in the perturbations."),
    Key("seed", "whole number", default=_SEED, range=Range(0), example=42,
        description="Random seed of the perturbations."),
))

#: The sections of this module, in reference order.
CORE_SECTIONS = (TOP, BOUNDARIES, TABLE, ANALYSIS, INDICATORS, CLUSTERS, LAYERS, TARGETS,
                 ATTAINMENT, COMPOSITE)
