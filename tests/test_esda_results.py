"""esda's local results read into our frame, and drawn by lisa_map / hotspot_map."""

import warnings

import geopandas as gpd
import numpy as np
import pytest

import geodisparity as gd
from geodisparity.categories import LISA_LABELS
from geodisparity.errors import InputError
from geodisparity.maps.layers import Layer, style_layer
from geodisparity.spatial.esda_results import from_esda

libpysal = pytest.importorskip("libpysal")
esda = pytest.importorskip("esda")

QUADRANTS = {1: "High-High", 2: "Low-High", 3: "Low-Low", 4: "High-Low"}


@pytest.fixture(scope="module")
def columbus():
    regions = gpd.read_file(libpysal.examples.get_path("columbus.shp")).set_index("POLYID")
    regions = regions.set_crs("EPSG:4326")  # columbus has none; any will do for the maps
    # One county moved far away: an island for both libraries.
    regions.loc[49, "geometry"] = regions.loc[49, "geometry"].buffer(0).centroid.buffer(0.1)
    regions.loc[49, "geometry"] = gpd.GeoSeries([regions.loc[49, "geometry"]]).translate(50, 50)[0]
    return regions


@pytest.fixture(scope="module")
def queen(columbus):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return libpysal.weights.Queen.from_dataframe(columbus, use_index=True,
                                                     silence_warnings=True)


def esda_lisa(columbus, queen, **options):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return esda.Moran_Local(columbus["CRIME"].to_numpy(), queen, seed=7, **options)


@pytest.mark.parametrize("alpha", [0.05, 0.2])
def test_lisa_classes_follow_esda_quadrants_and_p_sim(columbus, queen, alpha):
    assert queen.islands == [49]
    lisa = esda_lisa(columbus, queen, permutations=999)
    frame = from_esda(lisa, alpha=alpha)
    assert frame.index.tolist() == queen.id_order
    # Our own local Moran on the same data: same statistic and quadrants (no randomness).
    ours = gd.local_moran(columbus["CRIME"], gd.contiguity(columbus, islands="keep"),
                          permutations=0)
    linked = frame.index != 49
    np.testing.assert_allclose(frame["statistic"][linked], ours["statistic"][linked],
                               rtol=1e-12)
    assert (frame["quadrant"][linked] == ours["quadrant"][linked]).all()
    # Classes built by hand from our quadrants and esda's own p_sim.
    expected = [
        "Isolated" if region == 49
        else QUADRANTS[ours.loc[region, "quadrant"]] if p <= alpha
        else "Not significant"
        for region, p in zip(queen.id_order, lisa.p_sim, strict=True)
    ]
    assert frame["cluster"].astype(str).tolist() == expected
    # esda calls the island significant; we do not.
    assert frame.loc[49, "cluster"] == "Isolated" and not frame.loc[49, "significant"]


def test_lisa_map_draws_the_same_classes_from_esda_as_from_the_frame(columbus, queen):
    lisa = esda_lisa(columbus, queen, permutations=999)
    frame = from_esda(lisa, alpha=0.05)
    styled = style_layer(columbus, Layer(kind="lisa", result=frame))
    counts = frame["cluster"].value_counts()
    for code, label in enumerate(LISA_LABELS):
        assert int((styled.classes == code).sum()) == counts.get(label, 0)
    gd.lisa_map(columbus, lisa)  # an esda object is accepted as is
    gd.lisa_map(columbus, lisa, alpha=0.01)


def test_lisa_without_permutations_marks_nothing(columbus, queen):
    frame = from_esda(esda_lisa(columbus, queen, permutations=0))
    assert frame["p_sim"].isna().all()
    assert set(frame["cluster"].astype(str)) == {"Not significant", "Isolated"}


def test_graph_based_lisa_is_read_too(columbus):
    graph = libpysal.graph.Graph.build_contiguity(columbus, rook=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        lisa = esda.Moran_Local(columbus["CRIME"].to_numpy(), graph, permutations=99, seed=1)
    frame = from_esda(lisa)
    assert frame.index.tolist() == list(graph.unique_ids)
    assert frame.loc[49, "cluster"] == "Isolated"


def test_gi_star_from_esda(columbus, queen):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        gi = esda.G_Local(columbus["CRIME"].to_numpy(), queen, star=True, permutations=999,
                          seed=3)
    frame = from_esda(gi)
    assert frame.index.tolist() == queen.id_order
    assert frame.loc[49, "cluster"] == "Isolated" and frame.loc[49, "gi_bin"] == 0
    flagged = frame["gi_bin"] != 0
    assert flagged.any()
    # A bin's sign is the side of esda's z_sim; its level comes from the two-sided
    # pseudo p (twice esda's folded p_sim): 99 / 95 / 90 % at 0.01 / 0.05 / 0.10.
    assert (np.sign(frame["gi_bin"][flagged]) == np.sign(frame["z"][flagged])).all()
    two_sided = np.minimum(1.0, 2 * frame["p_sim"])
    level = (two_sided <= 0.10).astype(int) + (two_sided <= 0.05) + (two_sided <= 0.01)
    assert (frame["gi_bin"].abs().drop(49) == level.drop(49)).all()
    np.testing.assert_allclose(frame["p_norm"].drop(49), 2 * gi.p_norm[:-1], rtol=1e-15)
    hot = frame["cluster"].astype(str).str.startswith("Hot")
    assert (frame["gi_bin"][hot] > 0).all()
    gd.hotspot_map(columbus, gi)


def test_other_objects_are_refused():
    with pytest.raises(InputError, match="esda.Moran_Local"):
        from_esda({"q": [1]})
