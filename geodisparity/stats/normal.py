"""Two-sided standard normal p-values without importing scipy.special (about 0.07 s).

For a standard normal ``Z``, ``P(|Z| >= |z|) = 2 Phi(-|z|) = erfc(|z| / sqrt(2))``
(Abramowitz & Stegun 1964, 7.1.2 and 26.2.29); :func:`math.erfc` keeps full
relative precision far in the tail, where ``1 - erf`` would cancel. Large arrays
use ``scipy.special.ndtr``, whose import is then small beside the work.

Examples
--------
>>> round(float(two_sided_normal_p(1.959963984540054)), 12)
0.05
>>> two_sided_normal_p(np.array([0.0, -30.0, np.nan])).tolist()
[1.0, 9.813427854296048e-198, nan]
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["two_sided_normal_p"]

_SQRT_HALF = math.sqrt(0.5)
_SCIPY_FROM = 50_000  # values from which scipy's vectorised ndtr pays for its import


def two_sided_normal_p(z: float | np.ndarray) -> float | np.ndarray:
    """Return ``P(|Z| >= |z|)`` for a standard normal ``Z``, elementwise.

    Parameters
    ----------
    z : float or numpy.ndarray
        Standard normal scores; NaN gives NaN.

    Returns
    -------
    float or numpy.ndarray
        A float for a scalar ``z``, else an array of ``z``'s shape.

    Examples
    --------
    >>> two_sided_normal_p(0.0), round(two_sided_normal_p(-2.5758293035489), 12)
    (1.0, 0.01)
    """
    if np.ndim(z) == 0:
        return math.erfc(abs(float(z)) * _SQRT_HALF)
    values = np.asarray(z, dtype=float)
    if values.size >= _SCIPY_FROM:
        from scipy.special import ndtr

        return 2.0 * ndtr(-np.abs(values))
    flat = np.abs(values).ravel() * _SQRT_HALF
    return np.fromiter(map(math.erfc, flat.tolist()), dtype=float, count=flat.size).reshape(
        values.shape
    )
