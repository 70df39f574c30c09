"""Every failure of the command line: a non-zero status, one line on stderr, no traceback."""

import errno
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from geodisparity.cli import main

ROOT = Path(__file__).resolve().parents[1]
DEMO_CONFIG = ROOT / "examples" / "zhejiang_demo.toml"
DEMO_TABLE = ROOT / "examples" / "data" / "zhejiang_demo_2023.csv"

SMALL_CONFIG = """
title = "Small"

[boundaries]
source = "zhejiang/counties"
key = "adcode"
name = "name_en"

[table]
path = "income.csv"
key = "adcode"

[analysis]
income = "income"
bootstrap = 0

[clusters]
columns = ["income"]
permutations = 9
"""


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def assert_one_line(result, status, *fragments):
    """The exit status, exactly one line on stderr naming the fragments, no traceback."""
    assert result.exit_code == status, (result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error: ")
    for fragment in fragments:
        assert fragment in lines[0], lines[0]
    assert "Traceback" not in result.stderr + result.stdout
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit)


@pytest.fixture
def study(tmp_path):
    shutil.copy(DEMO_TABLE, tmp_path / "income.csv")
    config = tmp_path / "study.toml"
    config.write_text(SMALL_CONFIG, encoding="utf-8")
    return config


def test_the_small_study_runs(study, tmp_path):
    result = invoke("run", study, "-o", tmp_path / "out")
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "out" / "atlas.html").is_file()


def test_study_file_not_utf8(tmp_path):
    config = tmp_path / "gbk.toml"
    config.write_bytes(SMALL_CONFIG.replace("Small", "浙江").encode("gbk"))
    assert_one_line(invoke("run", config), 1, "gbk.toml", "not UTF-8", "line 2")


def test_study_file_not_toml(tmp_path):
    config = tmp_path / "bad.toml"
    config.write_text("[boundaries\nsource = 1", encoding="utf-8")
    assert_one_line(invoke("run", config), 1, "bad.toml", "not valid TOML")


@pytest.mark.parametrize(("old", "new", "key"), [
    ("permutations = 9", "permutations = 100000", "clusters.permutations = 100000"),
    ("permutations = 9", "permutations = -1", "clusters.permutations = -1"),
    ("bootstrap = 0", "bootstrap = 1000000", "analysis.bootstrap = 1000000"),
    ("permutations = 9", "permutations = 9\nseed = -1", "clusters.seed = -1"),
    ("permutations = 9", "permutations = 9\nk = 0", "clusters.k = 0"),
])
def test_values_out_of_range_name_the_key(study, old, new, key):
    study.write_text(SMALL_CONFIG.replace(old, new), encoding="utf-8")
    assert_one_line(invoke("run", study), 1, key)


def test_the_permutation_ceiling_is_accepted(study):
    from geodisparity._limits import MAX_PERMUTATIONS
    from geodisparity.config import load_config

    study.write_text(SMALL_CONFIG.replace("permutations = 9",
                                          f"permutations = {MAX_PERMUTATIONS}"), encoding="utf-8")
    assert load_config(study).clusters.permutations == MAX_PERMUTATIONS


def test_hostile_indicator_names_the_token(study, tmp_path):
    marker = tmp_path / "owned"
    study.write_text(SMALL_CONFIG + f"""
[[indicators]]
name = "evil"
expression = "@pd.io.common.os.system('touch {marker.as_posix()}')"
""", encoding="utf-8")
    assert_one_line(invoke("run", study, "-o", tmp_path / "out"), 1, "indicator 'evil'", "'@'")
    assert not marker.exists() and not (tmp_path / "out").exists()


def test_indicator_named_like_a_column_is_refused(study, tmp_path):
    study.write_text(SMALL_CONFIG + """
[[indicators]]
name = "income"
expression = "income * 2"
""", encoding="utf-8")
    result = invoke("run", study, "-o", tmp_path / "out")
    assert result.exit_code == 1
    last = result.stderr.strip().splitlines()[-1]  # after the progress lines
    assert "indicator 'income' has the name of a column" in last
    assert "Traceback" not in result.stderr


def test_missing_config(tmp_path):
    assert_one_line(invoke("run", tmp_path / "nope.toml"), 2, "nope.toml", "does not exist")


def test_missing_table(study):
    (study.parent / "income.csv").unlink()
    assert_one_line(invoke("run", study), 1, "table.path", "income.csv", "no such file")


def test_missing_boundary_file(study):
    study.write_text(SMALL_CONFIG.replace('"zhejiang/counties"', '"zhejiang/countie"'),
                     encoding="utf-8")
    assert_one_line(invoke("run", study), 1, "zhejiang/countie", "not a bundled layer",
                    "zhejiang/counties")


def test_unknown_bundled_layer_in_join():
    assert_one_line(invoke("join", "zhejiang/nope", DEMO_TABLE, "--left-on", "adcode",
                           "--right-on", "adcode"), 1, "'zhejiang/nope'", "zhejiang/counties")


def test_missing_table_in_join(tmp_path):
    assert_one_line(invoke("join", "zhejiang/counties", tmp_path / "none.csv", "--left-on", "a",
                           "--right-on", "a"), 2, "none.csv")


def test_usage_error_is_one_line():
    assert_one_line(invoke("join", "zhejiang/counties", DEMO_TABLE, "--left-on", "adcode"), 2,
                    "--right-on")


def test_permission_denied_on_the_study_file(study, monkeypatch):
    def refuse(self):
        raise PermissionError(errno.EACCES, "Permission denied", str(self))

    monkeypatch.setattr(Path, "read_bytes", refuse)
    assert_one_line(invoke("run", study), 1, "Permission denied", "study.toml")


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0,
                    reason="needs POSIX permissions that apply (not root)")
def test_permission_denied_on_the_table_for_real(study, tmp_path):
    (tmp_path / "income.csv").chmod(0)
    assert_one_line(invoke("run", study, "-o", tmp_path / "out"), 1, "income.csv")


def test_output_exists_without_overwrite(study, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "gaps.csv").write_text("mine", encoding="utf-8")
    assert_one_line(invoke("run", study, "-o", out), 1, "gaps.csv", "--overwrite")
    assert (out / "gaps.csv").read_text(encoding="utf-8") == "mine"


def test_read_only_output_folder(study, tmp_path, monkeypatch):
    out = tmp_path / "out"
    real_mkdir = Path.mkdir

    def read_only(self, *args, **kwargs):
        if out in (self, *self.parents):
            raise PermissionError(errno.EROFS, "Read-only file system", str(self))
        return real_mkdir(self, *args, **kwargs)

    monkeypatch.setattr(Path, "mkdir", read_only)
    assert_one_line(invoke("run", study, "-o", out), 1, "Read-only file system", "out")


@pytest.mark.skipif(not Path("/sys/fs").is_dir(), reason="needs Linux's read-only /sys")
def test_read_only_output_folder_for_real(study):
    assert_one_line(invoke("join", "zhejiang/counties", study.parent / "income.csv",
                           "--left-on", "adcode", "--right-on", "adcode",
                           "-o", "/sys/fs/geodisparity-test/joined.csv"), 1, "/sys/fs")


def join_args(tmp_path, output):
    shutil.copy(DEMO_TABLE, tmp_path / "t.csv")
    return ["join", "zhejiang/counties", tmp_path / "t.csv", "--left-on", "adcode",
            "--right-on", "adcode", "-o", output]


def test_full_disk(tmp_path, monkeypatch):
    def full(self, path, *args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr(pd.DataFrame, "to_csv", full)
    result = invoke(*join_args(tmp_path, tmp_path / "joined.csv"))
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [
        line for line in result.stderr.strip().splitlines() if line.startswith("Error: ")
    ]
    assert "No space left on device" in result.stderr and "Traceback" not in result.stderr
    assert list(tmp_path.iterdir()) == [tmp_path / "t.csv"]  # no temporary file left


@pytest.mark.parametrize(("name", "fragment", "status"), [
    ("bad\0name.csv", "null byte", 2),
    ("x" * 300 + ".csv", "File name too long", 1),
    ("t.csv/joined.csv", "is a file, not a folder", 1),
    ("t.csv/sub/joined.csv", "is a file, not a folder", 1),
])
def test_bad_output_names(tmp_path, name, fragment, status):
    result = invoke(*join_args(tmp_path, f"{tmp_path}/{name}"))
    assert result.exit_code == status
    assert result.stderr.strip().splitlines()[-1].startswith("Error: ")
    assert fragment in result.stderr and "Traceback" not in result.stderr
    assert pd.read_csv(tmp_path / "t.csv").shape[0] == 90  # the input intact


def test_join_refuses_to_write_over_its_own_table(tmp_path):
    before = DEMO_TABLE.read_bytes()
    assert_one_line(invoke(*join_args(tmp_path, tmp_path / "t.csv"), "--overwrite"), 1,
                    "would replace the input", "t.csv")
    assert (tmp_path / "t.csv").read_bytes() == before


def test_keyboard_interrupt_exits_130(study, monkeypatch):
    import geodisparity.pipeline

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(geodisparity.pipeline, "run_pipeline", interrupted)
    assert_one_line(invoke("run", study), 130, "interrupted")


def test_an_interrupt_wrapped_by_class_creation_still_exits_130(study, monkeypatch):
    # Python 3.11 turns an exception raised in __set_name__ (Ctrl-C landing while a
    # dataclass is created) into a RuntimeError whose cause is the KeyboardInterrupt.
    import geodisparity.pipeline

    def wrapped(*args, **kwargs):
        raise RuntimeError("Error calling __set_name__") from KeyboardInterrupt()

    monkeypatch.setattr(geodisparity.pipeline, "run_pipeline", wrapped)
    assert_one_line(invoke("run", study), 130, "interrupted")


def test_a_bug_is_still_one_line(study, monkeypatch):
    import geodisparity.pipeline

    def broken(*args, **kwargs):
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(geodisparity.pipeline, "run_pipeline", broken)
    assert_one_line(invoke("run", study), 1, "unexpected ZeroDivisionError", "please report")


def test_sigterm_handler_is_restored_after_a_command(study, tmp_path):
    import signal

    before = signal.getsignal(signal.SIGTERM)
    invoke("run", tmp_path / "none.toml")
    assert signal.getsignal(signal.SIGTERM) is before


# The same through a real process: the console entry point as a planner runs it.

def run_process(*args, cwd=None, code=None):
    command = [sys.executable, "-c", code] if code else [sys.executable, "-m", "geodisparity.cli"]
    return subprocess.run([*command, *map(str, args)], capture_output=True, text=True, cwd=cwd,
                          timeout=300)


def assert_process_one_line(process, status, *fragments):
    assert process.returncode == status, process.stderr
    lines = process.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), process.stderr
    assert "Traceback" not in process.stderr
    for fragment in fragments:
        assert fragment in lines[0]


def test_process_missing_table(study):
    (study.parent / "income.csv").unlink()
    assert_process_one_line(run_process("run", study), 1, "income.csv")


def test_process_study_not_utf8(tmp_path):
    config = tmp_path / "latin.toml"
    config.write_bytes('title = "Tirol Süd"\n'.encode("latin-1"))
    assert_process_one_line(run_process("run", config), 1, "latin.toml", "not UTF-8")


def test_process_join_over_its_input(tmp_path):
    process = run_process(*join_args(tmp_path, tmp_path / "t.csv"), "--overwrite")
    assert_process_one_line(process, 1, "would replace the input")
    assert (tmp_path / "t.csv").read_bytes() == DEMO_TABLE.read_bytes()


def test_process_full_disk(tmp_path):
    code = (
        "import errno, sys, pandas as pd\n"
        "def full(self, path, *a, **k):\n"
        "    raise OSError(errno.ENOSPC, 'No space left on device', str(path))\n"
        "pd.DataFrame.to_csv = full\n"
        "from geodisparity.cli import main\n"
        "sys.argv[0] = 'geodisparity'\n"
        "main()\n"
    )
    process = run_process(*join_args(tmp_path, tmp_path / "joined.csv"), code=code)
    assert process.returncode == 1
    assert process.stderr.strip().splitlines()[-1].startswith("Error: No space left on device")
    assert "Traceback" not in process.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t.csv"]


def test_process_usage_error():
    assert_process_one_line(run_process("run"), 2, "CONFIG")
