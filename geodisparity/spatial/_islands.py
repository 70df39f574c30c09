"""The islands policy shared by every weights builder.

An island is a region with no neighbours. Builders pass their sparse matrix
here with a function that finds each island's nearest region; the policy
(``"nearest"``, ``"keep"`` or ``"error"``) decides what happens.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any, Literal

import numpy as np
import pandas as pd
import scipy.sparse as sp

from geodisparity.errors import InputError, IslandWarning, WeightsError, format_rows

__all__ = ["IslandPolicy", "check_policy", "embed", "on_located", "resolve_islands"]

IslandPolicy = Literal["nearest", "keep", "error"]
POLICIES = ("nearest", "keep", "error")

# Given island row positions, return (nearest row positions, link weights).
NearestFinder = Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]]


def check_policy(islands: Any) -> None:
    """Raise :class:`InputError` unless ``islands`` is a known policy."""
    if islands not in POLICIES:
        raise InputError(
            f"islands={islands!r} is not accepted; use 'nearest' (link each island to its "
            "nearest region), 'keep' (leave it without neighbours) or 'error'"
        )


def resolve_islands(
    matrix: sp.csr_array,
    ids: pd.Index,
    *,
    islands: IslandPolicy,
    find_nearest: NearestFinder,
    what: str,
    stacklevel: int,
    unlocated: np.ndarray | None = None,
) -> tuple[sp.csr_array, tuple[tuple[Any, Any], ...]]:
    """Apply the islands policy to ``matrix``; return it with the links added.

    Parameters
    ----------
    matrix : scipy.sparse.csr_array
        Weights as built, with sorted indices.
    ids : pandas.Index
        Region ids in row order.
    islands : {"nearest", "keep", "error"}
        The policy.
    find_nearest : callable
        Maps island row positions to (nearest row positions, link weights).
    what : str
        Description of the weights for messages ("queen contiguity").
    stacklevel : int
        Stack level of the warning, pointing at the user's call.
    unlocated : numpy.ndarray of bool, optional
        Rows with a missing or empty geometry: islands with no nearest region,
        left without neighbours under every policy but ``"error"``, with an
        :class:`~geodisparity.errors.IslandWarning` naming them.

    Returns
    -------
    (csr_array, tuple of (id, id))
        The matrix and the (island, nearest) links that were added.
    """
    lonely = np.flatnonzero(np.diff(matrix.indptr) == 0)
    unlocated = np.zeros(matrix.shape[0], bool) if unlocated is None else unlocated
    if lonely.size == 0:
        return matrix, ()
    names = format_rows(ids[lonely])
    if islands == "error":
        empty = int(unlocated.sum())
        raise WeightsError(
            f"{lonely.size} regions have no neighbours under {what}: {names}"
            + (f" ({empty} of them have a missing or empty geometry)" if empty else "")
            + ". Pass islands='nearest' to link each to its nearest region, islands='keep' to "
            "leave them without neighbours, or raise the tolerance/threshold"
        )
    if unlocated.any():
        warnings.warn(
            f"{int(unlocated.sum())} regions have a missing or empty geometry, hence no "
            f"neighbours and no nearest region to be linked to; they stay islands: "
            f"{format_rows(ids[unlocated])}",
            IslandWarning,
            stacklevel=stacklevel,
        )
        lonely = lonely[~unlocated[lonely]]
    if lonely.size == 0 or islands == "keep":
        return matrix, ()
    names = format_rows(ids[lonely])
    if int((~unlocated).sum()) < 2:
        warnings.warn(
            f"the only region ({names}) has no other region to be linked to; it stays an island",
            IslandWarning,
            stacklevel=stacklevel,
        )
        return matrix, ()
    targets, link_weights = find_nearest(lonely)
    matrix = _add_links(matrix, lonely, np.asarray(targets), np.asarray(link_weights, float))
    links = _distinct_links(ids[lonely].tolist(), ids[targets].tolist())
    shown = format_rows(f"{a} -> {b}" for a, b in links)
    warnings.warn(
        f"{lonely.size} regions had no neighbours under {what} and were linked to their "
        f"nearest region (islands='nearest'): {shown}",
        IslandWarning,
        stacklevel=stacklevel,
    )
    return matrix, links


def _distinct_links(sources: list[Any], targets: list[Any]) -> tuple[tuple[Any, Any], ...]:
    """(island, target) pairs, listing once two islands that are each other's nearest."""
    links: list[tuple[Any, Any]] = []
    seen: set[frozenset[Any]] = set()
    for source, target in zip(sources, targets, strict=True):
        if frozenset((source, target)) not in seen:
            seen.add(frozenset((source, target)))
            links.append((source, target))
    return tuple(links)


def _add_links(
    matrix: sp.csr_array, sources: np.ndarray, targets: np.ndarray, weights: np.ndarray
) -> sp.csr_array:
    """Add the links source<->target (both directions) that are not already present."""
    rows = np.concatenate([sources, targets])
    cols = np.concatenate([targets, sources])
    values = np.concatenate([weights, weights])
    n = matrix.shape[0]
    _, first = np.unique(rows.astype(np.int64) * n + cols, return_index=True)
    rows, cols, values = rows[first], cols[first], values[first]
    absent = np.asarray(matrix[rows, cols]).ravel() == 0
    extra = sp.csr_array((values[absent], (rows[absent], cols[absent])), shape=matrix.shape)
    result = sp.csr_array(matrix + extra)
    result.sort_indices()
    return result


def embed(matrix: sp.csr_array, located: np.ndarray) -> sp.csr_array:
    """Place the weights among the ``located`` rows into the full ``n x n`` matrix.

    Examples
    --------
    >>> embed(sp.csr_array([[0, 1.0], [1.0, 0]]), np.array([True, False, True])).toarray()
    array([[0., 0., 1.],
           [0., 0., 0.],
           [1., 0., 0.]])
    """
    if located.all():
        return matrix
    positions = np.flatnonzero(located)
    coo = sp.coo_array(matrix)
    n = located.size
    full = sp.csr_array(
        (coo.data, (positions[coo.coords[0]], positions[coo.coords[1]])), shape=(n, n)
    )
    full.sort_indices()
    return full


def on_located(located: np.ndarray, find_nearest: NearestFinder) -> NearestFinder:
    """Wrap a finder that works on the located rows so that it takes and returns full rows."""
    positions = np.flatnonzero(located)
    rank = np.cumsum(located) - 1

    def find(lonely: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        targets, link_weights = find_nearest(rank[lonely])
        return positions[np.asarray(targets)], link_weights

    return find
