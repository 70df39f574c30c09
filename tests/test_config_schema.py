"""The study-file schema is what the reader checks, and what the reference page and CLI show."""

import dataclasses
import importlib.util
import re
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

from geodisparity import config as config_module
from geodisparity import config_targets
from geodisparity.cli import main
from geodisparity.config import STUDY_FILE, ConfigError, parse_config
from geodisparity.config_reference import (
    PAGE,
    minimal_study,
    reference_markdown,
    reference_text,
)
from geodisparity.config_schema import KINDS, REQUIRED, Key, Range, SchemaError, Section
from geodisparity.indicators import DIRECTIONS
from geodisparity.maps.classify import SCHEMES

ROOT = Path(__file__).resolve().parents[1]

#: The dataclass each single-table section is read into.
DATACLASSES = {
    "boundaries": config_module.BoundariesConfig,
    "table": config_module.TableConfig,
    "analysis": config_module.AnalysisConfig,
    "clusters": config_module.ClustersConfig,
    "layers": config_module.MapLayer,
    "attainment": config_targets.AttainmentConfig,
    "composite": config_targets.CompositeConfig,
}
#: Schema defaults that the reader converts before they reach the dataclass.
CONVERTED = {("clusters", "adjust"), ("clusters", "columns"), ("analysis", "groups"),
             ("composite", "indicators")}


def _keys():
    return [key for section in STUDY_FILE for key in section.keys]


def test_every_key_is_documented():
    for key in _keys():
        assert key.description.endswith((".", ")")), key.path
        assert key.example is not None, f"{key.path} has no example"
        assert KINDS[key.kind](key.example), f"{key.path}: example {key.example!r} is no {key.kind}"
        if key.choices is not None and not isinstance(key.example, list):
            assert key.example in key.choices, key.path


def test_examples_and_defaults_pass_their_own_checks():
    for key in _keys():
        key.check(key.example, key.path)
        if not key.required and key.default is not None:
            key.check(key.default, key.path)


@pytest.mark.parametrize("name", sorted(DATACLASSES))
def test_dataclass_defaults_are_the_schema_defaults(name):
    section = next(s for s in STUDY_FILE if s.name == name)
    fields = {f.name: f for f in dataclasses.fields(DATACLASSES[name])}
    for key in section.keys:
        assert key.name in fields, f"{key.path} has no field in {DATACLASSES[name].__name__}"
        field = fields[key.name]
        if key.required or (name, key.name) in CONVERTED:
            continue
        assert field.default == key.default, key.path


def test_choices_follow_the_code_that_uses_them():
    layers = next(s for s in STUDY_FILE if s.name == "layers")
    assert set(layers.key("scheme").choices) == set(SCHEMES)
    indicators = next(s for s in STUDY_FILE if s.name == "indicators")
    assert set(indicators.key("direction").choices) == set(DIRECTIONS)


def test_numeric_keys_have_ranges_unless_any_value_is_meaningful():
    unbounded = {"analysis.year", "indicators.target", "indicators.target_year",
                 "layers.breaks", "layers.target", "targets.target", "targets.target_year",
                 "composite.reference_year"}
    for key in _keys():
        if key.kind in ("whole number", "number", "list of numbers", "number or text"):
            assert (key.range is not None) != (key.path in unbounded), key.path


def test_section_check_fills_defaults_and_refuses_unknown_and_missing_keys():
    section = Section("demo", "Demo", keys=(Key("a", "text", default=REQUIRED),
                                            Key("b", "whole number", default=3)))
    assert section.keys[0].section == "demo" and section.keys[0].path == "demo.a"
    assert section.check({"a": "x"}, "demo") == {"a": "x", "b": 3}
    with pytest.raises(SchemaError, match=r"^demo\.a is missing$"):
        section.check({}, "demo")
    with pytest.raises(SchemaError, match=r"unknown key demo\[2\]\.c; accepted here: a, b"):
        section.check({"a": "x", "c": 1}, "demo[2]")
    with pytest.raises(ValueError, match="unknown kind"):
        Key("z", "integer")


@pytest.mark.parametrize(("limits", "inside", "outside", "words"), [
    (Range(0, 1, low_open=True, high_open=True), [0.5], [0, 1], "greater than 0 and less than 1"),
    (Range(1), [1, 10**9], [0, -3], "at least 1"),
    (Range(0, 99_999), [0, 99_999], [-1, 100_000], "at least 0 and at most 99,999"),
])
def test_range_limits_and_words(limits, inside, outside, words):
    assert str(limits) == words
    assert all(limits.contains(v) for v in inside)
    assert not any(limits.contains(v) for v in outside)


def test_reference_page_is_the_generated_one():
    """docs/study-file.md must be regenerated when the schema changes."""
    committed = (ROOT / PAGE).read_text(encoding="utf-8")
    assert committed == reference_markdown(), (
        "docs/study-file.md is stale: run `python -m geodisparity.config_reference`")


def test_reference_lists_every_key_with_its_facts():
    page, text = reference_markdown(), reference_text()
    for section in STUDY_FILE:
        assert section.heading in page or not section.name
        for key in section.keys:
            assert f"| `{key.name}` | {key.kind} |" in page
            assert f"  {key.name} " in text
    assert "`lang = \"zh\"`" in page
    assert "| `missing` | text | `\"error\"` | `drop`, `error` |" in page


def test_minimal_study_parses():
    config = parse_config(tomllib.loads(minimal_study()))
    assert config.boundaries.source == "zhejiang/counties" and config.table.key == "adcode"


def test_docs_build_refuses_a_stale_page():
    spec = importlib.util.spec_from_file_location("mkdocs_hooks", ROOT / "scripts" /
                                                  "mkdocs_hooks.py")
    hooks = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(hooks)
    hooks.check_study_file_page(reference_markdown())
    with pytest.raises(hooks.StaleReferenceError, match="config_reference"):
        hooks.check_study_file_page(reference_markdown().replace("999", "998"))


def test_keys_command_prints_the_reference():
    runner = CliRunner()
    everything = runner.invoke(main, ["keys"])
    assert everything.exit_code == 0 and everything.output == reference_text()
    one = runner.invoke(main, ["keys", "clusters"])
    assert one.output.startswith("[clusters]") and "[layers]" not in one.output
    assert runner.invoke(main, ["keys", "--markdown"]).output == reference_markdown()
    bad = runner.invoke(main, ["keys", "cluster"])
    assert bad.exit_code == 2 and "no section 'cluster'" in bad.output
    assert "clusters" in bad.output


def test_run_help_points_to_the_reference():
    help_text = CliRunner().invoke(main, ["run", "--help"]).output
    assert "geodisparity keys" in help_text and "docs/study-file.md" in help_text


def test_a_new_section_is_checked_once_listed(monkeypatch):
    """What a section module does: declare a Section, list it, read it with reader.section."""
    extra = Section("nearby", "Nearby services", keys=(
        Key("radius", "number", default=30.0, range=Range(0, low_open=True), example=10,
            description="Search radius."),))
    monkeypatch.setattr(config_module, "STUDY_FILE", (*STUDY_FILE, extra))
    raw = tomllib.loads(minimal_study())
    parse_config({**raw, "nearby": {"radius": 5}})  # accepted at the top level
    assert "[nearby]" in reference_markdown() and "radius" in reference_text("nearby")
    reader = config_module._Reader({**raw, "nearby": {"radius": 0}}, "study.toml")
    with pytest.raises(ConfigError, match=r"study\.toml: nearby\.radius = 0 must be greater"):
        reader.section(extra)


def test_example_study_comments_offer_real_keys_and_values():
    """Commented-out options of the example study (`# key = value`) are keys of their section."""
    text = (ROOT / "examples" / "zhejiang_demo.toml").read_text(encoding="utf-8")
    assert re.search(r'^lang = "en" .*"zh"', text, re.MULTILINE)
    sections = {s.name: s for s in STUDY_FILE}
    section, offered = "", []
    for line in text.splitlines():
        heading = re.match(r"^\[\[?(\w+)\]\]?", line)
        if heading:
            section = heading.group(1)
        option = re.match(r"^# (\w+) = (\S+)", line)
        if option:
            key = sections[section].key(option.group(1))  # StopIteration: not a key
            key.check(tomllib.loads(f"v = {option.group(2)}")["v"], key.path)
            offered.append(key.path)
    assert {"table.names", "analysis.missing", "clusters.missing", "boundaries.crs"} <= set(
        offered)
