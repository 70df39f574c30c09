"""Interactive maps without a browser: classes, legends, escaping, offline files."""

import os
import re
import subprocess
import sys
import warnings

import geopandas as gpd
import mapclassify
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box

import geodisparity as gd
from geodisparity import categories as cat
from geodisparity.errors import (
    ClassificationWarning,
    DuplicateKeyError,
    EmptyDataError,
    InputError,
    JoinError,
    MissingColumnError,
    OutputExistsError,
)
from geodisparity.maps import (
    Layer,
    atlas,
    choropleth,
    classify,
    hotspot_map,
    lisa_map,
    save_map,
    target_map,
)
from geodisparity.maps.atlas import _dissolve, _region_options
from geodisparity.maps.layers import style_layer, target_classes
from geodisparity.maps.legend import legend_html
from geodisparity.maps.offline import leaflet_assets
from geodisparity.maps.style import GEARY_COLORS, HOTSPOT_COLORS, LISA_COLORS, class_colors

XSS = "<img src=x onerror=alert(1)>"


def make_regions(n=12, seed=0):
    rng = np.random.default_rng(seed)
    geoms = [box(120 + (i % 4) * 0.5, 29 + (i // 4) * 0.5, 120.5 + (i % 4) * 0.5,
                 29.5 + (i // 4) * 0.5) for i in range(n)]
    regions = gpd.GeoDataFrame(
        {"name_en": [f"County {i}" for i in range(n)],
         "name_zh": [f"县{i}" for i in range(n)],
         "prefecture_code": [f"P{i // 4}" for i in range(n)],
         "income": rng.lognormal(10, 0.5, n).round(1)},
        geometry=geoms, crs="EPSG:4326", index=[f"33{i:04d}" for i in range(n)])
    return regions


@pytest.fixture
def regions():
    return make_regions()


# --- classification against mapclassify --------------------------------------------

VALUES = np.random.default_rng(42).lognormal(10, 0.6, 200)
ORACLES = {
    "quantiles": lambda y: mapclassify.Quantiles(y, k=5),
    "fisher_jenks": lambda y: mapclassify.FisherJenks(y, k=5),
    "natural_breaks": lambda y: mapclassify.FisherJenks(y, k=5),
    "equal_interval": lambda y: mapclassify.EqualInterval(y, k=5),
    "std_mean": lambda y: mapclassify.StdMean(y),
    "user_defined": lambda y: mapclassify.UserDefined(y, bins=[15_000, 25_000, 40_000]),
}


@pytest.mark.parametrize("scheme", list(ORACLES))
@pytest.mark.parametrize("with_nan", [False, True])
def test_classes_match_mapclassify(scheme, with_nan):
    values = VALUES.copy()
    if with_nan:
        values[[3, 50, 199]] = np.nan
    breaks = [15_000, 25_000, 40_000] if scheme == "user_defined" else None
    ours = classify(values, scheme=scheme, k=5, breaks=breaks)
    present = ~np.isnan(values)
    oracle = ORACLES[scheme](values[present])
    np.testing.assert_array_equal(ours.classes[present], oracle.yb)
    np.testing.assert_allclose(ours.bins, oracle.bins, rtol=1e-12)
    assert (ours.classes[~present] == -1).all()
    assert ours.n_missing == (~present).sum()
    assert list(ours.counts) == list(np.bincount(oracle.yb, minlength=len(oracle.bins)))


SAMPLES = {
    "lognormal": VALUES,
    "ties": np.random.default_rng(1).integers(0, 6, 37).astype(float),
    "negative": np.random.default_rng(2).normal(-3.0, 10.0, 11),
    "tiny": np.array([0.1, 0.2, 0.2, 0.7]),
    "outlier": np.r_[np.ones(20), 2.0, 3.0, 1e6],
}
SIMPLE_ORACLES = {
    "quantiles": lambda y, k: mapclassify.Quantiles(y, k=k),
    "equal_interval": lambda y, k: mapclassify.EqualInterval(y, k=k),
    "std_mean": lambda y, k: mapclassify.StdMean(y),
    "user_defined": lambda y, k: mapclassify.UserDefined(y, bins=list(np.linspace(
        y.min(), np.median(y), k))),
}


@pytest.mark.parametrize("sample", list(SAMPLES))
@pytest.mark.parametrize("scheme", list(SIMPLE_ORACLES))
@pytest.mark.parametrize("k", [1, 2, 3, 4, 5, 6, 7, 9, 10, 12])
def test_own_simple_schemes_agree_with_mapclassify(scheme, sample, k):
    """quantiles, equal_interval, std_mean and user_defined are computed without
    mapclassify; its classifiers are the oracle, ties (merged quantiles) included."""
    from geodisparity.maps.classify import _bins_and_classes

    y = SAMPLES[sample]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # mapclassify: quantiles merged
        oracle = SIMPLE_ORACLES[scheme](y, k)
    breaks = np.unique(np.linspace(y.min(), np.median(y), k))
    if scheme == "user_defined" and breaks.size < k:
        pytest.skip("breaks must increase strictly")
    bins, classes = _bins_and_classes(y, scheme, k, breaks)
    np.testing.assert_allclose(bins, oracle.bins, rtol=1e-12, atol=0)
    np.testing.assert_array_equal(classes, oracle.yb)


def test_quantile_maps_do_not_import_mapclassify():
    """mapclassify costs seconds to import (scikit-learn, numba): only Fisher-Jenks needs it."""
    code = (
        "import sys\n"
        "from geodisparity.maps.classify import classify\n"
        "for scheme in ('quantiles', 'equal_interval', 'std_mean'):\n"
        "    classify([1.0, 5.0, 2.0, 8.0, 3.0, 9.0], scheme=scheme, k=3)\n"
        "classify([1.0, 5.0, 2.0], scheme='user_defined', breaks=[2.0])\n"
        "print('mapclassify' in sys.modules)\n"
        "classify([1.0, 5.0, 2.0, 8.0, 3.0, 9.0], scheme='fisher_jenks', k=3)\n"
        "print('mapclassify' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.split() == ["False", "True"]


@pytest.mark.parametrize("values", [[1, 1, 1, 2, 2, 3], [5.0, 5.0, 7.0, np.nan]])
@pytest.mark.parametrize("scheme", ["quantiles", "fisher_jenks", "equal_interval"])
def test_fewer_distinct_values_than_classes(values, scheme):
    with pytest.warns(ClassificationWarning, match="classes reduced"):
        result = classify(values, scheme=scheme, k=5)
    distinct = len(set(v for v in values if v == v))
    assert result.k <= distinct
    assert sum(result.counts) + result.n_missing == len(values)


def test_single_value_is_one_class():
    with pytest.warns(ClassificationWarning):
        result = classify([3.0, 3.0, np.nan], k=4)
    assert result.k == 1 and result.classes.tolist() == [0, 0, -1]
    assert result.labels() == ["3"]


def test_all_missing_is_a_clear_error(regions):
    regions["income"] = np.nan
    with pytest.raises(EmptyDataError, match="income.*all missing"):
        choropleth(regions, "income")


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [({"scheme": "jenks"}, "scheme='jenks'"), ({"k": 0}, "k must"),
     ({"scheme": "user_defined"}, "breaks="),
     ({"scheme": "user_defined", "breaks": [3, 1]}, "increase")],
)
def test_bad_classification_arguments(kwargs, match):
    with pytest.raises(InputError, match=match):
        classify([1.0, 2.0, 3.0], **kwargs)


def test_text_values_are_rejected(regions):
    regions["income"] = regions["income"].astype(object)
    regions.iloc[2, regions.columns.get_loc("income")] = "n/a"
    with pytest.raises(InputError, match="330002"):
        choropleth(regions, "income")


def test_missing_column_named(regions):
    with pytest.raises(MissingColumnError, match="'gdp'"):
        choropleth(regions, "gdp")


def test_class_labels_and_legend_counts(regions):
    regions.loc[regions.index[0], "income"] = np.nan
    styled = style_layer(regions, Layer("income", scheme="quantiles", k=4, unit="yuan"))
    legend = styled.legend
    assert [e.count for e in legend.entries] == list(
        np.bincount(styled.classes[styled.classes >= 0], minlength=4))
    assert legend.n_missing == 1
    assert all(e.label.endswith("yuan") for e in legend.entries)
    html = legend_html(legend)
    assert "No data" in html and "(1)" in html


def test_tooltip_rows(regions):
    regions.loc[regions.index[5], "income"] = 123456.7
    styled = style_layer(regions, Layer("income", unit="yuan"))
    row = styled.cells[5]
    assert styled.fields == ("Name", "income", "Rank", "Class")
    assert row[0] == "County 5"
    assert row[1] == "123,457 yuan"
    expected_rank = int((regions["income"] > 123456.7).sum()) + 1
    assert row[2] == f"{expected_rank} / {len(regions)}"


def test_name_and_extra_tooltip_columns(regions):
    regions["label"] = [f"L{i}" for i in range(len(regions))]
    styled = style_layer(regions, Layer("income"), name="label", tooltip=["prefecture_code"])
    assert styled.fields[:2] == ("Name", "prefecture_code")
    assert styled.cells[4][:2] == ("L4", "P1")
    with pytest.raises(MissingColumnError, match="name='nom'"):
        choropleth(regions, "income", name="nom")
    with pytest.raises(MissingColumnError, match="tooltip="):
        choropleth(regions, "income", tooltip=["nope"])


def test_no_name_column(regions):
    styled = style_layer(regions.drop(columns=["name_en", "name_zh"]), Layer("income"))
    assert styled.fields == ("income", "Rank", "Class")


def test_pipeline_style_call(regions):
    # The shape of the call geodisparity.pipeline makes: dict layers, name=, title, note, lang.
    lisa = lisa_frame(regions.index, cat.NOT_SIGNIFICANT)
    layers = [{"column": "income", "kind": "choropleth", "label": "Income", "unit": None,
               "scheme": "quantiles", "k": 5, "breaks": None},
              {"column": "income", "kind": "lisa", "label": "LISA", "unit": None,
               "result": lisa},
              {"column": "income", "kind": "target", "label": "T", "unit": "yuan",
               "target": 20000.0, "direction": "above"}]
    m = atlas(regions, layers=layers, name="name_en", title="t", note="n", lang="en")
    assert m.get_root().render().count("geodisparity.legend(") == 3


def test_zh_words(regions):
    regions.loc[regions.index[0], "income"] = np.nan
    styled = style_layer(regions, Layer("income"), lang="zh")
    assert styled.fields[0] == "名称" and styled.cells[1][0] == "县1"
    assert "无数据" in legend_html(styled.legend, lang="zh")
    assert styled.cells[0][1] == "无数据"
    with pytest.raises(InputError, match="lang"):
        style_layer(regions, Layer("income"), lang="fr")


# --- escaping -----------------------------------------------------------------------

def test_data_strings_are_escaped_everywhere(regions, tmp_path):
    regions.loc[regions.index[0], "name_en"] = XSS
    regions[XSS] = regions["income"]
    lisa = pd.DataFrame({"cluster": cat.NOT_SIGNIFICANT}, index=regions.index)
    m = atlas(regions, [Layer(XSS, label=XSS, unit=XSS), Layer(kind="lisa", result=lisa)],
              outline="prefecture_code", title=XSS, note=XSS)
    page = save_map(m, tmp_path / "x.html").read_text(encoding="utf-8")
    assert "<img" not in page
    assert "onerror=alert" in page  # the text is there, only escaped
    options = _region_options(style_layer(regions, Layer(XSS, label=XSS)))
    assert options["t"][0][0] == "&lt;img src=x onerror=alert(1)&gt;"
    assert options["fields"][1] == "&lt;img src=x onerror=alert(1)&gt;"


def test_script_cannot_be_closed_from_data(regions, tmp_path):
    regions.loc[regions.index[0], "name_en"] = "</script><script>alert(1)</script>"
    page = save_map(choropleth(regions, "income"), tmp_path / "s.html").read_text()
    assert "alert(1)</script>" not in page


# --- cluster and target maps --------------------------------------------------------

def lisa_frame(index, labels):
    return pd.DataFrame({"statistic": 0.0, "z": 1.0, "p_sim": 0.01, "q": 1,
                         "quadrant": 1, "cluster": labels}, index=index)


def test_lisa_classes_and_colours(regions):
    labels = list(cat.LISA_LABELS) * 2
    result = lisa_frame(regions.index, labels)
    shuffled = result.sample(frac=1, random_state=1)
    styled = style_layer(regions, Layer(kind="lisa", result=shuffled))
    assert [cat.LISA_LABELS[c] for c in styled.classes] == labels
    assert [styled.colors[c] for c in styled.classes[:6]] == [
        "#FF0000", "#0000FF", "#F4ADA8", "#A7ADF9", "#EEEEEE", "#464646"]
    assert styled.colors == tuple(LISA_COLORS[lab] for lab in cat.LISA_LABELS)


def test_lisa_missing_regions_are_named(regions):
    result = lisa_frame(regions.index[2:], cat.NOT_SIGNIFICANT)
    with pytest.raises(JoinError, match="330000, 330001"):
        lisa_map(regions, result)


def test_lisa_duplicate_and_unknown_labels(regions):
    result = lisa_frame(regions.index, cat.HIGH_HIGH)
    with pytest.raises(DuplicateKeyError):
        lisa_map(regions, pd.concat([result, result.iloc[:1]]))
    result.loc[regions.index[4], "cluster"] = "HH"
    with pytest.raises(InputError, match="330004"):
        lisa_map(regions, result)


def test_local_geary_classes_take_geodas_geary_colours(regions):
    labels = list(cat.GEARY_LABELS) * 2
    result = lisa_frame(regions.index, pd.Categorical(labels, categories=cat.GEARY_LABELS))
    styled = style_layer(regions, Layer(kind="lisa", result=result), lang="zh")
    assert [cat.GEARY_LABELS[c] for c in styled.classes] == labels
    assert [styled.colors[c] for c in styled.classes[:6]] == [  # libgeoda's UniGeary colours
        "#B2182B", "#EF8A62", "#FDDBC7", "#67ADC7", "#EEEEEE", "#464646"]
    assert styled.colors == tuple(GEARY_COLORS[lab] for lab in cat.GEARY_LABELS)
    assert styled.legend.title == "局部 Geary 聚类"
    assert [e.label for e in styled.legend.entries] == [
        "高-高", "低-低", "其他正相关", "负相关", "不显著", "孤立 (无邻接)"]
    # plain strings are recognised by the Geary-only labels
    plain = lisa_frame(regions.index, ["Negative", "High-High"] * 6)
    styled = style_layer(regions, Layer(kind="lisa", result=plain))
    assert styled.colors[styled.classes[0]] == "#67ADC7" and styled.legend.title == (
        "Local Geary clusters")
    lisa_only = style_layer(regions, Layer(kind="lisa", result=lisa_frame(
        regions.index, ["High-High"] * 12)))
    assert lisa_only.colors[lisa_only.classes[0]] == "#FF0000"


def test_local_geary_result_maps_end_to_end(regions):
    w = gd.contiguity(regions, "queen")
    y = np.arange(len(regions), dtype=float)
    result = gd.local_geary(y, w, seed=0, permutations=99)
    result.index = regions.index
    assert lisa_map(regions, result, column="income")


def test_hotspot_tooltip_shows_the_two_sided_p(regions):
    result = pd.DataFrame({"cluster": cat.NOT_SIGNIFICANT, "z": 0.5, "p_sim": 0.3, "p": 0.6},
                          index=regions.index)
    styled = style_layer(regions, Layer(kind="hotspot", result=result))
    assert styled.fields[-2:] == ("z", "p")


def test_hotspot_bins(regions):
    bins = [3, 2, 1, 0, -1, -2, -3, 0, 0, 0, 0, 0]
    labels = [cat.HOTSPOT_BINS[b] for b in bins]
    styled = style_layer(regions, Layer(kind="hotspot", result=pd.DataFrame(
        {"cluster": labels, "gi_bin": bins, "z": 0.0}, index=regions.index)))
    assert [styled.colors[c] for c in styled.classes[:7]] == [
        HOTSPOT_COLORS[cat.HOTSPOT_BINS[b]] for b in (3, 2, 1, 0, -1, -2, -3)]
    from_bins = style_layer(regions, Layer(kind="hotspot", result=pd.DataFrame(
        {"cluster": None, "gi_bin": bins}, index=regions.index)))
    np.testing.assert_array_equal(from_bins.classes, styled.classes)
    assert hotspot_map(regions, pd.DataFrame({"cluster": labels}, index=regions.index))


@pytest.mark.parametrize(
    ("direction", "values", "expected"),
    [("above", [100, 120, 90, 89.9, np.nan], [0, 0, 1, 2, -1]),
     ("below", [100, 80, 110, 110.1, np.nan], [0, 0, 1, 2, -1])],
)
def test_target_classes(direction, values, expected):
    assert target_classes(values, 100, direction).tolist() == expected


def test_target_map_legend(regions):
    target = float(regions["income"].median())
    styled = style_layer(regions, Layer("income", kind="target", target=target))
    assert [e.label for e in styled.legend.entries] == list(cat.TARGET_LABELS)
    assert styled.legend.entries[0].count == int((regions["income"] >= target).sum())
    assert target_map(regions, "income", target, direction="below")


# --- atlas --------------------------------------------------------------------------

def test_atlas_one_legend_per_layer(regions):
    m = atlas(regions, ["income", {"column": "income", "scheme": "equal_interval", "k": 3,
                                   "label": "Income, equal intervals"}],
              outline="prefecture_code")
    page = m.get_root().render()
    assert page.count("geodisparity.legend(") == 2
    assert page.count("geodisparity.regions(") == 2
    assert page.count("geodisparity.outline(") == 2  # prefectures and the outer edge
    assert page.count("geodisparity.decode(") == 3  # regions once, shared, and 2 outlines
    assert "L.control.layers" in page


def test_dissolved_outline(regions):
    parts = _dissolve(regions.geometry, regions, "prefecture_code")
    assert len(parts) == regions["prefecture_code"].nunique()
    assert sum(p.area for p in parts) == pytest.approx(sum(g.area for g in regions.geometry))


def test_bad_layer_specs(regions):
    with pytest.raises(InputError, match="needs result"):
        Layer(kind="lisa")
    with pytest.raises(InputError, match="kind"):
        Layer("income", kind="pie")
    with pytest.raises(InputError, match="unknown key"):
        atlas(regions, [{"column": "income", "colour": "red"}])


# --- offline files -------------------------------------------------------------------

def test_offline_file_has_no_remote_assets(regions, tmp_path):
    page = save_map(atlas(regions, ["income"]), tmp_path / "a.html").read_text()
    assert not re.search(r"<script[^>]*\bsrc\s*=", page, re.IGNORECASE)
    assert not re.search(r"<link\b", page, re.IGNORECASE)
    assert not re.search(r"url\(\s*['\"]?(https?:)?//", page, re.IGNORECASE)
    assert not re.search(r"@import", page, re.IGNORECASE)
    for lib in ("jquery", "bootstrap", "awesome-markers", "fontawesome", "cdn.jsdelivr"):
        assert lib not in page.lower()
    assert leaflet_assets()[0][:2000] in page


def test_online_file_keeps_cdn_links(regions, tmp_path):
    page = save_map(choropleth(regions, "income"), tmp_path / "o.html", offline=False)
    assert "cdn.jsdelivr.net/npm/leaflet" in page.read_text()


def test_small_file(regions, tmp_path):
    path = save_map(choropleth(regions, "income"), tmp_path / "s.html")
    assert path.stat().st_size < 200_000  # Leaflet is ~160 kB of it


def test_user_tiles_need_attribution(regions, tmp_path):
    url = "https://gis.intranet.example/tiles/{z}/{x}/{y}.png"
    with pytest.raises(InputError, match="attribution"):
        choropleth(regions, "income", tiles=url)
    page = save_map(choropleth(regions, "income", tiles=url, attribution="Intranet GIS"),
                    tmp_path / "t.html").read_text()
    assert url in page and "Intranet GIS" in page


def test_overwrite_protection(regions, tmp_path):
    path = tmp_path / "m.html"
    save_map(choropleth(regions, "income"), path)
    before = path.read_bytes()
    with pytest.raises(OutputExistsError, match="overwrite=True"):
        save_map(choropleth(regions, "income", k=3), path)
    assert path.read_bytes() == before
    save_map(choropleth(regions, "income", k=3), path, overwrite=True)
    assert path.read_bytes() != before


def test_atomic_write_leaves_nothing_on_failure(regions, tmp_path, monkeypatch):
    target = tmp_path / "out.html"
    target.write_text("old")

    def broken_render(self, **kwargs):
        raise RuntimeError("render failed")

    from branca.element import Figure

    monkeypatch.setattr(Figure, "render", broken_render)
    with pytest.raises(RuntimeError):
        save_map(choropleth(regions, "income"), target, overwrite=True)
    assert target.read_text() == "old"
    assert os.listdir(tmp_path) == ["out.html"]


def test_write_goes_through_a_temporary_file(regions, tmp_path, monkeypatch):
    seen = []
    real_replace = os.replace

    def spy(src, dst):
        seen.append((os.path.dirname(src), os.path.basename(src), os.path.exists(dst)))
        return real_replace(src, dst)

    monkeypatch.setattr(os, "replace", spy)
    save_map(choropleth(regions, "income"), tmp_path / "m.html")
    assert len(seen) == 1
    folder, name, existed = seen[0]
    assert folder == str(tmp_path) and name != "m.html" and not existed
    assert os.listdir(tmp_path) == ["m.html"]


def test_folder_is_not_a_file(regions, tmp_path):
    with pytest.raises((InputError, OutputExistsError)):
        save_map(choropleth(regions, "income"), tmp_path)


# --- package surface -------------------------------------------------------------------

def test_top_level_exports():
    from geodisparity import maps

    for name in ("choropleth", "lisa_map", "hotspot_map", "target_map", "atlas", "save_map",
                 "plot"):
        assert getattr(gd, name) is getattr(maps, name)


def test_folium_loads_only_when_a_map_is_made():
    code = (
        "import sys, geodisparity, geodisparity.maps\n"
        "before = 'folium' in sys.modules\n"
        "import geopandas as gpd; from shapely.geometry import box\n"
        "r = gpd.GeoDataFrame({'v': [1.0, 2.0]}, geometry=[box(0,0,1,1), box(1,0,2,1)], crs=4326)\n"
        "geodisparity.choropleth(r, 'v', k=2)\n"
        "print(before, 'folium' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.split() == ["False", "True"]


def test_class_colors_follow_the_colormap():
    import matplotlib
    from matplotlib.colors import to_hex

    cmap = matplotlib.colormaps["Blues"]
    assert class_colors(3, "Blues") == [to_hex(cmap(x)) for x in (0.0, 0.5, 1.0)]
    with pytest.raises(InputError, match="cmap"):
        class_colors(3, "NoSuchMap")


def test_warning_points_at_the_caller(regions):
    regions["income"] = 1.0
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        choropleth(regions, "income")
    assert caught and caught[0].filename == __file__


def test_unknown_cdn_assets_are_removed_with_a_warning(regions, tmp_path):
    from folium.plugins import Fullscreen

    from geodisparity.errors import GeodisparityWarning

    m = choropleth(regions, "income")
    Fullscreen().add_to(m)
    with pytest.warns(GeodisparityWarning, match="remote assets"):
        page = save_map(m, tmp_path / "f.html").read_text()
    assert not re.search(r"<script[^>]*\bsrc\s*=\s*[\"']?https?:", page)


@pytest.mark.parametrize("case", ["single", "island", "duplicate_index", "projected"])
def test_edge_cases_make_a_map(regions, tmp_path, case):
    if case == "single":
        regions = regions.iloc[:1]
    elif case == "island":
        island = gpd.GeoDataFrame({"name_en": ["Isle"], "prefecture_code": ["P9"],
                                   "income": [1.0]}, geometry=[box(125, 29, 125.1, 29.1)],
                                  crs=4326, index=["339999"])
        regions = pd.concat([regions, island])
    elif case == "duplicate_index":
        regions.index = ["a"] * len(regions)
    else:
        regions = regions.to_crs(32651)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ClassificationWarning)
        m = atlas(regions, ["income"], outline="prefecture_code")
    page = save_map(m, tmp_path / "e.html").read_text()
    assert page.count("geodisparity.regions(") == 1


@pytest.mark.parametrize(("lang", "expected"), [("en", "classes reduced to 2: only 2 distinct"),
                                                ("zh", "分级数减少为 2")])
def test_reduced_classes_noted_in_legend(regions, lang, expected):
    regions["income"] = [1.0, 2.0] * 6
    with pytest.warns(ClassificationWarning):
        styled = style_layer(regions, Layer("income", k=5), lang=lang)
    assert len(styled.legend.entries) == 2
    assert expected in legend_html(styled.legend, lang=lang)


def test_atlas_refuses_two_layers_with_one_title():
    import geopandas as gpd
    from shapely.geometry import box

    from geodisparity.errors import InputError
    from geodisparity.maps import atlas

    regions = gpd.GeoDataFrame({"v": [1.0, 2.0]}, geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1)],
                               crs=4326)
    with pytest.raises(InputError, match="share the title 'v'"):
        atlas(regions, layers=[{"column": "v", "k": 2},
                               {"column": "v", "scheme": "equal_interval", "k": 2}])
