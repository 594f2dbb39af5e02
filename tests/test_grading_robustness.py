"""Grading a class of broken and hostile submissions: every one gets a deterministic score with a
reason, the batch completes, and no file outside the output folder changes.

The submissions are made from lecture 01's solution notebook with small edits, so each one
differs from a correct submission in exactly the way its name says.
"""

from __future__ import annotations

import csv
import hashlib
import json
import subprocess
import sys
from pathlib import Path

import jupytext
import pytest

pytestmark = pytest.mark.slow  # grades a class of 26 submissions once, for all tests

ROOT = Path(__file__).resolve().parents[1]
SOLUTION = (ROOT / "solutions" / "01_mle_and_kl.py").read_text()
EXERCISE = (ROOT / "exercises" / "01_mle_and_kl.py").read_text()
FULL = 10.0
POINTS = {"01.1": 2.0, "01.2": 2.0, "01.3": 3.0, "01.4": 3.0}
LL_BODY = """    x = np.asarray(x, dtype=float)
    return float(np.mean(-0.5 * ((x - mu) / sigma) ** 2 - math.log(sigma)
                         - 0.5 * math.log(2 * math.pi)))"""


def edit(old: str, new: str, text: str = SOLUTION) -> str:
    assert old in text, f"the solution no longer contains {old!r}"
    return text.replace(old, new, 1)


def add_cell(code: str, text: str = SOLUTION) -> str:
    """Insert a code cell right after the imports cell."""
    return edit("from gancourse.grading import check, overview, summary\n",
                "from gancourse.grading import check, overview, summary\n\n# %%\n" + code + "\n",
                text)


SECRET = "/tmp/gancourse-test-outside.txt"
KL_LINE = SOLUTION.splitlines().index("def kl_divergence(p, q):") + 1  # as the .py file counts
NLL_BODY = "    return torch.mean(0.5 * ((x - mu) / sigma) ** 2 + log_sigma + 0.5 * math.log(2 * math.pi))"

# student -> (notebook text or bytes, file suffix, expected score, words expected in feedback)
CASES = {
    "correct": (SOLUTION, ".py", FULL, ["Score: 10 / 10"]),
    "correct_ipynb": (SOLUTION, ".ipynb", FULL, ["Score: 10 / 10"]),
    "untouched": (EXERCISE, ".ipynb", 0.0, ["not implemented yet"]),
    "wrong_values": (edit(LL_BODY, "    return float(np.sum(-0.5 * ((np.asarray(x) - mu) / sigma)"
                                   " ** 2 - math.log(sigma) - 0.5 * math.log(2 * math.pi)))"),
                     ".py", FULL - 2, ["gaussian_log_likelihood(x, 0.5, 1.2) is wrong",
                                       "expected"]),
    "wrong_shape": (edit(LL_BODY, "    x = np.asarray(x, dtype=float)\n    return np.atleast_1d("
                                  "np.mean(-0.5 * ((x - mu) / sigma) ** 2 - math.log(sigma)"
                                  " - 0.5 * math.log(2 * math.pi)))"),
                    ".py", FULL - 2, ["has shape (1,), expected shape ()"]),
    "wrong_type": (edit("    sigma = torch.exp(log_sigma)\n    return torch.mean(",
                        "    sigma = torch.exp(log_sigma)\n    return float(torch.mean("
                        ).replace("math.log(2 * math.pi))\n    ### END", "math.log(2 * math.pi)))"
                                  "\n    ### END", 1),
                   ".py", FULL - 6, ["should be a torch tensor", "should be a scalar torch tensor",
                                     "fit_gaussian_by_gradient_descent raised AttributeError"]),
    "returns_nan": (edit(LL_BODY, "    return float('nan')"), ".py", FULL - 2, ["NaN"]),
    "raises": (edit(LL_BODY, "    raise ValueError('sigma looks odd')"), ".py", FULL - 2,
               ["raised ValueError: sigma looks odd"]),
    "syntax_error": (edit("def kl_divergence(p, q):", "def kl_divergence(p, q)"), ".py",
                     FULL - 2, [f"kl_divergence could not be defined: error at line {KL_LINE} "
                                "of syntax_error.py (code cell 4, which begins `def "
                                "kl_divergence(p, q)`): SyntaxError: expected ':'",
                                "code cell(s) 5 then failed with NameError, because code cell 4 "
                                "failed"]),
    "syntax_error_ipynb": (edit("def kl_divergence(p, q):", "def kl_divergence(p, q)"), ".ipynb",
                           FULL - 2, ["kl_divergence could not be defined: error at line 1 of "
                                      "code cell 4, which begins `def kl_divergence(p, q)`: "
                                      "SyntaxError: expected ':'"]),
    "failed_import": (edit("import numpy as np\n", "import nump as np\n"), ".py", 0.0,
                      ["ModuleNotFoundError: No module named 'nump'",
                       "then failed with NameError, because code cell 1 failed",
                       "gaussian_log_likelihood could not run (name 'np' is not defined) "
                       "because an import failed"]),
    "cut_graph": (edit(NLL_BODY, "    return torch.tensor(float(torch.mean(0.5 * ((x - mu) / "
                                 "sigma) ** 2 + log_sigma + 0.5 * math.log(2 * math.pi)).detach()"
                                 "))"), ".py", FULL - 5,
                  ["the gradient of gaussian_nll's result could not be taken: the result is not "
                   "connected to the inputs through autograd"]),
    "uses_course": (edit("    p, q = np.asarray(p, dtype=float), np.asarray(q, dtype=float)\n"
                         "    support",
                         "    import gancourse\n    return gancourse.kl(p, q)\n    support"),
                    ".py", FULL - 2, ["kl_divergence calls the course's own "
                                      "gancourse.divergences.kl: exercise 01.2 asks you to write "
                                      "it yourself"]),
    "wrong_lecture": ((ROOT / "solutions" / "02_gan_game.py").read_text(), ".py", 0.0,
                      ["this looks like exercises 02 (gan_game), not lecture 01 (mle_and_kl)"]),
    "李 雷": (SOLUTION, ".ipynb", FULL, ["Feedback for 李 雷", "Score: 10 / 10"]),
    "loops_in_cell": (add_cell("while True:\n    pass"), ".py", FULL,
                      ["code cell 2 was skipped", "time limit"]),
    "loops_in_function": (edit(LL_BODY, "    while True:\n        pass"), ".py", FULL - 2,
                          ["time limit"]),
    "huge_memory": (add_cell("block = bytearray(6 * 1024**3)"), ".py", FULL,
                    ["MemoryError"]),
    "sys_exit": (add_cell("import sys\nsys.exit(0)"), ".py", FULL, ["SystemExit"]),
    "os_exit_in_cell": (add_cell("import os\nos._exit(3)"), ".py", FULL,
                        ["code cell 2 was skipped: it called os._exit(3)"]),
    "os_exit_in_function": (edit(LL_BODY, "    import os\n    os._exit(0)"), ".py", FULL - 2,
                            ["gaussian_log_likelihood stopped the grading: it called os._exit(0)"]),
    "patches_numpy_and_checks": (
        add_cell("import numpy as np\nnp.isclose = lambda *a, **k: True\n"
                 "import gancourse.grading.checks as c\nc.expect_close = lambda *a, **k: None\n"
                 "c.expect_true = lambda *a, **k: None", EXERCISE),
        ".py", 0.0, ["not implemented yet"]),
    "imitates_grader": (add_cell('print("Score: 10 / 10")\nprint(\'{"ok": true, "value": 1}\')\n'
                                 'import sys\nsys.stdout.write("[PASS] everything\\n")',
                                 EXERCISE),
                        ".py", 0.0, ["not implemented yet"]),
    "reads_solutions": (add_cell(f"exec(open({str(ROOT / 'solutions' / '01_mle_and_kl.py')!r})"
                                 ".read())", EXERCISE),
                        ".py", 0.0, ["PermissionError", "reading"]),
    "reads_tests": (add_cell(f"print(open({str(Path(__file__))!r}).read())", EXERCISE),
                    ".py", 0.0, ["PermissionError"]),
    "writes_outside": (add_cell(f"open({SECRET!r}, 'w').write('gotcha')"), ".py", FULL,
                       ["PermissionError", "writing"]),
    "deletes_outside": (add_cell(f"import os\nos.remove({SECRET!r})"), ".py", FULL,
                        ["PermissionError"]),
    "spawns_process": (add_cell("import subprocess\nsubprocess.run(['true'])"), ".py", FULL,
                       ["PermissionError"]),
    "corrupt_json": (b'{"cells": [ this is not json', ".ipynb", 0.0, ["not a valid notebook"]),
    "not_a_notebook": (b"just some text, not a notebook", ".ipynb", 0.0,
                       ["not a valid notebook"]),
    "binary": (b"\x89PNG\r\n\x1a\n\x00\x00binary", ".ipynb", 0.0, ["cannot read"]),
    "empty": (b"", ".ipynb", 0.0, ["is empty"]),
}


def write_submission(folder: Path, student: str, content, suffix: str) -> Path:
    path = folder / f"{student}{suffix}"
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif suffix == ".ipynb":
        jupytext.write(jupytext.reads(content, fmt="py:percent"), path, fmt="ipynb")
    else:
        path.write_text(content)
    return path


def digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    base = tmp_path_factory.mktemp("class")
    subs = base / "submissions"
    subs.mkdir()
    for student, (content, suffix, _, _) in CASES.items():
        write_submission(subs, student, content, suffix)
    (subs / "README.txt").write_text("not a submission")
    Path(SECRET).write_text("keep me")
    before = digest(subs)
    out = base / "grades"
    proc = subprocess.run(
        [sys.executable, "-m", "gancourse", "grade", str(subs), "--out", str(out), "--jobs", "2",
         "--lecture", "01", "--cell-timeout", "4", "--call-timeout", "4",
         "--memory-mb", "3072"],
        capture_output=True, text=True, timeout=600)
    return {"proc": proc, "out": out, "subs": subs, "before": before}


def test_the_real_cause_leads_and_follow_on_errors_are_one_note(graded):
    feedback = (graded["out"] / "syntax_error" / "feedback.txt").read_text()
    first_01_2 = feedback.split("Exercise 01.2")[1].splitlines()[2]
    assert "could not be defined" in first_01_2 and "no function named" not in feedback
    feedback = (graded["out"] / "failed_import" / "feedback.txt").read_text()
    notes = feedback.split("About the notebook:")[1].split("Exercise 01.1")[0]
    assert notes.count("NameError") == 1  # one note for the follow-on errors, not five
    assert "No module named 'nump'" in notes  # the cause comes first


def test_batch_completes_and_ignores_non_notebooks(graded):
    proc = graded["proc"]
    assert proc.returncode == 0, proc.stderr
    assert "ignored (not a notebook)" in proc.stdout and "README.txt" in proc.stdout


def test_gradebook_has_one_row_per_student_with_exact_scores(graded):
    with (graded["out"] / "gradebook.csv").open() as f:
        rows = {r["student"]: r for r in csv.DictReader(f)}
    assert set(rows) == set(CASES)
    for student, (_, _, expected, _) in CASES.items():
        assert float(rows[student]["total"]) == expected, student
        assert float(rows[student]["max"]) == FULL
        assert sum(float(rows[student][i]) for i in POINTS) == expected


@pytest.mark.parametrize("student", list(CASES))
def test_feedback_gives_the_reason(graded, student):
    feedback = (graded["out"] / student / "feedback.txt").read_text()
    for words in CASES[student][3]:
        assert words in feedback, f"{student}: {words!r} not in\n{feedback}"


def test_results_json_is_gradescope_shaped(graded):
    import jsonschema

    schema = json.loads((Path(__file__).parent / "gradescope_results.schema.json").read_text())
    for path in sorted(graded["out"].glob("*/results.json")):
        jsonschema.validate(json.loads(path.read_text()), schema)
    data = json.loads((graded["out"] / "wrong_values" / "results.json").read_text())
    assert data["score"] == FULL - 2 and data["execution_time"] >= 0
    if sys.platform.startswith("linux"):  # each process's peak memory: torch's share, within
        peaks = [json.loads(p.read_text()).get("extra_data", {}).get("peak_memory_mb")
                 for p in graded["out"].glob("*/results.json")]  # the class's --memory-mb
        assert data["extra_data"]["peak_memory_mb"] > 100
        assert all(100 < p < 3072 for p in peaks if p is not None), peaks
    assert {"name", "score", "max_score", "output"} <= set(data["tests"][0])
    assert sum(t["max_score"] for t in data["tests"]) == FULL


def test_no_submission_or_outside_file_changed(graded):
    assert digest(graded["subs"]) == graded["before"]
    assert Path(SECRET).read_text() == "keep me"


def test_output_folder_with_foreign_files_is_refused(tmp_path):
    (tmp_path / "notes.txt").write_text("a teacher's own file")
    sub = write_submission(tmp_path, "alice", SOLUTION, ".py")
    proc = subprocess.run([sys.executable, "-m", "gancourse", "grade", str(sub), "--out",
                           str(tmp_path)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    assert "holds files the grader did not write" in proc.stderr
    assert (tmp_path / "notes.txt").read_text() == "a teacher's own file"
