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


def _problems(feedback: str) -> list[str]:
    """Lines of a feedback text that report an exception: a cell that raised (the notes) or a
    graded function that raised (the checks)."""
    return [line.strip() for line in feedback.splitlines()
            if " raised " in line or line.strip().startswith("- error at")]


@pytest.mark.slow
@pytest.mark.parametrize("solution", SOLUTIONS, ids=lambda p: p.stem)
def test_solutions_full_marks_exercises_zero(tmp_path, solution):
    """One lecture, one batch, as a teacher grades a class."""
    lecture = solution.stem[:2]
    subs = tmp_path / "class"
    for kind, source in (("solution", solution), ("exercise", ROOT / "exercises" /
                                                  solution.name)):
        folder = subs / kind
        folder.mkdir(parents=True)
        shutil.copy(source, folder / source.name)  # alice/01_topic.py layout
    proc = subprocess.run([sys.executable, "-m", "gancourse", "grade", str(subs), "--out",
                           str(tmp_path / "out"), "--jobs", "2"],
                          capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr
    with (tmp_path / "out" / "gradebook.csv").open() as f:
        rows = {r["student"]: r for r in csv.DictReader(f)}
    exercises = load_registry().for_lecture(lecture)
    assert 3 <= len(exercises) <= 6, f"lecture {lecture} has {len(exercises)} exercises"
    full = sum(ex.points for ex in exercises)
    sol, ex = rows["solution"], rows["exercise"]
    assert float(sol["total"]) == float(sol["max"]) == full, (lecture, sol)
    assert float(ex["total"]) == 0.0 and float(ex["max"]) == full, (lecture, ex)
    raised = {kind: _problems((tmp_path / "out" / kind / "feedback.txt").read_text())
              for kind in ("solution", "exercise")}
    assert raised["solution"] == [], (lecture, raised["solution"])
    assert all("NotImplementedError" in line for line in raised["exercise"]), \
        (lecture, raised["exercise"])


@pytest.mark.parametrize("solution", SOLUTIONS, ids=lambda p: p.stem)
def test_points_rise_and_are_written_once(solution):
    """3-6 exercises whose points never fall from one to the next (COURSE.md: rising
    difficulty). The points live in the graded checks only: the notebook shows them through
    overview() and check(), and states no number of points of its own; each heading is the
    registry's title."""
    import re

    exercises = load_registry().for_lecture(solution.stem[:2])
    points = [ex.points for ex in exercises]
    assert 3 <= len(points) <= 6 and points == sorted(points), (solution.stem, points)
    text = solution.read_text(encoding="utf-8")
    assert f'overview("{solution.stem[:2]}")' in text
    assert not re.search(r"\(\d+(?:\.\d+)? points?\)|\|\s*points\s*\|", text), \
        f"{solution.name} states points of its own: let overview() show the registry's"
    for ex in exercises:
        assert re.search(rf"^# ## Exercise {re.escape(ex.id)} · {re.escape(ex.title)}$", text,
                         re.M), f"{solution.name}: the heading of {ex.id} should be {ex.title!r}"


def test_the_readmes_lecture_table_gives_the_registrys_counts_and_points():
    import re

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    registry = load_registry()
    for lecture in registry.lectures:
        exercises = registry.for_lecture(lecture)
        total = sum(ex.points for ex in exercises)
        assert re.search(rf"^\| {lecture} \|.*\({len(exercises)} exercises, {total:g} points\) \|$",
                         readme, re.M), f"README: lecture {lecture} has {len(exercises)} " \
                                        f"exercises and {total:g} points"
