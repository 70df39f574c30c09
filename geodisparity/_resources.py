"""Bounded resources: the permutation ceiling and the memory check before allocating.

Every function that permutes or resamples takes a count (``permutations`` or
``n_boot``). Counts above :data:`geodisparity._limits.MAX_PERMUTATIONS` are refused
unless the caller says so explicitly (``allow_many_permutations=True``, or
``allow_many_replicates=True`` for the bootstrap): a mistyped ``9999999`` should
fail at once, not after an hour. Independently of the ceiling, the engines
estimate the memory they will hold at once and call :func:`check_memory`
before allocating, which refuses with the estimate and what the machine has.

Examples
--------
>>> check_count(999, name="permutations")
999
>>> check_count(10**6, name="permutations")
Traceback (most recent call last):
...
geodisparity.errors.InputError: permutations=1000000 is above the ceiling of 99,999; ...
>>> format_bytes(3 * 2**30)
'3.0 GiB'
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np

from geodisparity._limits import MAX_PERMUTATIONS
from geodisparity.errors import InputError, ResourceError

__all__ = ["available_memory", "check_count", "check_memory", "format_bytes"]


def check_count(
    value: Any,
    *,
    name: str,
    minimum: int = 0,
    allow_many: bool = False,
    allow_name: str = "allow_many_permutations",
) -> int:
    """Return ``value`` as an int after checking it is a count within the ceiling.

    Parameters
    ----------
    value : int
        The count given by the caller.
    name : str
        The argument's name, for messages (``"permutations"``, ``"n_boot"``).
    minimum : int, default 0
        Smallest accepted value.
    allow_many : bool, default False
        Accept counts above :data:`~geodisparity._limits.MAX_PERMUTATIONS`.
    allow_name : str
        Name of the keyword that sets ``allow_many``, for the message.

    Returns
    -------
    int

    Examples
    --------
    >>> check_count(200_000, name="n_boot", allow_many=True)
    200000
    >>> check_count(True, name="permutations")
    Traceback (most recent call last):
    ...
    geodisparity.errors.InputError: permutations must be an integer; got True
    """
    if isinstance(value, bool | np.bool_) or not isinstance(value, int | np.integer):
        raise InputError(f"{name} must be an integer; got {value!r}")
    if not isinstance(allow_many, bool | np.bool_):
        raise InputError(f"{allow_name} must be True or False; got {allow_many!r}")
    count = int(value)
    if count < minimum:
        raise InputError(f"{name} must be >= {minimum}; got {count}")
    if count > MAX_PERMUTATIONS and not allow_many:
        raise InputError(
            f"{name}={count} is above the ceiling of {MAX_PERMUTATIONS:,}; pass "
            f"{allow_name}=True if you really mean it (memory and time grow with {name})"
        )
    return count


def available_memory() -> int | None:
    """Bytes of memory available to a new allocation, or None when unknown.

    Reads ``MemAvailable`` from ``/proc/meminfo`` (Linux), else asks
    :func:`os.sysconf` for the available physical pages.

    Returns
    -------
    int or None

    Examples
    --------
    >>> available = available_memory()
    >>> available is None or available > 0
    True
    """
    try:
        with open("/proc/meminfo", encoding="ascii") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return int(os.sysconf("SC_AVPHYS_PAGES")) * int(os.sysconf("SC_PAGE_SIZE"))
    except (AttributeError, ValueError, OSError):
        return None


def format_bytes(size: float) -> str:
    """Format a byte count for a message (``'1.5 GiB'``).

    Examples
    --------
    >>> format_bytes(512), format_bytes(1536)
    ('512 B', '1.5 KiB')
    """
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if abs(size) < 1024 or unit == "TiB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    raise AssertionError("unreachable")


def check_memory(estimate: float, *, what: str, available: int | None = None) -> None:
    """Refuse with :class:`~geodisparity.errors.ResourceError` when ``estimate`` exceeds memory.

    Parameters
    ----------
    estimate : float
        Bytes the computation will hold at once.
    what : str
        What is being computed, for the message.
    available : int, optional
        Bytes available; measured with :func:`available_memory` by default.

    Examples
    --------
    >>> check_memory(10 * 2**30, what="999 permutations", available=2**30)
    Traceback (most recent call last):
    ...
    geodisparity.errors.ResourceError: 999 permutations would need about 10.0 GiB of memory, ...
    """
    if available is None:
        available = available_memory()
    if available is None or estimate <= available:
        return
    raise ResourceError(
        f"{what} would need about {format_bytes(estimate)} of memory, but only "
        f"{format_bytes(available)} is available; use fewer permutations or regions, "
        "or free memory"
    )
