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
