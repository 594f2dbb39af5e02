"""A new student and a new teacher, end to end, with the commands the README gives them.

On a copy of the course (a git repository standing in for the course's upstream) and a clone
of it (the student's folder): set up, open JupyterLab, edit and save an exercise through Lab's
own server, check it, take a fresh copy, update the course with ``git pull``, grade a class,
grade a late submission and a re-submission into the same folder, and export a lecture. After
every step nothing the student or the teacher wrote is lost or changed, and no course file in
the clone is modified. The clone shares this checkout's ``.venv`` (a symbolic link), so the
walk-through costs no installation.
"""

from __future__ import annotations

import csv
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SOLUTION = ROOT / "solutions" / "01_mle_and_kl.py"
ANSWER = '''def gaussian_log_likelihood(x, mu, sigma):
    x = np.asarray(x, dtype=float)
    return float(np.mean(-0.5 * ((x - mu) / sigma) ** 2 - math.log(sigma)
                         - 0.5 * math.log(2 * math.pi)))  # MY ANSWER
'''

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900),
              pytest.mark.skipif(shutil.which("git") is None, reason="needs git")]


def git(cwd: Path, *args: str) -> str:
    env = dict(os.environ, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@t", GIT_COMMITTER_NAME="t",
               GIT_COMMITTER_EMAIL="t@t")
    return subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True,
                          text=True).stdout


def course(clone: Path, *args: str, timeout: int = 300) -> subprocess.CompletedProcess:
    """``python3 course.py ARGS`` in the clone, as the README says (with this interpreter)."""
    env = {k: v for k, v in os.environ.items() if k != "GANCOURSE_WORKSPACE"}
    return subprocess.run([sys.executable, "course.py", *args], cwd=clone, env=env,
                          capture_output=True, text=True, timeout=timeout)


def gancourse(clone: Path, *args: str) -> subprocess.CompletedProcess:
    """``.venv/bin/gancourse ARGS`` in the clone (its own package first on the path)."""
    return subprocess.run([str(clone / ".venv" / "bin" / "python"), "-m", "gancourse", *args],
                          cwd=clone, capture_output=True, text=True, timeout=600)


def notebooks(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*.ipynb"))
            if ".ipynb_checkpoints" not in p.parts}


@pytest.fixture(scope="module")
def upstream_and_clone(tmp_path_factory):
    base = tmp_path_factory.mktemp("walk")
    upstream = base / "upstream"
    files = git(ROOT, "ls-files", "-z", "--cached", "--others", "--exclude-standard").split("\0")
    for name in filter(None, files):
        source = ROOT / name
        if source.is_file():
            (upstream / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, upstream / name)
    git(upstream, "init", "-q", "-b", "main")
    git(upstream, "add", "-A")
    git(upstream, "commit", "-q", "-m", "the course")
    clone = base / "student"
    git(base, "clone", "-q", str(upstream), str(clone))
    (clone / ".venv").symlink_to(ROOT / ".venv", target_is_directory=True)
    return upstream, clone


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _edit_and_save_in_lab(clone: Path, tmp: Path) -> str:
    """Start `course.py lab`, save an answer through its contents API (what Lab's Save does);
    return the listing of the server's root folder."""
    port, token = _free_port(), secrets.token_hex(8)
    log = open(tmp / "lab.log", "w")
    server = subprocess.Popen(
        [sys.executable, "course.py", "lab", "--no-browser", "--ServerApp.ip=127.0.0.1",
         f"--ServerApp.port={port}", f"--IdentityProvider.token={token}",
         f"--LabApp.workspaces_dir={tmp / 'lab-workspaces'}"],
        cwd=clone, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    api = f"http://127.0.0.1:{port}/api/contents"
    try:
        for _ in range(240):
            try:
                root = json.load(urllib.request.urlopen(f"{api}?token={token}", timeout=2))
                break
            except OSError:
                assert server.poll() is None, (tmp / "lab.log").read_text()
                time.sleep(0.5)
        else:
            pytest.fail("JupyterLab did not answer: " + (tmp / "lab.log").read_text())
        url = f"{api}/exercises/01_mle_and_kl.ipynb?token={token}"
        model = json.load(urllib.request.urlopen(url, timeout=30))
        cells = model["content"]["cells"]
        (cell,) = [c for c in cells if "def gaussian_log_likelihood" in "".join(c["source"])]
        cell["source"] = ANSWER
        body = json.dumps({"type": "notebook", "format": "json",
                           "content": model["content"]}).encode()
        request = urllib.request.Request(url, data=body, method="PUT",
                                         headers={"Content-Type": "application/json"})
        urllib.request.urlopen(request, timeout=30)
        return " ".join(sorted(item["name"] for item in root["content"]))
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=30)
        log.close()


def test_a_student_and_a_teacher_lose_nothing(upstream_and_clone, tmp_path):
    upstream, clone = upstream_and_clone
    space = clone / "workspace"

    # 1. set up: notebooks appear in the workspace, the course's files are untouched
    setup = course(clone, "setup")
    assert setup.returncode == 0, setup.stdout + setup.stderr
    assert (space / "exercises" / "01_mle_and_kl.ipynb").is_file()
    assert git(clone, "status", "--porcelain") == ""

    # 2. open JupyterLab at the workspace, edit exercise 01.1 and save through Lab's server
    listing = _edit_and_save_in_lab(clone, tmp_path)
    assert listing == "exercises lectures solutions"  # Lab shows the workspace only
    mine = space / "exercises" / "01_mle_and_kl.ipynb"
    assert "MY ANSWER" in mine.read_text()
    assert git(clone, "status", "--porcelain") == ""  # saving wrote no course file
    answered = mine.read_bytes()

    # 3. check from the terminal: the answer passes, the rest is TODO
    check = gancourse(clone, "check", "workspace/exercises/01_mle_and_kl.ipynb")
    assert check.returncode == 1 and "Score: 2 / 10" in check.stdout, check.stdout
    assert mine.read_bytes() == answered

    # 4. a fresh copy: the answer is kept beside it
    fresh = course(clone, "fresh", "exercises/01")
    assert fresh.returncode == 0, fresh.stderr
    (backup,) = space.glob("exercises/01_mle_and_kl.backup-*.ipynb")
    assert backup.read_bytes() == answered and "MY ANSWER" not in mine.read_text()

    # 5. the course is updated upstream; the student pulls and sets up again
    source = upstream / "exercises" / "01_mle_and_kl.py"
    source.write_text(source.read_text() + "\n# %% [markdown]\n# An erratum from the teacher.\n")
    git(upstream, "commit", "-q", "-am", "erratum")
    before = notebooks(space)
    git(clone, "pull", "-q")  # no conflict: the student's work is not in tracked files
    again = course(clone, "setup")
    assert "newer version of: exercises/01_mle_and_kl" in again.stdout, again.stdout
    assert notebooks(space) == before

    # 6. the teacher grades a class, then a late submission and a re-submission
    klass, late = tmp_path / "class", tmp_path / "late"
    klass.mkdir(), late.mkdir()
    shutil.copy(backup, klass / "alice.ipynb")
    shutil.copy(SOLUTION, klass / "bob.py")
    shutil.copy(clone / "exercises" / "01_mle_and_kl.py", klass / "carol.py")
    shutil.copy(SOLUTION, late / "dave.py")
    shutil.copy(backup, late / "bob.ipynb")  # bob hands in again, worse
    grades = tmp_path / "grades"
    first = gancourse(clone, "grade", str(klass), "--out", str(grades), "--jobs", "2")
    assert first.returncode == 0, first.stderr
    second = gancourse(clone, "grade", str(late), "--out", str(grades), "--jobs", "2")
    assert second.returncode == 0, second.stderr
    assert "1 added, 1 re-graded, 2 kept" in second.stdout
    with (grades / "gradebook.csv").open() as f:
        book = {r["student"]: r for r in csv.DictReader(f)}
    assert {s: book[s]["total"] for s in book} == {"alice": "2", "bob": "2", "carol": "0",
                                                   "dave": "10"}
    assert {book[s]["max"] for s in book} == {"10"}
    log = (grades / "changes.log").read_text()
    assert "re-graded  bob: 10 / 10 -> 2 / 10" in log
    for student in book:
        assert (grades / book[student]["folder"] / "feedback.txt").is_file()
    assert backup.read_bytes() == answered  # grading only read the submissions

    # 7. export a lecture as a web page
    site = course(clone, "site", "01", timeout=600)
    assert site.returncode == 0, site.stdout + site.stderr
    assert "Lecture 01" in (clone / "build" / "site" / "index.html").read_text()
    assert (clone / "build" / "site" / "01_mle_and_kl.html").is_file()

    # nothing lost: the student's notebooks as they were, and no course file changed
    assert notebooks(space) == before
    assert git(clone, "status", "--porcelain") == ""
