"""Sharded grading: `gancourse grade --shard I/N` grades a fixed part of the class, and
`gancourse merge` gives the gradebook one run over the whole class gives. The fast tests build
the shards from hand-made results; the slow one grades a real class once whole and once in
three shards through the command line."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import jupytext
import pytest

from gancourse.grading.gradebook import TEACHER_FOLDER, prepare_output_dir, write_reports
from gancourse.grading.grader import CheckResult, SubmissionResult
from gancourse.grading.shards import merge_outputs, parse_shard, select_shard, shard_of

ROOT = Path(__file__).resolve().parents[1]


def result(student: str, points: float, lecture: str = "01") -> SubmissionResult:
    res = SubmissionResult(student, f"class/{student}.ipynb", lecture)
    res.checks = [CheckResult(f"{lecture}.1", "first", points, 2.0,
                              "passed" if points else "failed"),
                  CheckResult(f"{lecture}.2", "secret", 0.0, 1.0, "failed", f"hint {student}",
                              hidden=True)]
    return res


def files(out: Path) -> dict[str, bytes]:
    """Everything a grading folder holds for the teacher and students, but what carries the
    time of grading: the log's lines, and results.json's execution_time and measured
    memory."""
    found = {}
    for p in sorted(out.rglob("*")):
        if not p.is_file() or p.name == "changes.log":
            continue
        data = p.read_bytes()
        if p.name == "results.json":
            results = json.loads(data)
            assert results.pop("execution_time") >= 0
            results.pop("extra_data", None)
            data = json.dumps(results, sort_keys=True).encode()
        found[str(p.relative_to(out))] = data
    return found


def graded(out: Path, results: list[SubmissionResult], lecture: str = "01") -> Path:
    prepare_output_dir(out, lecture)
    write_reports(results, out)
    return out


CLASS = ["Ada", "李 雷", "Émile", "bob", "Chidi", "Zoë", "o'neil", "Mia", "Noor", "Yusuf"]


def test_parse_shard_names_bad_input():
    assert parse_shard("2/3") == (2, 3) and parse_shard(" 1 / 1 ") == (1, 1)
    for bad in ("0/3", "4/3", "2", "a/b", "2/0", ""):
        with pytest.raises(ValueError, match="--shard"):
            parse_shard(bad)


def test_every_student_is_in_exactly_one_shard_and_shards_are_balanced():
    names = [f"student{i:03d}" for i in range(300)]
    counts = Counter(shard_of(n, 3) for n in names)
    assert set(counts) == {1, 2, 3} and all(70 <= c <= 130 for c in counts.values())
    assert [shard_of(n, 3) for n in names] == [shard_of(n, 3) for n in names]
    assert shard_of("Zoë", 5) == shard_of("Zoe\u0308", 5)  # the same name, however encoded

    class Sub:
        def __init__(self, student):
            self.student = student

    subs = [Sub(n) for n in names]
    parts = [select_shard(subs, i, 4) for i in range(1, 5)]
    assert sorted(s.student for part in parts for s in part) == sorted(names)


def test_merged_shards_equal_one_run_over_the_class(tmp_path):
    results = [result(s, float(i % 3)) for i, s in enumerate(CLASS)]
    whole = graded(tmp_path / "whole", results)
    shards = [graded(tmp_path / f"shard{i}", [r for r in results if shard_of(r.student, 3) == i])
              for i in (1, 2, 3)]
    assert all(len(list(s.glob("*/results.json"))) < len(CLASS) for s in shards)
    summary = merge_outputs(shards, tmp_path / "merged")
    assert sorted(summary["added"]) == sorted(CLASS) and summary["kept"] == []
    assert files(tmp_path / "merged") == files(whole)
    log = (tmp_path / "merged" / "changes.log").read_text(encoding="utf-8")
    assert all(f"added      {s}:" in log for s in CLASS)


def test_merging_into_earlier_grades_keeps_and_regrades(tmp_path):
    out = graded(tmp_path / "grades", [result("Ada", 0.0), result("bob", 2.0)])
    late = graded(tmp_path / "late", [result("Ada", 2.0), result("Mia", 1.0)])
    summary = merge_outputs([late], out)
    assert summary == {"added": ["Mia"], "regraded": ["Ada"], "kept": ["bob"]}
    with (out / "gradebook.csv").open(encoding="utf-8") as f:
        rows = {r["student"]: r for r in csv.DictReader(f)}
    assert {s: rows[s]["total"] for s in rows} == {"Ada": "2", "bob": "2", "Mia": "1"}


def test_colliding_folders_from_two_shards_both_survive(tmp_path):
    # "a/b" and "a_b" both want the folder a_b; graded apart, each shard gave them that name
    one = graded(tmp_path / "one", [result("a/b", 2.0)])
    two = graded(tmp_path / "two", [result("a_b", 0.0)])
    merge_outputs([one, two], tmp_path / "merged")
    with (tmp_path / "merged" / "gradebook.csv").open(encoding="utf-8") as f:
        rows = {r["student"]: r for r in csv.DictReader(f)}
    assert sorted(r["folder"] for r in rows.values()) == ["a_b", "a_b-2"]
    for row in rows.values():
        teacher = (tmp_path / "merged" / TEACHER_FOLDER / f"{row['folder']}.txt").read_text()
        assert f"hint {row['student']}" in teacher


def test_merge_refuses_what_cannot_be_one_gradebook(tmp_path):
    first = graded(tmp_path / "first", [result("Ada", 2.0)])
    again = graded(tmp_path / "again", [result("Ada", 1.0)])
    other = graded(tmp_path / "other", [result("bob", 1.0, lecture="02")], lecture="02")
    (tmp_path / "plain").mkdir()
    with pytest.raises(ValueError, match="graded in both"):
        merge_outputs([first, again], tmp_path / "m1")
    with pytest.raises(ValueError, match="different lectures"):
        merge_outputs([first, other], tmp_path / "m2")
    with pytest.raises(ValueError, match="not an output folder"):
        merge_outputs([first, tmp_path / "plain"], tmp_path / "m3")
    with pytest.raises(ValueError, match="one of the shard folders"):
        merge_outputs([first], first)
    assert not (tmp_path / "m1").exists() and not (tmp_path / "m2").exists()


def _gancourse(*args: str) -> subprocess.CompletedProcess:
    out = subprocess.run([sys.executable, "-m", "gancourse", *args], capture_output=True,
                         text=True, timeout=600)
    assert out.returncode == 0, out.stdout[-2000:] + out.stderr[-2000:]
    return out


@pytest.mark.slow
def test_grading_in_three_shards_gives_the_gradebook_of_one_run(tmp_path):
    solution = (ROOT / "solutions" / "01_mle_and_kl.py").read_text()
    exercise = (ROOT / "exercises" / "01_mle_and_kl.py").read_text()
    wrong = solution.replace("def kl_divergence(p, q):",
                             "def kl_divergence(p, q):\n    return 0.0", 1)
    subs = tmp_path / "submissions"
    subs.mkdir()
    for i, student in enumerate(["ada", "bob", "chidi", "dana", "emile", "fatima"]):
        text = (solution, exercise, wrong)[i % 3]
        jupytext.write(jupytext.reads(text, fmt="py:percent"), subs / f"{student}.ipynb",
                       fmt="ipynb")
    common = ["--lecture", "01", "--cell-timeout", "10", "--call-timeout", "10"]
    _gancourse("grade", str(subs), "--out", str(tmp_path / "whole"), "--jobs", "2", *common)
    counts = []
    for i in (1, 2, 3):
        run = _gancourse("grade", str(subs), "--out", str(tmp_path / f"shard{i}"),
                         "--shard", f"{i}/3", *common)
        counts.append(int(run.stdout.split(f"Shard {i}/3: ")[1].split()[0]))
    assert sum(counts) == 6
    _gancourse("merge", *(str(tmp_path / f"shard{i}") for i in (1, 2, 3)),
               "--out", str(tmp_path / "merged"))
    assert files(tmp_path / "merged") == files(tmp_path / "whole")
    with (tmp_path / "whole" / "gradebook.csv").open(encoding="utf-8") as f:
        totals = {r["student"]: float(r["total"]) for r in csv.DictReader(f)}
    assert totals["ada"] == 10 and totals["bob"] == 0 and 0 < totals["chidi"] < 10
