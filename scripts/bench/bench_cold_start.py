"""Benchmark: cold start of a LISA on the bundled Zhejiang counties, geodisparity vs esda.

Each side runs in a fresh interpreter (``python -c``), as a user's script
would: import, load the 90 bundled counties, build queen weights, run a
999-permutation local Moran. The wall time of the whole subprocess is
reported, plus the stages as timed inside it. esda compiles its numba kernels
on first use in every new process; that is part of its cold start.

Both sides load the counties with ``geodisparity.boundaries.load`` (same file,
same cost), so the difference is imports, weights and the statistic:
geodisparity uses ``geodisparity.contiguity`` and ``geodisparity.local_moran``;
the peer uses ``libpysal.weights.Queen.from_dataframe`` and ``esda.Moran_Local``.

Usage::

    python scripts/bench/bench_cold_start.py [--permutations 999] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time

OURS = """
import time
t0 = time.perf_counter()
import numpy as np
import geodisparity as gd
t1 = time.perf_counter()
counties = gd.boundaries.load("zhejiang/counties")
t2 = time.perf_counter()
weights = gd.contiguity(counties, "queen")
t3 = time.perf_counter()
values = np.random.default_rng(0).standard_normal(len(counties))
out = gd.local_moran(values, weights, permutations={permutations}, seed=1)
t4 = time.perf_counter()
print({{"import": t1 - t0, "load": t2 - t1, "weights": t3 - t2, "lisa": t4 - t3,
        "significant": int(out["significant"].sum())}})
"""

PEER = """
import time, warnings
warnings.simplefilter("ignore")
t0 = time.perf_counter()
import numpy as np
import esda
import libpysal
from geodisparity import boundaries
t1 = time.perf_counter()
counties = boundaries.load("zhejiang/counties")
t2 = time.perf_counter()
weights = libpysal.weights.Queen.from_dataframe(counties, use_index=False)
t3 = time.perf_counter()
values = np.random.default_rng(0).standard_normal(len(counties))
lm = esda.Moran_Local(values, weights, permutations={permutations}, seed=1)
t4 = time.perf_counter()
print({{"import": t1 - t0, "load": t2 - t1, "weights": t3 - t2, "lisa": t4 - t3,
        "significant": int((lm.p_sim <= 0.05).sum())}})
"""


def cold_run(code: str) -> dict:
    """Run ``code`` in a fresh interpreter; return its stage times and total wall time."""
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    total = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"cold run failed:\n{done.stderr[-2000:]}")
    import ast

    stages = ast.literal_eval(done.stdout.strip().splitlines()[-1])
    return {"total": total, **stages}


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--permutations", type=int, default=999)
    parser.add_argument("--skip-esda", action="store_true")
    parser.add_argument("--json", dest="json_path")
    args = parser.parse_args(argv)

    # One untimed interpreter start first, so both sides find the files in the OS cache.
    subprocess.run([sys.executable, "-c", "import geodisparity, numpy, pandas"], check=True)
    results = {"geodisparity": cold_run(OURS.format(permutations=args.permutations))}
    if not args.skip_esda:
        results["esda"] = cold_run(PEER.format(permutations=args.permutations))

    print(f"\nCold start: import + 90 Zhejiang counties + queen weights + LISA "
          f"({args.permutations} permutations), fresh interpreter\n")
    print("| implementation | total wall (s) | import | load | weights | LISA | "
          "significant | slower than geodisparity |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    ours_total = results["geodisparity"]["total"]
    for name, r in results.items():
        ratio = r["total"] / ours_total
        print(f"| {name} | {r['total']:.2f} | {r['import']:.2f} | {r['load']:.2f} | "
              f"{r['weights']:.2f} | {r['lisa']:.2f} | {r['significant']} | {ratio:.1f}x |")
    if args.json_path:
        with open(args.json_path, "w", encoding="utf-8") as handle:
            json.dump(results, handle, indent=2)
    return results


if __name__ == "__main__":
    main()
