"""The documentation site: every public name has an API page; the how-to pages exist."""

import importlib.util
from pathlib import Path

import pytest

import geodisparity as gd

ROOT = Path(__file__).resolve().parents[1]


def load_hooks():
    spec = importlib.util.spec_from_file_location("mkdocs_hooks", ROOT / "scripts" /
                                                  "mkdocs_hooks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_public_name_is_on_an_api_page():
    hooks = load_hooks()
    pages, submodules = hooks.public_names()
    placed = {path.rsplit(".", 1)[1] for paths in pages.values() for path in paths}
    assert placed | set(submodules) | {"__version__"} == set(gd.__all__)
    for key in pages:
        if key != "errors":  # the errors module is documented whole on modules.md
            assert f"<!-- api: {key} -->" in (ROOT / "docs" / "api" / f"{key}.md").read_text()


def test_a_name_without_a_page_fails_the_build(monkeypatch):
    hooks = load_hooks()
    monkeypatch.setitem(gd._EXPORTS, "brand_new", "geodisparity.elsewhere")
    with pytest.raises(hooks.UnplacedNameError, match="brand_new"):
        hooks.public_names()


def test_markers_become_mkdocstrings_blocks():
    hooks = load_hooks()
    text = hooks.on_page_markdown("# Gaps\n\n<!-- api: gaps -->\n", None, None, None)
    assert "::: geodisparity.stats.inequality.gini" in text
    assert "<!-- api" not in text


@pytest.mark.parametrize("page", ["index", "planner", "analyst", "developer"])
def test_how_to_pages_are_in_the_navigation(page):
    config = (ROOT / "mkdocs.yml").read_text()
    assert f"{page}.md" in config
    assert (ROOT / "docs" / f"{page}.md").stat().st_size > 500


def test_site_theme_fetches_nothing():
    config = (ROOT / "mkdocs.yml").read_text()
    assert "name: mkdocs" in config and "highlightjs: false" in config


def test_scripts_test_builds_the_site_strictly():
    """`mkdocs build --strict --quiet` passes despite warnings (quiet hides what strict
    counts), so scripts/test must build without --quiet, after ruff and before pytest."""
    script = (ROOT / "scripts" / "test").read_text()
    build = next(line for line in script.splitlines() if "mkdocs build" in line)
    assert "--strict" in build and "--quiet" not in build.split("#")[0] and " -q" not in build
    assert script.index("ruff check") < script.index("mkdocs build") < script.index("-m pytest")
    assert "mkdocs" in (ROOT / "pyproject.toml").read_text()
