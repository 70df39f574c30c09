"""The report's SVG charts: ticks, Lorenz curves and Moran plots against oracles, safe markup."""

import math
import re
import xml.etree.ElementTree as ET

import numpy as np
import pytest

import geodisparity as gd
from geodisparity.charts import (
    decomposition_bars,
    lorenz,
    lorenz_chart,
    moran_points,
    moran_scatter,
    nice_ticks,
    share_bars,
    trend_chart,
)
from geodisparity.charts._axes import format_tick, year_ticks
from geodisparity.errors import InputError
from geodisparity.maps.svg import check_svg
from geodisparity.spatial.weights import SpatialWeights

SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = "<script>alert(1)</script>{{ 7*7 }}&amp;\"'"


def _grid_weights(nx, ny):
    """Rook weights of an nx x ny grid (row-major ids), built by hand."""
    n = nx * ny
    dense = np.zeros((n, n))
    for j in range(ny):
        for i in range(nx):
            k = j * nx + i
            for di, dj in ((1, 0), (0, 1)):
                if i + di < nx and j + dj < ny:
                    other = (j + dj) * nx + i + di
                    dense[k, other] = dense[other, k] = 1
    return dense


# --- nice ticks --------------------------------------------------------------------------------

@pytest.mark.parametrize("low, high", [(0, 97), (0.113, 0.131), (-3.2, 2.7), (1.7, 1.9),
                                       (45_000, 45_001), (1e-7, 3e-7), (-5e6, -1e6), (3, 3),
                                       (0, 0), (2019, 2025)])
@pytest.mark.parametrize("count", [3, 5, 8])
def test_nice_ticks_cover_the_data_with_round_even_steps(low, high, count):
    ticks = nice_ticks(low, high, count=count)
    steps = np.diff(ticks)
    assert ticks[0] <= low and ticks[-1] >= high
    assert np.allclose(steps, steps[0], rtol=1e-9)
    mantissa = steps[0] / 10 ** math.floor(math.log10(steps[0]))
    assert min(abs(mantissa - m) for m in (1, 2, 5, 10)) < 1e-6
    assert 2 <= len(ticks) <= 2 * count + 2
    # the first and last ticks are the step's multiples just outside the data
    assert ticks[0] > low - steps[0] and ticks[-1] < high + steps[0] or low == high


@pytest.mark.parametrize("low, high, count", [(1, 0, 5), (0, math.inf, 5), (math.nan, 1, 5),
                                              (0, 1, 1)])
def test_nice_ticks_refuse_bad_bounds(low, high, count):
    with pytest.raises(InputError, match="nice_ticks"):
        nice_ticks(low, high, count=count)


def test_tick_labels_and_years():
    assert [format_tick(t, 0.05) for t in nice_ticks(1.7, 1.9)] == [
        "1.70", "1.75", "1.80", "1.85", "1.90"]
    assert format_tick(40_000.0, 10_000.0) == "40,000"
    assert year_ticks(2019, 2023) == [2019, 2020, 2021, 2022, 2023]
    assert all(t % 20 == 0 for t in year_ticks(1929, 2009))


# --- Lorenz curves: the Gini of the curve against two independent references ------------------

@pytest.mark.parametrize("seed", [0, 1, 2])
def test_lorenz_gini_matches_the_mean_difference_and_inequality(seed):
    inequality = pytest.importorskip("inequality")
    rng = np.random.default_rng(seed)
    y = rng.lognormal(10, 0.5, 60)
    w = rng.integers(1, 50, 60).astype(float)
    # population-weighted mean absolute difference over twice the mean, by brute force
    mean = np.sum(w * y) / w.sum()
    brute = np.sum(w[:, None] * w[None, :] * np.abs(y[:, None] - y[None, :])) / (
        2 * w.sum() ** 2 * mean)
    assert lorenz(y, w).gini == pytest.approx(brute, rel=1e-12)
    assert lorenz(y, w).gini == pytest.approx(gd.gini(y, w), rel=1e-12)
    assert lorenz(y).gini == pytest.approx(inequality.gini.Gini(y).g, rel=1e-12)


def test_lorenz_curve_is_convex_from_origin_to_one():
    curve = lorenz([5, 1, 3, 3, 10], [1, 2, 1, 1, 1])
    assert (curve.x[0], curve.y[0], curve.x[-1], curve.y[-1]) == (0, 0, 1, 1)
    slopes = np.diff(curve.y) / np.diff(curve.x)
    assert np.all(np.diff(slopes) >= -1e-12) and np.all(curve.y <= curve.x + 1e-12)


@pytest.mark.parametrize("values, weights", [([1, -1], None), ([1, math.nan], None), ([], None),
                                             ([1, 2], [1]), ([0, 0], None), ([1, 2], [0, 0])])
def test_lorenz_refuses_bad_input(values, weights):
    with pytest.raises(InputError, match="lorenz"):
        lorenz(values, weights)


def test_lorenz_chart_states_each_gini_and_thins_long_curves():
    rng = np.random.default_rng(3)
    curves = [lorenz(rng.lognormal(0, s, 3000), label=str(year))
              for s, year in ((0.3, 2019), (0.6, 2023))]
    svg = check_svg(lorenz_chart(curves, title="Income", lang="en"))
    for curve in curves:
        assert f"{curve.label}: Gini {curve.gini:.3g}" in svg
    assert "Line of equality" in svg
    assert len(svg) < 12_000  # 2 x 3,000 regions drawn through 200 points each


# --- Moran scatter plot: slope = Moran's I, lag = W z (esda / libpysal as oracles) -----------

def test_moran_points_slope_is_esdas_moran_i_and_lag_is_libpysals():
    esda = pytest.importorskip("esda")
    libpysal = pytest.importorskip("libpysal")
    dense = _grid_weights(7, 6)
    rng = np.random.default_rng(4)
    y = rng.normal(size=42) + np.repeat(np.arange(6), 7) * 0.6
    points = moran_points(y, SpatialWeights.from_sparse(dense))
    w = libpysal.weights.full2W(dense)
    w.transform = "r"
    assert points.slope == pytest.approx(esda.Moran(y, w, permutations=0).I, rel=1e-10)
    z = (y - y.mean()) / y.std()
    assert np.allclose(points.lag, libpysal.weights.lag_spatial(w, z))
    assert np.allclose(points.z, z)


def test_moran_scatter_colours_points_by_cluster_and_escapes_names():
    dense = _grid_weights(4, 4)
    y = np.arange(16, dtype=float)
    clusters = ["High-High"] * 3 + ["Low-Low"] * 2 + ["Not significant"] * 11
    names = [HOSTILE] + [f"R{i}" for i in range(15)]
    points = moran_points(y, SpatialWeights.from_sparse(dense), clusters=clusters, names=names)
    svg = check_svg(moran_scatter(points, title=HOSTILE, lang="zh"))
    root = ET.fromstring(svg)
    fills = [c.get("fill") for c in root.iter(SVG + "circle")]
    assert fills.count("#FF0000") == 3 + 1 and fills.count("#0000FF") == 2 + 1  # + legend
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert "高-高 (3)" in svg and "莫兰指数" in svg


def test_moran_scatter_of_many_regions_stays_small():
    side = 55
    rows, cols = [], []
    for k in range(side * side):  # rook grid as sparse pairs
        if (k + 1) % side:
            rows += [k, k + 1]
            cols += [k + 1, k]
        if k + side < side * side:
            rows += [k, k + side]
            cols += [k + side, k]
    import scipy.sparse as sp

    matrix = sp.csr_array((np.ones(len(rows)), (rows, cols)), shape=(side**2, side**2))
    y = np.random.default_rng(5).normal(size=side**2)
    svg = check_svg(moran_scatter(moran_points(y, SpatialWeights.from_sparse(matrix)),
                                  title="Income"))
    assert svg.count("<circle") <= 6  # only the legend's: 3,025 dots drawn as one path a class
    assert len(svg) < 50_000


# --- trend lines with targets, decomposition bars -------------------------------------------

def test_trend_chart_draws_the_target_up_to_its_year():
    svg = check_svg(trend_chart([2019, 2020, 2021, 2022, 2023], [1.82, 1.80, 1.78, 1.76, 1.74],
                                title="Urban / rural ratio", target=1.9, target_year=2025))
    root = ET.fromstring(svg)
    labels = [t.text for t in root.iter(SVG + "text")]
    assert "Target 1.9 (2025)" in labels and "2025" in labels
    dashed = [e for e in root.iter(SVG + "line") if e.get("stroke-dasharray")]
    assert len(dashed) == 1
    ticks = {t.text: float(t.get("y")) for t in root.iter(SVG + "text")
             if t.get("text-anchor") == "end" and re.fullmatch(r"[\d.]+", t.text or "")}
    # the target line sits at 1.9 on the y axis (tick labels are drawn 3.5 px below their line)
    assert float(dashed[0].get("y1")) == pytest.approx(ticks["1.90"] - 3.5, abs=0.11)
    x_2025 = max(float(t.get("x")) for t in root.iter(SVG + "text") if t.text == "2025")
    assert float(dashed[0].get("x2")) == pytest.approx(x_2025, abs=0.11)
    assert len(svg) < 4_000


def test_trend_chart_in_chinese_and_with_gaps():
    svg = check_svg(trend_chart([2021, 2019, 2020], [0.12, 0.13, math.nan], title="基尼系数",
                                target=0.115, target_year=2025, lang="zh"))
    assert "目标 0.115（2025）" in svg and svg.count("<circle") == 2
    with pytest.raises(InputError, match="same length"):
        trend_chart([2020], [1.0, 2.0], title="x")
    with pytest.raises(InputError, match="no finite value"):
        trend_chart([2020, 2021], [math.nan, math.nan], title="x")


def test_share_bars_widths_are_the_shares():
    svg = check_svg(share_bars([("A", [("between", 3.0), ("within", 1.0)])], title="t"))
    rects = [r for r in ET.fromstring(svg).iter(SVG + "rect") if r.find(SVG + "title") is not None]
    widths = [float(r.get("width")) for r in rects]
    assert widths[0] / sum(widths) == pytest.approx(0.75, abs=0.002)
    assert [r.find(SVG + "title").text for r in rects] == ["between: 75.0%", "within: 25.0%"]


def test_decomposition_bars_show_theil_and_dagum_shares():
    import pandas as pd

    rng = np.random.default_rng(6)
    data = pd.DataFrame({"y": rng.lognormal(10, 0.4, 40), "g": np.repeat(list("abcd"), 10),
                         "p": rng.integers(1, 9, 40)})
    theil = gd.theil_decomposition("y", "g", "p", data=data)
    dagum = gd.dagum_gini("y", "g", "p", data=data)
    svg = check_svg(decomposition_bars(theil, dagum, title=HOSTILE, lang="en"))
    titles = [t.text for t in ET.fromstring(svg).iter(SVG + "title")]
    assert f"Between groups: {theil.between_share:.1%}" in titles
    assert f"Transvariation: {dagum.transvariation_share:.1%}" in titles
    assert "&lt;script&gt;" in svg and "<script>" not in svg


def test_charts_are_text_not_pictures():
    """Every word of a chart is a <text> node (selectable, searchable), no image or script."""
    svg = trend_chart([2020, 2021], [1.0, 2.0], title="Gini of income")
    root = ET.fromstring(svg)
    assert "Gini of income" in [t.text for t in root.iter(SVG + "text")]
    tags = {e.tag.removeprefix(SVG) for e in root.iter()}
    assert tags <= {"svg", "rect", "line", "path", "circle", "text", "title"}
