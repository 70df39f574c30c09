"""Indicator expressions: a small arithmetic grammar over the columns of a table.

A study file derives indicators such as ``doctors / population * 1000``. The
text is data, not code: it is parsed with :mod:`ast` and every node is checked
against a short whitelist before anything is computed, and a small evaluator
then walks the tree with NumPy. Nothing in an expression can reach Python
(no attributes, subscripts, ``@`` references, imports or calls to other names).

The grammar:

- column names: identifiers (``income``, ``人均收入``) or any name between
  backquotes (```income (yuan)```); a name never means anything but a column;
- numbers (``1000``, ``2.5``, ``1e-3``), always computed as 64-bit floats;
- ``+ - * / **``, unary ``-`` and ``+``, parentheses;
- comparisons ``< <= > >= == !=`` (also chained, ``0 < x < 1``) and
  ``and``, ``or``, ``not``; true is 1.0, false 0.0 and a comparison involving
  a missing value is missing (NaN), so a missing input never turns into a
  silent 0 or 1;
- the functions ``log`` (natural), ``log10``, ``exp``, ``sqrt``, ``abs``,
  ``where(condition, if_true, if_false)``, and ``min``/``max``: with one
  argument the smallest/largest value of the whole column (missing values
  ignored), with two or more the element-wise minimum/maximum (missing stays
  missing).

Division by zero gives ``inf`` or NaN as in NumPy (no warning); the logarithm
of 0 is ``-inf`` and of a negative number NaN.

Examples
--------
>>> import pandas as pd
>>> table = pd.DataFrame({"doctors": [30, 12], "population": [10_000, 0]})
>>> evaluate("doctors / population * 1000", table).tolist()
[3.0, inf]
>>> parse_expression("doctors.sum()", name="indicator 'x'")
Traceback (most recent call last):
...
geodisparity.expressions.ExpressionError: indicator 'x': 'doctors.sum()' uses an attribute \
'.sum' at column 8; only column names, numbers, + - * / **, comparisons, and, or, not, \
parentheses and the functions abs, exp, log, log10, max, min, sqrt, where are allowed
"""

from __future__ import annotations

import ast
import difflib
import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from geodisparity.errors import (
    GeodisparityError,
    InputError,
    MissingColumnError,
    format_rows,
)

__all__ = ["Expression", "ExpressionError", "parse_expression", "evaluate", "FUNCTIONS"]

MAX_LENGTH = 1_000
"""Longest expression accepted, in characters."""

MAX_DEPTH = 100
"""Deepest nesting of operations accepted (``a + b + ... `` of 100 columns is 100 deep)."""


def _minimum(*values: np.ndarray) -> np.ndarray:
    return np.fmin.reduce(values[0]) if len(values) == 1 else _fold(np.minimum, values)


def _maximum(*values: np.ndarray) -> np.ndarray:
    return np.fmax.reduce(values[0]) if len(values) == 1 else _fold(np.maximum, values)


def _fold(operation: np.ufunc, values: tuple[np.ndarray, ...]) -> np.ndarray:
    result = values[0]
    for value in values[1:]:
        result = operation(result, value)
    return result


def _where(condition: np.ndarray, if_true: np.ndarray, if_false: np.ndarray) -> np.ndarray:
    return np.where(np.isnan(condition), np.nan, np.where(condition != 0, if_true, if_false))


FUNCTIONS: dict[str, tuple[Callable[..., Any], int, int | None]] = {
    "abs": (np.abs, 1, 1),
    "exp": (np.exp, 1, 1),
    "log": (np.log, 1, 1),
    "log10": (np.log10, 1, 1),
    "sqrt": (np.sqrt, 1, 1),
    "min": (_minimum, 1, None),
    "max": (_maximum, 1, None),
    "where": (_where, 3, 3),
}
"""Function name -> (implementation, fewest arguments, most arguments or None)."""

_ARITHMETIC: dict[type, tuple[str, np.ufunc]] = {
    ast.Add: ("+", np.add),
    ast.Sub: ("-", np.subtract),
    ast.Mult: ("*", np.multiply),
    ast.Div: ("/", np.true_divide),
    ast.Pow: ("**", np.power),
}
_COMPARISONS: dict[type, tuple[str, np.ufunc]] = {
    ast.Lt: ("<", np.less),
    ast.LtE: ("<=", np.less_equal),
    ast.Gt: (">", np.greater),
    ast.GtE: (">=", np.greater_equal),
    ast.Eq: ("==", np.equal),
    ast.NotEq: ("!=", np.not_equal),
}
_REFUSED_OPERATORS = {
    ast.FloorDiv: "//", ast.Mod: "%", ast.MatMult: "@", ast.LShift: "<<", ast.RShift: ">>",
    ast.BitOr: "|", ast.BitAnd: "&", ast.BitXor: "^", ast.Invert: "~", ast.Is: "is",
    ast.IsNot: "is not", ast.In: "in", ast.NotIn: "not in",
}
_ALLOWED = (
    "only column names, numbers, + - * / **, comparisons, and, or, not, parentheses "
    f"and the functions {', '.join(sorted(FUNCTIONS))} are allowed"
)
_BACKQUOTED = re.compile(r"`([^`\n]*)`")


class ExpressionError(GeodisparityError, ValueError):
    """An expression uses something outside the grammar, or cannot be parsed."""


@dataclass(frozen=True)
class Expression:
    """A checked expression: its text, its syntax tree and the columns it names.

    Build it with :func:`parse_expression`. ``names`` maps the position of each
    column reference in the tree (line, column offset) to the column's name, so
    that a backquoted name or one Python would normalise is used as written.
    """

    text: str
    tree: ast.expr
    names: dict[tuple[int, int], str]
    label: str

    @property
    def columns(self) -> tuple[str, ...]:
        """The column names the expression uses, in order of first appearance."""
        return tuple(dict.fromkeys(self.names[key] for key in sorted(self.names)))


def parse_expression(text: str, *, name: str = "expression") -> Expression:
    """Parse and check an expression without computing anything.

    Parameters
    ----------
    text : str
        The expression, e.g. ``"doctors / population * 1000"``.
    name : str, default "expression"
        What to call it in messages, e.g. ``"indicator 'doctors_per_1000'"``.

    Returns
    -------
    Expression

    Raises
    ------
    ExpressionError
        Naming the first token outside the grammar and its column (1-based).

    Examples
    --------
    >>> parse_expression("where(`rural pop` > 0, income / `rural pop`, 0)").columns
    ('rural pop', 'income')
    >>> parse_expression("x // 2")
    Traceback (most recent call last):
    ...
    geodisparity.expressions.ExpressionError: expression: 'x // 2' uses the operator '//' \
at column 3; only column names, numbers, + - * / **, comparisons, and, or, not, parentheses \
and the functions abs, exp, log, log10, max, min, sqrt, where are allowed
    """
    if not isinstance(text, str):
        raise ExpressionError(f"{name}: the expression must be text, got {text!r}")
    shown = _shorten(text)
    if len(text) > MAX_LENGTH:
        raise ExpressionError(
            f"{name}: the expression is {len(text):,} characters long; "
            f"the longest accepted is {MAX_LENGTH:,}"
        )
    if not text.strip():
        raise ExpressionError(f"{name}: the expression is empty")
    source, quoted = _replace_backquotes(text, name)
    tree = _parse(source, text, name)
    _check_depth(tree, shown, name)
    names: dict[tuple[int, int], str] = {}
    problems = sorted(_Checker(text, source, quoted, names).problems(tree))
    if problems:
        position, what = problems[0]
        raise ExpressionError(f"{name}: {shown} uses {what} at column {position + 1}; {_ALLOWED}")
    return Expression(text, tree, names, name)


def evaluate(expression: str | Expression, frame: pd.DataFrame, *,
             name: str = "expression") -> pd.Series:
    """Compute an expression on the columns of a table.

    Parameters
    ----------
    expression : str or Expression
        Text (checked by :func:`parse_expression`) or an already checked expression.
    frame : DataFrame
        The columns the expression may name. Row labels name rows in messages.
    name : str, default "expression"
        What to call the expression in messages.

    Returns
    -------
    Series
        Float values aligned with ``frame.index``.

    Raises
    ------
    MissingColumnError
        The expression names a column that ``frame`` does not have.
    InputError
        A column it names holds values that are not numbers.

    Examples
    --------
    >>> import pandas as pd
    >>> table = pd.DataFrame({"a": [1.0, None, 4.0], "b": [2.0, 2.0, 0.0]})
    >>> evaluate("where(b > 0, a / b, 0)", table).tolist()
    [0.5, nan, 0.0]
    >>> evaluate("max(a)", table).tolist()
    [4.0, 4.0, 4.0]
    """
    parsed = expression if isinstance(expression, Expression) else parse_expression(
        expression, name=name
    )
    columns = {column: _numeric_column(frame, column, parsed) for column in parsed.columns}
    with np.errstate(all="ignore"):
        values = _Evaluator(parsed, columns).value(parsed.tree)
    result = np.broadcast_to(np.asarray(values, dtype=float), (len(frame),)).copy()
    return pd.Series(result, index=frame.index, dtype=float)


def _shorten(text: str, limit: int = 60) -> str:
    return repr(text if len(text) <= limit else text[: limit - 3] + "...")


def _replace_backquotes(text: str, name: str) -> tuple[str, dict[int, str]]:
    """Replace each ```name``` by an identifier of the same length.

    Same length keeps every column offset of the parsed tree valid for the
    original text; the names are recovered from their positions, so a
    placeholder never clashes with a real identifier.
    """
    quoted: dict[int, str] = {}

    def placeholder(match: re.Match[str]) -> str:
        if not match.group(1):
            raise ExpressionError(
                f"{name}: {_shorten(text)} has an empty `` at column {match.start() + 1}"
            )
        quoted[match.start()] = match.group(1)
        return "_" * len(match.group(0))

    source = _BACKQUOTED.sub(placeholder, text)
    if "`" in source:
        raise ExpressionError(
            f"{name}: {_shorten(text)} has an unmatched backquote at column "
            f"{source.index('`') + 1}"
        )
    return source, quoted


def _parse(source: str, text: str, name: str) -> ast.expr:
    if "\0" in source:
        raise ExpressionError(
            f"{name}: {_shorten(text)} holds a NUL character at column {source.index(chr(0)) + 1}"
        )
    try:
        with warnings.catch_warnings():  # e.g. '\d' in a string, which is refused anyway
            warnings.simplefilter("ignore", SyntaxWarning)
            warnings.simplefilter("ignore", DeprecationWarning)
            return ast.parse(source, mode="eval").body
    except SyntaxError as exc:
        where = _syntax_position(exc, text)
        raise ExpressionError(
            f"{name}: {_shorten(text)} is not a valid expression ({exc.msg}{where})"
        ) from None
    except (RecursionError, MemoryError, ValueError):
        raise ExpressionError(f"{name}: {_shorten(text)} is nested too deeply") from None


def _syntax_position(exc: SyntaxError, text: str) -> str:
    lines = text.split("\n")
    line, offset = (exc.lineno or 1), (exc.offset or 0)
    if not 1 <= line <= len(lines) or offset < 1:
        return " at the end"
    token = lines[line - 1][offset - 1: offset]
    index = sum(len(part) + 1 for part in lines[: line - 1]) + offset
    return f" at column {index}: {token!r}" if token else " at the end"


def _check_depth(tree: ast.AST, shown: str, name: str) -> None:
    """Refuse trees nested deeper than MAX_DEPTH (iteratively: no recursion to blow)."""
    stack = [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise ExpressionError(
                f"{name}: {shown} is nested more than {MAX_DEPTH} operations deep"
            )
        stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))


class _Checker:
    """Walk a tree and list what falls outside the grammar, with positions."""

    def __init__(self, text: str, source: str, quoted: dict[int, str],
                 names: dict[tuple[int, int], str]) -> None:
        self.text, self.source, self.quoted, self.names = text, source, quoted, names
        self.found: list[tuple[int, str]] = []

    def problems(self, tree: ast.expr) -> list[tuple[int, str]]:
        self.visit(tree)
        return self.found

    def position(self, node: ast.AST, end: bool = False) -> int:
        """Character index in the text of a node's start (or end)."""
        line = node.end_lineno if end else node.lineno  # type: ignore[attr-defined]
        offset = node.end_col_offset if end else node.col_offset  # type: ignore[attr-defined]
        lines = self.source.split("\n")
        before = sum(len(part) + 1 for part in lines[: line - 1])
        return before + len(lines[line - 1].encode("utf-8")[:offset].decode("utf-8", "ignore"))

    def segment(self, node: ast.AST) -> str:
        return self.text[self.position(node): self.position(node, end=True)]

    def refuse(self, position: int, what: str) -> None:
        self.found.append((position, what))

    def visit(self, node: ast.AST) -> None:
        handler = getattr(self, f"visit_{type(node).__name__}", None)
        if handler is None:
            token = _shorten(self.segment(node), 30)
            self.refuse(self.position(node), f"{_describe(node)} {token}")
            return
        handler(node)

    def visit_Name(self, node: ast.Name) -> None:  # noqa: N802 (ast visitor names)
        start = self.position(node)
        column = self.quoted.get(start, self.segment(node))
        if start not in self.quoted and column.startswith("__"):
            self.refuse(start, f"the name {column!r} (names starting with __ need backquotes)")
        self.names[(node.lineno, node.col_offset)] = column

    def visit_Constant(self, node: ast.Constant) -> None:  # noqa: N802
        value = node.value
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.refuse(self.position(node), f"the value {_shorten(self.segment(node), 30)}")
        elif isinstance(value, int) and value.bit_length() > 1023:
            self.refuse(self.position(node),
                        f"the number {_shorten(self.segment(node), 30)}, too large for a float")

    def visit_BinOp(self, node: ast.BinOp) -> None:  # noqa: N802
        if type(node.op) not in _ARITHMETIC:
            self.refuse_operator(node.op, self.position(node.left, end=True),
                                 self.position(node.right))
        self.visit(node.left)
        self.visit(node.right)

    def visit_UnaryOp(self, node: ast.UnaryOp) -> None:  # noqa: N802
        if isinstance(node.op, ast.Invert):
            self.refuse(self.position(node), "the operator '~'")
        self.visit(node.operand)

    def visit_BoolOp(self, node: ast.BoolOp) -> None:  # noqa: N802
        for value in node.values:
            self.visit(value)

    def visit_Compare(self, node: ast.Compare) -> None:  # noqa: N802
        operands = [node.left, *node.comparators]
        for op, left, right in zip(node.ops, operands, operands[1:], strict=False):
            if type(op) not in _COMPARISONS:
                self.refuse_operator(op, self.position(left, end=True), self.position(right))
        for operand in operands:
            self.visit(operand)

    def visit_Call(self, node: ast.Call) -> None:  # noqa: N802
        func = node.func
        unpacked = node.keywords or any(isinstance(a, ast.Starred) for a in node.args)
        if isinstance(func, ast.Name) and func.id in FUNCTIONS:
            if not unpacked:  # else the keyword or * is what to name
                self.check_arity(node, func.id)
        elif isinstance(func, ast.Name):
            self.refuse(self.position(func), f"a call to {_shorten(self.segment(func), 30)}")
        else:  # e.g. a.b(): refuse what is called, then the call itself where its ( is
            self.visit(func)
            self.refuse(self.position(func, end=True), "a call '(...)'")
        for keyword in node.keywords:
            label = f"{keyword.arg}=" if keyword.arg else "**"
            self.refuse(self.position(keyword), f"the keyword argument {label!r}")
        for argument in node.args:
            self.visit(argument)

    def visit_Attribute(self, node: ast.Attribute) -> None:  # noqa: N802
        self.visit(node.value)
        start = self.position(node.value, end=True)
        dot = start + max(self.text[start:].find("."), 0)
        self.refuse(dot, f"an attribute '.{node.attr}'")

    def visit_Subscript(self, node: ast.Subscript) -> None:  # noqa: N802
        self.visit(node.value)
        start = self.position(node.value, end=True)
        bracket = start + max(self.text[start:].find("["), 0)
        token = self.text[bracket: self.position(node, end=True)]
        self.refuse(bracket, f"a subscript {_shorten(token, 30)}")

    def check_arity(self, node: ast.Call, function: str) -> None:
        _, fewest, most = FUNCTIONS[function]
        count = len(node.args)
        if count < fewest or (most is not None and count > most):
            wanted = str(fewest) if fewest == most else f"{fewest} or more"
            self.refuse(self.position(node),
                        f"{function}() with {count} arguments (it takes {wanted})")

    def visit_Starred(self, node: ast.Starred) -> None:  # noqa: N802
        self.refuse(self.position(node), "the unpacking '*'")

    def refuse_operator(self, op: ast.AST, after: int, before: int) -> None:
        symbol = _REFUSED_OPERATORS.get(type(op), type(op).__name__)
        gap = self.text[after:before]
        first = symbol.split()[0]
        offset = gap.find(first)
        self.refuse(after + max(offset, 0), f"the operator {symbol!r}")


def _describe(node: ast.AST) -> str:
    kinds = {
        ast.Lambda: "a lambda",
        ast.IfExp: "an if-else", ast.NamedExpr: "an assignment", ast.JoinedStr: "an f-string",
        ast.List: "a list", ast.Tuple: "a tuple", ast.Dict: "a dict", ast.Set: "a set",
        ast.ListComp: "a comprehension", ast.SetComp: "a comprehension",
        ast.DictComp: "a comprehension", ast.GeneratorExp: "a comprehension",
        ast.Slice: "a slice", ast.Await: "an await", ast.Yield: "a yield",
    }
    return kinds.get(type(node), f"a {type(node).__name__}")


class _Evaluator:
    """Compute a checked tree with NumPy float arrays; never touches Python objects."""

    def __init__(self, expression: Expression, columns: dict[str, np.ndarray]) -> None:
        self.expression = expression
        self.columns = columns

    def value(self, node: ast.expr) -> Any:
        if isinstance(node, ast.Name):
            return self.columns[self.expression.names[(node.lineno, node.col_offset)]]
        if isinstance(node, ast.Constant):
            return np.float64(node.value)
        if isinstance(node, ast.BinOp):
            return _ARITHMETIC[type(node.op)][1](self.value(node.left), self.value(node.right))
        if isinstance(node, ast.UnaryOp):
            operand = np.asarray(self.value(node.operand), dtype=float)
            if isinstance(node.op, ast.Not):
                return _logical(np.equal(operand, 0), np.isnan(operand))
            return np.negative(operand) if isinstance(node.op, ast.USub) else operand
        if isinstance(node, ast.Compare):
            return self.compare(node)
        if isinstance(node, ast.BoolOp):
            return self.logic(node)
        if isinstance(node, ast.Call):
            function = FUNCTIONS[node.func.id][0]  # type: ignore[attr-defined]
            return function(*(np.asarray(self.value(a), dtype=float) for a in node.args))
        raise AssertionError(f"unchecked node {type(node).__name__}")  # pragma: no cover

    def compare(self, node: ast.Compare) -> np.ndarray:
        operands = [np.asarray(self.value(n), dtype=float) for n in [node.left, *node.comparators]]
        result = np.float64(1.0)
        for op, left, right in zip(node.ops, operands, operands[1:], strict=False):
            missing = np.isnan(left) | np.isnan(right)
            step = _logical(_COMPARISONS[type(op)][1](left, right), missing)
            result = np.where(np.isnan(step) | np.isnan(result), np.nan, result * step)
        return result

    def logic(self, node: ast.BoolOp) -> np.ndarray:
        values = [np.asarray(self.value(v), dtype=float) for v in node.values]
        missing = np.logical_or.reduce([np.isnan(v) for v in values])
        truth = [v != 0 for v in values]
        joined = np.logical_and.reduce(truth) if isinstance(node.op, ast.And) else \
            np.logical_or.reduce(truth)
        return _logical(joined, missing)


def _logical(truth: np.ndarray, missing: np.ndarray) -> np.ndarray:
    """1.0 / 0.0 for true / false, NaN where an input is missing."""
    return np.where(missing, np.nan, np.asarray(truth, dtype=float))


def _numeric_column(frame: pd.DataFrame, column: str, expression: Expression) -> np.ndarray:
    if column not in frame.columns:
        close = difflib.get_close_matches(column, [str(c) for c in frame.columns], n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise MissingColumnError(
            f"{expression.label}: {_shorten(expression.text)} names {column!r}, which is not "
            f"a column of the table{hint}; columns are: {', '.join(map(str, frame.columns))}"
        )
    series = frame[column]
    if isinstance(series, pd.DataFrame):
        raise InputError(f"{expression.label}: the table has several columns named {column!r}")
    if pd.api.types.is_numeric_dtype(series.dtype):  # bool too: 1.0 / 0.0
        return series.to_numpy(dtype=float, na_value=np.nan)
    numbers = pd.to_numeric(series, errors="coerce")
    bad = numbers.isna() & series.notna()
    if bad.any():
        examples = ", ".join(repr(v) for v in series[bad].astype(str).unique()[:3])
        raise InputError(
            f"{expression.label}: column {column!r} is not numeric: rows "
            f"{format_rows(series.index[bad])} hold {examples}"
        )
    return numbers.to_numpy(dtype=float, na_value=np.nan)
