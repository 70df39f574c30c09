"""Benchmark: ``geodisparity run examples/zhejiang_demo.toml``, this checkout vs another.

Runs the demo study end to end in a fresh interpreter, alternating between
this checkout and a reference checkout (e.g. a ``git worktree`` of an older
commit), so that both see the same machine load. Reports the median wall and
user+system CPU time of each side and their ratio. CPU time is less sensitive
than wall time to other processes on a shared machine.

Usage::

    git worktree add /tmp/gd-base d07a719
    python scripts/bench/bench_demo_run.py --reference /tmp/gd-base [--repeat 5] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parents[2]


def one_run(checkout: Path) -> tuple[float, float]:
    """Run the demo once from ``checkout``; return (wall, user + system CPU) seconds."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    with tempfile.TemporaryDirectory() as out:
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "geodisparity.cli", "run", "examples/zhejiang_demo.toml",
             "-o", out, "--overwrite"],
            cwd=checkout, check=True, capture_output=True,
            env={**os.environ, "PYTHONPATH": str(checkout)},
        )
        wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reference", type=Path, required=True,
                        help="checkout to compare against (e.g. a worktree of d07a719)")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    sides = {"this checkout": HERE, "reference": args.reference.resolve()}
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in sides}
    for _ in range(args.repeat):
        for name, checkout in sides.items():
            times[name].append(one_run(checkout))
    result = {}
    for name, runs in times.items():
        result[name] = {"wall_median": statistics.median(w for w, _ in runs),
                        "cpu_median": statistics.median(c for _, c in runs),
                        "wall": [round(w, 2) for w, _ in runs],
                        "cpu": [round(c, 2) for _, c in runs]}
    ours, ref = result["this checkout"], result["reference"]
    result["ratio"] = {"wall": ours["wall_median"] / ref["wall_median"],
                       "cpu": ours["cpu_median"] / ref["cpu_median"]}
    print(f"{'side':<15}{'wall (median)':>15}{'cpu (median)':>15}  runs (wall)")
    for name in sides:
        r = result[name]
        print(f"{name:<15}{r['wall_median']:>14.2f}s{r['cpu_median']:>14.2f}s  {r['wall']}")
    print(f"ratio this/reference: wall {result['ratio']['wall']:.2f}, "
          f"cpu {result['ratio']['cpu']:.2f}")
    if args.json:
        args.json.write_text(json.dumps(result, indent=2), encoding="utf-8")
    return result


if __name__ == "__main__":
    main()
