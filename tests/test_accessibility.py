"""Two-step floating catchment accessibility: a hand-worked case, PySAL's ``access`` as oracle.

Oracle mapping (``access`` 1.1, read from its source, ``access/fca.py`` and ``weights.py``):

* ``Access(demand_df, demand_index=True, demand_value=..., supply_df, supply_index=True,
  supply_value=..., cost_df=<long table>, cost_origin=..., cost_dest=..., cost_name=...)``
  with our demand / supply index as its ids and our cost as its long cost table.
* ``two_stage_fca(max_cost=c)`` keeps pairs with ``cost <= max_cost`` (as our catchment does)
  and applies ``weight_fn`` to the cost in both steps (as Luo & Qi, and we, do);
  ``normalize=False`` (its default) gives the raw ratios we return.
* ``enhanced_two_stage_fca(max_cost=30)`` without ``weight_fn`` uses
  ``step_fn({10: 1, 20: 0.68, 30: 0.22})`` (weight for ``cost <= key``): our
  ``method="e2sfca"`` default with ``catchment=30`` (three equal bands, Luo & Qi's weights).
* Its scores come back named ``<name>_<supply column>``, sorted by demand id; a demand row
  with no facility in reach is NaN there (a left join), 0 here.
* A facility whose catchment holds population 0 gives inf there (0 division); the oracle
  cases keep every population above 0 so that both define the same thing.
* Its ``weights.gaussian(sigma)`` is ``exp(-d^2 / 2 sigma^2)``, not Dai's kernel: our
  ``decay="gaussian"`` is checked by passing Dai's kernel to it as ``weight_fn``.
"""

from __future__ import annotations

import math
import warnings

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely import Point, box

import geodisparity as gd
from geodisparity.errors import (
    CRSError,
    DroppedRowsWarning,
    DuplicateKeyError,
    GeometryError,
    InputError,
)

UTM51 = 32651  # metres; the CRS that metric_crs picks for these coordinates (x near 500 km)
X0, Y0 = 500_000.0, 3_300_000.0


def line_case():
    """Villages A, B, C and clinics X, Y on an east-west line (x in metres from X0)."""
    villages = gpd.GeoDataFrame(
        {"people": [1000, 2000, 500]}, index=["A", "B", "C"], crs=UTM51,
        geometry=[Point(X0 + 0, Y0), Point(X0 + 2000, Y0), Point(X0 + 5000, Y0)])
    clinics = gpd.GeoDataFrame(
        {"beds": [10, 6]}, index=["X", "Y"], crs=UTM51,
        geometry=[Point(X0 + 1000, Y0), Point(X0 + 4000, Y0)])
    return villages, clinics


# Distances (metres): A-X 1000, A-Y 4000; B-X 1000, B-Y 2000; C-X 4000, C-Y 1000.
LINE_COST = pd.DataFrame([[1000.0, 4000.0], [1000.0, 2000.0], [4000.0, 1000.0]],
                         index=["A", "B", "C"], columns=["X", "Y"])


def score(villages, clinics, **options):
    return gd.accessibility(villages, clinics, population="people", capacity="beds", **options)


@pytest.mark.parametrize("by", ["points", "cost"])
def test_hand_worked_2sfca(by):
    """Catchment 2,500 m: X reaches A and B, Y reaches B and C.

    Step 1: R_X = 10 / (1000 + 2000) = 1/300; R_Y = 6 / (2000 + 500) = 0.0024.
    Step 2: A = R_X = 0.003333...; B = R_X + R_Y = 0.005733...; C = R_Y = 0.0024.
    """
    villages, clinics = line_case()
    cost = LINE_COST if by == "cost" else None
    result = score(villages, clinics, catchment=2500, cost=cost)
    assert result.name == "access" and list(result.index) == ["A", "B", "C"]
    np.testing.assert_allclose(result, [10 / 3000, 10 / 3000 + 6 / 2500, 6 / 2500], rtol=1e-12)


def test_hand_worked_enhanced_bands():
    """Bands (<= 1,500 m: 1.0; <= 2,500 m: 0.5): only B-Y (2,000 m) is in the second band.

    Step 1: R_X = 10 / (1000 * 1 + 2000 * 1) = 1/300; R_Y = 6 / (2000 * 0.5 + 500 * 1) = 0.004.
    Step 2: A = 1/300; B = 1/300 + 0.5 * 0.004 = 0.005333...; C = 0.004.
    """
    villages, clinics = line_case()
    result = score(villages, clinics, method="e2sfca", decay=[(1500, 1.0), (2500, 0.5)])
    np.testing.assert_allclose(result, [1 / 300, 1 / 300 + 0.002, 0.004], rtol=1e-12)
    as_dict = score(villages, clinics, method="e2sfca", decay={2500: 0.5, 1500: 1.0})
    pd.testing.assert_series_equal(as_dict, result)


def test_hand_worked_gaussian():
    """Dai's kernel with d0 = 2,500 m: W(d) = (exp(-(d/d0)^2/2) - exp(-1/2)) / (1 - exp(-1/2)).

    W(1000) = (exp(-0.08) - exp(-0.5)) / (1 - exp(-0.5)) = 0.80460...,
    W(2000) = (exp(-0.32) - exp(-0.5)) / (1 - exp(-0.5)) = 0.30401...
    """
    w1 = (math.exp(-0.08) - math.exp(-0.5)) / (1 - math.exp(-0.5))
    w2 = (math.exp(-0.32) - math.exp(-0.5)) / (1 - math.exp(-0.5))
    assert round(w1, 5) == 0.80460 and round(w2, 5) == 0.30401
    r_x = 10 / (1000 * w1 + 2000 * w1)
    r_y = 6 / (2000 * w2 + 500 * w1)
    villages, clinics = line_case()
    result = score(villages, clinics, method="e2sfca", decay="gaussian", catchment=2500)
    np.testing.assert_allclose(result, [w1 * r_x, w1 * r_x + w2 * r_y, w1 * r_y], rtol=1e-12)


def test_enhanced_default_is_luo_qi_thirds():
    """e2sfca without decay: weights 1, 0.68, 0.22 on thirds of the catchment (3,000 m).

    A-X, B-X, C-Y are 1,000 m (first band, 1.0); B-Y 2,000 m (second band, 0.68).
    R_X = 10 / 3000; R_Y = 6 / (2000 * 0.68 + 500); B = R_X + 0.68 R_Y.
    """
    villages, clinics = line_case()
    result = score(villages, clinics, method="e2sfca", catchment=3000)
    r_y = 6 / (2000 * 0.68 + 500)
    np.testing.assert_allclose(result, [10 / 3000, 10 / 3000 + 0.68 * r_y, r_y], rtol=1e-12)


def test_per_scales_and_population_weighted_total_is_capacity():
    villages, clinics = line_case()
    result = score(villages, clinics, catchment=2500, per=1000)
    np.testing.assert_allclose(result, [10 / 3, 10 / 3 + 6 / 2.5, 6 / 2.5], rtol=1e-12)
    # every bed is shared out: sum_i P_i A_i = sum_j S_j (per 1,000 people)
    assert (result * villages["people"]).sum() / 1000 == pytest.approx(16.0, rel=1e-12)


def test_nothing_in_reach_scores_zero_and_unpopulated_catchment_is_left_out():
    """C is out of reach (0); clinic Y reaches only D, of population 0: no division by zero."""
    villages, clinics = line_case()
    villages.loc["B", "people"] = 0
    villages.loc["C", "people"] = 0
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = score(villages, clinics, catchment=1500)
    # X reaches A (1000) and B (0): R_X = 10/1000; Y reaches C (0 people): left out.
    np.testing.assert_allclose(result, [0.01, 0.01, 0.0], rtol=1e-12)
    assert score(villages, clinics, catchment=500).tolist() == [0.0, 0.0, 0.0]


def test_polygons_stand_for_their_projected_centroids():
    villages, clinics = line_case()
    squares = villages.copy()
    squares["geometry"] = [box(p.x - 300, p.y - 300, p.x + 300, p.y + 300)
                           for p in villages.geometry]
    lonlat = squares.to_crs(4326)  # centroid computed after projecting back to UTM 51N
    expected = score(villages, clinics, catchment=2500)
    np.testing.assert_allclose(score(lonlat, clinics.to_crs(4326), catchment=2500), expected,
                               rtol=1e-6)


def test_wide_and_long_cost_agree_and_missing_pairs_are_unreachable():
    villages, clinics = line_case()
    wide = LINE_COST.copy()
    wide.loc["C", "Y"] = np.inf  # unreachable
    long = wide.stack()
    long = long[np.isfinite(long)]
    by_wide = score(villages, clinics, catchment=2500, cost=wide)
    by_long = score(villages, clinics, catchment=2500, cost=long)
    pd.testing.assert_series_equal(by_wide, by_long)
    np.testing.assert_allclose(by_wide, [1 / 300, 1 / 300 + 6 / 2000, 0.0], rtol=1e-12)
    plain = pd.DataFrame(villages.drop(columns="geometry"))  # no geometry needed with cost
    pd.testing.assert_series_equal(
        gd.accessibility(plain, clinics, population="people", capacity="beds",
                         catchment=2500, cost=wide), by_wide)


def test_pairs_match_brute_force_distances():
    from geodisparity.access.pairs import pairs_within

    rng = np.random.default_rng(7)
    d_xy = rng.uniform(0, 20_000, (200, 2)) + [X0, Y0]
    s_xy = rng.uniform(0, 20_000, (30, 2)) + [X0, Y0]
    demand = gpd.GeoSeries(gpd.points_from_xy(*d_xy.T), crs=UTM51)
    supply = gpd.GeoSeries(gpd.points_from_xy(*s_xy.T), crs=UTM51)
    pairs = pairs_within(demand, supply, 3000.0)
    full = np.hypot(*(d_xy[:, None, :] - s_xy[None, :, :]).transpose(2, 0, 1))
    rows, cols = np.nonzero(full <= 3000.0)
    found = sorted(zip(pairs.rows.tolist(), pairs.cols.tolist(), strict=True))
    assert found == sorted(zip(rows.tolist(), cols.tolist(), strict=True))
    order = np.lexsort((pairs.cols, pairs.rows))
    np.testing.assert_allclose(pairs.cost[order], full[rows, cols], rtol=1e-9)


# --- PySAL access as oracle -------------------------------------------------------------------


def random_case(seed, n=300, m=40, span=30_000.0):
    rng = np.random.default_rng(seed)
    d_xy = rng.uniform(0, span, (n, 2)) + [X0, Y0]
    s_xy = rng.uniform(0, span, (m, 2)) + [X0, Y0]
    demand = gpd.GeoDataFrame({"pop": rng.integers(1, 5000, n).astype(float)},
                              index=pd.Index([f"d{i}" for i in range(n)], name="geoid"),
                              geometry=gpd.points_from_xy(*d_xy.T), crs=UTM51)
    supply = gpd.GeoDataFrame({"beds": rng.integers(0, 200, m).astype(float)},
                              index=pd.Index([f"s{j}" for j in range(m)], name="geoid"),
                              geometry=gpd.points_from_xy(*s_xy.T), crs=UTM51)
    full = np.hypot(*(d_xy[:, None, :] - s_xy[None, :, :]).transpose(2, 0, 1))
    cost = pd.DataFrame(full, index=demand.index, columns=supply.index)
    return demand, supply, cost


def pysal(demand, supply, cost, run):
    access = pytest.importorskip("access")
    long = cost.stack().rename("cost").rename_axis(["origin", "dest"]).reset_index()
    model = access.Access(demand_df=pd.DataFrame(demand[["pop"]]), demand_index=True,
                          demand_value="pop", supply_df=pd.DataFrame(supply[["beds"]]),
                          supply_index=True, supply_value="beds", cost_df=long,
                          cost_origin="origin", cost_dest="dest", cost_name="cost")
    column = run(model).iloc[:, 0]
    return column.reindex(demand.index).fillna(0.0)  # NaN there: nothing in reach


@pytest.mark.parametrize("seed", [1, 2])
def test_2sfca_agrees_with_pysal_access(seed):
    demand, supply, cost = random_case(seed)
    expected = pysal(demand, supply, cost,
                     lambda a: a.two_stage_fca(name="t", max_cost=4000.0))
    ours = gd.accessibility(demand, supply, population="pop", capacity="beds",
                            catchment=4000.0)
    assert (ours == 0).any() and (ours > 0).sum() > 100  # some out of reach, most not
    np.testing.assert_allclose(ours, expected, rtol=1e-9, atol=1e-15)
    by_cost = gd.accessibility(demand, supply, population="pop", capacity="beds",
                               catchment=4000.0, cost=cost)
    np.testing.assert_allclose(by_cost, expected, rtol=1e-9, atol=1e-15)


def test_e2sfca_default_agrees_with_pysal_access():
    demand, supply, cost = random_case(3)
    minutes = cost / 250.0  # "minutes" at 15 km/h, so that 30 minutes is 7.5 km
    expected = pysal(demand, supply, minutes,
                     lambda a: a.enhanced_two_stage_fca(name="e", max_cost=30))
    ours = gd.accessibility(demand, supply, population="pop", capacity="beds",
                            method="e2sfca", catchment=30, cost=minutes)
    np.testing.assert_allclose(ours, expected, rtol=1e-9, atol=1e-15)


def test_e2sfca_bands_and_gaussian_agree_with_pysal_access():
    access = pytest.importorskip("access")
    demand, supply, cost = random_case(4)
    bands = [(1500.0, 1.0), (3000.0, 0.6), (5000.0, 0.1)]
    expected = pysal(demand, supply, cost, lambda a: a.two_stage_fca(
        name="b", max_cost=5000.0, weight_fn=access.weights.step_fn(dict(bands))))
    ours = gd.accessibility(demand, supply, population="pop", capacity="beds",
                            method="e2sfca", decay=bands)
    np.testing.assert_allclose(ours, expected, rtol=1e-9, atol=1e-15)

    def dai(d, d0=5000.0):
        return (math.exp(-0.5 * (d / d0) ** 2) - math.exp(-0.5)) / (1 - math.exp(-0.5))

    expected = pysal(demand, supply, cost,
                     lambda a: a.two_stage_fca(name="g", max_cost=5000.0, weight_fn=dai))
    ours = gd.accessibility(demand, supply, population="pop", capacity="beds",
                            method="e2sfca", decay="gaussian", catchment=5000.0)
    np.testing.assert_allclose(ours, expected, rtol=1e-9, atol=1e-15)


# --- population-weighted scores by region ---------------------------------------------------


def test_access_by_region_is_a_population_weighted_mean():
    demand, supply, _ = random_case(5)
    demand["access"] = gd.accessibility(demand, supply, population="pop", capacity="beds",
                                        catchment=4000.0)
    cells = gpd.GeoDataFrame({"cell": ["w", "e"]}, index=[7, 8], crs=UTM51, geometry=[
        box(X0, Y0, X0 + 15_000, Y0 + 30_000), box(X0 + 15_000, Y0, X0 + 30_000, Y0 + 30_000)])
    result = gd.access_by_region(demand.to_crs(4326), cells, population="pop")
    side = np.where(demand.geometry.x < X0 + 15_000, 7, 8)
    weighted = (demand["pop"] * demand["access"]).groupby(side).sum()
    expected = weighted / demand["pop"].groupby(side).sum()
    np.testing.assert_allclose(result.loc[[7, 8]], expected.loc[[7, 8]], rtol=1e-12)
    assert result.name == "access"


def test_access_by_region_warns_for_points_outside_and_gives_nan_for_empty_regions():
    points = gpd.GeoDataFrame({"access": [1.0, 2.0], "pop": [10, 20]}, crs=UTM51,
                              geometry=[Point(X0 + 5, Y0 + 5), Point(X0 - 50, Y0)])
    regions = gpd.GeoSeries([box(X0, Y0, X0 + 10, Y0 + 10), box(X0, Y0 + 20, X0 + 30, Y0 + 30)],
                            crs=UTM51)
    with pytest.warns(DroppedRowsWarning, match=r"1 of 2 points .*population 20.*rows 1"):
        result = gd.access_by_region(points, regions, population="pop")
    assert result.iloc[0] == 1.0 and np.isnan(result.iloc[1])


def test_a_point_on_a_shared_border_counts_once_in_the_first_region():
    points = gpd.GeoDataFrame({"access": [4.0, 1.0], "pop": [10, 30]}, crs=UTM51,
                              geometry=[Point(X0 + 10, Y0 + 5), Point(X0 + 15, Y0 + 5)])
    regions = gpd.GeoSeries([box(X0, Y0, X0 + 10, Y0 + 10), box(X0 + 10, Y0, X0 + 20, Y0 + 10)],
                            crs=UTM51, index=["west", "east"])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = gd.access_by_region(points, regions, population="pop")
    assert result.to_dict() == {"west": 4.0, "east": 1.0}


# --- bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize(("column", "value", "argument"), [
    ("beds", -1.0, "capacity"), ("beds", np.nan, "capacity"),
    ("people", -5.0, "population"), ("people", np.nan, "population"),
])
def test_negative_or_missing_amounts_name_the_rows(column, value, argument):
    villages, clinics = line_case()
    frame = clinics if column == "beds" else villages
    frame[column] = frame[column].astype(float)
    frame.loc[frame.index[1], column] = value
    row = frame.index[1]
    with pytest.raises(InputError, match=rf"{argument} must be 0 or more.*: {row} "):
        score(villages, clinics, catchment=2500)


def test_missing_crs_and_missing_geometry():
    villages, clinics = line_case()
    with pytest.raises(CRSError, match="supply has no CRS"):
        score(villages, clinics.set_crs(None, allow_override=True), catchment=2500)
    villages.loc["B", "geometry"] = None
    with pytest.raises(GeometryError, match="1 rows of demand .*: B"):
        score(villages, clinics, catchment=2500)
    with pytest.raises(InputError, match="demand has no geometry"):
        score(pd.DataFrame(villages.drop(columns="geometry")), clinics, catchment=2500)
    with pytest.raises(CRSError, match="not a projected CRS"):
        score(line_case()[0], clinics, catchment=2500, crs=4326)


@pytest.mark.parametrize(("options", "message"), [
    ({"method": "3sfca", "catchment": 1}, "method='3sfca' is not accepted"),
    ({}, "catchment is missing"),
    ({"catchment": -1}, "catchment=-1 must be a finite number above 0"),
    ({"catchment": 10, "decay": "gaussian"}, "decay='gaussian' is for method='e2sfca'"),
    ({"method": "e2sfca", "decay": "linear", "catchment": 1}, "decay='linear' is not accepted"),
    ({"method": "e2sfca", "decay": [(20, 1), (10, 0.5)]}, "increasing"),
    ({"method": "e2sfca", "decay": [(10, -1)]}, "weights must be 0 or more"),
    ({"method": "e2sfca", "decay": [1, 2, 3]}, "list of \\(distance, weight\\) pairs"),
    ({"method": "e2sfca", "decay": [(10, 1)], "catchment": 20}, "differs from the last"),
    ({"catchment": 10, "per": 0}, "per=0 must be"),
])
def test_bad_options_are_refused(options, message):
    villages, clinics = line_case()
    with pytest.raises(InputError, match=message):
        score(villages, clinics, **options)


def test_bad_cost_matrices_are_refused():
    villages, clinics = line_case()
    with pytest.raises(InputError, match="rows of cost lack 1 demand ids: C"):
        score(villages, clinics, catchment=10, cost=LINE_COST.iloc[:2])
    negative = LINE_COST.copy()
    negative.loc["A", "Y"] = -3
    with pytest.raises(InputError, match=r"negative values, at \(demand, supply\) \(A, Y\)"):
        score(villages, clinics, catchment=10, cost=negative)
    numbered = LINE_COST.stack().rename(index={"A": 1})
    with pytest.raises(InputError, match="1 demand ids that are not in the index of demand: 1"):
        score(villages, clinics, catchment=10, cost=numbered)
    with pytest.raises(InputError, match="cost must be a DataFrame"):
        score(villages, clinics, catchment=10, cost=LINE_COST.to_numpy())
    twice = villages.rename(index={"B": "A"})
    with pytest.raises(DuplicateKeyError, match="demand has repeated index values"):
        score(twice, clinics, catchment=10, cost=LINE_COST)


def test_empty_inputs():
    villages, clinics = line_case()
    assert score(villages, clinics.iloc[:0], catchment=2500).tolist() == [0.0, 0.0, 0.0]
    assert score(villages.iloc[:0], clinics, catchment=2500).empty


def test_population_as_values_and_misaligned_series():
    villages, clinics = line_case()
    by_values = gd.accessibility(villages, clinics, population=[1000, 2000, 500],
                                 capacity=np.array([10, 6]), catchment=2500)
    pd.testing.assert_series_equal(by_values, score(villages, clinics, catchment=2500))
    with pytest.raises(InputError, match="population is a Series whose index differs"):
        gd.accessibility(villages, clinics, population=villages["people"].reset_index(drop=True),
                         capacity="beds", catchment=2500)
    with pytest.raises(InputError, match="capacity='doctors' is not a column of supply"):
        gd.accessibility(villages, clinics, population="people", capacity="doctors",
                         catchment=2500)
