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
import warnings
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from geodisparity import expressions
from geodisparity.config_access import ACCESS, AccessConfig, check_access, read_access
from geodisparity.config_rasters import RASTERS, RasterEntry, raster_indicators, read_rasters
from geodisparity.config_schema import (
    ANALYSIS,
    BOUNDARIES,
    CLUSTERS,
    CORE_SECTIONS,
    INDICATORS,
    LAYERS,
    TABLE,
    TOP,
    SchemaError,
    Section,
)
from geodisparity.config_targets import (
    AttainmentConfig,
    CompositeConfig,
    check_bilingual,
    check_composite,
    in_language,
    read_indicator,
    read_target_sections,
)
from geodisparity.errors import DataFileError, GeodisparityError, NoPermutationWarning
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
    "STUDY_FILE",
]

#: Every section of a study file, in the order of the reference (docs/study-file.md).
#: A section module adds its :class:`~geodisparity.config_schema.Section` here (one line).
STUDY_FILE: tuple[Section, ...] = (
    *CORE_SECTIONS,
    RASTERS,
    ACCESS,
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
    """The statistics table and how it joins to the boundaries.

    Without a ``[table]`` section ``path`` is None: the run analyses the
    attributes of the boundary file.
    """

    path: str | None = None
    key: str | None = None
    names: str | None = None
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
    missing: str = "drop"


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
    missing: str = "error"


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
    rasters: tuple[RasterEntry, ...] = ()  # [[rasters]]: columns from zonal statistics
    access: AccessConfig | None = None
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

    Every key is checked against :data:`STUDY_FILE` (the schema of
    :mod:`geodisparity.config_schema`): unknown keys, types, allowed values
    and ranges, each reported with its key path and value.

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
    if not isinstance(raw, dict):
        raise reader.fail(f"expected a table of keys, got {type(raw).__name__}")
    top = _in_study_language(reader, reader.section(TOP, ignore={s.name for s in STUDY_FILE}))
    indicators, rasters = _indicators(reader), read_rasters(reader)
    config = RunConfig(
        boundaries=BoundariesConfig(**reader.section(BOUNDARIES)),
        table=_table(reader),
        analysis=_analysis(reader),
        clusters=_clusters(reader),
        indicators=indicators + raster_indicators(rasters, {i.name for i in indicators}),
        rasters=rasters,
        layers=_layers(reader),
        **read_target_sections(reader),
        access=read_access(reader),
        **top,
        base_dir=base_dir or Path.cwd(),
    )
    _check_cross_references(config, reader)
    if config.clusters.permutations == 0 and config.clusters.columns:
        warnings.warn(
            f"{source}: clusters.permutations = 0: no permutation test runs, so no region is "
            f"classed as a LISA cluster or Gi* hot spot; set 999 to test them",
            NoPermutationWarning, stacklevel=2)
    return config


class _Reader:
    """Checks sections of the parsed TOML against the schema; messages name the file."""

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

    def section(self, section: Section, *, ignore: Iterable[str] = ()) -> dict[str, Any]:
        """Check the table ``[section]``; return every key's value, defaults filled in."""
        return self.check(section, self.table(section.name, required=section.required),
                          section.name, ignore=ignore)

    def items(self, section: Section) -> list[tuple[str, dict[str, Any], dict[str, Any]]]:
        """Check each ``[[section]]`` entry; return (key path, raw entry, values) of each."""
        entries = self.raw.get(section.name, [])
        if not isinstance(entries, list):
            raise self.fail(f"{section.name} must be an array of tables ({section.heading})")
        result = []
        for number, entry in enumerate(entries, start=1):
            where = f"{section.name}[{number}]"
            if not isinstance(entry, dict):
                raise self.fail(f"{where} must be a table of keys, got {entry!r}")
            result.append((where, entry, self.check(section, entry, where)))
        return result

    def check(self, section: Section, table: dict[str, Any], where: str, *,
              ignore: Iterable[str] = ()) -> dict[str, Any]:
        try:
            return section.check(table, where, ignore=ignore)
        except SchemaError as exc:
            raise self.fail(str(exc)) from None


def _table(reader: _Reader) -> TableConfig:
    if "table" not in reader.raw:
        return TableConfig()
    values = reader.section(TABLE)
    if values["key"] is None and values["names"] is None:
        raise reader.fail("[table] needs key = <id column> (join by id) or names = <name column> "
                          "(join by name to boundaries.name)")
    return TableConfig(**values)


def _analysis(reader: _Reader) -> AnalysisConfig:
    values = reader.section(ANALYSIS)
    return AnalysisConfig(**{**values, "groups": _names(values["groups"])})


def _clusters(reader: _Reader) -> ClustersConfig:
    values = reader.section(CLUSTERS)
    return ClustersConfig(**{
        **values, "columns": _names(values["columns"]), "alpha": float(values["alpha"]),
        "adjust": None if values["adjust"] == "none" else values["adjust"]})


def _names(value: str | list[str]) -> tuple[str, ...]:
    return (value,) if isinstance(value, str) else tuple(value)


def _indicators(reader: _Reader) -> tuple[IndicatorEntry, ...]:
    result = []
    for w, _, values in reader.items(INDICATORS):
        name = values["name"]
        if not name.strip():
            raise reader.fail(f"{w}.name = {name!r} must not be empty")
        expression = values["expression"]
        if expression is not None:
            try:  # syntax and grammar now; column names when the table is joined
                expressions.parse_expression(expression, name=f"indicator {name!r} ({w})")
            except expressions.ExpressionError as exc:
                raise reader.fail(str(exc)) from exc
        result.append(IndicatorEntry(name, expression, read_indicator(reader, values, name, w)))
    return tuple(result)


def _layers(reader: _Reader) -> tuple[MapLayer, ...]:
    layers = []
    for w, _, values in reader.items(LAYERS):
        if values["kind"] == "target" and values["target"] is None:
            raise reader.fail(f"{w}: kind = 'target' needs target = <number>")
        breaks, target = values["breaks"], values["target"]
        for key in ("label", "unit"):  # text or { en = ..., zh = ... }
            check_bilingual(reader, values[key], f"{w}.{key}")
        layers.append(MapLayer(**{
            **values, "breaks": None if breaks is None else tuple(float(b) for b in breaks),
            "target": None if target is None else float(target)}))
    return tuple(layers)


def _in_study_language(reader: _Reader, top: dict[str, Any]) -> dict[str, Any]:
    """Resolve ``title`` and ``note`` given as ``{ en = ..., zh = ... }`` to the study's lang."""
    lang = top["lang"]
    title, note = (check_bilingual(reader, top[key], key) for key in ("title", "note"))
    if "title" not in reader.raw:
        title = message("page.default_title", lang)
    return {**top, "title": in_language(title, lang), "note": in_language(note, lang)}


def _check_cross_references(config: RunConfig, reader: _Reader) -> None:
    if config.table.names is not None and config.boundaries.name is None:
        raise reader.fail(f"table.names = {config.table.names!r} joins by name: set "
                          f"boundaries.name to the name column of the boundaries")
    names = [indicator.name for indicator in config.indicators]
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise reader.fail(f"indicator names must be unique; repeated: {', '.join(repeated)}")
    check_composite(config, reader)
    check_access(config, reader)
    clustered = set(config.clusters.columns)
    for number, layer in enumerate(config.layers, start=1):
        if layer.kind in ("lisa", "hotspot") and layer.column not in clustered:
            raise reader.fail(
                f"layers[{number}] is a {layer.kind} map of {layer.column!r}, "
                f"which is not in clusters.columns ({', '.join(sorted(clustered)) or 'empty'})"
            )

