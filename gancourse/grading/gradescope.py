"""A Gradescope autograder for one lecture's exercises: ``gancourse gradescope NN --out
autograder.zip`` writes the zip Gradescope's "Configure Autograder" page takes, and
``python -m gancourse.grading.gradescope ROOT`` is what it runs for each submission.

The zip (Gradescope's layout: gradescope-autograders.readthedocs.io, "Autograder
Specifications")::

    setup.sh          installs Python's venv, torch's CPU build and the course (the wheel
                      below) into /autograder/venv; adds the user the submissions run as;
                      makes the hidden tests readable by root alone
    run_autograder    grades /autograder/submission into /autograder/results/results.json
    gancourse-*.whl   the course, built from this checkout
    config.json       the lecture, the limits, the user submissions run as
    tests/            the hidden tests (``--tests``), if any

``run_autograder`` always writes ``results.json``: a submission that fails, hangs, crashes its
process or kills itself loses its own points (the grader's sandbox), anything else that goes
wrong gives a zero with the reason, and a watchdog writes one if grading overruns its time.
Student code runs as an unprivileged user (``gancourse-student``), so it can neither read the
hidden tests nor write the results. ``GANCOURSE_AUTOGRADER`` (instead of ``/autograder``),
``GANCOURSE_VENV``, ``GANCOURSE_TORCH`` (the pip requirement for torch) and
``GANCOURSE_STUDENT`` (an existing user to run submissions as) let the tests run the same
scripts in a temporary folder.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from pathlib import Path

__all__ = ["build_zip", "run", "STUDENT_USER"]

STUDENT_USER = "gancourse-student"

SETUP = """#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder's image.
set -euo pipefail
ROOT="${GANCOURSE_AUTOGRADER:-/autograder}"
VENV="${GANCOURSE_VENV:-$ROOT/venv}"
if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && \\
        ! python3 -c "import venv, ensurepip" >/dev/null 2>&1; then
    apt-get install -y -qq python3-venv python3-pip >/dev/null
fi
python3 -m venv "$VENV"
# torch's CPU build (Gradescope has no GPU); GANCOURSE_TORCH replaces the requirement
if [ -n "${GANCOURSE_TORCH:-}" ]; then
    "$VENV/bin/python" -m pip install --quiet "$GANCOURSE_TORCH"
else
    "$VENV/bin/python" -m pip install --quiet "torch>=2.2,<3" \\
        --index-url https://download.pytorch.org/whl/cpu
fi
"$VENV/bin/python" -m pip install --quiet "$ROOT"/source/gancourse-*.whl
STUDENT="${GANCOURSE_STUDENT:-__STUDENT__}"
if ! id -u "$STUDENT" >/dev/null 2>&1; then
    useradd --no-create-home --shell /usr/sbin/nologin "$STUDENT"
fi
# the hidden tests and the grader's files: root's alone
chmod -R go-rwx "$ROOT/source"
chmod go+rx "$ROOT/source"
"""

RUN = """#!/usr/bin/env bash
# Gradescope runs this for every submission. It always leaves results.json behind.
ROOT="${GANCOURSE_AUTOGRADER:-/autograder}"
VENV="${GANCOURSE_VENV:-$ROOT/venv}"
mkdir -p "$ROOT/results"
"$VENV/bin/python" -m gancourse.grading.gradescope "$ROOT" || true
if [ ! -s "$ROOT/results/results.json" ]; then
    echo '{"score": 0, "output": "The autograder could not run; please tell your teacher."}' \\
        > "$ROOT/results/results.json"
fi
"""


def build_zip(lecture: str, out: Path, *, tests: Path | None = None, root: Path | None = None,
              limits: dict | None = None) -> Path:
    """Write the autograder zip for ``lecture`` to ``out``: the course's wheel built from the
    checkout at ``root`` (default: this package's checkout), the scripts, the config and the
    hidden tests in ``tests``."""
    root = Path(root or Path(__file__).resolve().parents[2])  # the checkout we live in
    out = Path(out)
    if out.suffix != ".zip":
        raise ValueError(f"--out must name a .zip file, got {out}")
    if tests is not None and not Path(tests).is_dir():
        raise ValueError(f"--tests must be a folder of hidden tests, got {tests}")
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "source"  # a copy: building leaves nothing in the checkout
        source.mkdir()
        for name in ("pyproject.toml", "README.md"):
            shutil.copy(root / name, source / name)
        shutil.copytree(root / "gancourse", source / "gancourse",
                        ignore=shutil.ignore_patterns("__pycache__"))
        subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps",
                        "--no-build-isolation", "-q", "-w", str(Path(tmp) / "dist"),
                        str(source)], check=True)
        (wheel,) = (Path(tmp) / "dist").glob("gancourse-*.whl")
        config = {"lecture": lecture, "student_user": STUDENT_USER,
                  "limits": {"cell_seconds": 30.0, "call_seconds": 20.0,
                             "submission_seconds": 300.0, "memory_mb": 3072,
                             **(limits or {})}}
        out.parent.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
            for name, text in (("setup.sh", SETUP.replace("__STUDENT__", STUDENT_USER)),
                               ("run_autograder", RUN)):
                info = zipfile.ZipInfo(name)
                info.external_attr = 0o100755 << 16  # executable
                z.writestr(info, text)
            z.write(wheel, wheel.name)
            z.writestr("config.json", json.dumps(config, indent=2) + "\n")
            for path in sorted(Path(tests).rglob("*.py")) if tests else []:
                z.write(path, f"tests/{path.relative_to(tests).as_posix()}")
    return out


def _write(results: Path, data: dict) -> None:
    tmp = results.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, results)


def run(root: Path) -> dict:
    """Grade ``root/submission`` as ``root/source/config.json`` says; write and return
    ``root/results/results.json``. Never raises."""
    from .checks import load_registry  # noqa: PLC0415
    from .gradebook import results_json  # noqa: PLC0415
    from .grader import grade_submission  # noqa: PLC0415
    from .notebook import find_submissions  # noqa: PLC0415
    from .sandbox import Limits  # noqa: PLC0415

    root = Path(root)
    results = root / "results" / "results.json"
    results.parent.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    written = threading.Event()

    def give_up(reason: str) -> dict:
        data = {"score": 0.0, "execution_time": round(time.perf_counter() - start),
                "output": reason, "visibility": "visible", "stdout_visibility": "hidden",
                "tests": []}
        _write(results, data)
        written.set()
        return data

    try:
        config = json.loads((root / "source" / "config.json").read_text(encoding="utf-8"))
        limits = Limits(**config["limits"], run_as=os.environ.get("GANCOURSE_STUDENT")
                        or config["student_user"])
    except Exception as exc:  # noqa: BLE001 - a broken autograder still answers
        return give_up(f"The autograder is misconfigured ({type(exc).__name__}: {exc}); "
                       "please tell your teacher.")

    def watchdog() -> None:  # the sandbox enforces the limits; this is the last resort
        if not written.is_set():
            give_up(f"Grading took longer than {limits.submission_seconds + 60:.0f} s and was "
                    "stopped. Look for a cell or function that runs for a long time.")
            os._exit(0)

    timer = threading.Timer(limits.submission_seconds + 60, watchdog)
    timer.daemon = True
    timer.start()
    try:
        tests = root / "source" / "tests"
        registry = load_registry(tests if tests.is_dir() else None)
        subs, _ = find_submissions([root / "submission"])
        if not subs:
            return give_up("No notebook (.ipynb or .py) was found in your submission.")
        res = grade_submission(subs[0], registry, lecture=config["lecture"], limits=limits,
                               forbidden=[str(root / "source"), str(results.parent)])
        res.seconds = time.perf_counter() - start
        if len(subs) > 1:
            res.notes.append(f"several notebooks were handed in; graded {subs[0].path.name}")
        data = results_json(res)
        _write(results, data)
        written.set()
        return data
    except Exception as exc:  # noqa: BLE001
        return give_up(f"The autograder failed ({type(exc).__name__}: {exc}); please tell "
                       "your teacher.")
    finally:
        timer.cancel()


if __name__ == "__main__":
    run(Path(sys.argv[1] if len(sys.argv) > 1 else "/autograder"))
