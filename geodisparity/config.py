"""Run configurations: what a planner writes in a TOML file for ``geodisparity run``.

A configuration names the boundaries, the statistics table and how to join
them, the derived indicators, which statistics to compute and which map layers
to draw. :func:`load_config` reads and validates it; every problem is reported
with the key path in the file (``clusters.permutations``) and the value found.

Examples
--------
>>> cfg = parse_config({
...     "boundaries": {"source": "zhejiang/counties", "key": "adcode", "name": "name_en"},
...     "table": {"path": "income.csv", "key": "adcode"},
...     "analysis": {"income": "income"},
... })
>>> cfg.boundaries.source, cfg.analysis.income, cfg.clusters.permutations
('zhejiang/counties', 'income', 999)
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from geodisparity import expressions
from geodisparity._limits import MAX_PERMUTATIONS
from geodisparity.config_targets import (
    INDICATOR_KEYS,
    TARGET_SECTIONS,
    AttainmentConfig,
    CompositeConfig,
    check_composite,
    in_language,
    read_bilingual,
    read_indicator,
    read_target_sections,
)
from geodisparity.errors import DataFileError, GeodisparityError
from geodisparity.i18n import message
from geodisparity.indicators import Indicator

__all__ = [
    "ConfigError",
    "BoundariesConfig",
    "TableConfig",
    "Indicator",
    "IndicatorEntry",
    "AttainmentConfig",
    "CompositeConfig",
    "AnalysisConfig",
    "ClustersConfig",
    "MapLayer",
    "RunConfig",
    "load_config",
    "parse_config",
]

LAYER_KINDS = ("choropleth", "lisa", "hotspot", "target")
SCHEMES = (
    "quantiles", "fisher_jenks", "natural_breaks", "equal_interval", "std_mean", "user_defined"
)


class ConfigError(GeodisparityError, ValueError):
    """A configuration file has a missing, unknown or invalid entry."""


@dataclass(frozen=True)
class BoundariesConfig:
    """Where the region boundaries come from and which columns identify them."""

    source: str
    key: str
    name: str | None = None
    layer: str | None = None
    encoding: str | None = None
    crs: str | None = None


@dataclass(frozen=True)
class TableConfig:
    """The statistics table and how it joins to the boundaries."""

    path: str
    key: str
    year: str | None = None
    sheet: str | None = None
    encoding: str | None = None
    strict: bool = False


@dataclass(frozen=True)
class IndicatorEntry:
    """One ``[[indicators]]`` entry: a column and how to read it.

    The column ``name`` is computed by ``expression`` (see
    :mod:`geodisparity.expressions`) or, without one, is a column of the
    joined table. ``indicator`` is the public :class:`~geodisparity.Indicator`
    of that column (direction, target, target year, weight, label, unit), so
    the study file and the Python API describe an indicator the same way.
    """

    name: str
    expression: str | None
    indicator: Indicator

    @property
    def label(self) -> str | None:
        """The English label, if any."""
        return None if self.indicator.label is None else self.indicator.label_in("en")

    @property
    def unit(self) -> str | None:
        """The unit, if any."""
        return self.indicator.unit_in("en")


@dataclass(frozen=True)
class AnalysisConfig:
    """Which columns hold income, population and the urban/rural split."""

    income: str
    population: str | None = None
    urban: str | None = None
    rural: str | None = None
    groups: tuple[str, ...] = ()
    year: int | None = None
    bootstrap: int = 499
    seed: int | None = 20261129


@dataclass(frozen=True)
class ClustersConfig:
    """Spatial clustering options."""

    columns: tuple[str, ...] = ()
    weights: str = "queen"
    k: int = 6
    permutations: int = 999
    seed: int | None = 20261129
    alpha: float = 0.05
    adjust: str | None = "fdr"
    #: Change over time (a table with years): emerging hot spots and LISA dynamics of each
    #: column. None: automatic (emerging hot spots with 5+ years, dynamics with 2+).
    emerging: bool | None = None
    dynamics: bool | None = None
    time_lag: int = 0


@dataclass(frozen=True)
class MapLayer:
    """One layer of the atlas."""

    column: str
    kind: str = "choropleth"
    scheme: str = "quantiles"
    k: int = 5
    breaks: tuple[float, ...] | None = None
    label: str | dict[str, str] | None = None
    unit: str | dict[str, str] | None = None
    target: float | None = None
    direction: str = "above"


@dataclass(frozen=True)
class RunConfig:
    """A whole run: inputs, statistics and outputs."""

    boundaries: BoundariesConfig
    table: TableConfig
    analysis: AnalysisConfig
    clusters: ClustersConfig = field(default_factory=ClustersConfig)
    indicators: tuple[IndicatorEntry, ...] = ()
    layers: tuple[MapLayer, ...] = ()
    targets: tuple[Indicator, ...] = ()
    attainment: AttainmentConfig = field(default_factory=AttainmentConfig)
    composite: CompositeConfig | None = None
    title: str = "Regional disparities"
    note: str | None = None
    lang: str = "en"
    output: str = "out"
    base_dir: Path = field(default_factory=Path.cwd)
    file: Path | None = None

    def resolve(self, path: str) -> Path:
        """Resolve a path from the file relative to the file's folder."""
        candidate = Path(path).expanduser()
        return candidate if candidate.is_absolute() else self.base_dir / candidate


def load_config(path: str | Path) -> RunConfig:
    """Read and validate a TOML run configuration.

    Parameters
    ----------
    path : path-like
        The ``.toml`` file. Relative paths inside it are relative to its folder.

    Returns
    -------
    RunConfig

    Examples
    --------
    >>> load_config("no-such.toml")
    Traceback (most recent call last):
    ...
    geodisparity.errors.DataFileError: configuration file 'no-such.toml' does not exist
    """
    file = Path(path)
    if not file.is_file():
        raise DataFileError(f"configuration file {str(file)!r} does not exist")
    config = parse_config(_read_toml(file), base_dir=file.resolve().parent, source=str(file))
    return replace(config, file=file.resolve())


def _read_toml(file: Path) -> dict[str, Any]:
    """Read a study file as UTF-8 TOML; anything else is a ConfigError naming it."""
    try:
        data = file.read_bytes()
    except OSError as exc:
        raise DataFileError(f"cannot read configuration file {str(file)!r}: {exc.strerror}") \
            from exc
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ConfigError(
            f"{file}: not UTF-8 text (byte 0x{data[exc.start]:02x} on line {line}); "
            f"save the study file as UTF-8"
        ) from exc
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{file}: not valid TOML: {exc}") from exc


def parse_config(
    raw: dict[str, Any], *, base_dir: Path | None = None, source: str = "configuration"
) -> RunConfig:
    """Validate a configuration already parsed into dictionaries.

    Parameters
    ----------
    raw : dict
        The parsed TOML.
    base_dir : Path, optional
        Folder against which relative paths resolve (default: the current one).
    source : str
        Name of the file, for messages.

    Returns
    -------
    RunConfig

    Examples
    --------
    >>> parse_config({"table": {"path": "a.csv", "key": "id"}})
    Traceback (most recent call last):
    ...
    geodisparity.config.ConfigError: configuration: [boundaries] is missing
    """
    reader = _Reader(raw, source)
    top = reader.table("", required=True)
    reader.check_keys(top, "", {"title", "note", "lang", "output", "boundaries", "table",
                                "analysis", "clusters", "indicators", "layers",
                                *TARGET_SECTIONS})
    lang = reader.choice(top, "lang", ("en", "zh"), default="en")
    config = RunConfig(
        boundaries=_boundaries(reader),
        table=_table(reader),
        analysis=_analysis(reader),
        clusters=_clusters(reader),
        indicators=_indicators(reader),
        layers=_layers(reader),
        **read_target_sections(reader),
        # title and note: text, or { en = ..., zh = ... } shown in the study's language
        title=in_language(read_bilingual(reader, top, "title", ""), lang)
        or message("page.default_title", lang),
        note=in_language(read_bilingual(reader, top, "note", ""), lang),
        lang=lang,
        output=reader.get(top, "output", str, default="out"),
        base_dir=base_dir or Path.cwd(),
    )
    _check_cross_references(config, reader)
    return config


class _Reader:
    """Typed access to nested TOML tables with messages naming the key path."""

    def __init__(self, raw: dict[str, Any], source: str) -> None:
        self.raw = raw
        self.source = source

    def fail(self, message: str) -> ConfigError:
        return ConfigError(f"{self.source}: {message}")

    def table(self, name: str, *, required: bool = False) -> dict[str, Any]:
        if not name:
            return self.raw
        value = self.raw.get(name)
        if value is None:
            if required:
                raise self.fail(f"[{name}] is missing")
            return {}
        if not isinstance(value, dict):
            raise self.fail(f"{name} must be a table ([{name}]), got {value!r}")
        return value

    def check_keys(self, table: dict[str, Any], where: str, allowed: set[str]) -> None:
        unknown = sorted(set(table) - allowed)
        if unknown:
            prefix = f"{where}." if where else ""
            raise self.fail(
                f"unknown key {prefix}{unknown[0]}; accepted here: {', '.join(sorted(allowed))}"
            )

    def get(self, table: dict[str, Any], key: str, kind: type | tuple[type, ...], *,
            default: Any = ..., where: str = "") -> Any:
        path = f"{where}.{key}" if where else key
        if key not in table:
            if default is ...:
                raise self.fail(f"{path} is missing")
            return default
        value = table[key]
        kinds = kind if isinstance(kind, tuple) else (kind,)
        if isinstance(value, bool) and bool not in kinds:
            raise self.fail(f"{path} = {value!r} must be {_type_names(kinds)}")
        if not isinstance(value, kinds):
            raise self.fail(f"{path} = {value!r} must be {_type_names(kinds)}")
        return value

    def text(self, table: dict[str, Any], key: str, *, where: str, default: Any = ...) -> Any:
        return self.get(table, key, str, default=default, where=where)

    def choice(self, table: dict[str, Any], key: str, options: tuple[str, ...], *,
               default: Any, where: str = "") -> Any:
        value = self.get(table, key, str, default=default, where=where)
        if value is not None and value not in options:
            path = f"{where}.{key}" if where else key
            raise self.fail(f"{path} = {value!r} is not accepted; use one of {', '.join(options)}")
        return value

    def count(self, table: dict[str, Any], key: str, *, default: int, where: str) -> int:
        """Read a number of resamples: 0 (off) up to the shared ceiling."""
        value = self.get(table, key, int, default=default, where=where)
        if not 0 <= value <= MAX_PERMUTATIONS:
            raise self.fail(
                f"{where}.{key} = {value} must be between 0 (off) and {MAX_PERMUTATIONS:,}"
            )
        return value

    def seed(self, table: dict[str, Any], *, where: str) -> int | None:
        """Read a random seed: a whole number, 0 or more."""
        value = self.get(table, "seed", int, default=20261129, where=where)
        if value < 0:
            raise self.fail(f"{where}.seed = {value} must be 0 or more")
        return value

    def strings(self, table: dict[str, Any], key: str, *, where: str) -> tuple[str, ...]:
        value = self.get(table, key, (str, list), default=[], where=where)
        items = [value] if isinstance(value, str) else value
        if not all(isinstance(item, str) for item in items):
            raise self.fail(f"{where}.{key} = {value!r} must be a list of column names")
        return tuple(items)


def _type_names(kinds: tuple[type, ...]) -> str:
    names = {str: "text", int: "a whole number", float: "a number", bool: "true or false",
             list: "a list", dict: "a table"}
    return " or ".join(names.get(k, k.__name__) for k in kinds)


def _boundaries(reader: _Reader) -> BoundariesConfig:
    t = reader.table("boundaries", required=True)
    reader.check_keys(t, "boundaries", {"source", "key", "name", "layer", "encoding", "crs"})
    def get(key: str, default: Any = ...) -> Any:
        return reader.text(t, key, where="boundaries", default=default)

    return BoundariesConfig(get("source"), get("key"), get("name", None), get("layer", None),
                            get("encoding", None), get("crs", None))


def _table(reader: _Reader) -> TableConfig:
    t = reader.table("table", required=True)
    reader.check_keys(t, "table", {"path", "key", "year", "sheet", "encoding", "strict"})
    def get(key: str, default: Any = ...) -> Any:
        return reader.text(t, key, where="table", default=default)

    strict = reader.get(t, "strict", bool, default=False, where="table")
    return TableConfig(get("path"), get("key"), get("year", None), get("sheet", None),
                       get("encoding", None), strict)


def _analysis(reader: _Reader) -> AnalysisConfig:
    t = reader.table("analysis", required=True)
    w = "analysis"
    reader.check_keys(t, w, {"income", "population", "urban", "rural", "groups", "year",
                             "bootstrap", "seed"})
    def get(key: str, default: Any = None) -> Any:
        return reader.text(t, key, where=w, default=default)

    bootstrap = reader.count(t, "bootstrap", default=499, where=w)
    return AnalysisConfig(
        income=get("income", ...),
        population=get("population"),
        urban=get("urban"),
        rural=get("rural"),
        groups=reader.strings(t, "groups", where=w),
        year=reader.get(t, "year", int, default=None, where=w),
        bootstrap=bootstrap,
        seed=reader.seed(t, where=w),
    )


def _clusters(reader: _Reader) -> ClustersConfig:
    t = reader.table("clusters")
    w = "clusters"
    reader.check_keys(t, w, {"columns", "weights", "k", "permutations", "seed", "alpha", "adjust",
                             "emerging", "dynamics", "time_lag"})
    permutations = reader.count(t, "permutations", default=999, where=w)
    alpha = reader.get(t, "alpha", (int, float), default=0.05, where=w)
    if not 0 < alpha < 1:
        raise reader.fail(f"clusters.alpha = {alpha} must be between 0 and 1")
    adjust = reader.choice(
        t, "adjust", ("fdr", "by", "bonferroni", "none"), default="fdr", where=w
    )
    return ClustersConfig(
        columns=reader.strings(t, "columns", where=w),
        weights=reader.choice(t, "weights", ("queen", "rook", "knn"), default="queen", where=w),
        k=_positive(reader, t, "k", default=6, where=w),
        permutations=permutations,
        seed=reader.seed(t, where=w),
        alpha=float(alpha),
        adjust=None if adjust == "none" else adjust,
        **_change_options(reader, t),
    )


def _change_options(reader: _Reader, table: dict[str, Any]) -> dict[str, Any]:
    """Read clusters.emerging, clusters.dynamics (true / false) and clusters.time_lag."""
    time_lag = reader.get(table, "time_lag", int, default=0, where="clusters")
    if not 0 <= time_lag <= 10:
        raise reader.fail(f"clusters.time_lag = {time_lag} must be between 0 and 10")
    return {"emerging": reader.get(table, "emerging", bool, default=None, where="clusters"),
            "dynamics": reader.get(table, "dynamics", bool, default=None, where="clusters"),
            "time_lag": time_lag}


def _positive(reader: _Reader, table: dict[str, Any], key: str, *, default: int,
              where: str) -> int:
    value = reader.get(table, key, int, default=default, where=where)
    if value < 1:
        raise reader.fail(f"{where}.{key} = {value} must be 1 or more")
    return value


def _indicators(reader: _Reader) -> tuple[IndicatorEntry, ...]:
    items = reader.raw.get("indicators", [])
    if not isinstance(items, list):
        raise reader.fail("indicators must be an array of tables ([[indicators]])")
    result = []
    for number, item in enumerate(items, start=1):
        w = f"indicators[{number}]"
        if not isinstance(item, dict):
            raise reader.fail(f"{w} must be a table with a name (and an expression)")
        reader.check_keys(item, w, {"name", "expression", *INDICATOR_KEYS})
        name = reader.text(item, "name", where=w)
        if not name.strip():
            raise reader.fail(f"{w}.name = {name!r} must not be empty")
        expression = reader.text(item, "expression", where=w, default=None)
        if expression is not None:
            try:  # syntax and grammar now; column names when the table is joined
                expressions.parse_expression(expression, name=f"indicator {name!r} ({w})")
            except expressions.ExpressionError as exc:
                raise reader.fail(str(exc)) from exc
        result.append(IndicatorEntry(name, expression, read_indicator(reader, item, name, w)))
    return tuple(result)


def _layers(reader: _Reader) -> tuple[MapLayer, ...]:
    items = reader.raw.get("layers", [])
    if not isinstance(items, list):
        raise reader.fail("layers must be an array of tables ([[layers]])")
    return tuple(_layer(reader, item, f"layers[{n}]") for n, item in enumerate(items, start=1))


def _layer(reader: _Reader, item: Any, w: str) -> MapLayer:
    if not isinstance(item, dict):
        raise reader.fail(f"{w} must be a table with at least a column")
    reader.check_keys(item, w, {"column", "kind", "scheme", "k", "breaks", "label", "unit",
                                "target", "direction"})
    kind = reader.choice(item, "kind", LAYER_KINDS, default="choropleth", where=w)
    breaks = reader.get(item, "breaks", list, default=None, where=w)
    if breaks is not None and not all(isinstance(b, int | float) for b in breaks):
        raise reader.fail(f"{w}.breaks = {breaks!r} must be a list of numbers")
    target = reader.get(item, "target", (int, float), default=None, where=w)
    if kind == "target" and target is None:
        raise reader.fail(f"{w}: kind = 'target' needs target = <number>")
    return MapLayer(
        column=reader.get(item, "column", str, where=w),
        kind=kind,
        scheme=reader.choice(item, "scheme", SCHEMES, default="quantiles", where=w),
        k=reader.get(item, "k", int, default=5, where=w),
        breaks=None if breaks is None else tuple(float(b) for b in breaks),
        label=read_bilingual(reader, item, "label", w),  # text or { en = ..., zh = ... }
        unit=read_bilingual(reader, item, "unit", w),
        target=None if target is None else float(target),
        direction=reader.choice(item, "direction", ("above", "below"), default="above", where=w),
    )


def _check_cross_references(config: RunConfig, reader: _Reader) -> None:
    names = [indicator.name for indicator in config.indicators]
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise reader.fail(f"indicator names must be unique; repeated: {', '.join(repeated)}")
    check_composite(config, reader)
    clustered = set(config.clusters.columns)
    for number, layer in enumerate(config.layers, start=1):
        if layer.kind in ("lisa", "hotspot") and layer.column not in clustered:
            raise reader.fail(
                f"layers[{number}] is a {layer.kind} map of {layer.column!r}, "
                f"which is not in clusters.columns ({', '.join(sorted(clustered)) or 'empty'})"
            )

