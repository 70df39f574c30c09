"""Indicator expressions: the whitelisted grammar, its arithmetic, and hostile input refused."""

import re
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geodisparity.config import ConfigError, parse_config
from geodisparity.errors import GeodisparityError, InputError, MissingColumnError
from geodisparity.expressions import (
    MAX_DEPTH,
    MAX_LENGTH,
    ExpressionError,
    evaluate,
    parse_expression,
)


@pytest.fixture
def table():
    rng = np.random.default_rng(7)
    return pd.DataFrame({
        "a": rng.uniform(1, 10, 20),
        "b": rng.uniform(-5, 5, 20),
        "pop": rng.integers(0, 3, 20),  # some zeros: division by zero
        "rural pop": rng.uniform(1, 2, 20),
        "收入": rng.uniform(100, 200, 20),
    })


# The same computation written directly with NumPy: the independent reference.
ARITHMETIC = [
    ("a + b * 2", lambda t: t.a + t.b * 2),
    ("(a + b) * 2", lambda t: (t.a + t.b) * 2),
    ("a / b - 1", lambda t: t.a / t.b - 1),
    ("-a ** 2", lambda t: -(t.a ** 2)),
    ("2 ** -a", lambda t: 2.0 ** -t.a),
    ("+a - -b", lambda t: t.a + t.b),
    ("a ** 0.5 + sqrt(a)", lambda t: 2 * np.sqrt(t.a)),
    ("log(a) + log10(a) + exp(b) + abs(b)",
     lambda t: np.log(t.a) + np.log10(t.a) + np.exp(t.b) + np.abs(t.b)),
    ("min(a, b)", lambda t: np.minimum(t.a, t.b)),
    ("max(a, b, 3)", lambda t: np.maximum(np.maximum(t.a, t.b), 3)),
    ("a / max(a)", lambda t: t.a / t.a.max()),
    ("(a - min(a)) / (max(a) - min(a))", lambda t: (t.a - t.a.min()) / (t.a.max() - t.a.min())),
    ("where(b > 0, a, -a)", lambda t: np.where(t.b > 0, t.a, -t.a)),
    ("b > 0", lambda t: (t.b > 0).astype(float)),
    ("0 < b < 2", lambda t: ((t.b > 0) & (t.b < 2)).astype(float)),
    ("b >= 0 and a <= 5", lambda t: ((t.b >= 0) & (t.a <= 5)).astype(float)),
    ("b == 0 or not a != 3", lambda t: ((t.b == 0) | (t.a == 3)).astype(float)),
    ("`rural pop` * 2", lambda t: t["rural pop"] * 2),
    ("收入 / `rural pop`", lambda t: t["收入"] / t["rural pop"]),
    ("1e3 * a", lambda t: 1000 * t.a),
    ("7", lambda t: np.full(len(t), 7.0)),
]


@pytest.mark.parametrize(("text", "reference"), ARITHMETIC, ids=[t for t, _ in ARITHMETIC])
def test_grammar_computes_like_numpy(table, text, reference):
    result = evaluate(text, table)
    assert result.index.equals(table.index)
    np.testing.assert_allclose(result.to_numpy(), np.asarray(reference(table), dtype=float),
                               rtol=1e-12)


def test_division_by_zero_and_bad_domains_follow_numpy_without_warnings(table):
    before = np.geterr()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ratio = evaluate("a / pop", table).to_numpy()
        logs = evaluate("log(b)", pd.DataFrame({"b": [0.0, -1.0, np.e]})).tolist()
        root = evaluate("b ** (1 / 3)", pd.DataFrame({"b": [-8.0]})).tolist()
    assert np.geterr() == before  # the user's settings untouched
    assert np.isinf(ratio[table["pop"].eq(0).to_numpy()]).all()
    assert logs[0] == -np.inf and np.isnan(logs[1]) and logs[2] == pytest.approx(1.0)
    assert np.isnan(root[0])  # not a complex number, as Python's ** would give


def test_missing_values_never_become_true_or_false():
    frame = pd.DataFrame({"x": [1.0, np.nan, -1.0], "y": [1.0, 1.0, np.nan]})
    assert np.isnan(evaluate("x > 0", frame)[1])
    assert evaluate("where(x > 0, x, 0)", frame).tolist()[::2] == [1.0, 0.0]
    assert np.isnan(evaluate("where(x > 0, x, 0)", frame)[1])
    assert np.isnan(evaluate("x > 0 and y > 0", frame)).tolist() == [False, True, True]
    assert np.isnan(evaluate("not x", frame)[1])
    assert evaluate("max(x)", frame).tolist() == [1.0, 1.0, 1.0]  # NaN ignored by the column max
    assert np.isnan(evaluate("max(x, y)", frame)[1])  # element-wise keeps it missing


def test_columns_lists_each_name_once_in_order():
    assert parse_expression("b / a + `c d` * b").columns == ("b", "a", "c d")
    assert parse_expression("log(x)").columns == ("x",)  # a function name is not a column


def test_a_column_named_like_a_function_is_still_a_column():
    frame = pd.DataFrame({"log": [1.0, 2.0], "min": [3.0, 4.0]})
    assert evaluate("log(log) + min", frame).tolist() == pytest.approx([3.0, np.log(2) + 4])


def test_names_are_not_normalised_unlike_python_identifiers():
    # Python folds 'ﬁ' (a ligature) to 'fi' in identifiers; a column name must stay as written.
    frame = pd.DataFrame({"ﬁeld": [1.0], "field": [5.0]})
    assert evaluate("ﬁeld * 2", frame).tolist() == [2.0]


def test_huge_powers_overflow_to_inf_at_once():
    frame = pd.DataFrame({"x": [9.0]})
    assert evaluate("9 ** 9 ** 9", frame).tolist() == [np.inf]
    assert evaluate("x ** x ** x ** x", frame).tolist() == [np.inf]
    assert evaluate("10 ** 400 - 10 ** 400", frame).isna().all()


def test_numeric_text_columns_are_numbers_and_text_is_refused_with_rows():
    frame = pd.DataFrame({"x": ["1", "2.5", None], "y": ["1", "n/a", "x"]}, index=[10, 11, 12])
    assert evaluate("x * 2", frame).tolist()[:2] == [2.0, 5.0]
    with pytest.raises(InputError, match=r"column 'y' is not numeric: rows 11, 12 hold 'n/a', 'x'"):
        evaluate("y * 2", frame)


def test_nullable_and_boolean_columns():
    frame = pd.DataFrame({"n": pd.array([1, None], dtype="Int64"), "f": [True, False]})
    result = evaluate("n + f", frame)
    assert result[0] == 2.0 and np.isnan(result[1])


def test_unknown_column_is_named_with_a_suggestion():
    frame = pd.DataFrame({"population": [1.0], "doctors": [2.0]})
    with pytest.raises(MissingColumnError, match=r"indicator 'x'.*names 'populaton'.*"
                                                 r"did you mean 'population'"):
        evaluate("doctors / populaton", frame, name="indicator 'x'")


# Hostile input: (expression, the token the message must name, its column).
HOSTILE = [
    ("__import__('os').system('touch {marker}')", "a call to '__import__'", 1),
    ("@x", "'@'", 1),
    ("a @ b", "the operator '@'", 3),
    ("a.b", "an attribute '.b'", 2),
    ("x.__class__.__bases__", "an attribute '.__class__'", 2),
    ("a[0]", "a subscript '[0]'", 2),
    ("x//2", "the operator '//'", 2),
    ("x % 2", "the operator '%'", 3),
    ("x | y", "the operator '|'", 3),
    ("~x", "the operator '~'", 1),
    ("lambda: 1", "a lambda", 1),
    ("(lambda: 1)()", "a lambda", 2),
    ("open('{marker}', 'w')", "a call to 'open'", 1),
    ("exec('x')", "a call to 'exec'", 1),
    ("getattr(x, 'y')", "a call to 'getattr'", 1),
    ("log(x, base=2)", "the keyword argument 'base='", 8),
    ("log(**x)", "the keyword argument '**'", 5),
    ("log(*x)", "the unpacking '*'", 5),
    ("x is None", "the operator 'is'", 3),
    ("x in y", "the operator 'in'", 3),
    ("'text'", "the value", 1),
    ("b'bytes'", "the value", 1),
    ("True + x", "the value", 1),
    ("1j * x", "the value", 1),
    ("f'{x}'", "an f-string", 1),
    ("a if b else c", "an if-else", 1),
    ("[x for x in y]", "a comprehension", 1),
    ("(x := 1)", "an assignment", 2),
    ("[1, 2]", "a list", 1),
    ("x, y", "a tuple", 1),
    ("{1: x}", "a dict", 1),
    ("__builtins__", "the name '__builtins__'", 1),
    ("1()", "a call '(...)'", 2),
    ("min()", "min() with 0 arguments", 1),
    ("where(x, y)", "where() with 2 arguments", 1),
    ("收入 + a.b", "an attribute '.b'", 7),
    ("x; y", "not a valid expression", 2),
    ("import os", "not a valid expression", 1),
    ("`a", "unmatched backquote", 1),
    ("`` + x", "empty ``", 1),
    ("a\0b", "NUL character", 2),
    ("1" + "0" * 400, "too large for a float", 1),
]


@pytest.mark.parametrize(("text", "token", "column"), HOSTILE, ids=[h[0][:30] for h in HOSTILE])
def test_hostile_expression_is_refused_naming_the_token(tmp_path, text, token, column):
    marker = tmp_path / "ran"
    text = text.replace("{marker}", marker.as_posix())
    with pytest.raises(ExpressionError) as caught:
        parse_expression(text, name="indicator 'evil'")
    message = str(caught.value)
    assert message.startswith("indicator 'evil': ")
    assert token in message
    if "not a valid expression" not in token:
        assert f"at column {column}" in message
    frame = pd.DataFrame({"x": [1.0], "y": [2.0], "a": [3.0], "b": [4.0], "c": [5.0]})
    with pytest.raises(ExpressionError):
        evaluate(text, frame, name="indicator 'evil'")
    assert not marker.exists()


@pytest.mark.parametrize("text", [
    "(" * 300 + "x" + ")" * 300,  # past Python's own nesting limit
    "-" * (MAX_DEPTH + 5) + "x",
    "+".join(["x"] * (MAX_DEPTH + 5)),
    "log(" * (MAX_DEPTH + 5) + "x" + ")" * (MAX_DEPTH + 5),
])
def test_deep_nesting_is_refused(text):
    with pytest.raises(ExpressionError, match="nested|not a valid expression"):
        parse_expression(text)


def test_long_text_is_refused_before_parsing():
    with pytest.raises(ExpressionError, match=f"100,000 characters long.*{MAX_LENGTH:,}"):
        parse_expression("x" * 100_000)
    parse_expression("+".join(["x"] * 50))  # an ordinary long sum passes


def config_with(expression, name="ratio"):
    return {
        "boundaries": {"source": "zhejiang/counties", "key": "adcode"},
        "table": {"path": "t.csv", "key": "adcode"},
        "analysis": {"income": "income"},
        "indicators": [{"name": name, "expression": expression}],
    }


def test_study_file_expressions_are_checked_at_load():
    with pytest.raises(ConfigError, match=r"indicator 'ratio' \(indicators\[1\]\).*"
                                          r"an attribute '\.system' at column 3"):
        parse_config(config_with("os.system('echo owned')"))
    assert parse_config(config_with("a / b")).indicators[0].expression == "a / b"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab1.()+-*/%@`'\"[]<>=!~,_ \\\n\0λ", max_size=40))
def test_random_text_gives_a_value_or_our_error(text):
    frame = pd.DataFrame({"a": [1.0, 0.0], "b": [2.0, np.nan]})
    try:
        result = evaluate(text, frame)
    except GeodisparityError:
        return
    assert result.dtype == float and len(result) == 2


def test_parsing_emits_no_python_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ExpressionError, match="the value"):
            parse_expression("'\\d' + x")


def test_error_messages_are_one_line():
    with pytest.raises(ExpressionError) as caught:
        parse_expression("a\n.b")
    assert "\n" not in str(caught.value)
    assert re.search(r"at column \d+", str(caught.value))


def test_pipeline_indicators_use_earlier_ones_and_report_division_by_zero(caplog):
    from geodisparity.pipeline import _derive_indicators

    config = parse_config({
        "boundaries": {"source": "zhejiang/counties", "key": "code"},
        "table": {"path": "t.csv", "key": "code"},
        "analysis": {"income": "income"},
        "indicators": [{"name": "per_head", "expression": "income / people"},
                       {"name": "doubled", "expression": "per_head * 2"}],
    })
    joined = pd.DataFrame({"code": ["a", "b"], "income": [10.0, 5.0], "people": [2.0, 0.0]})
    with caplog.at_level("WARNING", logger="geodisparity.pipeline"):
        result = _derive_indicators(joined, config)
    assert result["per_head"].tolist()[0] == 5.0 and np.isnan(result["per_head"][1])
    assert result["doubled"].tolist()[0] == 10.0
    assert "indicator 'per_head' is infinite" in caplog.text and ": b" in caplog.text
    assert list(joined.columns) == ["code", "income", "people"]  # the input left alone


def test_pipeline_refuses_an_indicator_that_would_replace_a_column():
    from geodisparity.pipeline import _derive_indicators

    config = parse_config({
        "boundaries": {"source": "zhejiang/counties", "key": "code"},
        "table": {"path": "t.csv", "key": "code"},
        "analysis": {"income": "income"},
        "indicators": [{"name": "income", "expression": "income * 2"}],
    })
    joined = pd.DataFrame({"code": ["a"], "income": [10.0]})
    with pytest.raises(ConfigError, match=r"indicator 'income' has the name of a column"):
        _derive_indicators(joined, config)


def test_repeated_indicator_names_are_refused_at_load():
    raw = config_with("a")
    raw["indicators"].append({"name": "ratio", "expression": "b"})
    with pytest.raises(ConfigError, match="repeated: ratio"):
        parse_config(raw)


@pytest.mark.parametrize(("text", "token", "column"), HOSTILE, ids=[h[0][:30] for h in HOSTILE])
def test_hostile_expression_in_a_study_file_is_a_config_error(text, token, column):
    with pytest.raises(ConfigError) as caught:
        parse_config(config_with(text.replace("{marker}", "x"), name="evil"))
    assert "indicator 'evil' (indicators[1])" in str(caught.value) and token in str(caught.value)
