"""The course-wide run: every lecture and solution notebook, headless, timed.

Each notebook is built fresh from its jupytext source and executed in a new kernel (wall time
from kernel start to the last cell; and the kernel's peak memory). Target on a 2-core CPU:
every notebook <= 60 s, the whole course <= 10 minutes. From the course folder (or
``python3 course.py run``):

    .venv/bin/python benchmarks/course_run.py                       # timing table
    .venv/bin/python benchmarks/course_run.py --float-path default  # as another CPU rounds
    .venv/bin/python benchmarks/course_run.py --float-path all --jobs 2 --save

Without ``--float-path`` the notebooks run one after another on this CPU's own path and the
timings are saved in benchmarks/results/course_run.md. With ``--float-path`` (a name of
``gancourse.floatpaths.FLOAT_PATHS``, a comma-separated list, or ``all``) every notebook runs
under each path, ``--jobs`` at a time; the run exits with 1 if any notebook fails, and
``--save`` writes benchmarks/results/float_paths.md: notebook x path, pass or fail, and how
many printed numbers moved against the native path (with examples).
"""

from __future__ import annotations

import argparse
import sys
from concurrent.futures import ProcessPoolExecutor

from common import save_table

from gancourse.floatpaths import FLOAT_PATHS, current_float_path, resolve_float_paths
from gancourse.publish import moved_numbers, notebook_sources, try_notebook

LIMIT_S, TOTAL_LIMIT_S = 60.0, 600.0


def timing_run() -> int:
    rows, total, over, failed, peaks = [], 0.0, [], [], []
    for source in notebook_sources("lectures", "solutions"):
        name = f"{source.parent.name}/{source.name}"
        print(f"running {name} ...", flush=True)
        report = try_notebook(source)
        seconds = report["seconds"]
        total += seconds
        if not report["ok"]:
            failed.append(name)
            print(f"  FAILED: {report['error']}", flush=True)
        if seconds > LIMIT_S:
            over.append(name)
        peak = report["peak_mib"]
        peaks.append(peak or 0.0)
        rows.append([name, f"{seconds:.1f}" + ("" if report["ok"] else " (failed)"),
                     "yes" if seconds <= LIMIT_S else "**no**",
                     "" if peak is None else f"{peak:.0f}"])
    rows.append(["**total**", f"**{total:.1f}**", "yes" if total <= TOTAL_LIMIT_S else "**no**",
                 f"**{max(peaks):.0f}** (largest)"])
    save_table("course_run", "Course-wide run: every lecture and solution notebook",
               ["notebook", "seconds (wall, incl. kernel start)", "within target",
                "kernel's peak memory (MiB)"], rows,
               notes=f"Targets: each notebook <= {LIMIT_S:.0f} s, the course <= "
                     f"{TOTAL_LIMIT_S / 60:.0f} minutes. Notebooks run one after another, "
                     "each in a fresh kernel. Peak memory: the kernel's peak resident set "
                     "(ru_maxrss) plus its largest child process's, read by a cell run after "
                     "the last (gancourse.publish.execute); Binder gives about 2 GB to the "
                     "kernel and the Jupyter server together.")
    if over or total > TOTAL_LIMIT_S:
        print(f"over the target: {', '.join(over) or 'the total'}", file=sys.stderr)
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


def float_path_run(paths: list[str], jobs: int, save: bool) -> int:
    sources = notebook_sources("lectures", "solutions")
    tasks = [(source, path) for path in paths for source in sources]
    print(f"{len(sources)} notebooks x float paths {', '.join(paths)}, {jobs} at a time "
          f"(this process: {current_float_path()})", flush=True)
    reports = {}
    for path in paths:
        # A path with t torch threads per kernel runs jobs // t kernels at a time: more threads
        # than cores make small products spin and wait (threads2 took minutes per notebook).
        threads = int(FLOAT_PATHS[path].get("GANCOURSE_THREADS", "1"))
        with ProcessPoolExecutor(max_workers=max(1, jobs // threads)) as pool:
            futures = {pool.submit(try_notebook, source, path): source for source in sources}
            for future, source in futures.items():
                report = future.result()
                reports[source, path] = report
                verdict = "ok" if report["ok"] else f"FAILED: {report['error']}"
                print(f"  [{path}] {report['name']}: {report['seconds']:.1f} s, {verdict}",
                      flush=True)
    rows = []
    for source in sources:
        base = reports.get((source, "native"))
        for path in paths:
            r = reports[source, path]
            if not r["ok"]:
                moved = r["error"].replace("|", "\\|")
            elif base is None or path == "native" or not base["ok"]:
                moved = "-"
            else:
                count, examples = moved_numbers(base["printed"], r["printed"])
                moved = f"{count}" + (f" ({'; '.join(examples)})" if examples else "")
            rows.append([r["name"], path, "pass" if r["ok"] else "**FAIL**",
                         f"{r['seconds']:.1f}", moved])
    failed = [f"{r['name']} [{r['float_path']}]" for r in reports.values() if not r["ok"]]
    if save:
        env = "; ".join(f"`{name}`: " + (" ".join(f"{k}={v}" for k, v in env.items())
                                         or "as the CPU selects")
                        for name, env in FLOAT_PATHS.items() if name in paths)
        save_table("float_paths", "Every lecture and solution notebook on each float path",
                   ["notebook", "float path", "result", "seconds",
                    "printed numbers that moved against native (examples)"], rows,
                   notes=f"Paths: {env}. A moved number is one printed by the same cell with "
                         "other digits; a training run's end point moves on every path, the "
                         "asserted claims (about methods, over seeds) must not.")
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
    print(f"notebook runs: {len(tasks) - len(failed)} passed, {len(failed)} failed")
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Execute every lecture and solution notebook headless: a timing table, "
                    "or a check under other CPUs' floating-point paths.")
    parser.add_argument("--float-path", metavar="PATHS",
                        help=f"run under these float paths: one of {', '.join(FLOAT_PATHS)}, "
                             "a comma-separated list, or 'all' (default: the timing run)")
    parser.add_argument("--jobs", type=int, default=1,
                        help="notebooks at a time with --float-path (default: 1)")
    parser.add_argument("--save", action="store_true",
                        help="with --float-path: save benchmarks/results/float_paths.md")
    args = parser.parse_args(argv)
    if args.jobs < 1:
        parser.error(f"--jobs must be a whole number >= 1, got {args.jobs}")
    if args.float_path is None:
        if args.save:
            parser.error("--save needs --float-path (the timing run always saves)")
        return timing_run()
    try:
        paths = resolve_float_paths(args.float_path)
    except ValueError as err:
        parser.error(str(err).replace("float_path", "--float-path"))
    return float_path_run(paths, args.jobs, args.save)


if __name__ == "__main__":
    sys.exit(main())
