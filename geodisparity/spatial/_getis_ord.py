"""Getis-Ord G_i and G*_i: their weights, analytical z-scores and hot-spot bins.

The pieces behind :func:`~geodisparity.spatial.local_stats.local_gi_star` and
:func:`~geodisparity.spatial.local_stats.local_gi`.

Analytical z (Ord and Getis 1995, *Geographical Analysis* 27(4), 286-306, eqs.
for ``G_i`` and ``G*_i`` with general weights). Under randomisation the
numerator ``sum_j w_ij x_j`` is a linear form in values drawn without
replacement from a pool of ``m`` values with mean ``xbar`` and variance ``s**2``
(``ddof=0``): its mean is ``W_i xbar`` and its variance
``s**2 (m S1_i - W_i**2) / (m - 1)``, with ``W_i = sum_j w_ij`` and
``S1_i = sum_j w_ij**2``. For ``G*_i`` the pool is all ``n`` values (``j``
includes ``i``); for ``G_i`` it is the ``n - 1`` other values (``x_i`` stays
put). The denominator of ``G`` does not change under these permutations, so
the z of ``G`` is the z of its numerator.

esda's ``G_Local`` (and the binary-weights formula of Getis and Ord 1992)
use ``W_i (m - W_i)`` in place of ``m S1_i - W_i**2``: the same for binary
weights, but for row-standardised or kernel weights it shrinks z by about
``1 / sqrt(k + 1)``. We follow the general form, as ArcGIS's Hot Spot
Analysis does (whose z, like ours, does not change with row standardisation).

Hot-spot bins follow ArcGIS's Hot Spot Analysis (Getis-Ord Gi*): ``+-3``,
``+-2``, ``+-1`` when a two-sided p is at most 0.01 / 0.05 / 0.10 (99 / 95 /
90 % confidence), signed by z; with an FDR adjustment the adjusted p decides.

Examples
--------
>>> import scipy.sparse as sp
>>> from geodisparity.spatial.weights import SpatialWeights
>>> w = SpatialWeights.from_sparse(sp.csr_array([[0, 1, 1], [1, 0, 0], [1, 0, 0]]))
>>> off, own = gi_weights(w, "B", star=True)
>>> off.toarray().tolist(), own.tolist()
([[0.0, 1.0, 1.0], [1.0, 0.0, 0.0], [1.0, 0.0, 0.0]], [1.0, 1.0, 1.0])
>>> hotspot_bins(np.array([0.004, 0.2, 0.07]), np.array([-3.0, 1.0, 1.9])).tolist()
[-3, 0, 1]
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from geodisparity.spatial._spatial_inputs import transformed_matrix
from geodisparity.spatial.permutation import row_sums
from geodisparity.spatial.weights import SpatialWeights, Transform
from geodisparity.stats.normal import two_sided_normal_p

__all__ = ["gi_weights", "gi_z", "two_sided_p", "two_sided_pseudo_p", "hotspot_bins"]

#: Upper p-value of each hot-spot level (ArcGIS's 90 / 95 / 99 % confidence).
LEVELS: dict[int, float] = {1: 0.10, 2: 0.05, 3: 0.01}


def _row_max(matrix: sp.csr_array) -> np.ndarray:
    out = np.zeros(matrix.shape[0])
    has = np.diff(matrix.indptr) > 0
    if has.any():
        out[has] = np.maximum.reduceat(matrix.data, matrix.indptr[:-1][has])
    return out


def gi_weights(
    weights: SpatialWeights, transform: Transform, *, star: bool
) -> tuple[sp.csr_array, np.ndarray]:
    """Weights of ``G*_i`` (``star=True``) or ``G_i``: the neighbours' part and the self-weight.

    As esda's ``G_Local``: for ``G*_i`` each region is its own neighbour with
    the largest weight of its row (1 for binary weights); for ``G_i`` the
    self-weight is 0. Then the transform applies to the whole row.

    Parameters
    ----------
    weights : SpatialWeights
        Neighbour relations, without self-links.
    transform : {"R", "B", "O"}
        Row-standardised, binary, or the weights as stored.
    star : bool
        Include the region itself.

    Returns
    -------
    tuple of (scipy.sparse.csr_array, numpy.ndarray)
        The off-diagonal weights and the self-weight of each region.

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> w = SpatialWeights.from_sparse(sp.csr_array([[0, 1, 1], [1, 0, 0], [1, 0, 0]]))
    >>> off, own = gi_weights(w, "R", star=False)
    >>> off.toarray()[0].tolist(), own.tolist()
    ([0.0, 0.5, 0.5], [0.0, 0.0, 0.0])
    """
    matrix = transformed_matrix(weights, "B" if transform == "B" else "O")
    own = _row_max(matrix) if star else np.zeros(matrix.shape[0])
    if transform == "R":
        total = row_sums(matrix) + own
        scale = np.divide(1.0, total, out=np.zeros_like(total), where=total > 0)
        data = matrix.data * np.repeat(scale, np.diff(matrix.indptr))
        matrix = sp.csr_array((data, matrix.indices, matrix.indptr), shape=matrix.shape)
        own = own * scale
    return matrix, own


def gi_z(x: np.ndarray, off: sp.csr_array, own: np.ndarray, *, star: bool) -> np.ndarray:
    """Analytical z of ``G*_i`` or ``G_i`` by the general Ord-Getis (1995) variance.

    ``z_i = (sum_j w_ij x_j - W_i xbar) / sqrt(s**2 (m S1_i - W_i**2) / (m - 1))``
    over the pool described in the module docstring. A region whose statistic
    cannot vary (all pool weights equal, or all pool values equal) gets NaN.

    Parameters
    ----------
    x : numpy.ndarray
        The values.
    off, own : scipy.sparse.csr_array, numpy.ndarray
        From :func:`gi_weights`.
    star : bool
        ``G*_i`` (pool of all ``n`` values) or ``G_i`` (the ``n - 1`` others).

    Returns
    -------
    numpy.ndarray
        One z per region (NaN for an island or a statistic that cannot vary).

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> chain = sp.csr_array([[0, 1, 0, 0], [1, 0, 1, 0], [0, 1, 0, 1], [0, 0, 1, 0]])
    >>> z = gi_z(np.array([1.0, 2.0, 4.0, 8.0]), chain, np.ones(4), star=True)
    >>> z.round(4).tolist()
    [-1.4536, -1.5853, 1.0258, 1.4536]
    """
    n = x.size
    d = x - x.mean()  # centred: no cancellation for large means
    rows = np.repeat(np.arange(n), np.diff(off.indptr))
    total_w = row_sums(off) + own
    squares = np.bincount(rows, off.data * off.data, minlength=n) + own * own
    deviation = off @ d + own * d
    if star:
        m, spread = n, np.full(n, d @ d / n)
    else:
        # the n - 1 others: their mean is xbar - d_i / (n - 1)
        m = n - 1
        shift = -d / m
        spread = (d @ d - d * d) / m - shift * shift
        deviation = deviation - total_w * shift
    factor = m * squares - total_w**2  # >= 0 by Cauchy-Schwarz over the m pool positions
    with np.errstate(divide="ignore", invalid="ignore"):
        variance = spread * factor / (m - 1)
        z = deviation / np.sqrt(variance)
    degenerate = (factor <= 1e-12 * m * squares) | ~(spread > 1e-14 * (d @ d / n))
    return np.where(degenerate | (total_w == 0), np.nan, z)


def two_sided_p(z: np.ndarray) -> np.ndarray:
    """Two-sided normal p-value ``2 Phi(-|z|)`` (NaN stays NaN).

    Parameters
    ----------
    z : numpy.ndarray
        Standard normal scores.

    Returns
    -------
    numpy.ndarray

    Examples
    --------
    >>> two_sided_p(np.array([1.959963984540054, 0.0])).round(6).tolist()
    [0.05, 1.0]
    """
    return two_sided_normal_p(z)


def two_sided_pseudo_p(p_sim: np.ndarray) -> np.ndarray:
    """Two-sided pseudo p-value: twice the folded one ``(min(n_ge, n_le) + 1) / (P + 1)``.

    The usual two-sided Monte Carlo p-value, twice the smaller tail, capped at
    1 (Davison and Hinkley 1997, *Bootstrap Methods and their Application*,
    ch. 4; the ``+ 1`` terms as in North, Curtis and Sham 2002, *American
    Journal of Human Genetics* 71(2)). Under the null ``P(p <= a) <= a`` for
    every ``a``, so a 90 % bin flags about 10 % of regions without clustering
    (the folded p alone flags about 20 %).

    Parameters
    ----------
    p_sim : numpy.ndarray
        Folded pseudo p-values.

    Returns
    -------
    numpy.ndarray

    Examples
    --------
    >>> two_sided_pseudo_p(np.array([0.001, 0.3, 0.6, np.nan])).tolist()
    [0.002, 0.6, 1.0, nan]
    """
    return np.minimum(2.0 * p_sim, 1.0)


def hotspot_bins(p: np.ndarray, z: np.ndarray) -> np.ndarray:
    """ArcGIS's ``Gi_Bin``: ``+-3 / +-2 / +-1`` for ``p <= 0.01 / 0.05 / 0.10``, signed by z.

    ``p`` must be two-sided (or its FDR adjustment); NaN p or z gives 0.

    Parameters
    ----------
    p : numpy.ndarray
        Two-sided p-values (or adjusted ones).
    z : numpy.ndarray
        z-scores whose sign says hot (+) or cold (-).

    Returns
    -------
    numpy.ndarray of int
        Bins from -3 to 3.

    Examples
    --------
    >>> hotspot_bins(np.array([0.01, 0.011, 0.5, np.nan]), np.array([2.6, -2.5, 0.6, 3.0])).tolist()
    [3, -2, 0, 0]
    """
    level = np.zeros(p.shape, dtype=np.int64)
    finite = np.nan_to_num(p, nan=np.inf)
    for value, upper in LEVELS.items():
        level[finite <= upper] = value
    return (level * np.sign(np.nan_to_num(z))).astype(np.int64)
