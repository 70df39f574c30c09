"""Spatial Gini: how much of the Gini coefficient lies between neighbours and non-neighbours.

Rey and Smith (2013) split the sum of absolute differences over all ordered
pairs of regions by the binary neighbour relation ``w_ij`` (1 for neighbours)::

    G = sum_ij w_ij |x_i - x_j| / (2 n^2 mean)  +  sum_ij (1 - w_ij) |x_i - x_j| / (2 n^2 mean)

The first term is the neighbour component, the second the non-neighbour
component. Under positive spatial autocorrelation, neighbours are alike, so the
non-neighbour component is larger than when the same values are spread at
random over the map. Inference permutes the values over the regions and
compares the non-neighbour component with its permutation distribution.

Only the weights' **binary structure** counts: every stored non-zero weight is
a neighbour pair with weight 1, whatever its value or transform (row
standardisation, kernel values and distances are ignored), as in the paper.
An asymmetric relation (e.g. k nearest neighbours) counts each ordered pair
``(i, j)`` with ``j`` among ``i``'s neighbours once, as ``inequality`` does.

References
----------
Rey, S. J. and Smith, R. J. (2013). A spatial decomposition of the Gini
coefficient. *Letters in Spatial and Resource Sciences* 6(2), 55-70.

Examples
--------
>>> import numpy as np, scipy.sparse as sp
>>> from geodisparity.spatial.weights import SpatialWeights
>>> w = SpatialWeights.from_sparse(sp.diags_array([np.ones(3), np.ones(3)], offsets=[-1, 1]))
>>> r = spatial_gini([1.0, 2.0, 3.0, 4.0], w, permutations=0)
>>> round(r.gini, 4), round(r.neighbour + r.non_neighbour, 4)
(0.25, 0.25)
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd

from geodisparity._inputs import NanPolicy, make_rng
from geodisparity._resources import check_count
from geodisparity._results import HtmlRepr
from geodisparity.errors import InputError
from geodisparity.spatial._shuffle import shuffled_rows
from geodisparity.spatial._spatial_inputs import prepare_spatial, transformed_matrix
from geodisparity.spatial.global_stats import _simulated
from geodisparity.spatial.weights import SpatialWeights

__all__ = ["SpatialGini", "spatial_gini"]

#: About how many pair differences one block of permutations holds at once.
_PAIR_ELEMENTS = 1 << 21


@dataclass(frozen=True, repr=False)
class SpatialGini(HtmlRepr):
    """Result of :func:`spatial_gini`; every field always exists (None where not computed).

    Attributes
    ----------
    gini : float
        The Gini coefficient ``sum_ij |x_i - x_j| / (2 n^2 mean)``.
    neighbour : float
        Part of ``gini`` from neighbour pairs (``inequality``'s ``wg / den``).
    non_neighbour : float
        Part of ``gini`` from non-neighbour pairs; ``neighbour + non_neighbour
        == gini`` (``inequality``'s ``wcg_share``, which is this level, not a ratio).
    non_neighbour_share : float
        ``non_neighbour / gini``, the fraction of inequality between
        non-neighbours (NaN when ``gini`` is 0).
    polarization : float
        Rey and Smith's polarization index: the non-neighbour to neighbour sums
        of absolute differences, scaled by the ratio of neighbour to
        non-neighbour pairs; 1 when both kinds of pair differ equally on average
        (NaN without neighbour pairs or without non-neighbour pairs).
    n : int
        Regions used.
    neighbour_pairs : float
        Number of neighbour pairs (half the stored links).
    permutations : int
        Random permutations of the values over the regions (0: no inference).
    p_sim : float or None
        Folded pseudo p-value of ``non_neighbour``:
        ``(min(n_ge, n_le) + 1) / (permutations + 1)``, ties counted on both sides.
    expected_sim, variance_sim : float or None
        Mean and variance of ``non_neighbour`` over the permutations.
    z_sim : float or None
        ``(non_neighbour - expected_sim) / sqrt(variance_sim)``.
    p_z_sim : float or None
        Two-sided normal p-value of ``z_sim`` (``inequality`` reports the upper tail).
    """

    gini: float
    neighbour: float
    non_neighbour: float
    non_neighbour_share: float
    polarization: float
    n: int
    neighbour_pairs: float
    permutations: int = 0
    p_sim: float | None = None
    expected_sim: float | None = None
    variance_sim: float | None = None
    z_sim: float | None = None
    p_z_sim: float | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return the fields as a plain dict.

        Examples
        --------
        >>> SpatialGini(0.3, 0.1, 0.2, 2 / 3, 1.5, 10, 12.0).to_dict()["non_neighbour"]
        0.2
        """
        return asdict(self)

    def to_frame(self) -> pd.DataFrame:
        """Return a one-row DataFrame of the fields.

        Examples
        --------
        >>> SpatialGini(0.3, 0.1, 0.2, 2 / 3, 1.5, 10, 12.0).to_frame().shape
        (1, 13)
        """
        return pd.DataFrame([self.to_dict()])

    def __repr__(self) -> str:
        parts = [
            f"gini = {self.gini:.6g} (n={self.n})",
            f"neighbour {self.neighbour:.6g}",
            f"non-neighbour {self.non_neighbour:.6g} ({self.non_neighbour_share:.1%})",
        ]
        if self.p_sim is not None:
            parts.append(f"p_sim {self.p_sim:.4g} ({self.permutations} permutations)")
        return "SpatialGini(" + "; ".join(parts) + ")"


def _links(weights: SpatialWeights) -> tuple[np.ndarray, np.ndarray]:
    """Every stored link ``(i, j)``, ``i != j``, of the binary structure (ordered pairs)."""
    matrix = transformed_matrix(weights, "B")
    first = np.repeat(np.arange(matrix.shape[0]), np.diff(matrix.indptr))
    second = matrix.indices
    off = first != second  # a self-link adds |x_i - x_i| = 0
    return first[off], second[off]


def _pairs(first: np.ndarray, second: np.ndarray, n: int) -> tuple[np.ndarray, ...]:
    """Unordered pairs ``i < j`` and how many of ``(i, j)``, ``(j, i)`` are links (1 or 2)."""
    key = np.minimum(first, second).astype(np.int64) * n + np.maximum(first, second)
    unique, count = np.unique(key, return_counts=True)
    return unique // n, unique % n, count.astype(float)


def _absolute_differences(x: np.ndarray, sorted_x: np.ndarray) -> float:
    """``sum_ij |x_i - x_j|`` over all ordered pairs, from the sorted values."""
    n = x.size
    rank_weight = 2.0 * np.arange(1, n + 1) - n - 1.0
    return 2.0 * float(rank_weight @ sorted_x)


def _neighbour_differences(
    x: np.ndarray, first: np.ndarray, second: np.ndarray, count: np.ndarray
) -> np.ndarray:
    """``sum_ij w_ij |x_i - x_j|`` for one vector, or per row of a block."""
    return np.abs(x[..., first] - x[..., second]) @ count


def _permuted_neighbour_differences(
    x: np.ndarray, pairs: tuple[np.ndarray, np.ndarray, np.ndarray], permutations: int, seed: Any
) -> np.ndarray:
    rng = make_rng(seed)
    rows = max(1, _PAIR_ELEMENTS // max(pairs[0].size, 1))
    return np.concatenate([
        _neighbour_differences(block, *pairs)
        for block in shuffled_rows(x, permutations, rng, rows=min(rows, permutations))
    ])


def spatial_gini(
    values: Any,
    weights: SpatialWeights,
    *,
    data: pd.DataFrame | None = None,
    permutations: int = 999,
    seed: Any = None,
    nan: NanPolicy = "raise",
    allow_many_permutations: bool = False,
) -> SpatialGini:
    """Spatial decomposition of the Gini coefficient (Rey and Smith 2013).

    ``G = sum_ij w_ij |x_i - x_j| / (2 n^2 mean) + sum_ij (1 - w_ij) |x_i - x_j| / (2 n^2 mean)``
    with ``w`` the **binary** neighbour relation of ``weights`` (weight values
    and transforms are ignored). The total uses the sorted values and the
    neighbour term the stored links, so no ``n x n`` matrix is formed.

    Parameters
    ----------
    values : array-like, Series or column name
        One value per region (non-negative in the usual use; the mean must be
        positive). Arrays match ``weights.ids`` by position, Series by label.
    weights : SpatialWeights, libpysal W or libpysal Graph
        Neighbour relations; only which pairs are linked matters.
    data : DataFrame, optional
        Table in which a column name ``values`` is looked up.
    permutations : int, default 999
        Random permutations of the values over the regions for ``p_sim``;
        0 for none.
    seed : int, numpy.random.Generator or None
        Seed of the permutations.
    nan : {"raise", "drop"}
        Missing values raise, or drop the region and its links.
    allow_many_permutations : bool, default False
        Accept ``permutations`` above 99,999 (refused otherwise, so that a
        mistyped count fails at once).

    Returns
    -------
    SpatialGini

    References
    ----------
    Rey, S. J. and Smith, R. J. (2013). A spatial decomposition of the Gini
    coefficient. *Letters in Spatial and Resource Sciences* 6(2), 55-70.

    Examples
    --------
    >>> import numpy as np, scipy.sparse as sp
    >>> from geodisparity.spatial.weights import SpatialWeights
    >>> chain = SpatialWeights.from_sparse(
    ...     sp.diags_array([np.ones(5), np.ones(5)], offsets=[-1, 1]))
    >>> r = spatial_gini([1.0, 1.0, 2.0, 5.0, 6.0, 6.0], chain, seed=0)
    >>> r.non_neighbour_share > 0.8, r.p_sim < 0.1  # alike neighbours: inequality is far apart
    (True, True)

    Without any links (every region an island) all inequality is between non-neighbours:

    >>> alone = SpatialWeights.from_sparse(sp.csr_array((3, 3)))
    >>> r = spatial_gini([1.0, 2.0, 3.0], alone, permutations=0)
    >>> r.neighbour, r.non_neighbour_share, r.p_sim
    (0.0, 1.0, None)
    """
    check_count(permutations, name="permutations", allow_many=allow_many_permutations)
    make_rng(seed)  # refuses a bad seed even when nothing is permuted
    sample = prepare_spatial(values, weights, data=data, nan=nan)
    x, n = sample.values, sample.n
    if n < 2:
        raise InputError(f"spatial_gini needs at least 2 regions; got {n}")
    mean = float(x.mean())
    if not mean > 0:
        raise InputError(f"spatial_gini needs a positive mean of values; got {mean!r}")
    scale = 2.0 * n * n * mean
    total = _absolute_differences(x, np.sort(x))
    first, second = _links(sample.weights)
    near = float(np.abs(x[first] - x[second]).sum())
    far = total - near
    neighbour_pairs = first.size / 2.0
    far_pairs = n * (n - 1) / 2.0 - neighbour_pairs
    polarization = far / near * (neighbour_pairs / far_pairs) if near and far_pairs else np.nan
    share = far / total if total else np.nan
    fields: dict[str, Any] = {}
    if permutations:
        pairs = _pairs(first, second, n)
        sims = (total - _permuted_neighbour_differences(x, pairs, int(permutations), seed)) / scale
        fields = _simulated(far / scale, sims)
    return SpatialGini(
        total / scale, near / scale, far / scale, float(share), float(polarization), n,
        neighbour_pairs,
        **fields,
    )
