"""How long does grading a class take? Grades N submissions of lecture 01's exercises.

The class is a third correct solutions, a third untouched exercises and a third with one wrong
function, made from the solution notebook. Run from the repository root:

    .venv/bin/python benchmarks/grading.py            # 30 submissions, --jobs 1 and 2
    .venv/bin/python benchmarks/grading.py --n 60 --jobs 2
"""

from __future__ import annotations

import argparse
import csv
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import save_table

ROOT = Path(__file__).resolve().parents[1]


def make_class(folder: Path, n: int) -> None:
    solution = (ROOT / "solutions" / "01_mle_and_kl.py").read_text()
    exercise = (ROOT / "exercises" / "01_mle_and_kl.py").read_text()
    wrong = solution.replace("return float(np.sum(p[support] * np.log(p[support] / q[support])))",
                             "return float(np.sum(p * np.log2(p / q)))")
    assert wrong != solution
    for i in range(n):
        text = (solution, exercise, wrong)[i % 3]
        (folder / f"student{i:03d}.py").write_text(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=30, help="number of submissions")
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args()
    rows = []
    for jobs in args.jobs:
        with tempfile.TemporaryDirectory() as tmp:
            subs, out = Path(tmp) / "subs", Path(tmp) / "out"
            subs.mkdir()
            make_class(subs, args.n)
            start = time.perf_counter()
            proc = subprocess.run([sys.executable, "-m", "gancourse", "grade", str(subs),
                                   "--out", str(out), "--jobs", str(jobs)],
                                  capture_output=True, text=True)
            seconds = time.perf_counter() - start
            if proc.returncode != 0:
                sys.exit(proc.stderr)
            with (out / "gradebook.csv").open() as f:
                totals = sorted({float(r["total"]) for r in csv.DictReader(f)})
        rows.append([args.n, jobs, f"{seconds:.1f}", f"{seconds / args.n:.2f}",
                     ", ".join(f"{t:g}" for t in totals)])
    save_table("grading", "Grading a class (lecture 01 exercises)",
               ["submissions", "jobs", "wall seconds", "seconds per submission",
                "distinct totals"], rows,
               notes="Wall time of the whole `gancourse grade` command, start-up included. "
                     "Target: 30 submissions in at most 60 s with --jobs 2 on a 2-core CPU.")


if __name__ == "__main__":
    main()
