"""Notebook display: results as escaped HTML tables, maps as offline iframes."""

import dataclasses
import html
import re
from html.parser import HTMLParser

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from browser_helpers import chromium_browser  # noqa: F401  (the "browser" fixture)
from shapely.geometry import box

import geodisparity as gd
from geodisparity.errors import InputError
from geodisparity.maps.offline import OfflineMap, remote_assets

XSS = "<img src=x onerror=alert(1)>"
VOID = {"br", "img", "meta", "link", "input", "hr", "col", "area", "base", "wbr", "source"}


class TagBalance(HTMLParser):
    """Collects every start tag and checks that tags close in order."""

    def __init__(self):
        super().__init__()
        self.stack, self.tags = [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        assert self.stack and self.stack[-1] == tag, (self.stack, tag)
        self.stack.pop()


def parse(text):
    parser = TagBalance()
    parser.feed(text)
    parser.close()
    assert parser.stack == []
    return parser.tags


@pytest.fixture(scope="module")
def hostile():
    rng = np.random.default_rng(3)
    return pd.DataFrame({
        "income": rng.lognormal(10, 0.4, 40),
        "urban": rng.lognormal(10.5, 0.3, 40),
        "rural": rng.lognormal(9.8, 0.3, 40),
        "population": rng.integers(1_000, 50_000, 40).astype(float),
        "group": [XSS, "plain"] * 20,
        "year": np.repeat([2020, 2021, 2022, 2023], 10),
    })


def results(hostile):
    data = hostile
    yield gd.theil_decomposition("income", "group", "population", data=data)
    yield gd.dagum_gini("income", "group", "population", data=data)
    yield gd.urban_rural_ratio("urban", "rural", "population", data=data)
    yield gd.bootstrap(gd.gini, data["income"], seed=1, n_boot=99)
    wide = pd.DataFrame({y: data.loc[data["year"] == y, "income"].to_numpy()
                         for y in (2020, 2021, 2022, 2023)})
    long = data.assign(region=np.tile(np.arange(10), 4))
    yield gd.sigma_convergence(long, value="income", year="year", region="region")
    yield gd.markov_chain(wide, k=3)
    cells = gpd.GeoDataFrame(geometry=[box(i % 5, i // 5, i % 5 + 1, i // 5 + 1)
                                       for i in range(40)], crs="EPSG:3857")
    yield gd.moran(data["income"].to_numpy(), gd.contiguity(cells, "rook"), seed=1)
    yield gd.maps.classify(data["income"], k=4)


def test_every_result_type_shows_an_escaped_table(hostile):
    shown = 0
    for result in results(hostile):
        page = result._repr_html_()
        tags = parse(page)
        assert tags[0] == "table" and "img" not in tags, type(result).__name__
        assert XSS not in page
        for field in dataclasses.fields(result):
            assert f"<th>{field.name}</th>" in page
        shown += 1
    assert shown == 8


def test_hostile_group_label_is_escaped_text(hostile):
    page = gd.theil_decomposition("income", "group", "population", data=hostile)._repr_html_()
    assert html.escape(XSS) in page
    assert "<img" not in page and "onerror=alert" in page  # present, but only as text


def test_long_tables_are_previewed():
    values = np.arange(1.0, 101.0)
    page = gd.bootstrap(gd.gini, values, seed=1, n_boot=50)._repr_html_()
    assert "40 more rows" in page or "more rows" in page
    parse(page)


@pytest.fixture(scope="module")
def hostile_map():
    regions = gpd.GeoDataFrame(
        {"name": [XSS, "</iframe><script>alert(2)</script>"], "v": [1.0, 2.0]},
        geometry=[box(120, 30, 121, 31), box(121, 30, 122, 31)], crs="EPSG:4326")
    return gd.choropleth(regions, "v", k=2, name="name")


def test_show_is_an_offline_iframe_with_escaped_payload(hostile_map):
    shown = gd.show(hostile_map, height=320)
    outer = shown._repr_html_()
    assert parse(outer) == ["iframe"]  # the whole page is one attribute value
    assert "</iframe><script>" not in outer and XSS not in outer
    srcdoc = re.fullmatch(r'<iframe srcdoc="([^"]*)" sandbox="allow-scripts" style="[^"]*">'
                          r"</iframe>", outer).group(1)
    inner = html.unescape(srcdoc)
    assert inner == shown.html()
    assert "L.version" in inner or "Leaflet" in inner  # Leaflet inlined
    assets = [url for url in remote_assets(inner) if not re.search(
        rf'<a [^>]*href="{re.escape(url)}"', inner)]  # links to attribution pages are fine
    assert assets == []
    assert not re.search(r"""<(script|link)[^>]+(src|href)=["']?(https?:)?//""", inner)
    assert XSS not in inner  # the map escapes user text itself


@pytest.mark.parametrize(("args", "match"), [(("not a map",), "folium map"),
                                             ((None,), "folium map")])
def test_show_refuses_what_is_not_a_map(args, match):
    with pytest.raises(InputError, match=match):
        gd.show(*args)


@pytest.mark.parametrize("height", [0, 10.5, True])
def test_show_checks_the_height(hostile_map, height):
    with pytest.raises(InputError, match="height"):
        OfflineMap(hostile_map, height=height)


@pytest.mark.browser
def test_shown_map_draws_offline_inside_a_notebook_like_page(browser, tmp_path):
    """The iframe a notebook shows draws every region in Chromium with every network
    request blocked, and hostile names stay text (no dialog, no script run)."""
    from test_maps_browser import _grid

    regions = _grid()
    m = gd.choropleth(regions, "income", name="name_en")
    notebook = tmp_path / "notebook.html"
    notebook.write_text("<!DOCTYPE html><html><body><h1>Out[1]:</h1>"
                        f"{gd.show(m, height=600)._repr_html_()}</body></html>",
                        encoding="utf-8")
    page = browser.new_page(viewport={"width": 1100, "height": 800})
    requests, blocked, dialogs, errors = [], [], [], []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.on("pageerror", lambda e: errors.append(str(e)))

    def route(request_route):
        url = request_route.request.url
        requests.append(url)
        if url.startswith(("file:", "data:", "about:")):
            request_route.continue_()
        else:
            blocked.append(url)
            request_route.abort()

    page.route("**/*", route)
    try:
        page.goto(notebook.as_uri())
        frame = page.frames[1]
        frame.wait_for_selector(".leaflet-overlay-pane path", state="attached")
        assert frame.locator(".leaflet-overlay-pane path").count() == len(regions)
        assert frame.evaluate("() => typeof L !== 'undefined' && L.version") == "1.9.3"
        assert frame.evaluate("() => window.__pwned") is None
        assert blocked == [] and dialogs == [] and errors == []
    finally:
        page.close()
