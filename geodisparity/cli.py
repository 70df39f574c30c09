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

import contextlib
import functools
import logging
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, NoReturn

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


def _fail(exc: Exception | str) -> NoReturn:
    """Turn a library error into a one-line message and exit status 1."""
    raise click.ClickException(_one_line(str(exc))) from (exc if isinstance(exc, Exception)
                                                          else None)


def _one_line(message: str) -> str:
    return "; ".join(line.strip() for line in message.splitlines() if line.strip()) or "failed"


def _one_blas_thread() -> None:
    """Load numpy with one OpenBLAS thread, unless it is loaded or the user set the count.

    A run's matrix products are small (999 permutations of at most 512 regions):
    OpenBLAS's extra threads only wake, spin and wait on them, which cost the demo
    0.1-0.2 s of CPU (the permutations of a global Moran's I took 28 ms instead of
    7 ms). OpenBLAS reads the count once, when it loads; the variable is removed
    again so that nothing else (child processes) inherits it.
    """
    if "numpy" in sys.modules or "OPENBLAS_NUM_THREADS" in os.environ:
        return
    os.environ["OPENBLAS_NUM_THREADS"] = "1"
    try:
        import numpy  # noqa: F401
    finally:
        del os.environ["OPENBLAS_NUM_THREADS"]


class _Terminated(BaseException):
    """SIGTERM, raised where the program is so that ``finally`` blocks clean up."""


@contextlib.contextmanager
def _signals_unwind() -> Iterator[None]:
    """Make SIGTERM unwind the stack like Ctrl-C does; restore the previous handler after."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def terminate(signum: int, frame: Any) -> None:
        raise _Terminated

    previous = signal.signal(signal.SIGTERM, terminate)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _clean_errors(command: Callable[..., None]) -> Callable[..., None]:
    """Give every failure of ``command`` one line on stderr and a non-zero status.

    Library errors and OS errors exit with 1, bad arguments with 2, Ctrl-C with
    130 and SIGTERM with 143 (after staging files are removed). Anything else is
    a bug: one line too, with the traceback in the debug log (``-vv``).
    """

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> None:
        from geodisparity.errors import GeodisparityError

        try:
            with _signals_unwind():
                command(*args, **kwargs)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except GeodisparityError as exc:
            _fail(exc)
        except OSError as exc:
            _fail(_os_error(exc))
        except KeyboardInterrupt:
            _stop("interrupted", 130)
        except _Terminated:
            _stop("terminated", 143)
        except Exception as exc:  # a bug: still one line, details with -vv
            _stop_if_signalled(exc)
            logging.getLogger(__name__).debug("unexpected error", exc_info=True)
            _fail(f"unexpected {type(exc).__name__}: {exc} (please report it; -vv shows details)")

    return wrapper


def _stop_if_signalled(exc: BaseException) -> None:
    """Stop as interrupted or terminated when a signal caused ``exc``.

    Python 3.11 wraps what ``__set_name__`` raises while a class is created
    in a ``RuntimeError``; Ctrl-C landing there (say, in a dataclass of a
    module being imported) must still read as an interrupt.
    """
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, KeyboardInterrupt):
            _stop("interrupted", 130)
        if isinstance(exc, _Terminated):
            _stop("terminated", 143)
        exc = exc.__cause__ or exc.__context__


def _os_error(exc: OSError) -> str:
    """Describe a file-system error by what failed and on which path."""
    reason = exc.strerror or type(exc).__name__
    names = [str(name) for name in (exc.filename, exc.filename2) if name is not None]
    where = " -> ".join(repr(name) for name in names)
    return f"{reason}: {where}" if where else f"{reason}: {exc}"


def _stop(what: str, status: int) -> NoReturn:
    click.echo(f"Error: {what}; no output was written or replaced", err=True)
    raise click.exceptions.Exit(status)


class _Command(click.Command):
    """A command whose usage errors are one line (no usage text), exit status 2."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, args)
        except click.UsageError as exc:
            raise _UsageError(_one_line(exc.format_message())) from exc
        except ValueError as exc:  # click's path checks on a name with a NUL byte
            raise _UsageError(f"an argument is not a usable path: {exc}") from exc


class _UsageError(click.ClickException):
    exit_code = 2


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="geodisparity")
@verbose_option
@quiet_option
@click.pass_context
def main(ctx: click.Context, verbose: int, quiet: bool) -> None:
    """Map regional disparities: gap statistics, clusters and offline maps.

    -v and -q go before the command (``geodisparity -v run study.toml``);
    ``run -v`` and ``run -q`` are also accepted.
    """
    if verbose and quiet:
        raise click.BadOptionUsage("quiet", "-q/--quiet and -v/--verbose exclude each other")
    ctx.obj = {"verbosity": -1 if quiet else verbose}
    _setup_logging(ctx, ctx.obj["verbosity"])


_KEYS_EPILOG = ("Every key of the study file (type, default, allowed values, example): "
                "`geodisparity keys`, or docs/study-file.md.")


@main.command(cls=_Command, epilog=_KEYS_EPILOG)
@click.argument("config", type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--output", type=click.Path(file_okay=False, path_type=Path),
              help="Output folder (default: the config's `output`, relative to the config file).")
@overwrite_option
@verbose_option
@quiet_option
@_clean_errors
@click.pass_context
def run(ctx: click.Context, config: Path, output: Path | None, overwrite: bool,
        verbose: int, quiet: bool) -> None:
    """Run the analysis described by CONFIG (a TOML file) and write maps and a report."""
    verbosity = _run_verbosity(ctx, verbose, quiet)
    progress = None if verbosity < 0 else (lambda message: click.echo(message, err=True))
    _one_blas_thread()
    from geodisparity.config import load_config
    from geodisparity.pipeline import run_pipeline

    if not config.is_file():
        raise _UsageError(f"Invalid value for 'CONFIG': {str(config)!r} does not exist")
    result = run_pipeline(load_config(config), output=output, overwrite=overwrite,
                          progress=progress)
    click.echo(result.summary())


def _run_verbosity(ctx: click.Context, verbose: int, quiet: bool) -> int:
    """Return the verbosity: the group's, changed by ``run``'s own -v/-q (logging set again)."""
    verbosity = _verbosity(ctx)
    if not (verbose or quiet):
        return verbosity
    if (verbose and (quiet or verbosity < 0)) or (quiet and verbosity > 0):
        raise click.BadOptionUsage("quiet" if quiet else "verbose",
                                   "-q/--quiet and -v/--verbose exclude each other")
    verbosity = -1 if quiet else verbosity + verbose
    _setup_logging(ctx, verbosity)
    return verbosity


@main.command(cls=_Command)
@click.argument("section", required=False)
@click.option("--markdown", is_flag=True, help="The docs page (docs/study-file.md) instead.")
@_clean_errors
def keys(section: str | None, markdown: bool) -> None:
    """Print every key a study file accepts, or those of SECTION (e.g. clusters)."""
    from geodisparity.config_reference import reference_markdown, reference_text

    if markdown:
        click.echo(reference_markdown(), nl=False)
        return
    try:
        click.echo(reference_text(section), nl=False)
    except KeyError as exc:
        raise _UsageError(f"Invalid value for 'SECTION': {exc.args[0]}") from None


@main.command("boundaries", cls=_Command)
@_clean_errors
def boundaries_command() -> None:
    """List the bundled boundary layers."""
    from geodisparity import boundaries

    for name in boundaries.available():
        click.echo(name)


@main.command(cls=_Command)
@click.argument("regions", type=str)
@click.argument("table", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--left-on", required=True, help="Id column of the boundaries.")
@click.option("--right-on", required=True, help="Id column of the table.")
@click.option("--year", default=None, help="Year column of a long table.")
@click.option("--name", "name_column", default=None,
              help="Name column of the boundaries, to label unmatched regions in the report.")
@click.option("--strict", is_flag=True, help="Fail when any row on either side is unmatched.")
@click.option("--crs", default=None,
              help="CRS of a boundary file that declares none (e.g. EPSG:4490).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the joined regions (.gpkg, .geojson, .parquet or .csv).")
@overwrite_option
@_clean_errors
def join(regions: str, table: Path, left_on: str, right_on: str, year: str | None,
         name_column: str | None, strict: bool, crs: str | None, output: Path | None,
         overwrite: bool) -> None:
    """Join TABLE to REGIONS (a bundled layer name or a boundary file) and report matches."""
    from geodisparity import boundaries as bundled
    from geodisparity import join as join_tables
    from geodisparity import read_table
    from geodisparity._output import check_writable, input_files
    from geodisparity.pipeline import load_regions, write_frame

    inputs = input_files(table, None if regions in bundled.available() else regions)
    if output is not None:  # before reading anything: an input is never an output
        check_writable(output, overwrite=overwrite, inputs=inputs)
    boundaries = load_regions(regions, crs=crs)
    frame = read_table(table, key=right_on)
    names = (name_column, None) if name_column else None
    joined, report = join_tables(boundaries, frame, left_on=left_on, right_on=right_on,
                                 names=names, year=year, strict=strict)
    click.echo(str(report))
    if output is not None:
        write_frame(joined, output, overwrite=overwrite, inputs=inputs)
        click.echo(f"joined table written to {output}")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
