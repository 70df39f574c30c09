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
