"""Outputs never replace inputs, appear all at once, and leave nothing behind on failure."""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

import geodisparity._output as output
from geodisparity._output import (
    STALE_AFTER,
    atomic_path,
    input_files,
    refuse_inputs,
    remove_stale,
    staged_outputs,
)
from geodisparity.config import load_config
from geodisparity.errors import OutputExistsError
from geodisparity.pipeline import OUTPUT_FILES, run_pipeline, write_frame

ROOT = Path(__file__).resolve().parents[1]
DEMO_CONFIG = ROOT / "examples" / "zhejiang_demo.toml"
DEMO_TABLE = ROOT / "examples" / "data" / "zhejiang_demo_2023.csv"
HOST = "".join(c for c in socket.gethostname() if c.isascii() and c.isalnum())[:32]


def study_in(folder, table="income.csv"):
    """A small study whose table is at ``folder/table``."""
    table_path = folder / table
    table_path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(DEMO_TABLE, table_path)
    config = folder / "study.toml"
    config.write_text(f"""
[boundaries]
source = "zhejiang/counties"
key = "adcode"

[table]
path = "{table}"
key = "adcode"

[analysis]
income = "income"
bootstrap = 0

[clusters]
columns = ["income"]
permutations = 9
""", encoding="utf-8")
    return config


# --- outputs against inputs -------------------------------------------------------------

def test_run_refuses_an_output_that_is_its_table_even_with_overwrite(tmp_path):
    config = study_in(tmp_path, "out/regions.csv")
    before = (tmp_path / "out" / "regions.csv").read_bytes()
    for overwrite in (False, True):
        with pytest.raises(OutputExistsError, match=r"regions.csv' would replace the input"):
            run_pipeline(load_config(config), output=tmp_path / "out", overwrite=overwrite)
    assert (tmp_path / "out" / "regions.csv").read_bytes() == before
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["regions.csv"]


def test_run_refuses_to_write_over_its_study_file(tmp_path):
    config = study_in(tmp_path)
    target = tmp_path / "out" / "summary.json"
    target.parent.mkdir()
    os.link(config, target)  # a hard link: another name for the same file
    with pytest.raises(OutputExistsError, match="would replace the input"):
        run_pipeline(load_config(config), output=tmp_path / "out", overwrite=True)
    assert "[boundaries]" in config.read_text(encoding="utf-8")


def test_output_reached_through_a_symlink_or_dotdot_is_the_input(tmp_path):
    table = tmp_path / "data" / "t.csv"
    table.parent.mkdir()
    table.write_text("a\n1\n", encoding="utf-8")
    (tmp_path / "link").symlink_to(tmp_path / "data")
    for alias in (tmp_path / "link" / "t.csv", tmp_path / "data" / ".." / "data" / "t.csv"):
        with pytest.raises(OutputExistsError, match="would replace the input"):
            refuse_inputs([alias], [table])
    symlinked_output = tmp_path / "gaps.csv"
    symlinked_output.symlink_to(table)
    with pytest.raises(OutputExistsError):
        refuse_inputs([symlinked_output], [table])


def test_shapefile_sidecars_are_inputs(tmp_path):
    for part in (".shp", ".shx", ".DBF", ".prj", ".cpg", ".qix", ".shp.xml"):
        (tmp_path / f"counties{part}").write_bytes(b"x")
    (tmp_path / "other.dbf").write_bytes(b"x")
    family = input_files(tmp_path / "counties.shp")
    assert {p.name for p in family} == {
        "counties.shp", "counties.shx", "counties.DBF", "counties.prj", "counties.cpg",
        "counties.qix", "counties.shp.xml",
    }
    with pytest.raises(OutputExistsError, match=r"counties\.cpg"):
        refuse_inputs([tmp_path / "counties.cpg"], family)
    refuse_inputs([tmp_path / "other.dbf"], family)  # another shapefile's: not an input


def test_output_inside_an_input_folder_is_refused(tmp_path):
    gdb = tmp_path / "regions.gdb"
    gdb.mkdir()
    with pytest.raises(OutputExistsError, match="inside the input folder"):
        refuse_inputs([gdb / "a000001.gdbtable"], [gdb])


def test_write_frame_refuses_its_source(tmp_path):
    table = tmp_path / "t.csv"
    shutil.copy(DEMO_TABLE, table)
    frame = pd.read_csv(table)
    with pytest.raises(OutputExistsError, match="would replace the input"):
        write_frame(frame, tmp_path / "." / "t.csv", overwrite=True, inputs=[table])
    assert table.read_bytes() == DEMO_TABLE.read_bytes()
    write_frame(frame, tmp_path / "copy.csv", overwrite=False, inputs=[table])  # elsewhere: fine


def test_an_output_that_is_a_folder_is_refused(tmp_path):
    (tmp_path / "atlas.html").mkdir()
    (tmp_path / "atlas.html" / "keep.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(OutputExistsError, match="is a folder"):
        with staged_outputs({"atlas": tmp_path / "atlas.html"}, overwrite=True):
            pass
    assert (tmp_path / "atlas.html" / "keep.txt").is_file()


# --- all at once, or not at all -----------------------------------------------------------

def targets_in(folder):
    return {kind: folder / name for kind, name in OUTPUT_FILES.items()}


def test_a_failed_rename_puts_every_old_output_back(tmp_path, monkeypatch):
    targets = targets_in(tmp_path)
    for path in targets.values():
        path.write_text("old", encoding="utf-8")
    real_replace, calls = os.replace, []

    def failing(source, destination):
        calls.append(destination)
        if len(calls) == 6:  # half-way through: three old files moved out, two new moved in
            raise OSError(28, "No space left on device", str(destination))
        return real_replace(source, destination)

    monkeypatch.setattr(output.os, "replace", failing)
    with pytest.raises(OSError, match="No space left"):
        with staged_outputs(targets, overwrite=True) as staged:
            for path in staged.values():
                path.write_text("new", encoding="utf-8")
    assert {p.read_text(encoding="utf-8") for p in targets.values()} == {"old"}
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(OUTPUT_FILES.values())


def test_a_failure_while_writing_leaves_the_folder_as_it_was(tmp_path):
    (tmp_path / "mine.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(RuntimeError):
        with staged_outputs(targets_in(tmp_path)) as staged:
            staged["atlas"].write_text("partial", encoding="utf-8")
            raise RuntimeError("stop")
    assert [p.name for p in tmp_path.iterdir()] == ["mine.txt"]


def test_atomic_path_cleans_its_temporary_file_on_failure(tmp_path):
    with pytest.raises(RuntimeError):
        with atomic_path(tmp_path / "a.gpkg") as tmp:
            tmp.write_text("partial", encoding="utf-8")
            Path(f"{tmp}-journal").write_text("x", encoding="utf-8")
            raise RuntimeError("stop")
    assert list(tmp_path.iterdir()) == []


# --- stale temporary names ------------------------------------------------------------------

def dead_pid():
    process = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                             capture_output=True, text=True, check=True)
    return int(process.stdout)


def test_stale_staging_folders_and_temporary_files_are_removed(tmp_path):
    gone = dead_pid()
    stale_dir = tmp_path / f".geodisparity-staging-{HOST}-{gone}-0123456789ab"
    stale_dir.mkdir()
    (stale_dir / "atlas.html").write_text("half", encoding="utf-8")
    stale_file = tmp_path / f".geodisparity-tmp-{HOST}-{gone}-0123456789ab.csv"
    stale_file.write_text("half", encoding="utf-8")
    live = tmp_path / f".geodisparity-staging-{HOST}-{os.getpid()}-0123456789ab"
    live.mkdir()
    elsewhere = tmp_path / ".geodisparity-staging-otherhost-1-0123456789ab"
    elsewhere.mkdir()
    old_elsewhere = tmp_path / ".geodisparity-staging-otherhost-2-0123456789ab"
    old_elsewhere.mkdir()
    past = time.time() - STALE_AFTER - 60
    os.utime(old_elsewhere, (past, past))
    legacy = tmp_path / ".staging-0123456789ab"
    legacy.mkdir()
    os.utime(legacy, (past, past))
    victim = tmp_path / "precious"
    victim.mkdir()
    (victim / "data.csv").write_text("keep", encoding="utf-8")
    trap = tmp_path / f".geodisparity-staging-{HOST}-{gone}-ba9876543210"
    trap.symlink_to(victim)  # a planted link: never followed
    unrelated = tmp_path / ".staging-notours"
    unrelated.mkdir()

    removed = remove_stale(tmp_path)

    assert set(removed) == {stale_dir, stale_file, old_elsewhere, legacy}
    assert live.is_dir() and elsewhere.is_dir() and unrelated.is_dir()
    assert trap.is_symlink() and (victim / "data.csv").is_file()


def test_the_next_run_removes_a_stale_staging_folder(tmp_path):
    config = study_in(tmp_path)
    out = tmp_path / "out"
    stale = out / f".geodisparity-staging-{HOST}-{dead_pid()}-0123456789ab"
    stale.mkdir(parents=True)
    (stale / "report.html").write_text("half", encoding="utf-8")
    run_pipeline(load_config(config), output=out)
    assert sorted(p.name for p in out.iterdir()) == sorted(OUTPUT_FILES.values())


# --- killed mid-run -------------------------------------------------------------------------

@pytest.mark.slow
@pytest.mark.skipif(os.name != "posix", reason="POSIX signals")
@pytest.mark.parametrize(("signum", "status", "word"), [
    (signal.SIGTERM, 143, "terminated"),
    (signal.SIGINT, 130, "interrupted"),
])
def test_a_killed_run_removes_its_staging_folder(tmp_path, signum, status, word):
    out = tmp_path / "out"
    process = subprocess.Popen(
        [sys.executable, "-m", "geodisparity.cli", "run", str(DEMO_CONFIG), "-o", str(out)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        deadline = time.monotonic() + 120
        while not list(out.glob(".geodisparity-staging-*")):
            assert process.poll() is None, process.communicate()
            assert time.monotonic() < deadline, "the run never started staging"
            time.sleep(0.02)
        process.send_signal(signum)
        _, stderr = process.communicate(timeout=120)
    finally:
        process.kill()
    # A shell reports 128 + 2 = 130 for both: CPython sometimes ends a process whose Ctrl-C
    # was handled by re-sending SIGINT to itself (its exit_sigint, seen with strace when the
    # interrupt lands inside code run through PyRun_*), which Popen shows as -2.
    accepted = {status, -signum} if signum == signal.SIGINT else {status}
    assert process.returncode in accepted, stderr
    assert stderr.strip().splitlines()[-1] == (
        f"Error: {word}; no output was written or replaced"
    )
    assert "Traceback" not in stderr
    assert list(out.iterdir()) == []
