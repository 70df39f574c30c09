"""Write output files atomically, refusing to overwrite unless asked.

A failure half-way leaves nothing behind: data goes to a temporary file in the
target's folder, which is renamed over the target only once complete.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

from geodisparity.errors import OutputExistsError

__all__ = ["atomic_path", "write_text", "check_writable", "staged_outputs"]


def check_writable(path: str | os.PathLike[str], *, overwrite: bool) -> Path:
    """Return ``path`` as a Path, raising if it exists and ``overwrite`` is False.

    Examples
    --------
    >>> check_writable("no-such-file.html", overwrite=False).name
    'no-such-file.html'
    """
    target = Path(path)
    if target.exists() and not overwrite:
        raise OutputExistsError(
            f"{str(target)!r} already exists; pass overwrite=True (CLI: --overwrite) to replace it"
        )
    return target


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike[str], *, overwrite: bool = False) -> Iterator[Path]:
    """Yield a temporary path to write to; move it onto ``path`` on success.

    Parameters
    ----------
    path : path-like
        The final file.
    overwrite : bool, default False
        Replace ``path`` if it exists.

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
    target = check_writable(path, overwrite=overwrite)
    target.parent.mkdir(parents=True, exist_ok=True)
    # A fresh name (not mkstemp) so writers create it with the user's normal permissions.
    tmp = target.with_name(f".{target.stem}.{uuid.uuid4().hex[:12]}.tmp{target.suffix}")
    try:
        yield tmp
        if not overwrite and target.exists():
            raise OutputExistsError(f"{str(target)!r} appeared while it was being written")
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def write_text(
    path: str | os.PathLike[str], text: str, *, overwrite: bool = False, encoding: str = "utf-8"
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
    with atomic_path(target, overwrite=overwrite) as tmp:
        tmp.write_text(text, encoding=encoding)
    return target


@contextlib.contextmanager
def staged_outputs(
    targets: dict[str, Path], *, overwrite: bool = False
) -> Iterator[dict[str, Path]]:
    """Yield staging paths for several outputs; move them all into place on success.

    Every target is checked before anything is computed; the files are written
    in a hidden staging folder beside the first target and renamed into place
    only when the block finishes without error, so a failed run leaves the
    output folder as it was.

    Parameters
    ----------
    targets : dict of str to Path
        Output kind -> final path.
    overwrite : bool, default False
        Replace existing files.

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
    for path in targets.values():
        check_writable(path, overwrite=overwrite)
    if not targets:
        yield {}
        return
    folder = next(iter(targets.values())).parent
    folder.mkdir(parents=True, exist_ok=True)
    stage_dir = folder / f".staging-{uuid.uuid4().hex[:12]}"
    stage_dir.mkdir()
    try:
        staged = {kind: stage_dir / path.name for kind, path in targets.items()}
        yield staged
        for path in targets.values():
            check_writable(path, overwrite=overwrite)
        for kind, path in targets.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            os.replace(staged[kind], path)
    finally:
        for leftover in stage_dir.iterdir():
            leftover.unlink()
        stage_dir.rmdir()
