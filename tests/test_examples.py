"""The examples run as a user would run them, and say what they should."""

import subprocess
import sys
from pathlib import Path

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
