"""A teacher's adjustments: overrides with an audit trail, late penalties from a small policy
file and submission times, and the export for Canvas's gradebook import. The gradebook the
grader wrote is never changed. Fast: built from hand-made results."""

from __future__ import annotations

import csv
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from gancourse.grading.adjust import (LatePolicy, finalize, read_overrides, read_policy,
                                      read_times, write_canvas)
from gancourse.grading.gradebook import prepare_output_dir, write_reports
from gancourse.grading.grader import CheckResult, SubmissionResult

UTC = timezone.utc
DEADLINE = datetime(2026, 12, 10, 22, 59, tzinfo=UTC)


def graded(tmp_path: Path, scores: dict[str, tuple[float, float]]) -> Path:
    out = tmp_path / "grades"
    prepare_output_dir(out, "01")
    results = []
    for student, (a, b) in scores.items():
        res = SubmissionResult(student, f"class/{student}.ipynb", "01")
        res.checks = [CheckResult("01.1", "first", a, 4.0, "passed" if a == 4 else "failed"),
                      CheckResult("01.2", "second", b, 6.0, "passed" if b == 6 else "failed")]
        results.append(res)
    write_reports(results, out)
    return out


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_the_late_penalty_counts_started_days_after_the_grace():
    policy = LatePolicy(DEADLINE, timedelta(minutes=15), penalty_per_day=10, max_days=3)
    assert policy.penalty(DEADLINE + timedelta(minutes=14), 10) == (0.0, 0)
    assert policy.penalty(DEADLINE - timedelta(days=1), 10) == (0.0, 0)
    assert policy.penalty(DEADLINE + timedelta(minutes=16), 10) == (1.0, 1)
    assert policy.penalty(DEADLINE + timedelta(days=1, hours=1), 10) == (2.0, 2)
    assert policy.penalty(DEADLINE + timedelta(days=3), 10) == (3.0, 3)
    assert policy.penalty(DEADLINE + timedelta(days=3, hours=1), 10) == (10.0, 4)  # too late


def test_finalize_applies_overrides_and_penalties_with_an_audit(tmp_path):
    out = graded(tmp_path, {"ada": (4, 6), "bob": (2, 3), "cy": (0, 6)})
    before = (out / "gradebook.csv").read_bytes()
    overrides = read_overrides(write(tmp_path / "o.csv",
                                     "student,exercise,points,reason\n"
                                     "bob,01.2,5,re-marked by hand: sign convention\n"
                                     "cy,total,9,agreed after a meeting\n"))
    policy = read_policy(write(tmp_path / "late.ini",
                               "[late]\ndeadline = 2026-12-10T23:59:00+01:00\n"
                               "grace_minutes = 15 ; on time\npenalty_per_day = 10\n"
                               "max_days = 3\n"))
    times = read_times(write(tmp_path / "t.csv",
                             "student,submitted\nada,2026-12-10T22:00:00Z\n"
                             "bob,2026-12-11T10:00:00+00:00\ncy,2026-12-10T23:10:00Z\n"))
    rows = {r["student"]: r for r in finalize(out, overrides, policy, times)}
    assert (out / "gradebook.csv").read_bytes() == before  # the grader's record stays
    assert rows["ada"]["final"] == "10" and rows["ada"]["audit"] == ""
    # bob: 2 + 5 after the override, 1 started day late: -10 % of 10
    assert rows["bob"]["01.2"] == "5" and rows["bob"]["late penalty"] == "1"
    assert rows["bob"]["final"] == "6" and rows["bob"]["automatic"] == "5"
    assert rows["bob"]["audit"] == ("01.2: 3 -> 5 (re-marked by hand: sign convention); "
                                    "late by 1 started day(s): -1")
    # cy: 11 minutes late is inside the grace
    assert rows["cy"]["final"] == "9" and "total: 6 -> 9" in rows["cy"]["audit"]
    with (out / "final.csv").open(encoding="utf-8") as f:
        assert [r["final"] for r in csv.DictReader(f)] == ["10", "6", "9"]


def test_bad_adjustments_are_named(tmp_path):
    out = graded(tmp_path, {"ada": (4, 6)})
    with pytest.raises(ValueError, match="no such student"):
        finalize(out, [{"student": "zed", "exercise": "01.1", "points": "1", "reason": "x"}])
    with pytest.raises(ValueError, match="no exercise '01.9'"):
        finalize(out, [{"student": "ada", "exercise": "01.9", "points": "1", "reason": "x"}])
    with pytest.raises(ValueError, match="say why"):
        read_overrides(write(tmp_path / "o.csv", "student,exercise,points,reason\nada,01.1,2,\n"))
    with pytest.raises(ValueError, match="missing: reason"):
        read_overrides(write(tmp_path / "o2.csv", "student,exercise,points\nada,01.1,2\n"))
    with pytest.raises(ValueError, match="time zone"):
        read_policy(write(tmp_path / "p.ini", "[late]\ndeadline = 2026-12-10T23:59\n"))
    with pytest.raises(ValueError, match="unknown setting"):
        read_policy(write(tmp_path / "p2.ini", "[late]\ndeadline = 2026-12-10T23:59Z\n"
                                                "penalty = 5\n"))
    with pytest.raises(ValueError, match="no submission time for 'ada'"):
        finalize(out, None, LatePolicy(DEADLINE), {})


ROSTER = ('Student,ID,SIS User ID,SIS Login ID,Section,Lecture 01 (4711)\n'
          'Points Possible,,,,,\n'
          '"Lovelace, Ada",101,s101,ada,A,\n'
          '"Babbage, Bob",102,s102,BOB,A,\n'
          '"Student, Test",999,,,A,\n')


def test_the_canvas_export_fills_the_rosters_column(tmp_path):
    out = graded(tmp_path, {"ada": (4, 6), "bob": (2, 3), "nobody-in-canvas": (1, 1)})
    final = finalize(out)
    roster = write(tmp_path / "roster.csv", ROSTER)
    missing = write_canvas(final, roster, "Lecture 01 (4711)", out / "canvas.csv")
    assert missing == ["nobody-in-canvas"]
    with (out / "canvas.csv").open(encoding="utf-8") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section",
                       "Lecture 01 (4711)"]
    assert rows[1][-1] == "10"  # points possible
    assert {r[3]: r[-1] for r in rows[2:4]} == {"ada": "10", "BOB": "5"}
    assert rows[4][-1] == ""  # Canvas's test student is left alone
    with pytest.raises(ValueError, match="not a Canvas gradebook export"):
        write_canvas(final, write(tmp_path / "bad.csv", "name,score\n"), "x", out / "c.csv")


def test_the_finalize_command(tmp_path):
    out = graded(tmp_path, {"ada": (4, 6), "bob": (2, 3)})
    roster = write(tmp_path / "roster.csv", ROSTER)
    run = subprocess.run([sys.executable, "-m", "gancourse", "finalize", str(out), "--canvas",
                          str(roster), "--assignment", "Lecture 01 (4711)"],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert "final.csv" in run.stdout and (out / "canvas.csv").is_file()
    bad = subprocess.run([sys.executable, "-m", "gancourse", "finalize", str(out), "--policy",
                          str(roster)], capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2 and "--policy and --times go together" in bad.stderr
