"""Shared builders for the clustering-statistics tests (not a test module)."""

from __future__ import annotations

import warnings

import numpy as np
import scipy.sparse as sp

from geodisparity.weights import SpatialWeights


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

    Each pseudo p-value has standard error sqrt(p(1-p)/P); the difference of two
    has sqrt(2) times that. Four standard errors of one estimate (2.8 of the
    difference) plus 1e-3 for the +1 terms: a false alarm is rare (<1e-2 over
    the ~50-100 regions compared) while a wrong scheme (e.g. not excluding the
    region itself, or a wrong tail) is caught.
    """
    p = np.asarray(p_reference, dtype=float)
    return 4.0 * np.sqrt(p * (1.0 - p) / permutations) + 1e-3


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
