"""The collapse family of lectures 04 and 05 on the ring: 5 methods x 5 seeds x float paths.

Each method of gancourse.experiments' collapse family (the same small networks, 2000 generator
steps, one schedule; each variant changes one thing) is trained for 5 seeds with
``run_collapse(..., watch=True)``, on each floating-point path, every path in its own process
(gancourse.floatpaths). A claim of lecture 04 or 05 about these runs must hold on every seed and
every path. Run from the repository root (about 25 minutes with the 5 paths, 2 at a time):

    .venv/bin/python benchmarks/collapse.py                    # every path, 2 processes
    .venv/bin/python benchmarks/collapse.py --float-path native --seeds 2

Results: benchmarks/results/collapse.md (a table) and gancourse/data/collapse.json (every run,
with its W1 and critic series; package data), which lecture 05 loads.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from common import DATA, machine, save_table

from gancourse.experiments import COLLAPSE_SCHEDULE, DEMOS, METHODS
from gancourse.floatpaths import FLOAT_PATHS, float_path_env, resolve_float_paths


def one_path(seeds: int) -> list[dict]:
    """Every method x seed in this process (its float path was set by the parent)."""
    from gancourse import limit_cpu_threads
    from gancourse.experiments import run_collapse
    from gancourse.floatpaths import current_float_path

    limit_cpu_threads()  # GANCOURSE_THREADS, as set by the float path (default 1)
    runs = []
    for method in DEMOS:
        for seed in range(seeds):
            _, summary = run_collapse(method, seed, watch=True, device="cpu")
            summary["float_path_detail"] = current_float_path()
            runs.append(summary)
            print(f"    {method} seed {seed}: {summary['modes_captured']} modes, "
                  f"{100 * summary['high_quality']:.1f}% HQ, {summary['seconds']:.1f} s",
                  file=sys.stderr, flush=True)
    return runs


def run_path(name: str, seeds: int) -> list[dict]:
    env = float_path_env(name, dict(os.environ))
    out = subprocess.run([sys.executable, __file__, "--child", str(seeds)], env=env,
                         stdout=subprocess.PIPE, check=True, text=True)
    runs = json.loads(out.stdout)
    for run in runs:
        run["float_path"] = name
    print(f"{name}: done", flush=True)
    return runs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--float-path", default="all",
                        help=f"paths: one of {', '.join(FLOAT_PATHS)}, a list, or all")
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--jobs", type=int, default=2, help="paths at a time (default 2)")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        print(json.dumps(one_path(args.child)))
        return
    paths = resolve_float_paths(args.float_path)
    with ThreadPoolExecutor(args.jobs) as pool:
        runs = [r for rs in pool.map(lambda p: run_path(p, args.seeds), paths) for r in rs]
    rows = []
    for method in DEMOS:
        for path in paths:
            rs = [r for r in runs if r["method"] == method and r["float_path"] == path]
            rows.append([method, path, " ".join(str(r["modes_captured"]) for r in rs),
                         f"{statistics.mean(100 * r['high_quality'] for r in rs):.1f}",
                         " ".join(f"{r['top2_share']:.2f}" for r in rs),
                         " ".join(str(r["hops"]) for r in rs),
                         f"{statistics.mean(r['seconds'] for r in rs):.1f}"])
    save_table("collapse", "The collapse family on the ring: 5 methods x seeds x float paths",
               ["method", "float path", "modes captured per seed", "mean % high quality",
                "share on the top 2 modes per seed", "hops per seed", "s / run"], rows,
               notes="2000 generator steps, networks of two hidden layers of 64 units, schedule "
                     f"{COLLAPSE_SCHEDULE}; methods: "
                     + "; ".join(f"`{m}`: {METHODS[m].description}" for m in DEMOS)
                     + ". Hops: how often the mode holding most samples changed between "
                       "snapshots 100 steps apart. A run's seconds include the exact W1 every "
                       "100 steps and were taken with two processes side by side.")
    (DATA / "collapse.json").write_text(json.dumps(
        {"machine": machine(), "command": " ".join(["python", *sys.argv]),
         "schedule": COLLAPSE_SCHEDULE, "paths": {p: FLOAT_PATHS[p] for p in paths},
         "runs": runs}, indent=1))
    print(f"saved {Path(DATA / 'collapse.json')}")


if __name__ == "__main__":
    main()
