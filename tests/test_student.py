"""Student's t p-values without scipy, against scipy and high-precision mpmath."""

import math

import numpy as np
import pytest
from scipy import special, stats

from geodisparity.stats.student import regularized_beta, t_two_sided_p

DFS = [1, 2, 3, 4, 5, 7, 10, 15, 25, 30, 49, 50, 51, 100, 300, 1000, 2.5, 0.7]
TS = np.concatenate([np.linspace(0.05, 10, 200), [12.5, 15, 20, 40, 100, 1e3, 1e5]])


@pytest.mark.parametrize("df", DFS)
def test_two_sided_p_matches_scipy(df):
    ours = t_two_sided_p(TS, df)
    reference = 2 * stats.t.sf(TS, df)
    present = reference > 1e-300
    np.testing.assert_allclose(ours[present], reference[present], rtol=1e-12, atol=0)
    np.testing.assert_allclose(t_two_sided_p(-TS, df), ours, rtol=0, atol=0)


@pytest.mark.parametrize("df", [1, 3, 30, 1000])
def test_tiny_t_matches_mpmath(df):
    mpmath = pytest.importorskip("mpmath")
    mpmath.mp.dps = 40
    for t in (1e-12, 1e-8, 1e-4, 1e-2):
        exact = mpmath.betainc(mpmath.mpf(df) / 2, mpmath.mpf(1) / 2, 0,
                               mpmath.mpf(df) / (df + mpmath.mpf(t) ** 2), regularized=True)
        assert t_two_sided_p(t, df) == pytest.approx(float(exact), rel=1e-13)
    assert t_two_sided_p(1e-8, 1) == pytest.approx(1 - 2 / math.pi * math.atan(1e-8), rel=1e-15)


@pytest.mark.parametrize(("a", "b"), [(0.5, 0.5), (2.0, 3.0), (30.0, 0.5), (0.5, 400.0),
                                      (7.5, 12.25)])
def test_regularized_beta_matches_scipy(a, b):
    for x in np.linspace(0.001, 0.999, 41):
        assert regularized_beta(a, b, x) == pytest.approx(special.betainc(a, b, x), rel=1e-12)


def test_edges():
    assert t_two_sided_p(0.0, 5) == 1.0
    assert t_two_sided_p(math.inf, 5) == 0.0
    assert math.isnan(t_two_sided_p(math.nan, 5))
    out = t_two_sided_p(np.array([[0.0, np.inf], [np.nan, 1.0]]), 1)
    assert out.shape == (2, 2) and out[0, 0] == 1.0 and out[1, 1] == pytest.approx(0.5)


def test_ols_does_not_import_scipy_special():
    import subprocess
    import sys

    code = ("import sys, numpy as np\n"
            "from geodisparity.stats.convergence import ols\n"
            "fit = ols(np.column_stack([np.ones(5), np.arange(5.0)]), np.array([1, 3, 4, 8, 9.]))\n"
            "print('scipy.special' in sys.modules, 0 < fit.p_value[1] < 0.01)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "True"]
