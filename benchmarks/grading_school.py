"""Grading a school: 300 generated submissions spread over every lecture, graded with
``--jobs 2`` and again as 3 shards merged, timing each and measuring memory.

Each student hands in one lecture's exercises (student i: lecture i mod 9). For every graded
function a seeded coin decides whether the student solved it (60 %), left the stub (25 %) or
returned None (15 %), so the class spans every score and every experiment trains as often as
in a real class. Two ways to grade the same class, lecture by lecture, as a teacher would:

* ``--jobs 2``: one ``gancourse grade`` per lecture with two submissions at a time;
* 3 shards: per lecture, three ``gancourse grade --shard i/3`` processes at once (the README's
  ``xargs -P 3`` line), then ``gancourse merge``.

Measured: wall time of each command; the peak resident memory of every submission's process
(the grader's own measure, results.json's ``extra_data``); the peak of the grader's processes
(``wait4``'s ``ru_maxrss``: the larger of ``gancourse grade`` and its fork server); and the
machine's memory in use above idle during the run (``MemAvailable``, sampled every 0.2 s).
The merged shards must give every student the total that ``--jobs 2`` gives. Run alone, from
the repository root (about an hour on a 2-core CPU):

    .venv/bin/python benchmarks/grading_school.py
    .venv/bin/python benchmarks/grading_school.py --n 18 --no-save   # a quick try
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

from common import save_table
from gancourse.grading.generate import BEGIN, STUB, make_exercise

ROOT = Path(__file__).resolve().parents[1]

WRONG = "return None  # a wrong answer"
MEMORY_LIMIT_MB = 4096  # gancourse grade's default --memory-mb


def student_text(solution: str, rng: np.random.Generator) -> str:
    """A student's notebook: each graded function solved, left as the stub, or wrong."""
    regions = sum(bool(BEGIN.match(line)) for line in solution.splitlines())
    fate = rng.choice(["solved", "stub", "wrong"], size=regions, p=[0.6, 0.25, 0.15])
    text = make_exercise(solution, solved={i for i in range(regions) if fate[i] == "solved"})
    pieces = text.split(STUB)
    unsolved = [f for f in fate if f != "solved"]
    assert len(pieces) == len(unsolved) + 1
    out = pieces[0]
    for f, piece in zip(unsolved, pieces[1:]):
        out += (WRONG if f == "wrong" else STUB) + piece
    return out


def make_school(folder: Path, n: int, seed: int) -> dict[str, Path]:
    """``n`` submissions over every lecture: {lecture: its folder of student folders}."""
    rng = np.random.default_rng(seed)
    solutions = sorted((ROOT / "solutions").glob("[0-9]*.py"))
    texts = {s: s.read_text(encoding="utf-8") for s in solutions}
    lectures = {}
    for i in range(n):
        solution = solutions[i % len(solutions)]
        lecture_dir = folder / solution.stem
        lectures[solution.stem[:2]] = lecture_dir
        student = lecture_dir / f"student{i:03d}"
        student.mkdir(parents=True)
        (student / solution.name).write_text(student_text(texts[solution], rng),
                                             encoding="utf-8")
    return lectures


class MemoryWatch:
    """The machine's memory in use above its level at the start, sampled from MemAvailable."""

    def __init__(self, every: float = 0.2):
        self.every, self.peak_mb, self._stop = every, 0.0, threading.Event()
        self.start_mb = self._available()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    @staticmethod
    def _available() -> float:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) / 1024
        raise RuntimeError("no MemAvailable in /proc/meminfo")

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            self.peak_mb = max(self.peak_mb, self.start_mb - self._available())

    def stop(self) -> float:
        self._stop.set()
        self._thread.join()
        return self.peak_mb


def run_all(commands: list[list[str]], log: Path) -> tuple[float, float]:
    """Run ``commands`` at once; (wall seconds, largest ru_maxrss in MB of their trees)."""
    log.parent.mkdir(parents=True, exist_ok=True)
    logs = [log.parent / f"{log.name}.{k}.log" for k in range(len(commands))]
    start = time.perf_counter()
    procs = []
    for cmd, path in zip(commands, logs):
        with path.open("w") as out:
            procs.append(subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT))
    peak = 0.0
    for proc, cmd, path in zip(procs, commands, logs):
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            sys.exit(f"{' '.join(cmd)} failed:\n{path.read_text()[-3000:]}")
        peak = max(peak, usage.ru_maxrss / 1024)
    return time.perf_counter() - start, peak


def read_grades(out: Path) -> tuple[dict[str, float], list[float]]:
    """{student: total} from a gradebook, and each submission's measured peak memory."""
    with (out / "gradebook.csv").open(newline="", encoding="utf-8") as f:
        totals = {r["student"]: float(r["total"]) for r in csv.DictReader(f)}
    peaks = []
    for path in out.glob("*/results.json"):
        extra = json.loads(path.read_text(encoding="utf-8")).get("extra_data", {})
        if "peak_memory_mb" in extra:
            peaks.append(float(extra["peak_memory_mb"]))
    return totals, peaks


def grade_school(lectures: dict[str, Path], work: Path, how: str) -> dict:
    """Grade every lecture one way ("jobs2" or "shards3"); per lecture and overall figures."""
    gancourse = [sys.executable, "-m", "gancourse"]
    per_lecture, watch = {}, MemoryWatch()
    for lecture, subs in sorted(lectures.items()):
        out = work / how / lecture
        if how == "jobs2":
            wall, grader = run_all([[*gancourse, "grade", str(subs), "--out", str(out),
                                     "--jobs", "2"]], out.parent / lecture)
        else:
            shards = [out.parent / f"{lecture}-shard{i}" for i in (1, 2, 3)]
            wall, grader = run_all([[*gancourse, "grade", str(subs), "--lecture", lecture,
                                     "--shard", f"{i}/3", "--out", str(s)]
                                    for i, s in zip((1, 2, 3), shards)], out.parent / lecture)
            merge, _ = run_all([[*gancourse, "merge", *map(str, shards), "--out", str(out)]],
                               out.parent / f"{lecture}-merge")
            wall += merge
        totals, peaks = read_grades(out)
        per_lecture[lecture] = {"wall": wall, "grader": grader, "totals": totals,
                                "peaks": peaks}
        print(f"{how} lecture {lecture}: {len(totals)} graded in {wall:.1f} s, submission "
              f"peak {max(peaks, default=0):.0f} MB, grader {grader:.0f} MB", flush=True)
    return {"lectures": per_lecture, "machine_peak": watch.stop()}


def compare(runs: dict, work: Path) -> list[str]:
    """The students whose total differs between the two ways, each with what their two
    feedbacks say differently."""
    differ = []
    for lec, a in runs["jobs2"]["lectures"].items():
        b = runs["shards3"]["lectures"][lec]["totals"]
        for student, total in a["totals"].items():
            if b.get(student) != total:
                differ.append(f"lecture {lec} {student}: --jobs 2 {total:g}, shards "
                              f"{b.get(student)}")
                one, two = (set((work / how / lec / student / "feedback.txt").read_text(
                    encoding="utf-8").splitlines()) for how in ("jobs2", "shards3"))
                differ += [f"    --jobs 2: {line}" for line in sorted(one - two)]
                differ += [f"    shards:   {line}" for line in sorted(two - one)]
    print("\n".join(differ) or "Every student has the same total both ways.")
    return differ


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=300, help="number of submissions")
    parser.add_argument("--seed", type=int, default=0, help="seed of the generated class")
    parser.add_argument("--no-save", action="store_true", help="print, do not save the tables")
    parser.add_argument("--lectures", nargs="+", metavar="NN",
                        help="grade only these lectures' part of the class (implies --no-save)")
    parser.add_argument("--keep", type=Path, metavar="DIR",
                        help="work in DIR (new) and keep the class and the grades there")
    args = parser.parse_args()
    if args.n < 9:
        parser.error(f"--n must be at least 9 (one per lecture), got {args.n}")
    if args.keep is not None and args.keep.exists():
        parser.error(f"--keep {args.keep} exists: give a new folder")
    with tempfile.TemporaryDirectory(prefix="grading-school-") as tmp:
        work = args.keep or Path(tmp)
        lectures = make_school(work / "submissions", args.n, args.seed)
        if args.lectures:
            lectures = {k: v for k, v in lectures.items() if k in args.lectures}
            args.no_save = True
        handed_in = sum(len(list(d.iterdir())) for d in lectures.values())
        runs = {how: grade_school(lectures, work, how) for how in ("jobs2", "shards3")}
        differ = compare(runs, work)
    agree = not differ
    rows = []
    for how, label in (("jobs2", "`--jobs 2`"), ("shards3", "3 shards at once, merged")):
        per = runs[how]["lectures"].values()
        peaks = [p for lec in per for p in lec["peaks"]]
        graded = sum(len(lec["totals"]) for lec in per)
        wall = sum(lec["wall"] for lec in per)
        assert graded == len(peaks) == handed_in, (graded, len(peaks), handed_in)
        assert max(peaks) < MEMORY_LIMIT_MB
        rows.append([label, graded, f"{wall:.0f}", f"{wall / graded:.2f}",
                     f"{statistics.median(peaks):.0f}", f"{max(peaks):.0f}",
                     f"{max(lec['grader'] for lec in per):.0f}",
                     f"{runs[how]['machine_peak']:.0f}", "yes" if agree else "NO"])
    lecture_rows = []
    for lec in sorted(lectures):
        a, b = runs["jobs2"]["lectures"][lec], runs["shards3"]["lectures"][lec]
        totals = list(a["totals"].values())
        lecture_rows.append([lec, len(totals), f"{statistics.mean(totals):.1f}",
                             f"{min(totals):g}-{max(totals):g}", f"{a['wall']:.0f}",
                             f"{b['wall']:.0f}", f"{max(a['peaks']):.0f}",
                             f"{max(b['peaks']):.0f}"])
    header = ["grading", "submissions", "wall s", "s per submission",
              "submission peak MB (median)", "submission peak MB (max)",
              "grader peak MB", "machine peak above idle MB", "same totals"]
    notes = (f"{args.n} generated submissions (seed {args.seed}) over lectures 01-09; for each "
             "graded function a student solved it (60 %), left the stub (25 %) or returned "
             "None (15 %). Lectures are graded one after another; wall time is the sum of "
             "the `gancourse grade` (and `merge`) commands, start-up included. Submission "
             "peak: the peak resident memory of a submission's process (VmHWM, counting the "
             "pages it shares with the fork server), bounded by `--memory-mb` "
             f"({MEMORY_LIMIT_MB} MB of address space, the default). Grader peak: the larger "
             "of `gancourse grade` and its fork server. Machine peak: MemTotal in use above "
             "the level at the start, from MemAvailable every 0.2 s, every process of the run "
             "together. Same totals: the merged shards give every student the total of "
             "`--jobs 2`.")
    if args.no_save:
        print(header, *rows, *lecture_rows, sep="\n")
        return
    save_table("grading_school", "Grading a school: 300 submissions over every lecture",
               header, rows, notes=notes)
    save_table("grading_school_lectures", "Grading a school, lecture by lecture",
               ["lecture", "submissions", "mean total", "totals", "wall s --jobs 2",
                "wall s 3 shards", "submission peak MB --jobs 2",
                "submission peak MB 3 shards"], lecture_rows,
               notes="The same run as grading_school.md, per lecture.")


if __name__ == "__main__":
    main()
