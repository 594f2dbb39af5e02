"""The grading output folder: grades merged by student over several runs, nothing dropped
silently, one lecture per folder, readable folder names, and which file of several was graded.
Fast: built from hand-made results, no submission is executed here (see
tests/test_grading_robustness.py and tests/test_walkthrough.py for real grading runs)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from gancourse.grading import load_registry
from gancourse.grading.gradebook import (TEACHER_FOLDER, folder_name, prepare_output_dir,
                                         write_reports)
from gancourse.grading.grader import CheckResult, SubmissionResult, batch_lecture
from gancourse.grading.notebook import GRADER_MARKER, Submission, find_submissions


def result(student: str, points: float, *, path: str = "", hidden_message: str = "") -> \
        SubmissionResult:
    res = SubmissionResult(student, path or f"class/{student}.ipynb", "01")
    res.checks = [CheckResult("01.1", "first", points, 2.0, "passed" if points else "failed"),
                  CheckResult("01.2", "second", 0.0, 3.0, "failed", "wrong value")]
    if hidden_message:
        res.checks.append(CheckResult("01.2", "secret", 0.0, 1.0, "failed", hidden_message,
                                      hidden=True))
    return res


def rows(out) -> dict[str, dict[str, str]]:
    with (out / "gradebook.csv").open(encoding="utf-8") as f:
        return {r["student"]: r for r in csv.DictReader(f)}


def test_grading_a_late_submission_keeps_the_class(tmp_path):
    out = tmp_path / "grades"
    prepare_output_dir(out, "01")
    write_reports([result("alice", 2), result("bob", 0)], out)
    prepare_output_dir(out, "01")  # the late run, into the same folder
    summary = write_reports([result("carol", 2, path="late/carol.ipynb")], out)
    book = rows(out)
    assert set(book) == {"alice", "bob", "carol"}  # before: only carol was left
    assert book["alice"]["total"] == "2" and book["carol"]["file"] == "late/carol.ipynb"
    assert summary == {"added": ["carol"], "regraded": [], "kept": ["alice", "bob"]}
    assert all((out / s / "feedback.txt").is_file() for s in book)


def test_a_regrade_replaces_the_row_and_logs_the_change(tmp_path):
    out = tmp_path / "grades"
    prepare_output_dir(out, "01")
    write_reports([result("alice", 2), result("bob", 0)], out)
    summary = write_reports([result("bob", 2, path="fixed/bob.ipynb")], out)
    assert summary["regraded"] == ["bob"] and rows(out)["bob"]["total"] == "2"
    log = (out / "changes.log").read_text(encoding="utf-8")
    assert "added      alice: 2 / 5" in log
    assert "re-graded  bob: 0 / 5 -> 2 / 5 (fixed/bob.ipynb; was class/bob.ipynb)" in log
    assert "Score: 2 / 5" in (out / "bob" / "feedback.txt").read_text()


def test_another_lectures_batch_is_refused(tmp_path):
    out = tmp_path / "grades"
    prepare_output_dir(out, "01")
    write_reports([result("alice", 2)], out)
    with pytest.raises(ValueError, match="holds the grades of lecture 01, and this batch is "
                                         "lecture 02"):
        prepare_output_dir(out, "02")
    assert set(rows(out)) == {"alice"}


def test_an_older_output_folder_is_recognised_by_its_columns(tmp_path):
    out = tmp_path / "grades"
    out.mkdir()
    (out / GRADER_MARKER).write_text("written by gancourse grade\n")  # an earlier version's
    (out / "gradebook.csv").write_text("student,01.1,01.2,total,max\nzoe,2,3,5,5\n")
    with pytest.raises(ValueError, match="lecture 01"):
        prepare_output_dir(out, "03")
    prepare_output_dir(out, "01")
    write_reports([result("alice", 2)], out)
    assert rows(out)["zoe"]["total"] == "5" and set(rows(out)) == {"alice", "zoe"}


@pytest.mark.parametrize("student,folder", [("李 雷", "李 雷"), ("José", "José"),
                                            ("a/b:c", "a_b_c"), ("..", "student"),
                                            ("teacher-only", "teacher-only_"), ("CON", "CON_")])
def test_folder_names_stay_readable(student, folder):
    assert folder_name(student) == folder


def test_colliding_names_get_their_own_folders_and_a_map(tmp_path):
    out = tmp_path / "grades"
    prepare_output_dir(out, "01")
    write_reports([result("李 雷", 2), result("李/雷", 0), result("a:b", 1), result("a?b", 0)], out)
    book = rows(out)
    folders = {s: r["folder"] for s, r in book.items()}
    assert folders == {"李 雷": "李 雷", "李/雷": "李_雷", "a:b": "a_b", "a?b": "a_b-2"}
    for student, folder in folders.items():
        assert f"Feedback for {student}" in (out / folder / "feedback.txt").read_text("utf-8")
    write_reports([result("a?b", 2)], out)  # a re-grade keeps its folder
    assert rows(out)["a?b"]["folder"] == "a_b-2"
    assert "Score: 2 / 5" in (out / "a_b-2" / "feedback.txt").read_text()


def test_hidden_messages_reach_the_teacher_only(tmp_path):
    out = tmp_path / "grades"
    prepare_output_dir(out, "01")
    write_reports([result("alice", 2, hidden_message="SECRET: expected 42")], out)
    student = (out / "alice" / "feedback.txt").read_text() + \
        (out / "alice" / "results.json").read_text()
    assert "SECRET" not in student and "hidden test" in student
    assert "SECRET: expected 42" in (out / TEACHER_FOLDER / "alice.txt").read_text()
    tests = json.loads((out / "alice" / "results.json").read_text())["tests"]
    assert sum(t["max_score"] for t in tests) == 6


SCHEMA = json.loads((Path(__file__).parent / "gradescope_results.schema.json").read_text())


def test_results_json_follows_gradescopes_specification(tmp_path):
    """Only keys the specification defines (no top-level max_score), execution_time in
    seconds, and every test visible so the student's score adds up; a hidden test's message
    stays out."""
    import jsonschema

    out = tmp_path / "grades"
    prepare_output_dir(out, "01")
    res = result("alice", 2, hidden_message="SECRET")
    res.seconds, res.peak_mb = 3.6, 411.7
    write_reports([res], out)
    data = json.loads((out / "alice" / "results.json").read_text())
    jsonschema.validate(data, SCHEMA)
    assert data["execution_time"] == 4 and data["score"] == 2 and "max_score" not in data
    assert data["extra_data"] == {"peak_memory_mb": 412}
    assert [t["visibility"] for t in data["tests"]] == ["visible"] * 3
    assert data["score"] == sum(t["score"] for t in data["tests"])
    assert [t["number"] for t in data["tests"]] == ["01.1", "01.2", "01.2"]
    hidden = data["tests"][2]
    assert hidden["name"] == "01.2 hidden test" and hidden["output"] == ""
    for bad in ({**data, "max_score": 6}, {**data, "visibility": "students"},
                {**data, "tests": [{**hidden, "status": "error"}]}):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(bad, SCHEMA)


def test_several_notebooks_of_one_student_say_which_was_graded(tmp_path):
    (tmp_path / "dana").mkdir()
    for name in ("a.ipynb", "b.py", "02_gan_game.py", "02_gan_game.ipynb"):
        (tmp_path / "dana" / name).write_text("{}")
    (tmp_path / "eve.ipynb").write_text("{}")
    (tmp_path / "eve.py").write_text("# %%\n")
    (subs := find_submissions([tmp_path])[0])
    by = {s.student: s for s in subs}
    assert by["dana"].path.name == "02_gan_game.ipynb"
    assert "graded 02_gan_game.ipynb" in by["dana"].notes[0]
    assert "02_gan_game.py, a.ipynb, b.py" in by["dana"].notes[0]
    assert by["eve"].path.name == "eve.ipynb" and "not eve.py" in by["eve"].notes[0]


def test_the_batch_lecture_is_the_common_one_and_a_tie_is_an_error(tmp_path):
    registry = load_registry()

    def sub(name: str, lecture: str) -> Submission:
        path = tmp_path / f"{name}.py"
        path.write_text(f"# ---\n# jupyter:\n#   gancourse:\n#     lecture: '{lecture}'\n# ---\n"
                        "\n# %%\nx = 1\n")
        return Submission(name, path)

    broken = tmp_path / "broken.ipynb"
    broken.write_text("{ not json")
    subs = [sub("a", "02"), sub("b", "02"), sub("c", "01"), Submission("d", broken)]
    assert batch_lecture(subs, registry) == "02"
    with pytest.raises(ValueError, match="different lectures .*pass --lecture"):
        batch_lecture(subs[1:], registry)
    with pytest.raises(ValueError, match="cannot tell which lecture"):
        batch_lecture([Submission("d", broken)], registry)
