"""Shared builders for the clustering-statistics tests (not a test module)."""

from __future__ import annotations

import warnings

import numpy as np
import scipy.sparse as sp

from geodisparity.spatial.weights import SpatialWeights


def queen_lattice(rows: int, cols: int) -> sp.csr_array:
    """Binary queen contiguity of a rows x cols grid, cells numbered row by row."""
    r, c = np.divmod(np.arange(rows * cols), cols)
    src_all, dst_all = [], []
    for dr, dc in ((0, 1), (1, 0), (1, 1), (1, -1)):
        ok = (r + dr < rows) & (c + dc >= 0) & (c + dc < cols)
        src = np.flatnonzero(ok)
        dst = src + dr * cols + dc
        src_all += [src, dst]
        dst_all += [dst, src]
    i, j = np.concatenate(src_all), np.concatenate(dst_all)
    return sp.csr_array((np.ones(i.size), (i, j)), shape=(rows * cols, rows * cols))


def mc_tolerance(p_reference: np.ndarray, permutations: int) -> np.ndarray:
    """Allowed |p_ours - p_reference| between two independent Monte Carlo estimates.

    Each pseudo p-value has standard error sqrt(p(1-p)/P), their difference
    sqrt(2) times that. Five standard errors of the difference, plus 1e-3 for
    the +1 terms: a false alarm has probability below 1e-6 per region (below
    1e-4 over all regions of the suite), so a failure means a real discrepancy.
    """
    p = np.asarray(p_reference, dtype=float)
    return 5.0 * np.sqrt(2.0 * p * (1.0 - p) / permutations) + 1e-3


def brute_force_p(weights: sp.csr_array, stat, permutations: int, seed: int) -> np.ndarray:
    """Folded pseudo p-values by plain conditional permutation, one region at a time.

    ``stat(i, neighbour_positions, neighbour_weights)`` returns the statistic of
    region ``i`` for an array of neighbour sets (one row per permutation). For
    every region, neighbours are redrawn without replacement from the other
    n - 1 regions: the textbook definition, independent of our engine.
    """
    rng = np.random.default_rng(seed)
    n = weights.shape[0]
    out = np.full(n, np.nan)
    for i in range(n):
        lo, hi = weights.indptr[i], weights.indptr[i + 1]
        if hi == lo:
            continue
        others = np.delete(np.arange(n), i)
        order = np.argsort(rng.random((permutations, n - 1)), axis=1)[:, : hi - lo]
        sims = stat(i, others[order], weights.data[lo:hi])
        observed = stat(i, weights.indices[lo:hi][None, :], weights.data[lo:hi])[0]
        larger = int((sims >= observed - 1e-12).sum())
        smaller = int((sims <= observed + 1e-12).sum())
        out[i] = (min(larger, smaller) + 1) / (permutations + 1)
    return out


def libpysal_example(name: str, gal: str, columns: list[str]):
    """(libpysal W with integer ids 0..n-1, SpatialWeights, {column: values}) of an example."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import libpysal
        from libpysal import examples

        w_file = libpysal.io.open(examples.get_path(gal)).read()
        table = libpysal.io.open(examples.get_path(name))
        data = {col: np.asarray(table.by_col(col), dtype=float) for col in columns}
        # Integer ids keep esda's id-order handling (e.g. Geary_Local) out of the comparison.
        w = libpysal.weights.WSP(w_file.sparse).to_W(silence_warnings=True)
    ours = SpatialWeights.from_sparse(w.sparse, ids=w.id_order)
    return w, ours, data
