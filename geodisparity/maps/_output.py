"""Write output files atomically, never replacing an existing file unless asked."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from geodisparity.errors import InputError, OutputExistsError

__all__ = ["write_atomic"]


def write_atomic(path: str | os.PathLike[str], write: Callable[[Path], None], *,
                 overwrite: bool = False) -> Path:
    """Call ``write(tmp)`` on a temporary file beside ``path``, then rename it to ``path``.

    Parameters
    ----------
    path : str or path-like
        Destination; its folder must exist.
    write : callable
        Writes the complete file to the temporary path it is given.
    overwrite : bool, default False
        Replace an existing file; otherwise raise :class:`OutputExistsError`.

    Returns
    -------
    Path
        The destination.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "a.txt"
    >>> write_atomic(out, lambda p: p.write_text("hi")).read_text()
    'hi'
    >>> write_atomic(out, lambda p: p.write_text("again"))
    Traceback (most recent call last):
    ...
    geodisparity.errors.OutputExistsError: ... exists; pass overwrite=True to replace it
    """
    target = Path(path)
    if target.is_dir():
        raise InputError(f"path={str(target)!r} is a folder; give a file name")
    if not target.parent.is_dir():
        raise InputError(f"path={str(target)!r}: folder {str(target.parent)!r} does not exist")
    if target.exists() and not overwrite:
        raise OutputExistsError(f"{str(target)!r} exists; pass overwrite=True to replace it")
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        write(tmp)
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return target
