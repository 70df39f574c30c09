"""The ``geodisparity`` command: planners' entry point.

Commands import the heavy parts of the library only when they run, so
``geodisparity --help`` answers at once.

Examples
--------
>>> from click.testing import CliRunner
>>> result = CliRunner().invoke(main, ["--version"])
>>> result.output.startswith("geodisparity, version")
True
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import click

from geodisparity import __version__

__all__ = ["main"]

overwrite_option = click.option(
    "--overwrite", is_flag=True, help="Replace output files that already exist."
)
verbose_option = click.option("-v", "--verbose", count=True, help="More log output (-vv: debug).")
quiet_option = click.option("-q", "--quiet", is_flag=True,
                            help="Only errors: no progress lines, warnings or log output.")


def _setup_logging(ctx: click.Context, verbosity: int) -> None:
    """Set the log level for this invocation; -1 means quiet (errors only).

    The previous levels come back when the command ends, so that invoking the
    CLI from Python (tests, notebooks) leaves no global state behind.
    """
    level = logging.ERROR if verbosity < 0 else logging.WARNING - 10 * min(verbosity, 2)
    logging.basicConfig(format="%(levelname)s %(name)s: %(message)s")
    loggers = [logging.getLogger(), logging.getLogger("geodisparity")]
    previous = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(level)
    captured = verbosity < 0  # quiet: warnings go through logging, below the ERROR level
    if captured:
        logging.captureWarnings(True)

    def restore() -> None:
        for logger, old in zip(loggers, previous, strict=True):
            logger.setLevel(old)
        if captured:
            logging.captureWarnings(False)

    ctx.call_on_close(restore)


def _verbosity(ctx: click.Context) -> int:
    """Return the group's -v count, or -1 for -q."""
    return (ctx.find_root().obj or {}).get("verbosity", 0)


def _fail(exc: Exception) -> None:
    """Turn a library error into a clean message and exit status 1."""
    raise click.ClickException(str(exc)) from exc


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="geodisparity")
@verbose_option
@quiet_option
@click.pass_context
def main(ctx: click.Context, verbose: int, quiet: bool) -> None:
    """Map regional disparities: gap statistics, clusters and offline maps.

    -v and -q go before the command (``geodisparity -v run study.toml``);
    ``run -v`` is also accepted.
    """
    if verbose and quiet:
        raise click.BadOptionUsage("quiet", "-q/--quiet and -v/--verbose exclude each other")
    ctx.obj = {"verbosity": -1 if quiet else verbose}
    _setup_logging(ctx, ctx.obj["verbosity"])


@main.command()
@click.argument("config", type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--output", type=click.Path(file_okay=False, path_type=Path),
              help="Output folder (default: the config's `output`, relative to the config file).")
@overwrite_option
@verbose_option
@click.pass_context
def run(ctx: click.Context, config: Path, output: Path | None, overwrite: bool,
        verbose: int) -> None:
    """Run the analysis described by CONFIG (a TOML file) and write maps and a report."""
    verbosity = _verbosity(ctx)
    if verbose:
        if verbosity < 0:
            raise click.BadOptionUsage("verbose", "-q/--quiet and -v/--verbose exclude each other")
        verbosity += verbose
        _setup_logging(ctx, verbosity)
    progress = None if verbosity < 0 else (lambda message: click.echo(message, err=True))
    from geodisparity.config import load_config
    from geodisparity.errors import GeodisparityError
    from geodisparity.pipeline import run_pipeline

    if not config.is_file():
        raise click.BadParameter(f"{str(config)!r} does not exist", param_hint="CONFIG")
    try:
        result = run_pipeline(load_config(config), output=output, overwrite=overwrite,
                              progress=progress)
    except GeodisparityError as exc:
        _fail(exc)
    click.echo(result.summary())


@main.command("boundaries")
def boundaries_command() -> None:
    """List the bundled boundary layers."""
    from geodisparity import boundaries

    for name in boundaries.available():
        click.echo(name)


@main.command()
@click.argument("regions", type=str)
@click.argument("table", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--left-on", required=True, help="Id column of the boundaries.")
@click.option("--right-on", required=True, help="Id column of the table.")
@click.option("--year", default=None, help="Year column of a long table.")
@click.option("--name", "name_column", default=None,
              help="Name column of the boundaries, to label unmatched regions in the report.")
@click.option("--strict", is_flag=True, help="Fail when any row on either side is unmatched.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the joined regions (.gpkg, .geojson, .parquet or .csv).")
@overwrite_option
def join(regions: str, table: Path, left_on: str, right_on: str, year: str | None,
         name_column: str | None, strict: bool, output: Path | None, overwrite: bool) -> None:
    """Join TABLE to REGIONS (a bundled layer name or a boundary file) and report matches."""
    from geodisparity.errors import GeodisparityError
    from geodisparity.pipeline import load_regions, write_frame

    try:
        from geodisparity import join as join_tables
        from geodisparity import read_table

        boundaries = load_regions(regions)
        frame = read_table(table, key=right_on)
        names = (name_column, None) if name_column else None
        joined, report = join_tables(boundaries, frame, left_on=left_on, right_on=right_on,
                                     names=names, year=year, strict=strict)
    except GeodisparityError as exc:
        _fail(exc)
    click.echo(str(report))
    if output is not None:
        try:
            write_frame(joined, output, overwrite=overwrite)
        except GeodisparityError as exc:
            _fail(exc)
        click.echo(f"joined table written to {output}")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
