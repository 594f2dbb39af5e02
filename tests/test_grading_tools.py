"""Exercise generation, the self-check, hidden tests and the command line."""

from __future__ import annotations

import ast
import csv
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

from gancourse.grading import CheckFailed, check, load_registry, selfcheck, summary
from gancourse.grading.generate import STUB, MarkerError, make_all, make_exercise
from gancourse.grading.plain import TensorArray, dumps, from_plain, loads, to_plain

ROOT = Path(__file__).resolve().parents[1]


def run_cli(*args, timeout=300):
    return subprocess.run([sys.executable, "-m", "gancourse", *map(str, args)],
                          capture_output=True, text=True, timeout=timeout)


# ------------------------------------------------------------------ exercises from solutions

def test_committed_exercises_are_generated_from_the_solutions():
    assert make_all(ROOT, check=True) == [], "run `gancourse make-exercises`"


def _functions(text: str) -> dict[str, tuple[list[str], str | None]]:
    tree = ast.parse(text)
    # top-level functions: the graded ones (helpers nested in a solution vanish with it)
    return {n.name: ([a.arg for a in n.args.args], ast.get_docstring(n))
            for n in tree.body if isinstance(n, ast.FunctionDef)}


@pytest.mark.parametrize("solution", sorted((ROOT / "solutions").glob("[0-9]*.py")),
                         ids=lambda p: p.stem)
def test_exercises_keep_signatures_and_docstrings_but_no_solution(solution):
    text = solution.read_text()
    exercise = (ROOT / "exercises" / solution.name).read_text()
    assert _functions(exercise) == _functions(text)
    assert "BEGIN SOLUTION" not in exercise
    assert exercise.count(STUB) == text.count("### BEGIN SOLUTION") > 0


def test_stub_keeps_indentation_and_bad_markers_raise():
    src = "def f():\n    '''doc'''\n    ### BEGIN SOLUTION\n    return 1\n    ### END SOLUTION\n"
    assert make_exercise(src) == ("def f():\n    '''doc'''\n"
                                  "    raise NotImplementedError(\"write your solution here\")\n")
    with pytest.raises(MarkerError, match="never closed"):
        make_exercise("### BEGIN SOLUTION\nx = 1\n")
    with pytest.raises(MarkerError, match="END SOLUTION without BEGIN"):
        make_exercise("x = 1\n### END SOLUTION\n")


def test_a_partly_solved_exercise_keeps_the_chosen_solutions():
    src = ("def f():\n    ### BEGIN SOLUTION\n    return 1\n    ### END SOLUTION\n\n"
           "def g():\n    ### BEGIN SOLUTION\n    return 2\n    ### END SOLUTION\n")
    stub = f"    {STUB}\n"
    assert make_exercise(src, solved={1}) == f"def f():\n{stub}\ndef g():\n    return 2\n"
    assert make_exercise(src, solved={0, 1}) == "def f():\n    return 1\n\ndef g():\n    return 2\n"
    assert make_exercise(src, solved=()) == make_exercise(src)


# ------------------------------------------------------------------ self-check in notebooks

def _log_likelihood(x, mu, sigma):
    x = np.asarray(x)
    return float(np.mean(-0.5 * ((x - mu) / sigma) ** 2 - np.log(sigma) - 0.5 * np.log(2 * np.pi)))


def test_self_check_passes_fails_and_reminds(capsys, monkeypatch):
    monkeypatch.delenv("GANCOURSE_GRADING", raising=False)
    monkeypatch.setattr(selfcheck, "_RESULTS", {})
    assert check("01.1", _log_likelihood) is True
    assert "[PASS]" in capsys.readouterr().out
    # a wrong answer reports and returns: "Run All" goes on to the next exercise
    assert check("01.2", lambda p, q: 0.0) is False
    assert "[FAIL]" in capsys.readouterr().out

    def todo(x, mu, sigma):
        raise NotImplementedError("write your solution here")

    assert check("01.3", todo) is False
    assert "not implemented yet" in capsys.readouterr().out
    with pytest.raises(ValueError, match="exercise_id '9.9' is not a known exercise"):
        check("9.9", todo)
    # the summary lists every exercise and ends the run with an error because 01.2 failed
    with pytest.raises(AssertionError, match="exercise\\(s\\) 01.2 failed a check"):
        summary("01")
    out = capsys.readouterr().out
    for line in ("[PASS] 01.1", "[FAIL] 01.2", "[TODO] 01.3", "[NOT RUN] 01.4",
                 "1 of 4 exercises pass"):
        assert line in out
    assert check("01.2", _kl) is True
    capsys.readouterr()
    assert summary("1") == {"01.1": "passed", "01.2": "passed", "01.3": "todo",
                            "01.4": "not run"}  # only TODOs left: no error
    monkeypatch.setenv("GANCOURSE_GRADING", "1")
    assert check("01.1", todo) is None  # grading runs the checks itself, outside
    assert summary("01") is None


def _kl(p, q):
    p, q = np.asarray(p, float), np.asarray(q, float)
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(p > 0, p * (np.log(p) - np.log(q)), 0.0)
    return float(np.sum(terms))


def test_self_check_stops_an_endless_loop(capsys, monkeypatch):
    monkeypatch.delenv("GANCOURSE_GRADING", raising=False)

    def forever(x, mu, sigma):
        while True:
            try:
                pass
            except Exception:  # a student's catch-all does not swallow the time limit
                pass

    assert check("01.1", forever, time_limit=0.3) is False
    assert "stopped after the 0.3 s time limit" in capsys.readouterr().out


def test_self_check_computes_gradients_like_the_grader(capsys, monkeypatch):
    monkeypatch.delenv("GANCOURSE_GRADING", raising=False)

    def nll(x, mu, log_sigma):
        return torch.mean(0.5 * ((x - mu) / torch.exp(log_sigma)) ** 2 + log_sigma)

    assert check("01.3", nll) is False  # forgot the 0.5 log(2 pi): value wrong, gradients right
    assert "the mean NLL is wrong" in capsys.readouterr().out

    def cut(x, mu, log_sigma):
        return torch.tensor(float(nll(x, mu, log_sigma).detach()) + 0.5 * math.log(2 * math.pi))

    assert check("01.3", cut) is False
    out = capsys.readouterr().out
    assert "the gradient of gaussian_nll's result could not be taken: the result is not " \
           "connected to the inputs through autograd" in out and "raised" not in out


STUDENT_CODE = """
import numpy as np
import torch

def uses_one(x, y, k):
    print("a student's print")
    return (x ** 2).sum() * k + torch.randn(()) * 0  # y unused: a zero gradient

def as_numpy(x, y, k):
    return np.asarray(x.detach()) * k, {"noise": torch.rand(2)}
"""


def test_the_self_check_and_the_grader_call_a_function_the_same_way():
    """One protocol (plain.invoke): the same values, types, dtypes and gradients, unused
    arguments included, whether the notebook's self-check or the grader's process calls."""
    from gancourse.grading.grader import _Runner
    from gancourse.grading.sandbox import Limits

    namespace = {}
    exec(STUDENT_CODE, namespace)
    args = (torch.tensor([1.0, 2.0]), torch.tensor([3.0]), 2)
    runner = _Runner([STUDENT_CODE], Limits(), [], [], None)
    try:
        assert runner.start()
        for name, wrt in (("uses_one", [0, 1]), ("as_numpy", None)):
            local = selfcheck._local_caller(namespace[name], 20.0)
            remote = runner.caller(name)
            got_local = local.with_grad(*args, wrt=wrt, seed=3)
            got_remote = (remote.with_grad(*args, wrt=wrt, seed=3) if wrt else
                          (remote(*args, seed=3), None))
            assert repr(got_local) == repr(got_remote)
            flat_local = [got_local[0], *(got_local[1] or [])]
            flat_remote = [got_remote[0], *(got_remote[1] or [])]
            for a, b in zip(flat_local, flat_remote):
                assert type(a) is type(b)
                if isinstance(a, np.ndarray):
                    assert a.dtype == b.dtype and np.array_equal(a, b)
        grads = selfcheck._local_caller(namespace["uses_one"], 20.0).with_grad(
            *args, wrt=[0, 1])[1]
        assert isinstance(grads[1], TensorArray) and grads[1].dtype == np.float32
        np.testing.assert_array_equal(grads[1], [0.0])
    finally:
        runner.sandbox.close()


# ------------------------------------------------------------------ plain data

def test_plain_round_trip():
    value = {"a": (1, 2.5, float("nan"), float("-inf")), "b": [np.arange(6).reshape(2, 3)],
             "t": torch.ones(2, requires_grad=True), "s": "text", "n": None, "flag": np.bool_(True)}
    back = from_plain(loads(dumps(to_plain(value))))
    assert back["a"][:2] == (1, 2.5) and np.isnan(back["a"][2]) and back["a"][3] == -np.inf
    np.testing.assert_array_equal(back["b"][0], np.arange(6).reshape(2, 3))
    assert isinstance(back["t"], TensorArray) and back["t"].requires_grad
    assert back["s"] == "text" and back["n"] is None and back["flag"] is True
    with pytest.raises(ValueError, match="cannot be graded"):
        to_plain(object())


# ------------------------------------------------------------------ command line

def test_help_for_every_subcommand():
    for sub in ("check", "grade", "make-exercises"):
        proc = run_cli(sub, "--help")
        assert proc.returncode == 0 and "usage: gancourse " + sub in proc.stdout


@pytest.mark.slow
def test_check_exit_codes():
    ok = run_cli("check", ROOT / "solutions" / "01_mle_and_kl.py")
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "Score: 10 / 10" in ok.stdout
    todo = run_cli("check", ROOT / "exercises" / "01_mle_and_kl.py")
    assert todo.returncode == 1 and "[TODO]" in todo.stdout
    missing = run_cli("check", ROOT / "no_such_notebook.ipynb")
    assert missing.returncode == 2 and "NOTEBOOK must be an existing" in missing.stderr


def test_grade_argument_errors(tmp_path):
    proc = run_cli("grade", tmp_path / "nothing_here", "--out", tmp_path / "out")
    assert proc.returncode == 2 and "submission path does not exist" in proc.stderr
    proc = run_cli("grade", ROOT / "solutions" / "01_mle_and_kl.py", "--out", tmp_path / "o",
                   "--tests", tmp_path / "no_tests")
    assert proc.returncode == 2 and "--tests must be a folder" in proc.stderr


@pytest.mark.slow
def test_hidden_tests_count_but_do_not_reveal(tmp_path):
    tests = tmp_path / "hidden"
    tests.mkdir()
    (tests / "extra01.py").write_text(
        "from gancourse.grading import expect_close\n"
        "def register(reg):\n"
        "    ex = reg.exercise('01.1', function='gaussian_log_likelihood', title='x')\n"
        "    @ex.check(points=3, name='secret case')\n"
        "    def _(call):\n"
        "        expect_close(call([0.0], 0.0, 1.0), 123.0, what='SECRET-VALUE')\n")
    registry = load_registry(tests)
    assert registry.exercises["01.1"].points == 5 and registry.exercises["01.1"].checks[-1].hidden
    sub = tmp_path / "bob.py"
    sub.write_text((ROOT / "solutions" / "01_mle_and_kl.py").read_text())
    proc = run_cli("grade", sub, "--out", tmp_path / "out", "--tests", tests)
    assert proc.returncode == 0, proc.stderr
    with (tmp_path / "out" / "gradebook.csv").open() as f:
        row = next(csv.DictReader(f))
    assert (row["01.1"], row["total"], row["max"]) == ("2", "10", "13")
    feedback = (tmp_path / "out" / "bob" / "feedback.txt").read_text()
    assert "hidden test" in feedback and "SECRET-VALUE" not in feedback
    assert "SECRET-VALUE" in (tmp_path / "out" / "teacher-only" / "bob.txt").read_text()
    assert "teacher-only" in proc.stdout  # the run says where the teacher's report is
    # the student's own check does not run hidden tests
    assert run_cli("check", sub).returncode == 0


def test_discovery_skips_earlier_output_folders(tmp_path):
    from gancourse.grading.notebook import GRADER_MARKER, find_submissions

    (tmp_path / "alice.py").write_text("# %%\nx = 1\n")
    (tmp_path / "bob").mkdir()
    (tmp_path / "bob" / "01_mle_and_kl.py").write_text("# %%\nx = 2\n")
    (tmp_path / "grades").mkdir()
    (tmp_path / "grades" / GRADER_MARKER).write_text("written by gancourse grade\n")
    subs, ignored = find_submissions([tmp_path])
    assert [s.student for s in subs] == ["alice", "bob"] and ignored == []


def test_expect_raises_accepts_only_the_named_error_with_the_argument_named():
    from gancourse.grading.checks import CheckFailed, SubmissionFailed, expect_raises
    from gancourse.grading.sandbox import Reply

    def raising(error_type, message):
        def call(*_):
            raise SubmissionFailed(Reply(ok=False, error_type=error_type, error=message))
        return call

    expect_raises(raising("ValueError", "y must hold labels 0..4"), error="ValueError",
                  mentions="y")
    with pytest.raises(CheckFailed, match="expected a ValueError, but the function raised "
                                          "IndexError"):
        expect_raises(raising("IndexError", "index 5 is out of bounds"), error="ValueError")
    with pytest.raises(CheckFailed, match="should name 'n_classes'"):
        expect_raises(raising("ValueError", "bad input"), mentions="n_classes")
    with pytest.raises(CheckFailed, match="but the function returned"):
        expect_raises(lambda *_: 3.0)
    with pytest.raises(SubmissionFailed):  # "not implemented" stays "not implemented"
        expect_raises(raising("NotImplementedError", "write your solution here"))


def test_expect_raises_in_the_students_notebook(capsys):
    def condition_input(z, y, n_classes):  # a correct answer to exercise 06.1
        if int(y.max()) >= n_classes or int(y.min()) < 0:
            raise ValueError(f"y must hold labels below {n_classes}")
        return torch.cat([z, torch.nn.functional.one_hot(y, n_classes).to(z.dtype)], 1)

    assert check("06.1", condition_input) is True
    assert "[PASS] a label out of range raises ValueError naming y" in capsys.readouterr().out

    def no_check(z, y, n_classes):  # forgets the check: the one-hot call raises instead
        return torch.cat([z, torch.nn.functional.one_hot(y, n_classes).to(z.dtype)], 1)

    assert check("06.1", no_check) is False
    assert "expected a ValueError, but the function raised RuntimeError" in \
        capsys.readouterr().out


def test_version_and_lecture_numbers(tmp_path):
    from gancourse import __version__

    assert run_cli("--version").stdout.strip() == f"gancourse {__version__}"
    (tmp_path / "class").mkdir()
    (tmp_path / "class" / "carol.py").write_text((ROOT / "exercises" / "02_gan_game.py")
                                                 .read_text())
    unknown = run_cli("grade", tmp_path / "class", "--out", tmp_path / "out9", "--lecture", "99")
    assert unknown.returncode == 2
    assert "--lecture must be one of 01 (mle_and_kl), 02 (gan_game), 03" in unknown.stderr
    assert not (tmp_path / "out9").exists()
    graded = run_cli("grade", tmp_path / "class", "--out", tmp_path / "out", "--lecture", "2")
    assert graded.returncode == 0, graded.stderr
    with (tmp_path / "out" / "gradebook.csv").open() as f:
        (row,) = list(csv.DictReader(f))
    full = sum(ex.points for ex in load_registry().for_lecture("02"))
    assert row["student"] == "carol" and float(row["max"]) == full == 18.0


@pytest.mark.parametrize("name", ["2", "02", "gan_game", "02_gan_game", " 02 "])
def test_a_lecture_is_named_by_number_or_topic(name):
    assert load_registry().lecture_named(name) == "02"


@pytest.mark.parametrize("name", ["99", "gan", "2.0", ""])
def test_an_unknown_lecture_lists_the_valid_ones(name):
    with pytest.raises(ValueError, match=r"--lecture must be one of 01 \(mle_and_kl\)"):
        load_registry().lecture_named(name)


def test_each_lectures_topic_is_the_notebooks_name():
    registry = load_registry()
    names = sorted(p.stem for p in (ROOT / "solutions").glob("[0-9]*.py"))
    assert [f"{lec}_{registry.topics[lec]}" for lec in registry.lectures] == names


def test_the_readmes_hidden_test_example_works(tmp_path, monkeypatch):
    """The example a teacher copies from the README loads and grades as it says."""
    import re

    readme = (ROOT / "README.md").read_text()
    (example,) = [b for b in re.findall(r"```python\n(.*?)```", readme, re.S)
                  if "def register(reg)" in b]
    (tmp_path / "hidden01.py").write_text(example)
    registry = load_registry(tmp_path)
    hidden = [c for c in registry.exercises["01.1"].checks if c.hidden]
    assert [c.name for c in hidden] == ["a wide Gaussian far from the data"]

    def right(x, mu, sigma):
        return _log_likelihood(x, mu, sigma)

    hidden[0].run(lambda *args, seed=0: right(*args))  # passes for a correct answer
    with pytest.raises(CheckFailed, match="gaussian_log_likelihood\\(x, 10, 5\\) is wrong"):
        hidden[0].run(lambda *args, seed=0: right(*args) + 1.0)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads Linux's /proc")
def test_peak_memory_of_a_process_agrees_with_getrusage():
    """The grader's measure of a submission's memory (VmHWM) against the kernel's other
    account of the same peak, getrusage's ru_maxrss (KiB on Linux)."""
    import os
    import resource

    from gancourse.grading.sandbox import peak_resident_mb

    block = np.ones(50 * 2**20 // 8)  # 50 MB touched: the peak rises at least that far
    peak = peak_resident_mb(os.getpid())
    reference = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    assert peak is not None and block.sum() > 0
    assert peak >= 50 and abs(peak - reference) <= 0.02 * reference + 1, (peak, reference)
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    assert peak_resident_mb(dead.pid) is None


def _generators_read_by_checks(source: str) -> list[str]:
    """Functions nested in ``register`` that draw from a generator ``register`` made, with no
    generator of their own: their data would depend on what the process graded before."""
    tree = ast.parse(source)
    found = []
    for reg in (n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "register"):
        made = {t.id for node in reg.body if isinstance(node, ast.Assign)
                and isinstance(node.value, ast.Call) and "default_rng" in ast.unparse(node.value)
                for t in node.targets if isinstance(t, ast.Name)}
        for fn in ast.walk(reg):
            if not isinstance(fn, ast.FunctionDef) or fn is reg:
                continue
            own = {a.arg for a in fn.args.args} | {
                t.id for node in ast.walk(fn) if isinstance(node, ast.Assign)
                for t in node.targets if isinstance(t, ast.Name)}
            read = {n.id for n in ast.walk(fn) if isinstance(n, ast.Name)
                    and isinstance(n.ctx, ast.Load)}
            found += [f"{fn.name} (line {fn.lineno}) draws from {g}" for g in (read & made) - own]
    return found


def test_a_checks_data_never_depend_on_what_was_graded_before():
    """A check that draws its data from a generator shared by the lecture's checks would see
    other data for each submission, depending on how many the process graded before and on
    the threads of --jobs: the grading-at-scale benchmark found a student's score that changed
    that way. Every check that draws makes its own seeded generator."""
    bad = "def register(reg):\n    rng = np.random.default_rng(1)\n    def _(call):\n" \
          "        return call(rng.normal())\n"
    assert _generators_read_by_checks(bad) == ["_ (line 3) draws from rng"]
    lectures = Path(__file__).resolve().parents[1] / "gancourse" / "grading" / "lectures"
    for path in sorted(lectures.glob("l*.py")):
        assert _generators_read_by_checks(path.read_text(encoding="utf-8")) == [], path.name
