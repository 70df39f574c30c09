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

__all__ = ["atomic_path", "write_text", "check_writable"]


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
