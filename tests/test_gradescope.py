"""The Gradescope autograder, for real: `gancourse gradescope 01` writes the zip, which is
unpacked into a temporary root laid out like /autograder/; its setup.sh installs into a fresh
venv (torch from this machine's CPU wheel instead of PyTorch's index, and the existing user
`nobody` instead of a new one: GANCOURSE_TORCH and GANCOURSE_STUDENT); then run_autograder
grades a correct, a wrong, a hostile and an empty submission. Every results.json must follow
the JSON schema written from Gradescope's specification.

Slow (the venv installs from the registries). Needs root, as on Gradescope: the grader runs
submissions as another user."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import tempfile
import textwrap
import zipfile
from pathlib import Path

import jsonschema
import jupytext
import pytest

from gancourse.grading.gradescope import build_zip

ROOT = Path(__file__).resolve().parents[1]
SOLUTION = (ROOT / "solutions" / "01_mle_and_kl.py").read_text()
SCHEMA = json.loads((Path(__file__).parent / "gradescope_results.schema.json").read_text())
SECRET = "SECRET-HINT-4711"
HIDDEN = textwrap.dedent(f'''
    import numpy as np

    from gancourse.grading import expect_close


    def register(reg):
        ex = reg.exercise("01.2", function="kl_divergence", title="KL divergence")

        @ex.check(points=1, name="a hidden pair of distributions")
        def _(call):
            p, q = np.array([0.5, 0.5]), np.array([0.9, 0.1])
            expect_close(call(p, q), float(np.sum(p * np.log(p / q))),
                         what="{SECRET} kl_divergence", rtol=1e-9)
''')

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0,
                       reason="the autograder runs submissions as another user: needs root "
                              "(as on Gradescope)"),
    pytest.mark.timeout(900),
]


@pytest.fixture(scope="module")
def autograder():
    base = Path(tempfile.mkdtemp(prefix="gancourse-gradescope-", dir="/tmp"))
    base.chmod(0o755)  # the venv must be readable by the submission's user
    try:
        hidden = base / "hidden"
        hidden.mkdir()
        (hidden / "hidden01.py").write_text(HIDDEN)
        archive = build_zip("01", base / "autograder.zip", tests=hidden,
                            limits={"cell_seconds": 10.0, "submission_seconds": 120.0})
        root = base / "autograder"
        with zipfile.ZipFile(archive) as z:
            names = set(z.namelist())
            z.extractall(root / "source")
        # what Gradescope does with the zip: run_autograder is copied to /autograder/
        shutil.copy(root / "source" / "run_autograder", root / "run_autograder")
        for script in (root / "run_autograder", root / "source" / "setup.sh"):
            script.chmod(0o755)
        env = dict(os.environ, GANCOURSE_AUTOGRADER=str(root), GANCOURSE_VENV=str(base / "venv"),
                   GANCOURSE_TORCH="torch==2.13.0", GANCOURSE_STUDENT="nobody")
        env.pop("VIRTUAL_ENV", None)
        setup = subprocess.run(["bash", str(root / "source" / "setup.sh")], cwd=root, env=env,
                               capture_output=True, text=True, timeout=900)
        assert setup.returncode == 0, setup.stdout[-3000:] + setup.stderr[-3000:]
        yield {"root": root, "env": env, "names": names}
    finally:
        shutil.rmtree(base, ignore_errors=True)


def grade(autograder, files: dict[str, str]) -> dict:
    root = autograder["root"]
    for folder in ("submission", "results"):
        shutil.rmtree(root / folder, ignore_errors=True)
    (root / "submission").mkdir()
    for name, text in files.items():
        jupytext.write(jupytext.reads(text, fmt="py:percent"), root / "submission" / name,
                       fmt="ipynb")
    run = subprocess.run([str(root / "run_autograder")], cwd=root, env=autograder["env"],
                         capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-3000:]
    data = json.loads((root / "results" / "results.json").read_text())
    jsonschema.validate(data, SCHEMA)
    return data


def test_the_zip_has_gradescopes_layout(autograder):
    names = autograder["names"]
    assert {"setup.sh", "run_autograder", "config.json", "tests/hidden01.py"} <= names
    assert any(n.startswith("gancourse-") and n.endswith(".whl") for n in names)
    hidden = autograder["root"] / "source" / "tests" / "hidden01.py"
    assert stat.S_IMODE(hidden.stat().st_mode) & 0o077 == 0  # root's alone after setup.sh


def test_a_correct_submission_gets_every_point(autograder):
    data = grade(autograder, {"01_mle_and_kl.ipynb": SOLUTION})
    assert data["score"] == 11 == sum(t["max_score"] for t in data["tests"])
    assert SECRET not in json.dumps(data)
    assert any(t["name"] == "01.2 hidden test" for t in data["tests"])


def test_a_wrong_submission_loses_points_with_reasons(autograder):
    wrong = SOLUTION.replace("def kl_divergence(p, q):",
                             "def kl_divergence(p, q):\n    return 0.0", 1)
    data = grade(autograder, {"homework.ipynb": wrong})
    assert data["score"] == 11 - 2 - 1  # both public KL checks, and the hidden one
    failed = [t for t in data["tests"] if t["status"] == "failed"]
    assert any("kl_divergence" in t["output"] for t in failed)
    assert SECRET not in json.dumps(data)  # a failed hidden test keeps its message


HOSTILE = SOLUTION + textwrap.dedent('''

    # %%
    import os, signal
    found = []
    for path in ("ROOT/source/tests/hidden01.py", "ROOT/source/config.json"):
        try:
            found.append(open(path).read())
        except OSError as exc:
            found.append(type(exc).__name__)
    try:
        with open("ROOT/results/results.json", "w") as f:
            f.write('{"score": 1000}')
        found.append("wrote results")
    except OSError as exc:
        found.append(type(exc).__name__)
    try:
        os.kill(os.getppid(), signal.SIGKILL)
        found.append("killed the grader")
    except OSError as exc:
        found.append(type(exc).__name__)
    if os.getuid() == 0 or any("register" in x or "wrote" in x or "killed" in x
                               for x in found):
        def kl_divergence(p, q):  # root, or an attack worked: lose points, for the test
            return -1.0

    # %%
    while True:
        pass
''')


def test_a_hostile_submission_cannot_read_tests_or_write_results(autograder):
    root = autograder["root"]
    hostile = HOSTILE.replace("ROOT", str(root))
    data = grade(autograder, {"01_mle_and_kl.ipynb": hostile})
    text = json.dumps(data)
    assert "1000" not in text and SECRET not in text and "register(reg)" not in text
    assert data["score"] == 11  # no attack worked; its functions are still graded
    assert "was skipped" in data["output"]  # the endless cell, stopped by the cell limit
    assert (root / "source" / "tests" / "hidden01.py").read_text() == HIDDEN


def test_an_empty_submission_still_gets_a_results_file(autograder):
    data = grade(autograder, {})
    assert data["score"] == 0 and "No notebook" in data["output"]
