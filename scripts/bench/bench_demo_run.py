"""Benchmark: ``geodisparity run examples/zhejiang_demo.toml``, this checkout vs another.

Runs the demo study end to end in a fresh interpreter, alternating between
this checkout and a reference checkout (e.g. a ``git worktree`` of an older
commit), so that both see the same machine load. Reports the median wall and
user+system CPU time of each side and their ratio. CPU time is less sensitive
than wall time to other processes on a shared machine; on a loaded machine
the minima are the steadier figures, so they are reported too.

Each side first runs once untimed, with bytecode caching on
(``PYTHONDONTWRITEBYTECODE`` is removed from the children's environment), so
that both are timed as an installed package runs: from compiled ``.pyc``
files, not recompiling every module at each start.

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


def child_environment(checkout: Path) -> dict[str, str]:
    """This environment, importing from ``checkout``, with bytecode caching on."""
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    return {**env, "PYTHONPATH": str(checkout)}


def one_run(checkout: Path) -> tuple[float, float]:
    """Run the demo once from ``checkout``; return (wall, user + system CPU) seconds."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    with tempfile.TemporaryDirectory() as out:
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "geodisparity.cli", "run", "examples/zhejiang_demo.toml",
             "-o", out, "--overwrite"],
            cwd=checkout, check=True, capture_output=True,
            env=child_environment(checkout),
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
    load_before = os.getloadavg()[0]
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in sides}
    for checkout in sides.values():
        one_run(checkout)  # writes the bytecode caches; not timed
    for _ in range(args.repeat):
        for name, checkout in sides.items():
            times[name].append(one_run(checkout))
    result = {}
    for name, runs in times.items():
        result[name] = {"wall_median": statistics.median(w for w, _ in runs),
                        "cpu_median": statistics.median(c for _, c in runs),
                        "wall_min": min(w for w, _ in runs),
                        "cpu_min": min(c for _, c in runs),
                        "wall": [round(w, 2) for w, _ in runs],
                        "cpu": [round(c, 2) for _, c in runs]}
    ours, ref = result["this checkout"], result["reference"]
    result["ratio"] = {"wall": ours["wall_median"] / ref["wall_median"],
                       "cpu": ours["cpu_median"] / ref["cpu_median"],
                       "wall_min": ours["wall_min"] / ref["wall_min"],
                       "cpu_min": ours["cpu_min"] / ref["cpu_min"]}
    print(f"1-minute load average: {load_before:.2f} before, {os.getloadavg()[0]:.2f} after "
          f"({os.cpu_count()} CPUs)")
    print(f"{'side':<15}{'wall (median)':>15}{'cpu (median)':>15}{'wall (min)':>12}"
          f"{'cpu (min)':>11}  runs (wall)")
    for name in sides:
        r = result[name]
        print(f"{name:<15}{r['wall_median']:>14.2f}s{r['cpu_median']:>14.2f}s"
              f"{r['wall_min']:>11.2f}s{r['cpu_min']:>10.2f}s  {r['wall']}")
    ratio = result["ratio"]
    print(f"ratio this/reference: median wall {ratio['wall']:.2f}, cpu {ratio['cpu']:.2f}; "
          f"minimum wall {ratio['wall_min']:.2f}, cpu {ratio['cpu_min']:.2f}")
    if args.json:
        args.json.write_text(json.dumps(result, indent=2), encoding="utf-8")
    return result


if __name__ == "__main__":
    main()
