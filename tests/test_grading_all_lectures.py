"""Every lecture's solution scores full marks and its untouched exercise scores zero, graded
together as a teacher would grade a class.

This is also the one execution of the exercise and solution notebooks in the test suite
(``course.py test`` executes the lectures with nbval): a cell that raises in a solution, or
raises anything but NotImplementedError in an untouched exercise, fails the test.
"""

from __future__ import annotations

import csv
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from gancourse.grading import load_registry

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS = sorted((ROOT / "solutions").glob("[0-9]*.py"))


@pytest.mark.slow
def test_solutions_full_marks_exercises_zero(tmp_path):
    subs = tmp_path / "class"
    for solution in SOLUTIONS:
        lecture = solution.stem[:2]
        for kind, source in (("solution", solution), ("exercise", ROOT / "exercises" /
                                                      solution.name)):
            folder = subs / f"{kind}{lecture}"
            folder.mkdir(parents=True)
            shutil.copy(source, folder / source.name)  # alice/01_topic.py layout
    proc = subprocess.run([sys.executable, "-m", "gancourse", "grade", str(subs), "--out",
                           str(tmp_path / "out"), "--jobs", "2"],
                          capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr
    with (tmp_path / "out" / "gradebook.csv").open() as f:
        rows = {r["student"]: r for r in csv.DictReader(f)}
    registry = load_registry()
    assert len(rows) == 2 * len(SOLUTIONS) >= 6
    for solution in SOLUTIONS:
        lecture = solution.stem[:2]
        exercises = registry.for_lecture(lecture)
        assert 3 <= len(exercises) <= 6, f"lecture {lecture} has {len(exercises)} exercises"
        full = sum(ex.points for ex in exercises)
        sol, ex = rows[f"solution{lecture}"], rows[f"exercise{lecture}"]
        assert float(sol["total"]) == float(sol["max"]) == full, (lecture, sol)
        assert float(ex["total"]) == 0.0 and float(ex["max"]) == full, (lecture, ex)
        raised = {kind: [line.strip() for line in
                         (tmp_path / "out" / f"{kind}{lecture}" / "feedback.txt").read_text()
                         .splitlines() if " raised " in line]
                  for kind in ("solution", "exercise")}
        assert raised["solution"] == [], (lecture, raised["solution"])
        assert all("NotImplementedError" in line for line in raised["exercise"]), \
            (lecture, raised["exercise"])
