"""The whole analysis of ``geodisparity run``: config in, maps and report out.

Stages, each a small function: load boundaries and table -> join -> derive
indicators -> gap statistics -> convergence -> spatial clustering -> atlas and
report. :func:`run_pipeline` checks every output path before computing
anything, so a run never half-overwrites an earlier one.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable, Iterable
from concurrent.futures import Executor, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from geodisparity import pipeline_map_geometry
from geodisparity._output import atomic_path, input_files, staged_outputs, write_text
from geodisparity.config import ConfigError, RunConfig
from geodisparity.errors import DataFileError, InputError, MissingColumnError, format_rows
from geodisparity.pipeline_access import access_inputs, add_access
from geodisparity.pipeline_outputs import write_reuse_outputs
from geodisparity.pipeline_rasters import add_raster_columns, raster_inputs, raster_sections
from geodisparity.pipeline_targets import (
    analyse_targets,
    target_outputs,
    write_target_outputs,
)

__all__ = ["RunResult", "run_pipeline", "load_regions", "write_frame"]

logger = logging.getLogger(__name__)

OUTPUT_FILES = {
    "atlas": "atlas.html",
    "report": "report.html",
    "regions": "regions.csv",
    "gaps": "gaps.csv",
    "clusters": "clusters.csv",
    "summary": "summary.json",
    "geopackage": "regions.gpkg",  # for reuse: see geodisparity.pipeline_outputs
    "tables": "tables.xlsx",
}


@dataclass(frozen=True)
class RunResult:
    """What a run produced: output files and the main tables."""

    output_dir: Path
    files: dict[str, Path]
    join_report: Any
    gaps: pd.DataFrame
    regions: pd.DataFrame
    notes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """Lines for the terminal: where the outputs are."""
        lines = [f"geodisparity: outputs in {self.output_dir}"]
        width = max((len(kind) for kind in self.files), default=0)
        lines += [f"  {kind:<{width}} {path}" for kind, path in self.files.items()]
        lines += [f"  note: {note}" for note in self.notes]
        return "\n".join(lines)


def load_regions(source: str, **options: Any) -> Any:
    """Load a bundled layer by name, or read a boundary file.

    Examples
    --------
    >>> load_regions("zhejiang/counties").shape[0]
    90
    """
    from geodisparity import boundaries, read_boundaries

    if source in boundaries.available():
        return boundaries.load(source)
    if not Path(source).exists():
        raise DataFileError(_not_found(source, "boundaries"))
    return read_boundaries(source, **{k: v for k, v in options.items() if v is not None})


def _not_found(source: str | os.PathLike[str], what: str) -> str:
    """Say that a boundary source is neither a file nor a bundled layer."""
    from geodisparity import boundaries

    return (f"{what} {str(source)!r}: no such file, and not a bundled layer "
            f"(bundled: {', '.join(boundaries.available())})")


def write_frame(frame: pd.DataFrame, path: str | os.PathLike[str], *, overwrite: bool,
                inputs: Iterable[str | os.PathLike[str]] = ()) -> Path:
    """Write a (Geo)DataFrame by extension: .gpkg, .geojson, .parquet, .csv.

    ``inputs`` lists the files the frame came from: ``path`` may not be one of
    them (nor a sidecar of a shapefile among them), even with ``overwrite``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> table = pathlib.Path(tempfile.mkdtemp()) / "income.csv"
    >>> pd.DataFrame({"code": [1], "income": [2.5]}).to_csv(table, index=False)
    >>> write_frame(pd.read_csv(table), table, overwrite=True, inputs=[table])
    ... # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    geodisparity.errors.OutputExistsError: output '...income.csv' would replace the input ...
    """
    target = Path(path)
    suffix = target.suffix.lower()
    writers: dict[str, Callable[[Path], None]] = {
        ".csv": lambda tmp: _plain(frame).to_csv(tmp, index=False, encoding="utf-8-sig"),
        ".parquet": lambda tmp: frame.to_parquet(tmp),
        ".gpkg": lambda tmp: frame.to_file(tmp, driver="GPKG", layer=_layer_name(target)),
        ".geojson": lambda tmp: frame.to_file(tmp, driver="GeoJSON"),
    }
    if suffix not in writers:
        raise InputError(f"output {str(target)!r}: unknown extension; use {', '.join(writers)}")
    with atomic_path(target, overwrite=overwrite, inputs=input_files(*inputs)) as tmp:
        writers[suffix](tmp)
    return target


def _layer_name(path: Path) -> str:
    """Make a GeoPackage layer name from the file name (letters, digits, underscores)."""
    name = "".join(c if c.isalnum() else "_" for c in path.stem).strip("_")
    return name or "regions"


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    """Drop the geometry column for tabular output."""
    geometry = getattr(frame, "_geometry_column_name", None)
    return pd.DataFrame(frame.drop(columns=[geometry])) if geometry in frame else frame


def run_pipeline(
    config: RunConfig,
    *,
    output: str | os.PathLike[str] | None = None,
    overwrite: bool = False,
    progress: Callable[[str], None] | None = None,
) -> RunResult:
    """Run the analysis a configuration describes and write its outputs.

    Parameters
    ----------
    config : RunConfig
        From :func:`geodisparity.config.load_config`.
    output : path-like, optional
        Output folder; default ``config.output`` relative to the config file.
    overwrite : bool, default False
        Replace existing output files. An output that would replace an input
        (the study file, the boundary file or its sidecars, the table) is
        refused either way.
    progress : callable, optional
        Called with a short message as each stage starts.

    Returns
    -------
    RunResult

    Raises
    ------
    DataFileError
        An input file does not exist.
    OutputExistsError
        An output exists (without ``overwrite``) or would replace an input.
    """
    say = progress or (lambda message: logger.info(message))
    out_dir = Path(output) if output is not None else config.resolve(config.output)
    targets = {kind: out_dir / name for kind, name in OUTPUT_FILES.items()}
    targets.update({kind: out_dir / name for kind, name in target_outputs(config).items()})
    inputs = _input_files(config)
    with (staged_outputs(targets, overwrite=overwrite, inputs=inputs) as staged,
          ThreadPoolExecutor(1, thread_name_prefix="geodisparity-maps") as maps_pool):
        result = _analyse(config, say, maps_pool)
        say("writing the atlas, the report and the tables")
        _write_outputs(result, config, staged)
    return RunResult(out_dir, targets, result.join_report, result.gaps, result.regions)


def _input_files(config: RunConfig) -> list[Path]:
    """Every file the run reads, checked to exist before anything is computed."""
    from geodisparity import boundaries

    source = config.boundaries.source
    named = {} if config.table.path is None else {"table.path": config.resolve(config.table.path)}
    if source not in boundaries.available():
        named["boundaries.source"] = config.resolve(source)
    named.update(raster_inputs(config))
    named.update(access_inputs(config))
    for key, path in named.items():
        if not path.exists():
            raise DataFileError(_not_found(path, key) if key == "boundaries.source"
                                else f"{key} = {str(path)!r}: no such file")
    return input_files(config.file, *named.values())


@dataclass(frozen=True)
class _Analysis:
    """Everything a run computes, before anything is written."""

    year: int | None
    join_report: Any
    current: Any
    gaps: pd.DataFrame
    decompositions: dict[str, dict[str, Any]]
    intervals: pd.DataFrame
    convergence: dict[str, Any] | None
    weights: Any
    global_table: pd.DataFrame
    cluster_table: pd.DataFrame
    regions: pd.DataFrame
    space_time: Any = None  # pipeline_spacetime.SpaceTime: change over time
    targets: Any = None  # pipeline_targets.TargetRun, when the study sets targets
    long: Any = None  # the joined table with indicators, all years (for the report's charts)
    rasters: Any = None  # pipeline_rasters.RasterRun, when the study has [[rasters]]
    left_out: tuple[Any, ...] = ()  # pipeline_missing.LeftOut: regions dropped (missing values)
    access: Any = None  # pipeline_access.AccessRun, with an [access] section
    map_geometry: Any = None  # pipeline_map_geometry.PendingGeometry: boundaries for the maps


def _analyse(config: RunConfig, say: Callable[[str], None], maps_pool: Executor) -> _Analysis:
    """Compute everything a run reports; ``maps_pool`` simplifies the maps' boundaries meanwhile."""
    say("reading boundaries and table")
    joined, report = _load_and_join(config)
    if report is not None:
        say(str(report).splitlines()[0])
    joined, rasters = add_raster_columns(joined, config)
    joined, access = add_access(joined, config)
    long = _derive_indicators(joined, config)
    year = _analysis_year(long, config)
    current = long if config.table.year is None else long[long[config.table.year] == year]
    current = current.set_index(config.boundaries.key, drop=False)
    current.index.name = None
    map_geometry = pipeline_map_geometry.start(current, maps_pool)

    say("computing gap statistics")
    analysed, left_out = _gap_rows(long, config)
    analysed_now = (analysed if config.table.year is None
                    else analysed[analysed[config.table.year] == year])
    gap_table = _gaps(analysed, config)
    decompositions = _decompositions(analysed_now, config)
    intervals = _intervals(analysed_now, config)
    convergence = _convergence(analysed, config) if config.table.year else None

    say("computing spatial clusters")
    weights, cluster_table, global_table, dropped = _clusters(current, config)
    left_out += dropped
    from geodisparity.pipeline_spacetime import space_time

    say("computing change over time")
    changes = space_time(long, weights, config)
    cluster_table = changes.join_to(cluster_table)
    targets = analyse_targets(long, current, gap_table, config, year)
    if targets is not None:
        say("targets: attainment, task book and composite index computed")
        current = targets.annotate(current, config.boundaries.key)
    return _Analysis(year, report, current, gap_table, decompositions, intervals, convergence,
                     weights, global_table, cluster_table, _region_table(current, cluster_table),
                     space_time=changes, targets=targets, long=long, rasters=rasters,
                     left_out=tuple(left_out), access=access, map_geometry=map_geometry)


def _gap_rows(long: pd.DataFrame, config: RunConfig) -> tuple[pd.DataFrame, list[Any]]:
    """Rows with income, population and groups (``analysis.missing``), and those left out."""
    from geodisparity.pipeline_missing import complete_rows

    a = config.analysis
    columns = [c for c in (a.income, a.population, *a.groups) if c]
    _require(long, columns, "[analysis]")
    return complete_rows(long, columns, key=config.boundaries.key, name=config.boundaries.name,
                         year=config.table.year, missing=a.missing, what="analysis")


def _write_outputs(result: _Analysis, config: RunConfig, staged: dict[str, Path]) -> None:
    from geodisparity.maps import save_map
    from geodisparity.maps.fonts import embed_cjk_font_files
    from geodisparity.pipeline_report import build_sections
    from geodisparity.report import write_report

    # simplified once, for the atlas and the report; regions.gpkg keeps the full geometry
    mapped, decimals = _simplified_for_maps(result)
    save_map(_atlas(mapped, config, decimals), staged["atlas"], overwrite=True, embed_font=False)
    write_frame(result.regions, staged["regions"], overwrite=True)
    write_frame(result.gaps, staged["gaps"], overwrite=True)
    write_frame(result.cluster_table.reset_index(names="region"), staged["clusters"],
                overwrite=True)
    sections = build_sections(config, mapped)
    sections[1:1] = raster_sections(result.rasters, config.lang)  # after "Data and join"
    write_report(staged["report"], sections, title=config.title, note=config.note,
                 lang=config.lang, atlas=OUTPUT_FILES["atlas"], overwrite=True,
                 attribution=config.attribution, embed_font=False)
    embed_cjk_font_files([staged["atlas"], staged["report"]])  # one font subset for both
    summary = _summary_json(config, result)
    write_text(staged["summary"], json.dumps(summary, indent=2, ensure_ascii=False, default=str),
               overwrite=True)
    write_target_outputs(result.targets, staged)
    write_reuse_outputs(config, result, staged)


def _load_and_join(config: RunConfig) -> tuple[Any, Any]:
    from geodisparity import join, read_table

    b = config.boundaries
    source = b.source
    from geodisparity import boundaries

    if source not in boundaries.available():
        source = str(config.resolve(source))
    regions = load_regions(source, layer=b.layer, key=b.key, name=b.name, encoding=b.encoding,
                           crs=b.crs)
    t = config.table
    if t.path is None:  # no [table]: the attributes of the boundary file
        return regions, None
    table = read_table(config.resolve(t.path), key=t.key, sheet=t.sheet, encoding=t.encoding)
    names = (b.name, t.names) if b.name else None
    return join(regions, table, left_on=None if t.key is None else b.key, right_on=t.key,
                names=names, year=t.year, strict=t.strict)


def _derive_indicators(frame: Any, config: RunConfig) -> Any:
    """Add each indicator as a column, in order (one may use those before it)."""
    from geodisparity.expressions import evaluate

    result = frame.copy()
    rows = result.set_index(config.boundaries.key, drop=False)
    for indicator in config.indicators:
        label = f"indicator {indicator.name!r}"
        if indicator.expression is None:  # an existing column, described for targets
            _require(result, [indicator.name], f"[[indicators]] {indicator.name!r}")
            continue
        if indicator.name in result.columns:
            raise ConfigError(
                f"{label} has the name of a column of the joined table ({indicator.name!r}); "
                f"rename the indicator so that it does not replace that column"
            )
        values = evaluate(indicator.expression, rows, name=label)
        infinite = np.isinf(values.to_numpy())
        if infinite.any():
            logger.warning("%s is infinite (a division by zero?) for %d rows, treated as "
                           "missing: %s", label, infinite.sum(),
                           format_rows(values.index[infinite]))
        result[indicator.name] = values.replace([np.inf, -np.inf], np.nan).to_numpy()
        rows[indicator.name] = result[indicator.name].to_numpy()
    return result


def _require(frame: pd.DataFrame, columns: list[str], what: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise MissingColumnError(
            f"{what} names {', '.join(map(repr, missing))}, not a column of the joined table; "
            f"columns are: {', '.join(map(str, frame.columns))}"
        )


def _analysis_year(frame: pd.DataFrame, config: RunConfig) -> int | None:
    column = config.table.year
    if column is None:
        return None
    years = sorted(pd.unique(frame[column].dropna()))
    if config.analysis.year is None:
        return int(years[-1])
    if config.analysis.year not in years:
        raise ConfigError(
            f"analysis.year = {config.analysis.year} is not in the table's years: "
            f"{', '.join(str(int(y)) for y in years)}"
        )
    return config.analysis.year


def _gaps(frame: pd.DataFrame, config: RunConfig) -> pd.DataFrame:
    from geodisparity import gaps

    a = config.analysis
    columns = [c for c in (a.income, a.population, a.urban, a.rural, *a.groups) if c]
    _require(frame, columns, "[analysis]")
    data = pd.DataFrame(frame[[*columns, *([config.table.year] if config.table.year else [])]])
    data = data.dropna(subset=[a.income])
    return gaps(data, income=a.income, population=a.population, urban=a.urban, rural=a.rural,
                groups=a.groups[0] if a.groups else None, year=config.table.year)


def _decompositions(current: pd.DataFrame, config: RunConfig) -> dict[str, dict[str, Any]]:
    """Theil and Dagum decompositions by each group column, with a permutation test."""
    from geodisparity import between_group_test, dagum_gini, theil_decomposition

    a = config.analysis
    results: dict[str, dict[str, Any]] = {}
    for group in a.groups:
        data = pd.DataFrame(current[[a.income, group, *([a.population] if a.population else [])]])
        data = data.dropna()
        if data[group].nunique() < 2:
            logger.warning("analysis.groups: %r has fewer than 2 groups; not decomposed", group)
            continue
        results[group] = {
            "theil": theil_decomposition(a.income, group, a.population, data=data),
            "dagum": dagum_gini(a.income, group, a.population, data=data),
            "test": between_group_test(a.income, group, a.population, data=data,
                                       permutations=max(a.bootstrap, 99), seed=a.seed),
        }
    return results


def _intervals(current: pd.DataFrame, config: RunConfig) -> pd.DataFrame:
    """Bootstrap confidence intervals of the main indices in the analysis year."""
    from geodisparity import bootstrap, gini, theil, williamson

    a = config.analysis
    if a.bootstrap == 0:
        return pd.DataFrame()
    data = pd.DataFrame(current[[a.income, *([a.population] if a.population else [])]]).dropna()
    rows = []
    for statistic in (gini, theil, williamson):
        result = bootstrap(statistic, a.income, a.population, data=data, n_boot=a.bootstrap,
                           seed=a.seed)
        rows.append({"index": statistic.__name__, "estimate": result.estimate,
                     "ci_low": result.low, "ci_high": result.high,
                     "std_error": result.std_error})
    return pd.DataFrame(rows)


def _convergence(frame: pd.DataFrame, config: RunConfig) -> dict[str, Any] | None:
    from geodisparity import beta_convergence, sigma_convergence

    a, key, year = config.analysis, config.boundaries.key, config.table.year
    data = pd.DataFrame(frame[[key, year, a.income, *([a.population] if a.population else [])]])
    data = data.dropna()
    if data[year].nunique() < 2:
        return None
    return {
        "sigma": sigma_convergence(data, region=key, year=year, value=a.income,
                                   weights=a.population),
        "beta": beta_convergence(data, region=key, year=year, value=a.income),
    }


def _clusters(current: Any, config: RunConfig
              ) -> tuple[Any, pd.DataFrame, pd.DataFrame, list[Any]]:
    from geodisparity import local_gi_star, local_moran, moran
    from geodisparity.pipeline_missing import complete_rows

    c = config.clusters
    weights = _weights(current, config)
    _require(current, list(c.columns), "clusters.columns")
    tables, rows, left_out = [], [], []
    for column in c.columns:
        present, dropped = complete_rows(
            current, [column], key=config.boundaries.key, name=config.boundaries.name,
            year=None, missing=c.missing, what=f"clusters: {column}")
        left_out += dropped
        used = _weights(present, config) if dropped else weights
        values = present[column].to_numpy(dtype=float)
        options = {"permutations": c.permutations, "seed": c.seed}
        g = moran(values, used, **options)
        lisa = local_moran(values, used, alpha=c.alpha, adjust=c.adjust, **options)
        gi = local_gi_star(values, used, alpha=c.alpha, adjust=c.adjust, **options)
        rows.append({"column": column, "moran_i": g.statistic, "expected": g.expected,
                     "z": g.z_rand, "p_analytical": g.p_rand, "p_permutation": g.p_sim})
        lisa.index = gi.index = present.index
        tables.append(lisa.reindex(current.index).add_prefix(f"{column}_lisa_"))
        tables.append(gi.reindex(current.index).add_prefix(f"{column}_gi_"))
    cluster_table = pd.concat(tables, axis=1) if tables else pd.DataFrame(index=current.index)
    return weights, cluster_table, pd.DataFrame(rows), left_out


def _weights(regions: Any, config: RunConfig) -> Any:
    """Spatial weights of ``regions``; regions linked for want of neighbours are logged."""
    import warnings

    from geodisparity import contiguity, knn
    from geodisparity.errors import IslandWarning

    c = config.clusters
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", IslandWarning)  # reported below, with names
        weights = knn(regions, c.k) if c.weights == "knn" else contiguity(regions, c.weights)
    if weights.added_links:
        label = _labeller(regions, config.boundaries.name)
        links = ", ".join(f"{label(a)} -> {label(b)}" for a, b in weights.added_links)
        logger.warning("regions with no %s neighbours linked to their nearest region: %s",
                       c.weights, links)
    return weights


def _labeller(current: pd.DataFrame, name: str | None) -> Callable[[Any], str]:
    """Return a function that labels a region id with its name, when known."""
    if not name or name not in current:
        return str
    names = current[name].astype(str)
    return lambda region: f"{names.get(region, '?')} ({region})"


def _simplified_for_maps(result: _Analysis) -> tuple[_Analysis, int]:
    """Return the analysis with its boundaries simplified for every map, and their decimals."""
    from dataclasses import replace

    simple, decimals = result.map_geometry.result(result.current)
    return replace(result, current=result.current.set_geometry(simple)), decimals


def _atlas(result: _Analysis, config: RunConfig, decimals: int) -> Any:
    from geodisparity.maps import atlas
    from geodisparity.pipeline_atlas import atlas_layers, atlas_options

    return atlas(result.current, layers=atlas_layers(config, result),
                 title=config.title, note=config.note, lang=config.lang,
                 attribution=config.attribution, tolerance=None, decimals=decimals,
                 **atlas_options(config, result))


def _unprefix(table: pd.DataFrame, prefix: str) -> pd.DataFrame:
    columns = [c for c in table.columns if c.startswith(prefix)]
    return table[columns].rename(columns=lambda c: c[len(prefix):])


def _region_table(current: Any, cluster_table: pd.DataFrame) -> pd.DataFrame:
    plain = _plain(current).reset_index(drop=True)
    clusters = cluster_table.reset_index(drop=True)
    keep = [c for c in clusters.columns if c.endswith(("_cluster", "_p_sim", "_q", "_statistic"))]
    return pd.concat([plain, clusters[keep]], axis=1)


def _summary_json(config: RunConfig, result: _Analysis) -> dict[str, Any]:
    from geodisparity.pipeline_missing import left_out_records

    return {
        "title": config.title,
        "note": config.note,
        "analysis_year": result.year,
        "join": None if result.join_report is None else str(result.join_report),
        "gaps": json.loads(result.gaps.to_json(orient="records")),
        "moran": json.loads(result.global_table.to_json(orient="records")),
        "change_over_time": _space_time_summary(result.space_time),
        "dropped_regions": left_out_records(result.left_out),
    }


def _space_time_summary(space: Any) -> dict[str, Any]:
    from geodisparity.pipeline_spacetime import summary

    return summary(space)
