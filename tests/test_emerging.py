"""Emerging hot spot analysis: the 17 patterns, the space-time neighbourhood, the wiring."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

import geodisparity as gd
from geodisparity.categories import EMERGING_LABELS
from geodisparity.errors import DuplicateKeyError, InputError
from geodisparity.spatial.emerging import classify_emerging, space_time_weights
from geodisparity.spatial.weights import SpatialWeights

# One constructed series per pattern: H = significant hot, C = significant cold,
# . = not significant; trend: +1 / -1 significant up / down, 0 not significant.
CASES = [
    ("New hot spot", ".........H", 0),
    ("Consecutive hot spot", "......HHHH", 1),
    ("Intensifying hot spot", ".HHHHHHHHH", 1),
    ("Persistent hot spot", "HHHHHHHHHH", 0),
    ("Diminishing hot spot", "HHHHHHHHHH", -1),
    ("Sporadic hot spot", "H..H...H.H", 0),
    ("Oscillating hot spot", "C....H..HH", 1),
    ("Historical hot spot", "HHHHHHHHH.", -1),
    ("New cold spot", ".........C", 0),
    ("Consecutive cold spot", "........CC", -1),
    ("Intensifying cold spot", "CCCCCCCCCC", -1),
    ("Persistent cold spot", "CCCCCCCCC.C"[1:], 0),
    ("Diminishing cold spot", "C.CCCCCCCC", 1),
    ("Sporadic cold spot", ".C.C.....C", 0),
    ("Oscillating cold spot", "H.H..HH..C", 0),
    ("Historical cold spot", "CCCCCCCCC.", 1),
    ("No pattern detected", "H.H.H.....", 0),
]


def _arrays(series: list[str]) -> tuple[np.ndarray, np.ndarray]:
    codes = np.array([list(s) for s in series])
    return codes == "H", codes == "C"


def test_every_pattern_from_a_constructed_series() -> None:
    assert sorted(label for label, _, _ in CASES) == sorted(EMERGING_LABELS)
    hot, cold = _arrays([s for _, s, _ in CASES])
    trend = np.array([t for _, _, t in CASES], dtype=float)
    labels = classify_emerging(hot, cold, trend, trend != 0)
    assert labels.tolist() == [label for label, _, _ in CASES]


@pytest.mark.parametrize(("series", "trend", "expected"), [
    ("HHHHHHHHHC", 0, "Oscillating cold spot"),  # the final period decides the side
    ("C........H", 0, "Oscillating hot spot"),  # cold before: not "new"
    ("C.......HH", 0, "Oscillating hot spot"),  # cold before: not "consecutive"
    ("HHHHHHHHHH", 1, "Intensifying hot spot"),
    ("HHHHHHHH.H", 0, "Persistent hot spot"),  # 90% including the final period
    ("HHHHHHH..H", 1, "Sporadic hot spot"),  # 80%: not intensifying whatever the trend
    ("..........", 1, "No pattern detected"),
    ("HHHHH", 0, "Persistent hot spot"),
    ("HHHH.", 0, "No pattern detected"),  # 80% < 90%: no historical pattern with 5 periods
    ("H.HHH", 0, "Sporadic hot spot"),
    ("...HH", 0, "Consecutive hot spot"),
    ("CCCCCCCCCC", 1, "Diminishing cold spot"),  # cold spots weaken: z goes up
])
def test_edge_rules(series: str, trend: int, expected: str) -> None:
    hot, cold = _arrays([series])
    assert classify_emerging(hot, cold, [trend], [trend != 0]).tolist() == [expected]


def test_classifier_refuses_a_period_both_hot_and_cold() -> None:
    with pytest.raises(InputError, match="both"):
        classify_emerging([[True]], [[True]], [0.0], [False])


def test_space_time_weights_by_hand() -> None:
    # regions 0 - 1 - 2 in a path; 3 periods; neighbours in 1 earlier period
    w = SpatialWeights.from_sparse(sp.csr_array([[0, 1, 0], [1, 0, 1], [0, 1, 0]]))
    W = np.array([[0, 1, 0], [1, 0, 1], [0, 1, 0]])
    earlier = W + np.eye(3, dtype=int)  # the region itself in the earlier period too
    Z = np.zeros((3, 3), dtype=int)
    expected = np.block([[W, Z, Z], [earlier, W, Z], [Z, earlier, W]])
    assert (space_time_weights(w, 3, 1).toarray() == expected).all()
    lag2 = np.block([[W, Z, Z], [earlier, W, Z], [earlier, earlier, W]])
    assert (space_time_weights(w, 3, 2).toarray() == lag2).all()
    assert (space_time_weights(w, 3, 0).toarray() == np.kron(np.eye(3, dtype=int), W)).all()


def _chain(n: int) -> SpatialWeights:
    return SpatialWeights.from_sparse(sp.diags_array(
        [np.ones(n - 1), np.ones(n - 1)], offsets=[-1, 1], shape=(n, n)).tocsr())


def _gi_star_z(x: np.ndarray, neighbours: list[list[int]], own: list[int]) -> list[float]:
    """Ord-Getis (1995) Gi* z with binary weights, written out: pool = all of x."""
    m, xbar, s2 = x.size, x.mean(), x.var()
    out = []
    for i in own:
        members = [i, *neighbours[i]]
        w_sum = len(members)
        num = sum(x[j] for j in members) - w_sum * xbar
        out.append(num / np.sqrt(s2 * (m * w_sum - w_sum**2) / (m - 1)))
    return out


def test_time_lag_z_scores_from_the_definition() -> None:
    n, periods = 6, 4
    rng = np.random.default_rng(3)
    wide = pd.DataFrame(rng.normal(10, 2, (n, periods)))
    result = gd.emerging_hotspots(wide, None, _chain(n), time=None, time_lag=1, permutations=0)
    for t in range(periods):
        first = max(0, t - 1)
        x = wide.to_numpy()[:, first:t + 1].ravel(order="F")  # period-major, as the cube
        offset = (t - first) * n
        neighbours: list[list[int]] = [[] for _ in range(x.size)]
        for i in range(n):
            spatial = [j for j in (i - 1, i + 1) if 0 <= j < n]
            neighbours[offset + i] = [offset + j for j in spatial]
            if t > first:  # itself and its neighbours in the earlier period
                neighbours[offset + i] += [i, *spatial]
        expected = _gi_star_z(x, neighbours, [offset + i for i in range(n)])
        assert result.z[t].to_numpy() == pytest.approx(expected, rel=1e-9)


def test_bins_are_local_gi_star_of_each_period() -> None:
    n, periods, seed = 30, 5, 11
    rng = np.random.default_rng(0)
    wide = pd.DataFrame(rng.normal(size=(n, periods)) + np.linspace(-2, 2, n)[:, None],
                        columns=[2016, 2017, 2018, 2019, 2020])
    w = _chain(n)
    result = gd.emerging_hotspots(wide, None, w, time=None, permutations=199, seed=seed)
    draws = np.random.default_rng(seed)
    for year in wide.columns:
        gi = gd.local_gi_star(wide[year].to_numpy(), w, permutations=199, seed=draws)
        assert result.bins[year].tolist() == gi["gi_bin"].tolist()
        assert result.z[year].to_numpy() == pytest.approx(gi["z_norm"].to_numpy())
    trend = [gd.mann_kendall(result.z.loc[i]).p_value for i in result.z.index]
    assert result.regions["p_trend"].to_numpy() == pytest.approx(trend)
    assert result.counts().sum() == n


def test_long_table_and_reproducible() -> None:
    n = 12
    rng = np.random.default_rng(2)
    long = pd.DataFrame({"code": np.repeat([f"r{i}" for i in range(n)], 3),
                         "year": np.tile([2021, 2019, 2020], n),
                         "income": rng.normal(size=3 * n)})
    w = SpatialWeights.from_sparse(_chain(n).sparse, ids=[f"r{i}" for i in range(n)])
    a = gd.emerging_hotspots(long, "income", w, id="code", permutations=99, seed=4)
    b = gd.emerging_hotspots(long, "income", w, id="code", permutations=99, seed=4)
    assert a.periods == (2019, 2020, 2021)
    pd.testing.assert_frame_equal(a.to_frame(), b.to_frame())
    assert list(a.regions.index) == list(w.ids)
    assert "bin_2021" in a.to_frame().columns


def test_trend_and_category_end_to_end() -> None:
    # the right end of a long chain stands out more every period: an intensifying hot
    # spot; mirrored, an intensifying cold spot
    n, periods = 100, 10
    signal = np.zeros((n, periods))
    signal[-5:] = np.linspace(1.5, 6, periods)
    noise = np.random.default_rng(0).normal(0, 1, (n, periods))
    hot = gd.emerging_hotspots(pd.DataFrame(signal + noise), None, _chain(n), time=None,
                               permutations=0)
    assert hot.regions["category"].iloc[-4] == "Intensifying hot spot"
    assert hot.regions["tau"].iloc[-4] > 0.5 and hot.regions["p_trend"].iloc[-4] < 0.05
    assert hot.regions["category"].iloc[:80].eq("No pattern detected").mean() > 0.7
    cold = gd.emerging_hotspots(pd.DataFrame(noise - signal), None, _chain(n), time=None,
                                permutations=0)
    assert cold.regions["category"].iloc[-4] == "Intensifying cold spot"


def test_errors_name_the_problem() -> None:
    w = SpatialWeights.from_sparse(_chain(3).sparse, ids=["a", "b", "c"])
    long = pd.DataFrame({"id": ["a", "b", "c", "a", "b"], "year": [1, 1, 1, 2, 2],
                         "v": [1.0, 2.0, 3.0, 1.0, 2.0]})
    with pytest.raises(InputError, match="c"):
        gd.emerging_hotspots(long, "v", w, id="id")
    dup = pd.concat([long, long.iloc[[0]]])
    with pytest.raises(DuplicateKeyError, match="a \\(1\\)"):
        gd.emerging_hotspots(dup, "v", w, id="id")
    with pytest.raises(InputError, match="time_lag"):
        gd.emerging_hotspots(long, "v", w, id="id", time_lag=-1)
    with pytest.raises(InputError, match="2 periods"):
        gd.emerging_hotspots(long[long.year == 1], "v", w, id="id")
    with pytest.raises(KeyError, match="'yr'"):
        gd.emerging_hotspots(long, "v", w, id="id", time="yr")


def test_island_has_no_pattern_and_no_trend() -> None:
    matrix = sp.lil_array((6, 6))
    for a, b in [(0, 1), (1, 2), (2, 3), (3, 4)]:
        matrix[a, b] = matrix[b, a] = 1
    w = SpatialWeights.from_sparse(matrix.tocsr())  # region 5 has no neighbour
    wide = pd.DataFrame(np.random.default_rng(0).normal(size=(6, 6)))
    result = gd.emerging_hotspots(wide, None, w, time=None, seed=0, adjust="fdr", time_lag=2)
    island = result.regions.loc[5]
    assert island["category"] == "No pattern detected"
    assert np.isnan(island["tau"]) and np.isnan(island["p_trend"])
    assert result.z.loc[5].isna().all() and (result.bins.loc[5] == 0).all()
    assert set(result.to_dict()) >= {"regions", "bins", "z", "periods"}


def test_atlas_layer_escapes_names_and_translates() -> None:
    from geodisparity.maps.layers import Layer, style_layer

    n = 10
    wide = pd.DataFrame(np.tile(np.arange(10.0)[:, None], (1, 4)))
    result = gd.emerging_hotspots(wide, None, _chain(n), time=None, permutations=0)
    regions = pd.DataFrame({"name": [f"<b>{i}</b>" for i in range(n)]})
    styled = style_layer(regions, Layer(kind="emerging", result=result.regions), lang="zh")
    assert styled.title == "时空热点模式"
    assert [e.label for e in styled.legend.entries] == ["持续热点", "持续冷点", "未检测到模式"]
    assert styled.cells[-1][:2] == ("<b>9</b>", "持续热点")  # raw here; escaped when drawn
    m = gd.atlas(_boxes(regions), [Layer(kind="emerging", result=result.regions)])
    page = m.get_root().render()
    assert "<b>9</b>" not in page  # escaped (then JSON-encoded): \u0026lt;b\u0026gt;9
    assert "\\u0026lt;b\\u0026gt;9" in page
    assert "Persistent hot spot" in page


def _boxes(frame: pd.DataFrame):
    import geopandas as gpd
    from shapely.geometry import box

    return gpd.GeoDataFrame(frame, crs=4326,
                            geometry=[box(i, 0, i + 1, 1) for i in range(len(frame))])
