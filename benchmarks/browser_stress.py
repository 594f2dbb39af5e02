"""The real-browser test under load: run tests/test_browser.py N times while both cores are busy.

The load is the course itself: every lecture and solution notebook executed headless, two at a
time (``benchmarks/course_run.py --float-path native --jobs 2``), started again whenever it
ends, so both cores stay busy for the whole stress run. Run from the repository root:

    .venv/bin/python benchmarks/browser_stress.py            # 10 runs
    .venv/bin/python benchmarks/browser_stress.py --runs 3

Results: benchmarks/results/browser_stress.md (one row per run: passed or failed, seconds).
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from common import save_table

ROOT = Path(__file__).resolve().parents[1]


def keep_busy(stop: threading.Event) -> None:
    """Run the course two notebooks at a time, again and again, until ``stop`` is set."""
    while not stop.is_set():
        load = subprocess.Popen([sys.executable, str(ROOT / "benchmarks" / "course_run.py"),
                                 "--float-path", "native", "--jobs", "2"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                cwd=ROOT, start_new_session=True)
        while load.poll() is None:
            if stop.wait(1.0):
                os.killpg(load.pid, signal.SIGKILL)
                load.wait()
                return


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    stop = threading.Event()
    loader = threading.Thread(target=keep_busy, args=(stop,), daemon=True)
    loader.start()
    time.sleep(20)  # let the load get going (kernels started, training under way)
    rows, passed = [], 0
    try:
        for run in range(1, args.runs + 1):
            start = time.perf_counter()
            proc = subprocess.run([sys.executable, "-m", "pytest",
                                   "tests/test_browser.py::test_run_a_lecture_and_move_a_slider",
                                   "-q", "-p", "no:cacheprovider", "-n", "0"],
                                  cwd=ROOT, capture_output=True, text=True)
            seconds = time.perf_counter() - start
            tail = proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else ""
            ok = proc.returncode == 0 and "1 passed" in tail
            passed += ok
            print(f"run {run}: {'passed' if ok else 'FAILED'} in {seconds:.0f} s ({tail})",
                  flush=True)
            if not ok:
                print(proc.stdout[-3000:], proc.stderr[-2000:], sep="\n")
            rows.append([run, "passed" if ok else "**failed**", f"{seconds:.0f}", tail])
    finally:
        stop.set()
        loader.join()
    save_table("browser_stress", "The real-browser test with both cores busy",
               ["run", "result", "seconds", "pytest's last line"], rows,
               notes=f"{passed} of {len(rows)} passed. Load: benchmarks/course_run.py "
                     "--float-path native --jobs 2, restarted whenever it ended.")
    return 0 if passed == len(rows) else 1


if __name__ == "__main__":
    sys.exit(main())
