"""Global spatial autocorrelation: Moran's I, Geary's c, Getis-Ord G, bivariate Moran.

Each function returns a frozen result whose fields always exist:

``statistic``
    The statistic itself.
``expected``, ``variance_norm``, ``variance_rand``
    Analytical moments under the normality and randomisation assumptions
    (esda's ``EI``, ``VI_norm``, ``VI_rand``); None where no formula applies.
``z_norm``, ``z_rand``, ``p_norm``, ``p_rand``
    Analytical z-scores and **two-sided** p-values. esda reports Moran's
    two-sided too, but Geary's and G's one-sided: double theirs to compare.
``permutations``, ``p_sim``, ``expected_sim``, ``variance_sim``, ``z_sim``, ``p_z_sim``
    Permutation inference (all values shuffled, bivariate: ``y`` only), seeded:
    ``seed`` (None, a non-negative int, a SeedSequence or a Generator; see
    :func:`geodisparity._inputs.make_rng`) builds the generator,
    and the same seed gives the same result (the draws are described in
    :mod:`geodisparity.spatial._shuffle`). ``p_sim`` is esda's folded pseudo
    p-value ``(min(n_ge, n_le) + 1) / (permutations + 1)`` (ties count on both
    sides); ``p_z_sim`` is two-sided. None when ``permutations=0``.

Values are matched to the weights as in :mod:`geodisparity.spatial._spatial_inputs`
(arrays by position, Series by label). Islands keep their zero rows, as in esda.

Examples
--------
>>> import numpy as np, scipy.sparse as sp
>>> from geodisparity.spatial.weights import SpatialWeights
>>> w = SpatialWeights.from_sparse(sp.diags_array([np.ones(4), np.ones(4)], offsets=[-1, 1]))
>>> result = moran([1.0, 2.0, 3.0, 4.0, 5.0], w, permutations=0)
>>> round(result.statistic, 4), result.p_sim is None
(0.6, True)
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, ClassVar

import numpy as np
import pandas as pd
import scipy.sparse as sp

from geodisparity._inputs import NanPolicy, make_rng
from geodisparity._resources import check_count
from geodisparity._results import HtmlRepr
from geodisparity.errors import InputError
from geodisparity.spatial._shuffle import (
    permuted_linear_forms,
    permuted_quadratic_forms,
    quadratic_form_matrix,
)
from geodisparity.spatial._spatial_inputs import prepare_spatial, transformed_matrix
from geodisparity.spatial.permutation import pseudo_p_value
from geodisparity.spatial.weights import SpatialWeights, Transform
from geodisparity.stats.normal import two_sided_normal_p

__all__ = [
    "GlobalStatistic",
    "MoranResult",
    "GearyResult",
    "GetisOrdResult",
    "MoranBivariateResult",
    "moran",
    "geary",
    "getis_ord_g",
    "moran_bivariate",
]

@dataclass(frozen=True, repr=False)
class GlobalStatistic(HtmlRepr):
    """Result of a global spatial statistic (see the module docstring for the fields)."""

    label: ClassVar[str] = "statistic"

    statistic: float
    n: int
    transform: str
    expected: float | None = None
    variance_norm: float | None = None
    variance_rand: float | None = None
    z_norm: float | None = None
    z_rand: float | None = None
    p_norm: float | None = None
    p_rand: float | None = None
    permutations: int = 0
    p_sim: float | None = None
    expected_sim: float | None = None
    variance_sim: float | None = None
    z_sim: float | None = None
    p_z_sim: float | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return the fields as a plain dict (with the statistic's name).

        Examples
        --------
        >>> GlobalStatistic(0.5, n=10, transform="R").to_dict()["statistic"]
        0.5
        """
        return {"name": self.label, **asdict(self)}

    def to_frame(self) -> pd.DataFrame:
        """Return a one-row DataFrame of the fields.

        Examples
        --------
        >>> GlobalStatistic(0.5, n=10, transform="R").to_frame().shape
        (1, 17)
        """
        return pd.DataFrame([self.to_dict()])

    def __repr__(self) -> str:
        parts = [f"{self.label} = {self.statistic:.6g} (n={self.n}, transform={self.transform!r})"]
        if self.expected is not None:
            parts.append(f"expected {self.expected:.6g}")
        for kind in ("norm", "rand"):
            z, p = getattr(self, f"z_{kind}"), getattr(self, f"p_{kind}")
            if z is not None:
                parts.append(f"z_{kind} {z:.4g}, p_{kind} {p:.4g}")
        if self.p_sim is not None:
            parts.append(f"p_sim {self.p_sim:.4g} ({self.permutations} permutations)")
        return f"{type(self).__name__}(" + "; ".join(parts) + ")"


@dataclass(frozen=True, repr=False)
class MoranResult(GlobalStatistic):
    """Global Moran's I."""

    label: ClassVar[str] = "Moran's I"


@dataclass(frozen=True, repr=False)
class GearyResult(GlobalStatistic):
    """Global Geary's c."""

    label: ClassVar[str] = "Geary's c"


@dataclass(frozen=True, repr=False)
class GetisOrdResult(GlobalStatistic):
    """Global Getis-Ord G."""

    label: ClassVar[str] = "Getis-Ord G"


@dataclass(frozen=True, repr=False)
class MoranBivariateResult(GlobalStatistic):
    """Global bivariate Moran's I."""

    label: ClassVar[str] = "Bivariate Moran's I"


# ----------------------------------------------------------------- helpers


@dataclass(frozen=True)
class _Moments:
    s0: float
    s1: float
    s2: float
    row_sum: np.ndarray
    col_sum: np.ndarray


def _moments(matrix: sp.csr_array) -> _Moments:
    sym = matrix + matrix.T
    row = np.asarray(matrix.sum(axis=1)).ravel()
    col = np.asarray(matrix.sum(axis=0)).ravel()
    s1 = 0.5 * float(sym.multiply(sym).sum())
    return _Moments(float(matrix.sum()), s1, float(np.sum((row + col) ** 2)), row, col)


def _two_sided(z: float) -> float:
    return two_sided_normal_p(z)


def _check(
    permutations: int, transform: Transform, seed: Any, allow_many: bool
) -> np.random.Generator:
    check_count(permutations, name="permutations", allow_many=allow_many)
    rng = make_rng(seed)
    if transform not in ("B", "R", "O"):
        raise InputError(f"transform={transform!r} is not accepted; use 'R', 'B' or 'O'")
    return rng


def _prepare(
    values: Any, weights: SpatialWeights, data: Any, nan: NanPolicy, transform: Transform,
    others: dict[str, Any] | None = None,
) -> tuple[np.ndarray, sp.csr_array]:
    sample = prepare_spatial(values, weights, data=data, nan=nan, others=others)
    if sample.n < 4:
        raise InputError(f"a global statistic needs at least 4 regions; got {sample.n}")
    matrix = transformed_matrix(sample.weights, transform)
    if matrix.nnz == 0:
        raise InputError("the weights have no links: every region is an island")
    return sample.values, matrix


def _simulated(observed: float, sims: np.ndarray) -> dict[str, Any]:
    tol = 1e-10 * max(abs(observed), float(np.abs(sims).max()))
    n_ge = int((sims >= observed - tol).sum())
    n_le = int((sims <= observed + tol).sum())
    mean, var = float(sims.mean()), float(sims.var())
    z = (observed - mean) / np.sqrt(var) if var > 0 else float("nan")
    return {
        "permutations": int(sims.size),
        "p_sim": float(pseudo_p_value(np.array(n_ge), np.array(n_le), sims.size)),
        "expected_sim": mean,
        "variance_sim": var,
        "z_sim": float(z),
        "p_z_sim": _two_sided(z),
    }


def _analytical(statistic: float, expected: float, v_norm: float | None, v_rand: float) -> dict:
    out: dict[str, Any] = {"expected": expected, "variance_rand": v_rand}
    z_rand = (statistic - expected) / np.sqrt(v_rand)
    out.update(z_rand=float(z_rand), p_rand=_two_sided(z_rand))
    if v_norm is not None:
        z_norm = (statistic - expected) / np.sqrt(v_norm)
        out.update(variance_norm=v_norm, z_norm=float(z_norm), p_norm=_two_sided(z_norm))
    return out


def _kurtosis(d: np.ndarray) -> float:
    return float(np.mean(d**4) / np.mean(d**2) ** 2)


# ------------------------------------------------------------ public API


def moran(
    values: Any,
    weights: SpatialWeights,
    *,
    data: pd.DataFrame | None = None,
    transform: Transform = "R",
    permutations: int = 999,
    seed: Any = None,
    nan: NanPolicy = "raise",
    allow_many_permutations: bool = False,
) -> MoranResult:
    """Global Moran's I: ``I = n / S0 * z'Wz / z'z`` with ``z`` the deviations from the mean.

    Parameters
    ----------
    values : array-like, Series or column name
        One value per region. A Series (or a column of ``data``) is matched to
        ``weights.ids`` by label and refused when its labels differ from them; a
        plain array or list is matched by position, which the caller must ensure.
    weights : SpatialWeights, libpysal W or libpysal Graph
        Neighbour relations.
    data : DataFrame, optional
        Table in which a column name ``values`` is looked up.
    transform : {"R", "B", "O"}, default "R"
        Row-standardised (as esda and GeoDa), binary, or the weights' own
        values as stored (e.g. kernel weights).
    permutations : int, default 999
        Random permutations for ``p_sim``; 0 for analytical inference only.
        At most 99,999 unless ``allow_many_permutations=True``.
    seed : None, int, numpy.random.SeedSequence or numpy.random.Generator
        Seed of the permutations (a non-negative integer reproduces a run).
    nan : {"raise", "drop"}
        Missing values raise, or drop the region and its links.
    allow_many_permutations : bool, default False
        Accept more than 99,999 permutations (memory is still checked).

    Returns
    -------
    MoranResult

    Examples
    --------
    >>> import numpy as np, scipy.sparse as sp
    >>> from geodisparity.spatial.weights import SpatialWeights
    >>> w = SpatialWeights.from_sparse(sp.diags_array([np.ones(5), np.ones(5)], offsets=[-1, 1]))
    >>> r = moran([1.0, 2.0, 3.0, 4.0, 5.0, 6.0], w, seed=0)
    >>> round(r.expected, 3), r.permutations
    (-0.2, 999)
    """
    rng = _check(permutations, transform, seed, allow_many_permutations)
    x, matrix = _prepare(values, weights, data, nan, transform)
    n, m = x.size, _moments(matrix)
    z = x - x.mean()
    zz = float(z @ z)
    if zz == 0:
        raise InputError("values are constant; Moran's I is undefined")
    statistic = float(n / m.s0 * (z @ (matrix @ z)) / zz)
    expected = -1.0 / (n - 1)
    v_norm = (n * n * m.s1 - n * m.s2 + 3 * m.s0**2) / ((n * n - 1) * m.s0**2) - expected**2
    k = _kurtosis(z)
    a = n * ((n * n - 3 * n + 3) * m.s1 - n * m.s2 + 3 * m.s0**2)
    b = k * ((n * n - n) * m.s1 - 2 * n * m.s2 + 6 * m.s0**2)
    v_rand = (a - b) / ((n - 1) * (n - 2) * (n - 3) * m.s0**2) - expected**2
    fields_ = _analytical(statistic, expected, v_norm, v_rand)
    if permutations:
        forms = permuted_quadratic_forms(z, quadratic_form_matrix(matrix), permutations, rng)
        sims = n / m.s0 * forms / zz
        fields_.update(_simulated(statistic, sims))
    return MoranResult(statistic, n=n, transform=transform, **fields_)


def geary(
    values: Any,
    weights: SpatialWeights,
    *,
    data: pd.DataFrame | None = None,
    transform: Transform = "R",
    permutations: int = 999,
    seed: Any = None,
    nan: NanPolicy = "raise",
    allow_many_permutations: bool = False,
) -> GearyResult:
    """Global Geary's c: ``(n - 1) sum w_ij (x_i - x_j)**2 / (2 S0 sum (x - mean)**2)``.

    ``c < 1`` means neighbours are alike (positive autocorrelation); ``E[c] = 1``.

    Parameters
    ----------
    values : array-like, Series or column name
        One value per region. A Series (or a column of ``data``) is matched to
        ``weights.ids`` by label and refused when its labels differ from them; a
        plain array or list is matched by position, which the caller must ensure.
    weights : SpatialWeights, libpysal W or libpysal Graph
        Neighbour relations.
    data : DataFrame, optional
        Table in which a column name ``values`` is looked up.
    transform : {"R", "B", "O"}, default "R"
        Row-standardised (as esda), binary, or the weights' own values.
    permutations : int, default 999
        Random permutations for ``p_sim``; 0 for analytical inference only.
        At most 99,999 unless ``allow_many_permutations=True``.
    seed : None, int, numpy.random.SeedSequence or numpy.random.Generator
        Seed of the permutations (a non-negative integer reproduces a run).
    nan : {"raise", "drop"}
        Missing values raise, or drop the region and its links.
    allow_many_permutations : bool, default False
        Accept more than 99,999 permutations (memory is still checked).

    Returns
    -------
    GearyResult

    Examples
    --------
    >>> import numpy as np, scipy.sparse as sp
    >>> from geodisparity.spatial.weights import SpatialWeights
    >>> w = SpatialWeights.from_sparse(sp.diags_array([np.ones(5), np.ones(5)], offsets=[-1, 1]))
    >>> r = geary([1.0, 2.0, 3.0, 4.0, 5.0, 6.0], w, permutations=0)
    >>> r.statistic < 1, r.expected, r.z_sim
    (True, 1.0, None)
    """
    rng = _check(permutations, transform, seed, allow_many_permutations)
    x, matrix = _prepare(values, weights, data, nan, transform)
    n, m = x.size, _moments(matrix)
    d = x - x.mean()
    dd = float(d @ d)
    if dd == 0:
        raise InputError("values are constant; Geary's c is undefined")
    scale = (n - 1) / (2.0 * m.s0 * dd)
    spread = m.row_sum + m.col_sum

    def c_of(v: np.ndarray) -> np.ndarray:
        return scale * (spread @ (v * v) - 2.0 * np.einsum("i...,i...->...", v, matrix @ v))

    statistic = float(c_of(d))
    k = _kurtosis(d)
    n2 = n * n
    a = (n - 1) * m.s1 * (n2 - 3 * n + 3 - (n - 1) * k)
    b = 0.25 * (n - 1) * m.s2 * (n2 + 3 * n - 6 - (n2 - n + 2) * k)
    c = m.s0**2 * (n2 - 3 - (n - 1) ** 2 * k)
    v_rand = (a - b + c) / (n * (n - 2) * (n - 3) * m.s0**2)
    v_norm = ((2 * m.s1 + m.s2) * (n - 1) - 4 * m.s0**2) / (2 * (n + 1) * m.s0**2)
    fields_ = _analytical(statistic, 1.0, v_norm, v_rand)
    if permutations:
        # sum_ij w_ij (x_i - x_j)**2 = x' (diag(row + col sums) - 2 W) x
        form = quadratic_form_matrix(matrix, scale=-2.0, diagonal=spread)
        sims = scale * permuted_quadratic_forms(d, form, permutations, rng)
        fields_.update(_simulated(statistic, sims))
    return GearyResult(statistic, n=n, transform=transform, **fields_)


def getis_ord_g(
    values: Any,
    weights: SpatialWeights,
    *,
    data: pd.DataFrame | None = None,
    transform: Transform = "B",
    permutations: int = 999,
    seed: Any = None,
    nan: NanPolicy = "raise",
    allow_many_permutations: bool = False,
) -> GetisOrdResult:
    """Global Getis-Ord G: ``sum_ij w_ij x_i x_j / sum_{i != j} x_i x_j``.

    Uses **binary** weights by default, as esda's ``G`` does (the statistic is
    defined on a binary neighbourhood). Values must be non-negative. The
    analytical moments of Getis and Ord (1992) are derived under randomisation,
    so they fill ``expected``, ``variance_rand``, ``z_rand`` and ``p_rand``
    (esda names them ``EG``, ``VG``, ``z_norm``, one-sided ``p_norm``); the
    ``*_norm`` fields are None.

    Parameters
    ----------
    values : array-like, Series or column name
        One non-negative value per region. A Series (or a column of ``data``) is matched to
        ``weights.ids`` by label and refused when its labels differ from them; a
        plain array or list is matched by position, which the caller must ensure.
    weights : SpatialWeights, libpysal W or libpysal Graph
        Neighbour relations.
    data : DataFrame, optional
        Table in which a column name ``values`` is looked up.
    transform : {"B", "R", "O"}, default "B"
        Binary (as esda), row-standardised, or the weights' own values.
    permutations : int, default 999
        Random permutations for ``p_sim``; 0 for analytical inference only.
        At most 99,999 unless ``allow_many_permutations=True``.
    seed : None, int, numpy.random.SeedSequence or numpy.random.Generator
        Seed of the permutations (a non-negative integer reproduces a run).
    nan : {"raise", "drop"}
        Missing values raise, or drop the region and its links.
    allow_many_permutations : bool, default False
        Accept more than 99,999 permutations (memory is still checked).

    Returns
    -------
    GetisOrdResult

    Examples
    --------
    >>> import numpy as np, scipy.sparse as sp
    >>> from geodisparity.spatial.weights import SpatialWeights
    >>> w = SpatialWeights.from_sparse(sp.diags_array([np.ones(5), np.ones(5)], offsets=[-1, 1]))
    >>> r = getis_ord_g([1.0, 1.0, 1.0, 9.0, 9.0, 9.0], w, permutations=0)
    >>> r.statistic > r.expected, r.z_norm
    (True, None)
    """
    rng = _check(permutations, transform, seed, allow_many_permutations)
    x, matrix = _prepare(values, weights, data, nan, transform)
    if (x < 0).any():
        negative = int((x < 0).sum())
        raise InputError(f"getis_ord_g needs non-negative values; {negative} are negative")
    n, m = x.size, _moments(matrix)
    s1x, s2x = x.sum(), float(x @ x)
    den = s1x**2 - s2x
    if den <= 0:
        raise InputError("getis_ord_g needs at least two positive values")
    statistic = float(x @ (matrix @ x) / den)
    expected = m.s0 / (n * (n - 1))
    n2, s02 = n * n, m.s0**2
    b0 = (n2 - 3 * n + 3) * m.s1 - n * m.s2 + 3 * s02
    b1 = -((n2 - n) * m.s1 - 2 * n * m.s2 + 6 * s02)
    b2 = -(2 * n * m.s1 - (n + 3) * m.s2 + 6 * s02)
    b3 = 4 * (n - 1) * m.s1 - 2 * (n + 1) * m.s2 + 8 * s02
    b4 = m.s1 - m.s2 + s02
    s3x, s4x = float(np.sum(x**3)), float(np.sum(x**4))
    eg2 = b0 * s2x**2 + b1 * s4x + b2 * s1x**2 * s2x + b3 * s1x * s3x + b4 * s1x**4
    eg2 /= den**2 * n * (n - 1) * (n - 2) * (n - 3)
    fields_ = _analytical(statistic, expected, None, eg2 - expected**2)
    if permutations:
        sims = permuted_quadratic_forms(x, quadratic_form_matrix(matrix), permutations, rng) / den
        fields_.update(_simulated(statistic, sims))
    return GetisOrdResult(statistic, n=n, transform=transform, **fields_)


def moran_bivariate(
    x: Any,
    y: Any,
    weights: SpatialWeights,
    *,
    data: pd.DataFrame | None = None,
    transform: Transform = "R",
    permutations: int = 999,
    seed: Any = None,
    nan: NanPolicy = "raise",
    allow_many_permutations: bool = False,
) -> MoranBivariateResult:
    """Bivariate Moran's I: ``zx' W zy / (n - 1)``, ``x`` against the spatial lag of ``y``.

    ``zx`` and ``zy`` are standardised with ``ddof=1`` (esda's ``Moran_BV``).
    Inference is by permutation of ``y`` only: no analytical moments are
    published for this statistic, so the analytical fields are None.

    Parameters
    ----------
    x, y : array-like, Series or column name
        The focal variable and the neighbours' variable.
        A Series (or a column of ``data``) is matched to
        ``weights.ids`` by label and refused when its labels differ from them; a
        plain array or list is matched by position, which the caller must ensure.
    weights : SpatialWeights, libpysal W or libpysal Graph
        Neighbour relations.
    data : DataFrame, optional
        Table in which column names are looked up.
    transform : {"R", "B", "O"}, default "R"
        Row-standardised (as esda), binary, or the weights' own values.
    permutations : int, default 999
        Random permutations of ``y``.
        At most 99,999 unless ``allow_many_permutations=True``.
    seed : None, int, numpy.random.SeedSequence or numpy.random.Generator
        Seed of the permutations (a non-negative integer reproduces a run).
    nan : {"raise", "drop"}
        Missing values raise, or drop the region and its links.
    allow_many_permutations : bool, default False
        Accept more than 99,999 permutations (memory is still checked).

    Returns
    -------
    MoranBivariateResult

    Examples
    --------
    >>> import numpy as np, scipy.sparse as sp
    >>> from geodisparity.spatial.weights import SpatialWeights
    >>> w = SpatialWeights.from_sparse(sp.diags_array([np.ones(5), np.ones(5)], offsets=[-1, 1]))
    >>> r = moran_bivariate([1, 2, 3, 4, 5, 6], [6, 5, 4, 3, 2, 1], w, seed=0)
    >>> r.statistic < 0, r.expected is None
    (True, True)
    """
    rng = _check(permutations, transform, seed, allow_many_permutations)
    xy, matrix = _prepare(x, weights, data, nan, transform, others={"y": y})
    xs, ys = xy[:, 0], xy[:, 1]
    n = xs.size
    if xs.std() == 0 or ys.std() == 0:
        raise InputError("x and y must both vary; one of them is constant")
    zx = (xs - xs.mean()) / xs.std(ddof=1)
    zy = (ys - ys.mean()) / ys.std(ddof=1)
    statistic = float(zx @ (matrix @ zy) / (n - 1))
    fields_: dict[str, Any] = {}
    if permutations:
        # zx' W zy_p = (W' zx)' zy_p: a linear form in the permuted y
        lagged = matrix.T @ zx
        sims = permuted_linear_forms(zy, lagged, permutations, rng) / (n - 1)
        fields_.update(_simulated(statistic, sims))
    return MoranBivariateResult(statistic, n=n, transform=transform, **fields_)

