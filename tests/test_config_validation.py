"""Load-time checks of a study file: each rule refuses a bad value and names key and value."""

import copy
import warnings

import pytest

from geodisparity.config import STUDY_FILE, ConfigError, parse_config
from geodisparity.errors import GeodisparityWarning, NoPermutationWarning

BASE = {
    "boundaries": {"source": "zhejiang/counties", "key": "adcode", "name": "name_en"},
    "table": {"path": "t.csv", "key": "adcode"},
    "analysis": {"income": "income"},
    "clusters": {"columns": ["income"]},
}


def _with(section, key, value, *, index=None):
    raw = copy.deepcopy(BASE)
    if section == "":
        raw[key] = value
    elif index is not None:
        raw.setdefault(section, [{"column": "income"}])[index][key] = value
    else:
        raw.setdefault(section, {})[key] = value
    return raw


def _outside(limits):
    """Values just outside each end of a range: the limit itself where open."""
    values = []
    if limits.low is not None:
        values.append(limits.low if limits.low_open else limits.low - 1)
    if limits.high is not None:
        values.append(limits.high if limits.high_open else limits.high + 1)
    return values


def _ranged_keys():
    cases = []
    for section in STUDY_FILE:
        for key in section.keys:
            if key.range is not None and not section.array:
                cases += [(section.name, key.name, value) for value in _outside(key.range)]
    return cases


RANGED = _ranged_keys()


def test_every_ranged_key_is_tested():
    """Every numeric key with limits of a plain section appears below (arrays: own tests)."""
    paths = {f"{s}.{k}" for s, k, _ in RANGED}
    assert {"clusters.permutations", "clusters.k", "clusters.alpha", "clusters.time_lag",
            "clusters.seed", "analysis.bootstrap", "analysis.seed", "attainment.tolerance",
            "attainment.window", "attainment.at_risk", "composite.draws",
            "composite.perturbation", "composite.seed"} <= paths


@pytest.mark.parametrize(("section", "key", "value"), RANGED,
                         ids=[f"{s}.{k}={v}" for s, k, v in RANGED])
def test_values_out_of_range_are_refused(section, key, value):
    raw = _with(section, key, value)
    if section == "composite":
        raw["composite"]["indicators"] = ["a", "b"]
        raw["indicators"] = [{"name": "a"}, {"name": "b"}]
    if section == "access":  # its required keys, so that the value is what fails
        raw["access"] = {"facilities": "f.gpkg", "capacity": "beds", "catchment": 9,
                         "population": "pop", **raw["access"]}
    with pytest.raises(ConfigError, match=rf"^configuration: {section}\.{key} = {value} must be"):
        parse_config(raw)


@pytest.mark.parametrize(("value", "words"), [
    (0, "greater than 0 and less than 1"), (1, "greater than 0 and less than 1"),
    (1.5, "greater than 0 and less than 1")])
def test_alpha_must_be_strictly_between_0_and_1(value, words):
    with pytest.raises(ConfigError, match=rf"clusters\.alpha = {value} must be {words}"):
        parse_config(_with("clusters", "alpha", value))


@pytest.mark.parametrize("section", ["clusters", "layers"])
def test_k_0_is_refused_when_the_file_is_loaded(section):
    raw = (_with("clusters", "k", 0) if section == "clusters"
           else _with("layers", "k", 0, index=0))
    where = "clusters.k" if section == "clusters" else r"layers\[1\]\.k"
    with pytest.raises(ConfigError, match=rf"{where} = 0 must be at least 1"):
        parse_config(raw)


def test_layer_k_above_20_is_refused():
    with pytest.raises(ConfigError, match=r"layers\[1\]\.k = 21 must be at least 1 and at most 20"):
        parse_config(_with("layers", "k", 21, index=0))


@pytest.mark.parametrize(("section", "key", "value", "kind"), [
    ("clusters", "permutations", "999", "a whole number"),
    ("clusters", "permutations", 99.5, "a whole number"),
    ("clusters", "k", True, "a whole number"),
    ("clusters", "alpha", "0.05", "a number"),
    ("clusters", "emerging", "yes", "true or false"),
    ("clusters", "columns", ["income", 3], "text or list of text"),
    ("table", "strict", 1, "true or false"),
    ("analysis", "income", 3, "text"),
    ("", "title", ["a"], "text"),
])
def test_values_of_the_wrong_type_are_refused(section, key, value, kind):
    path = f"{section}.{key}" if section else key
    with pytest.raises(ConfigError, match=rf"{path} = {value!r} must be {kind}".replace(
            "[", r"\[").replace("]", r"\]").replace(".", r"\.")):
        parse_config(_with(section, key, value))


@pytest.mark.parametrize(("section", "key", "value"), [
    ("", "lang", "fr"), ("clusters", "weights", "queens"), ("clusters", "adjust", "holm"),
    ("clusters", "missing", "skip"), ("analysis", "missing", "ignore"),
])
def test_values_outside_the_choices_are_refused(section, key, value):
    path = f"{section}.{key}" if section else key
    with pytest.raises(ConfigError, match=rf"{path} = '{value}' is not accepted; use one of"):
        parse_config(_with(section, key, value))


@pytest.mark.parametrize(("section", "key"), [
    ("", "titel"), ("boundaries", "sorce"), ("table", "name"), ("analysis", "incme"),
    ("clusters", "permutation"), ("attainment", "tolerence")])
def test_unknown_keys_are_refused_with_the_accepted_ones(section, key):
    path = f"{section}.{key}" if section else key
    with pytest.raises(ConfigError, match=rf"unknown key {path}; accepted here: "):
        parse_config(_with(section, key, 1))


def test_unknown_key_in_an_array_entry_names_the_entry():
    raw = copy.deepcopy(BASE)
    raw["layers"] = [{"column": "income"}, {"column": "income", "colour": "red"}]
    with pytest.raises(ConfigError, match=r"unknown key layers\[2\]\.colour"):
        parse_config(raw)


def test_a_section_of_the_wrong_shape_is_refused():
    with pytest.raises(ConfigError, match=r"clusters must be a table \(\[clusters\]\), got 3"):
        parse_config({**BASE, "clusters": 3})
    with pytest.raises(ConfigError, match=r"layers must be an array of tables \(\[\[layers\]\]\)"):
        parse_config({**BASE, "layers": {"column": "income"}})
    with pytest.raises(ConfigError, match=r"layers\[1\] must be a table of keys, got 'income'"):
        parse_config({**BASE, "layers": ["income"]})


def test_permutations_0_warns_that_nothing_can_be_significant():
    with pytest.warns(NoPermutationWarning, match=r"clusters\.permutations = 0: no permutation"):
        config = parse_config(_with("clusters", "permutations", 0))
    assert config.clusters.permutations == 0
    assert issubclass(NoPermutationWarning, GeodisparityWarning)


def test_permutations_0_without_clustered_columns_is_quiet():
    raw = _with("clusters", "permutations", 0)
    raw["clusters"]["columns"] = []
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        parse_config(raw)


def test_table_is_optional():
    raw = copy.deepcopy(BASE)
    del raw["table"]
    config = parse_config(raw)
    assert config.table.path is None and config.table.year is None


def test_table_joins_by_key_or_by_names():
    raw = copy.deepcopy(BASE)
    raw["table"] = {"path": "t.csv", "names": "county"}
    assert parse_config(raw).table.names == "county"
    raw["table"] = {"path": "t.csv"}
    with pytest.raises(ConfigError, match=r"\[table\] needs key = .* or names = "):
        parse_config(raw)


def test_name_join_needs_the_boundary_names():
    raw = copy.deepcopy(BASE)
    raw["table"] = {"path": "t.csv", "names": "county"}
    del raw["boundaries"]["name"]
    with pytest.raises(ConfigError, match=r"table\.names = 'county' joins by name: set "
                                          r"boundaries\.name"):
        parse_config(raw)


def test_missing_defaults():
    config = parse_config(BASE)
    assert config.clusters.missing == "error" and config.analysis.missing == "drop"
    raw = _with("clusters", "missing", "drop")
    assert parse_config(raw).clusters.missing == "drop"


def test_required_keys_are_named():
    raw = copy.deepcopy(BASE)
    del raw["analysis"]["income"]
    with pytest.raises(ConfigError, match=r"^configuration: analysis\.income is missing$"):
        parse_config(raw)
