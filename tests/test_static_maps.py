"""Static matplotlib maps: same classes and colours as the HTML map, legend, scale bar, files."""

import warnings

import geopandas as gpd
import matplotlib
import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_hex
from pyproj import Geod
from shapely.geometry import box

from geodisparity import categories as cat
from geodisparity.crs import equal_area_crs
from geodisparity.errors import GeodisparityWarning, InputError, OutputExistsError
from geodisparity.maps import Layer, classify, plot
from geodisparity.maps.static import cjk_font, format_length, nice_length
from geodisparity.maps.style import LISA_COLORS, NO_DATA_COLOR, class_colors


@pytest.fixture
def regions():
    rng = np.random.default_rng(5)
    geoms = [box(119 + (i % 5) * 0.4, 28 + (i // 5) * 0.4, 119.4 + (i % 5) * 0.4,
                 28.4 + (i // 5) * 0.4) for i in range(20)]
    out = gpd.GeoDataFrame({"income": rng.lognormal(10, 0.4, 20)}, geometry=geoms,
                           crs="EPSG:4326")
    out.loc[3, "income"] = np.nan
    return out


def face_colors(ax):
    colors = []
    for coll in ax.collections:
        colors += [to_hex(c) for c in coll.get_facecolors()]
    return colors


def test_same_classes_and_colours_as_html(regions):
    fig = plot(regions, "income", scheme="fisher_jenks", k=4)
    ax = fig.axes[0]
    result = classify(regions["income"].to_numpy(), scheme="fisher_jenks", k=4)
    palette = class_colors(4)
    present = result.classes >= 0
    expected = [palette[c] for c in result.classes[present]] + [NO_DATA_COLOR.lower()] * 1
    assert face_colors(ax) == expected
    texts = [t.get_text() for t in ax.get_legend().get_texts()]
    labels = result.labels()
    assert texts == [f"{lab} ({n})" for lab, n in zip(labels, result.counts, strict=True)] + [
        "No data (1)"]


def test_lisa_layer(regions):
    labels = (list(cat.LISA_LABELS) * 4)[:20]
    result = pd.DataFrame({"cluster": labels}, index=regions.index)
    fig = plot(regions, layer=Layer(kind="lisa", result=result))
    assert face_colors(fig.axes[0]) == [LISA_COLORS[lab].lower() for lab in labels]


def test_scale_bar_is_in_metres(regions):
    fig = plot(regions, "income")
    ax = fig.axes[0]
    label = [t.get_text() for t in ax.texts if t.get_text().endswith("km")]
    assert len(label) == 1
    # The projected width matches the geodesic width at the centre latitude within 1%.
    web = regions.geometry
    projected = web.to_crs(equal_area_crs(web))
    minx, miny, maxx, maxy = web.total_bounds
    geodesic = Geod(ellps="WGS84").inv(minx, (miny + maxy) / 2, maxx, (miny + maxy) / 2)[2]
    center_row = projected.total_bounds[2] - projected.total_bounds[0]
    assert center_row == pytest.approx(geodesic, rel=0.01)
    assert label[0] == format_length(nice_length(center_row / 4))


@pytest.mark.parametrize(("limit", "expected"), [(37_000, 20_000), (9_999, 5_000),
                                                  (1_000, 1_000), (250, 200)])
def test_nice_length(limit, expected):
    assert nice_length(limit) == expected


@pytest.mark.parametrize("suffix", [".png", ".svg", ".pdf"])
def test_saves_atomically_without_overwrite(regions, tmp_path, suffix):
    path = tmp_path / f"map{suffix}"
    plot(regions, "income", path=path)
    data = path.read_bytes()
    magic = {".png": b"\x89PNG", ".svg": b"<?xml", ".pdf": b"%PDF"}[suffix]
    assert data.startswith(magic)
    with pytest.raises(OutputExistsError):
        plot(regions, "income", path=path, k=3)
    assert path.read_bytes() == data
    plot(regions, "income", path=path, k=3, overwrite=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]


def test_bad_suffix(regions, tmp_path):
    with pytest.raises(InputError, match=".png"):
        plot(regions, "income", path=tmp_path / "map.jpg")


def test_no_global_state_changed(regions):
    before = dict(matplotlib.rcParams)
    import matplotlib.pyplot as plt

    figures = plt.get_fignums()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        plot(regions, "income", lang="zh")
    assert dict(matplotlib.rcParams) == before
    assert plt.get_fignums() == figures


def test_draws_into_given_axes(regions):
    from matplotlib.figure import Figure

    fig = Figure()
    ax = fig.add_subplot()
    assert plot(regions, "income", ax=ax) is fig
    assert ax.get_legend() is not None


def test_chinese_labels_or_graceful_fallback(regions):
    if cjk_font() is None:
        with pytest.warns(GeodisparityWarning, match="fonts-noto-cjk"):
            fig = plot(regions, "income", lang="zh")
        expected = "No data (1)"
    else:
        fig = plot(regions, "income", lang="zh")
        expected = "无数据 (1)"
    texts = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert texts[-1] == expected
