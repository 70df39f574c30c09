"""No module of the package runs text as code or unpickles: checked on the syntax trees.

The scan is deliberately blunt: it flags every call of ``eval``/``exec``/``compile``/
``__import__``, every ``.eval(...)`` and ``.query(...)`` method call (``DataFrame.eval`` and
``DataFrame.query`` evaluate strings), pickle and YAML loaders, ``pd.read_pickle``,
``numpy.load(allow_pickle=True)``, and imports by a computed name. The only ``.query``
calls accepted are on spatial trees (``STRtree``, ``cKDTree``), whose ``query`` takes
geometries or coordinates, never an expression.
"""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "geodisparity"
MODULES = sorted(PACKAGE.rglob("*.py"))

BUILTINS = {"eval", "exec", "compile", "__import__", "execfile", "breakpoint"}
METHODS = {"eval", "query"}
LOADERS = {
    ("pickle", "load"), ("pickle", "loads"), ("cPickle", "load"), ("cPickle", "loads"),
    ("dill", "load"), ("dill", "loads"), ("joblib", "load"), ("marshal", "load"),
    ("marshal", "loads"), ("shelve", "open"), ("pd", "read_pickle"), ("pandas", "read_pickle"),
    ("yaml", "load"), ("yaml", "unsafe_load"), ("yaml", "full_load"), ("jsonpickle", "decode"),
}
DYNAMIC_IMPORTS = {("importlib", "import_module"), ("importlib", "__import__")}
# Reviewed dynamic imports: the names come from the package's own constant tables.
REVIEWED_DYNAMIC_IMPORTS = {
    ("__init__.py", "_EXPORTS[name]"),
    ("__init__.py", "f'{__name__}.{name}'"),
    ("_optional.py", "name"),  # import_optional: called with literal names in the package
}


def _receiver(call: ast.Call) -> str:
    return ast.unparse(call.func.value) if isinstance(call.func, ast.Attribute) else ""


def _is_spatial_tree(receiver: str) -> bool:
    return "tree" in receiver.lower()


def findings(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    relative = path.relative_to(PACKAGE).as_posix()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func, where = node.func, f"{relative}:{node.lineno}"
        if isinstance(func, ast.Name) and func.id in BUILTINS:
            found.append(f"{where}: {func.id}()")
        if isinstance(func, ast.Name) and func.id in {"read_pickle", "import_module"}:
            found.append(f"{where}: {func.id}()")
        if not isinstance(func, ast.Attribute):
            continue
        owner = _receiver(node)
        if func.attr in METHODS and not (func.attr == "query" and _is_spatial_tree(owner)):
            found.append(f"{where}: {owner}.{func.attr}()")
        if (owner, func.attr) in LOADERS or func.attr in {"read_pickle", "unsafe_load"}:
            found.append(f"{where}: {owner}.{func.attr}()")
        if func.attr == "load" and owner in {"np", "numpy"} and _allows_pickle(node):
            found.append(f"{where}: {owner}.load(allow_pickle=True)")
        if (owner, func.attr) in DYNAMIC_IMPORTS and not _constant_first_argument(node):
            argument = ast.unparse(node.args[0]) if node.args else "?"
            if (path.name, argument) not in REVIEWED_DYNAMIC_IMPORTS:
                found.append(f"{where}: {owner}.{func.attr}({argument})")
    return found


def _allows_pickle(call: ast.Call) -> bool:
    return any(k.arg == "allow_pickle" and not (isinstance(k.value, ast.Constant)
                                                  and k.value.value is False)
               for k in call.keywords)


def _constant_first_argument(call: ast.Call) -> bool:
    return bool(call.args) and isinstance(call.args[0], ast.Constant)


def test_the_package_has_modules_to_scan():
    names = {p.name for p in MODULES}
    assert {"pipeline.py", "config.py", "expressions.py", "cli.py"} <= names


@pytest.mark.parametrize("path", MODULES, ids=[p.relative_to(PACKAGE).as_posix() for p in MODULES])
def test_module_never_evaluates_or_unpickles(path):
    assert findings(path) == []


@pytest.mark.parametrize(("source", "expected"), [
    ("eval('1')", "eval()"),
    ("exec(text)", "exec()"),
    ("compile(text, 'f', 'eval')", "compile()"),
    ("__import__(name)", "__import__()"),
    ("frame.eval('a + b')", "frame.eval()"),
    ("pd.eval('a + b')", "pd.eval()"),
    ("frame.query('a > 1')", "frame.query()"),
    ("pickle.loads(data)", "pickle.loads()"),
    ("pickle.load(handle)", "pickle.load()"),
    ("pd.read_pickle(path)", "pd.read_pickle()"),
    ("yaml.load(text)", "yaml.load()"),
    ("np.load(path, allow_pickle=True)", "np.load(allow_pickle=True)"),
    ("importlib.import_module(user_text)", "importlib.import_module(user_text)"),
])
def test_the_scan_catches_each_forbidden_call(tmp_path, monkeypatch, source, expected):
    module = PACKAGE / "_scan_probe.py"  # never written: the scan reads the text given
    monkeypatch.setattr(Path, "read_text", lambda self, encoding=None: source)
    assert [f.split(": ", 1)[1] for f in findings(module)] == [expected]


@pytest.mark.parametrize("source", [
    "shapely.STRtree(geoms).query(geoms, predicate='intersects')",
    "cKDTree(xy).query(xy, k=3)",
    "yaml.safe_load(text)",
    "importlib.import_module('json')",
    "np.load(path)",
    "re.compile(pattern)",
])
def test_the_scan_accepts_harmless_lookalikes(monkeypatch, source):
    monkeypatch.setattr(Path, "read_text", lambda self, encoding=None: source)
    assert findings(PACKAGE / "_scan_probe.py") == []
