"""Two-sided normal p-values without scipy, against mpmath's erfc at high precision."""

import math

import mpmath
import numpy as np
import pytest

from geodisparity.stats import normal
from geodisparity.stats.normal import two_sided_normal_p

Z = [0.0, 1e-8, 0.5, -1.0, 1.959963984540054, -3.3, 6.0, -12.5, 30.0, -37.5]


def exact(z: float) -> float:
    with mpmath.workdps(50):
        return float(mpmath.erfc(abs(mpmath.mpf(z)) / mpmath.sqrt(2)))


@pytest.mark.parametrize("z", Z)
def test_scalar_matches_high_precision(z):
    # Rounding |z| / sqrt(2) to a double moves erfc by about z**2 ulps in the far tail.
    assert two_sided_normal_p(z) == pytest.approx(exact(z), rel=1e-14 * max(1.0, z * z), abs=0)


def test_array_keeps_shape_and_nan():
    z = np.array([[0.0, -2.0], [np.nan, np.inf]])
    p = two_sided_normal_p(z)
    assert p.shape == (2, 2)
    assert p[0, 0] == 1.0 and p[1, 1] == 0.0 and math.isnan(p[1, 0])
    assert p[0, 1] == pytest.approx(exact(2.0), rel=1e-14)


def test_large_arrays_agree_with_the_small_path(monkeypatch):
    z = np.linspace(-9, 9, 2001)
    small = two_sided_normal_p(z)
    monkeypatch.setattr(normal, "_SCIPY_FROM", 10)
    large = two_sided_normal_p(z)
    np.testing.assert_allclose(large, small, rtol=1e-12, atol=0)
    expected = np.array([exact(v) for v in z[::100]])
    np.testing.assert_allclose(small[::100], expected, rtol=1e-13, atol=0)
