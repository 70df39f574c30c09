"""The package's public surface: light import, explicit __all__, error hierarchy."""

import subprocess
import sys

import pytest

import geodisparity as gd
from geodisparity import errors

HEAVY_MODULES = ["geopandas", "folium", "scipy", "matplotlib", "shapely", "pyogrio", "pyproj"]


def test_import_is_light():
    code = (
        "import sys, geodisparity\n"
        f"heavy = [m for m in {HEAVY_MODULES!r} if m in sys.modules]\n"
        "print(','.join(heavy))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""


def test_every_public_name_resolves():
    for name in gd.__all__:
        assert getattr(gd, name) is not None, name


def test_unknown_attribute_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no_such_thing"):
        gd.no_such_thing  # noqa: B018


@pytest.mark.parametrize("name", [n for n in errors.__all__ if n.endswith("Error")])
def test_errors_derive_from_the_base_and_a_builtin(name):
    cls = getattr(errors, name)
    assert issubclass(cls, errors.GeodisparityError)
    if cls is not errors.GeodisparityError:
        builtin_parents = [c for c in cls.__mro__ if c.__module__ == "builtins"]
        assert any(c is not Exception and c is not BaseException and c is not object
                   for c in builtin_parents), name


def test_version_matches_the_installed_metadata():
    from importlib.metadata import version

    assert gd.__version__ == version("geodisparity")


def test_version_is_written_once(tmp_path):
    """pyproject.toml takes the version from geodisparity/__init__.py (hatch), not a copy."""
    import tomllib
    from pathlib import Path

    pyproject = tomllib.loads((Path(__file__).parents[1] / "pyproject.toml").read_text())
    assert "version" not in pyproject["project"]
    assert "version" in pyproject["project"]["dynamic"]
    assert pyproject["tool"]["hatch"]["version"]["path"] == "geodisparity/__init__.py"


def test_typed_marker_and_declared_imports():
    """py.typed ships with the package; packages imported directly are declared."""
    import tomllib
    from importlib.resources import files
    from pathlib import Path

    assert files("geodisparity").joinpath("py.typed").is_file()
    pyproject = tomllib.loads((Path(__file__).parents[1] / "pyproject.toml").read_text())
    declared = {d.split(">")[0].split("[")[0].lower() for d in pyproject["project"]["dependencies"]}
    assert {"branca", "markupsafe", "jinja2", "folium"} <= declared
