"""The attribution (credit line): from the study file to the atlas and the report, as text."""

import geopandas as gpd
import pytest
from shapely.geometry import box

from geodisparity.config import ConfigError, parse_config
from geodisparity.maps import atlas, save_map
from geodisparity.report import Section, render_report

HOSTILE = '<img src=x onerror=alert(1)> {{ 7*7 }} {% if %} </script> & ©'
MINIMAL = {"boundaries": {"source": "zhejiang/counties", "key": "adcode"},
           "table": {"path": "t.csv", "key": "adcode"}, "analysis": {"income": "income"}}


def test_study_file_key():
    assert parse_config({**MINIMAL, "attribution": "Data: yearbook"}).attribution == (
        "Data: yearbook")
    assert parse_config(MINIMAL).attribution is None
    with pytest.raises(ConfigError, match="attribution"):
        parse_config({**MINIMAL, "attribution": 3})


def test_atlas_shows_it_as_escaped_text(tmp_path):
    regions = gpd.GeoDataFrame({"v": [1.0, 2.0]}, geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1)],
                               crs=4326)
    page = save_map(atlas(regions, [{"column": "v", "k": 2}], attribution=HOSTILE),
                    tmp_path / "a.html").read_text(encoding="utf-8")
    call = page.split(".attributionControl.addAttribution(")[1].split(");")[0]
    assert call == ('"\\u0026lt;img src=x onerror=alert(1)\\u0026gt; {{ 7*7 }} {% if %} '
                    '\\u0026lt;/script\\u0026gt; \\u0026amp; ©"')
    assert "<img" not in page


def test_report_shows_it_as_escaped_text():
    page = render_report([Section("Gaps")], title="Report", attribution=HOSTILE)
    assert ('<div class="attribution">&lt;img src=x onerror=alert(1)&gt; {{ 7*7 }} {% if %} '
            "&lt;/script&gt; &amp; ©</div>") in page
    assert 'class="attribution"' not in render_report([Section("Gaps")], title="Report")
