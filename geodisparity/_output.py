"""Write output files atomically, never over an input, refusing to overwrite unless asked.

Three promises:

- **No half-written files.** Data goes to a temporary file (or a staging folder,
  for a run's several outputs) beside the target and is renamed into place only
  once complete; a failure, Ctrl-C or SIGTERM removes it.
- **Inputs are never replaced.** Each output path is resolved (symlinks, ``..``)
  and compared with every input of the operation, including a shapefile's
  sidecar files; an output that is an input, or lies inside an input folder, is
  refused whatever ``overwrite`` says.
- **No leftovers.** Temporary names say who made them
  (``.geodisparity-staging-<host>-<pid>-<random>``); a later write to the same
  folder removes those whose process is gone (or that are older than a day).

A run's outputs are not swapped in as a whole folder: the output folder may hold
other files, inputs among them, that must stay. Instead every output is written
in the staging folder first, then all are renamed into place together, and if a
rename fails the earlier ones are rolled back, so the folder shows either the old
outputs or all the new ones.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import shutil
import socket
import time
import uuid
from collections.abc import Iterable, Iterator
from pathlib import Path

from geodisparity.errors import InputError, OutputExistsError

__all__ = [
    "atomic_path",
    "write_text",
    "check_writable",
    "staged_outputs",
    "input_files",
    "refuse_inputs",
    "remove_stale",
]

logger = logging.getLogger(__name__)

STALE_AFTER = 24 * 3600
"""Seconds after which a temporary name is removed even if its process id is in use."""

SHAPEFILE_PARTS = (
    ".shp", ".shx", ".dbf", ".prj", ".cpg", ".qix", ".sbn", ".sbx", ".fbn", ".fbx", ".ain",
    ".aih", ".atx", ".ixs", ".mxs", ".qpj", ".qmd", ".shp.xml", ".aux.xml",
)
"""Sidecar files that belong to a shapefile ``name.shp`` (compared case-insensitively)."""

_PREFIX = ".geodisparity-"
_OURS = re.compile(r"^\.geodisparity-(staging|tmp)-([A-Za-z0-9]*)-(\d+)-[0-9a-f]{12}")
_LEGACY = re.compile(r"^\.staging-[0-9a-f]{12}$")  # version 0.1.0, no owner recorded


def check_writable(path: str | os.PathLike[str], *, overwrite: bool,
                   inputs: Iterable[str | os.PathLike[str]] = ()) -> Path:
    """Return ``path`` as a Path, raising if it is an input, or exists and ``overwrite`` is False.

    Examples
    --------
    >>> check_writable("no-such-file.html", overwrite=False).name
    'no-such-file.html'
    >>> check_writable("table.csv", overwrite=True, inputs=["sub/../table.csv"])
    Traceback (most recent call last):
    ...
    geodisparity.errors.OutputExistsError: output 'table.csv' would replace the input \
'sub/../table.csv'; choose another output path
    """
    target = Path(path)
    if "\0" in str(target):
        raise InputError(f"output path {str(target)!r} contains a NUL character")
    refuse_inputs([target], inputs)
    if target.is_dir():
        raise OutputExistsError(f"output {str(target)!r} is a folder; give a file name")
    if target.exists() and not overwrite:
        raise OutputExistsError(
            f"{str(target)!r} already exists; pass overwrite=True (CLI: --overwrite) to replace it"
        )
    return target


def input_files(*paths: str | os.PathLike[str] | None) -> list[Path]:
    """List the files an operation reads: the paths given and a shapefile's sidecars.

    Parameters
    ----------
    *paths : path-like or None
        Input files or folders; None is skipped (e.g. a bundled layer).

    Returns
    -------
    list of Path

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> for name in ("a.shp", "a.DBF", "a.shp.xml", "a.csv", "b.shx"):
    ...     _ = (folder / name).write_text("")
    >>> sorted(p.name for p in input_files(folder / "a.shp", None))
    ['a.DBF', 'a.shp', 'a.shp.xml']
    """
    found: list[Path] = []
    for path in paths:
        if path is None:
            continue
        source = Path(path)
        found.append(source)
        if source.suffix.lower() in (".shp", ".shx", ".dbf") and source.parent.is_dir():
            found += _sidecars(source)
        if source.suffix.lower() in (".gpkg", ".sqlite"):
            found += [source.with_name(source.name + end) for end in ("-wal", "-shm", "-journal")]
    return list(dict.fromkeys(found))


def _sidecars(source: Path) -> list[Path]:
    stem = source.name[: -len(source.suffix)].lower()
    return [
        sibling for sibling in source.parent.iterdir()
        if sibling.name.lower() in {stem + part for part in SHAPEFILE_PARTS}
    ]


def refuse_inputs(outputs: Iterable[str | os.PathLike[str]],
                  inputs: Iterable[str | os.PathLike[str]]) -> None:
    """Raise if an output would replace an input or be written inside an input folder.

    Paths are compared after resolving symlinks and ``..``, and as files (the
    same device and inode) when both exist, which also catches hard links.

    Parameters
    ----------
    outputs, inputs : iterable of path-like

    Raises
    ------
    OutputExistsError
        Naming the output and the input.

    Examples
    --------
    >>> refuse_inputs(["out/atlas.html"], ["data/table.csv"])  # different: nothing happens
    >>> refuse_inputs(["data/../data/table.csv"], ["data/table.csv"])
    Traceback (most recent call last):
    ...
    geodisparity.errors.OutputExistsError: output 'data/../data/table.csv' would replace the \
input 'data/table.csv'; choose another output path
    """
    sources = [(Path(p), _resolved(p)) for p in inputs]
    for output in outputs:
        target = _resolved(output)
        for given, source in sources:
            if target == source or _same_file(target, source):
                raise OutputExistsError(
                    f"output {str(output)!r} would replace the input {str(given)!r}; "
                    f"choose another output path"
                )
            if source.is_dir() and source in target.parents:
                raise OutputExistsError(
                    f"output {str(output)!r} would be written inside the input folder "
                    f"{str(given)!r}; choose another output path"
                )


def _resolved(path: str | os.PathLike[str]) -> Path:
    try:
        return Path(path).expanduser().resolve()
    except (OSError, RuntimeError, ValueError):  # a symlink loop, a NUL byte: compare as given
        return Path(os.path.abspath(path))


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except (OSError, ValueError):
        return False


def _make_folder(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError) as exc:
        blocking = next((p for p in (folder, *folder.parents) if p.is_file()), folder)
        raise OutputExistsError(
            f"cannot create the output folder {str(folder)!r}: {str(blocking)!r} is a file, "
            f"not a folder"
        ) from exc


def _owned_name(kind: str) -> str:
    """Make a hidden name that records the host and process that made it."""
    host = re.sub(r"[^A-Za-z0-9]", "", socket.gethostname())[:32]
    return f"{_PREFIX}{kind}-{host}-{os.getpid()}-{uuid.uuid4().hex[:12]}"


def remove_stale(folder: str | os.PathLike[str], *, now: float | None = None) -> list[Path]:
    """Remove temporary files and staging folders left in ``folder`` by killed runs.

    A name of ours is stale when it was made on this host by a process that no
    longer exists, or when it is older than :data:`STALE_AFTER` (a process id
    may be reused; another host's processes cannot be checked). Symbolic links
    are never followed or removed.

    Parameters
    ----------
    folder : path-like
    now : float, optional
        The current time (seconds since the epoch), for tests.

    Returns
    -------
    list of Path
        What was removed.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> (folder / ".geodisparity-staging-otherhost-1-0123456789ab").mkdir()
    >>> remove_stale(folder, now=time.time() + 2 * STALE_AFTER)[0].name
    '.geodisparity-staging-otherhost-1-0123456789ab'
    """
    removed = []
    now = time.time() if now is None else now
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        if entry.is_symlink() or not _is_stale(entry, now):
            continue
        try:
            shutil.rmtree(entry.path) if entry.is_dir() else os.unlink(entry.path)
        except OSError as exc:
            logger.debug("cannot remove %s: %s", entry.path, exc)
            continue
        logger.info("removed %s, left by an interrupted run", entry.path)
        removed.append(Path(entry.path))
    return removed


def _is_stale(entry: os.DirEntry[str], now: float) -> bool:
    legacy = _LEGACY.match(entry.name)
    ours = _OURS.match(entry.name)
    if not (legacy or ours):
        return False
    try:
        age = now - entry.stat(follow_symlinks=False).st_mtime
    except OSError:
        return False
    if legacy:
        return age > 3600
    host = re.sub(r"[^A-Za-z0-9]", "", socket.gethostname())[:32]
    _, owner_host, pid = ours.groups()  # type: ignore[union-attr]
    gone = owner_host == host and not _process_exists(int(pid))
    return gone or age > STALE_AFTER


def _process_exists(pid: int) -> bool:
    if os.name == "nt":  # os.kill(pid, 0) would terminate it: rely on age alone
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True
    return True


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike[str], *, overwrite: bool = False,
                inputs: Iterable[str | os.PathLike[str]] = ()) -> Iterator[Path]:
    """Yield a temporary path to write to; move it onto ``path`` on success.

    Parameters
    ----------
    path : path-like
        The final file.
    overwrite : bool, default False
        Replace ``path`` if it exists.
    inputs : iterable of path-like, optional
        Files the caller read; ``path`` may not be one of them (see :func:`input_files`).

    Yields
    ------
    Path
        A temporary file beside ``path`` (same suffix, so format-sniffing writers work).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> with atomic_path(folder / "a.txt") as tmp:
    ...     _ = tmp.write_text("done")
    >>> (folder / "a.txt").read_text()
    'done'
    """
    target = check_writable(path, overwrite=overwrite, inputs=inputs)
    _make_folder(target.parent)
    remove_stale(target.parent)
    # A fresh name (not mkstemp) so writers create it with the user's normal permissions.
    tmp = target.with_name(_owned_name("tmp") + target.suffix)
    try:
        yield tmp
        if not overwrite and target.exists():
            raise OutputExistsError(f"{str(target)!r} appeared while it was being written")
        os.replace(tmp, target)
    finally:
        for leftover in tmp.parent.glob(f"{tmp.name}*"):  # with a writer's journal files
            leftover.unlink(missing_ok=True)


def write_text(
    path: str | os.PathLike[str], text: str, *, overwrite: bool = False, encoding: str = "utf-8",
    inputs: Iterable[str | os.PathLike[str]] = (),
) -> Path:
    """Write ``text`` to ``path`` atomically and return the path.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> out = write_text(pathlib.Path(tempfile.mkdtemp()) / "x.txt", "hi")
    >>> out.read_text()
    'hi'
    """
    target = Path(path)
    with atomic_path(target, overwrite=overwrite, inputs=inputs) as tmp:
        tmp.write_text(text, encoding=encoding)
    return target


@contextlib.contextmanager
def staged_outputs(
    targets: dict[str, Path], *, overwrite: bool = False,
    inputs: Iterable[str | os.PathLike[str]] = (),
) -> Iterator[dict[str, Path]]:
    """Yield staging paths for several outputs; move them all into place on success.

    Every target is checked (against ``inputs`` and for existing files) before
    anything is computed; the files are written in a hidden staging folder beside
    the first target and renamed into place only when the block finishes without
    error, so a failed or interrupted run leaves the output folder as it was.

    Parameters
    ----------
    targets : dict of str to Path
        Output kind -> final path.
    overwrite : bool, default False
        Replace existing files.
    inputs : iterable of path-like, optional
        Files the run reads; no target may be one of them.

    Yields
    ------
    dict of str to Path
        Output kind -> staging path to write to.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> with staged_outputs({"a": folder / "a.txt"}) as stage:
    ...     _ = stage["a"].write_text("done")
    >>> sorted(p.name for p in folder.iterdir())
    ['a.txt']
    """
    inputs = list(inputs)
    for path in targets.values():
        check_writable(path, overwrite=overwrite, inputs=inputs)
    if not targets:
        yield {}
        return
    folder = next(iter(targets.values())).parent
    _make_folder(folder)
    remove_stale(folder)
    stage_dir = folder / _owned_name("staging")
    stage_dir.mkdir()
    try:
        staged = {kind: stage_dir / path.name for kind, path in targets.items()}
        yield staged
        for path in targets.values():
            check_writable(path, overwrite=overwrite, inputs=inputs)
        _swap_in(staged, targets, stage_dir)
    finally:
        shutil.rmtree(stage_dir, ignore_errors=True)


def _swap_in(staged: dict[str, Path], targets: dict[str, Path], stage_dir: Path) -> None:
    """Rename every staged file onto its target; on any failure put the old files back."""
    done: list[tuple[Path, Path | None]] = []
    try:
        for kind, target in targets.items():
            target.parent.mkdir(parents=True, exist_ok=True)
            backup = stage_dir / f"previous-{kind}" if target.exists() else None
            if backup is not None:
                os.replace(target, backup)
            done.append((target, backup))
            os.replace(staged[kind], target)
    except BaseException:
        for target, backup in reversed(done):
            if backup is not None:
                os.replace(backup, target)
            else:
                target.unlink(missing_ok=True)
        raise
