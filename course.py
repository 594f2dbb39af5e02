#!/usr/bin/env python3
"""Set up and run the GAN course. Needs only Python 3.10 or newer.

    python3 course.py lab     set up, then open the course in JupyterLab
    python3 course.py test    set up, then run the whole test suite (package tests + notebooks)
    python3 course.py setup   set up only
    python3 course.py run     execute every lecture and solution headless; table of seconds
                              (--float-path NAME|all: as another CPU would round; see --help)
    python3 course.py slides  render every lecture as reveal.js slides into build/slides/
    python3 course.py site    render the executed lectures as a static web site in build/site/

Set-up is idempotent and quick when nothing changed: it creates the virtual environment
``.venv`` (once), installs the pinned ``requirements.txt`` and the ``gancourse`` package (again
only when one of those files changed), and writes the ``.ipynb`` notebook of each ``.py``
source in lectures/, exercises/ and solutions/ that does not have one yet. It never overwrites
an existing notebook: once written, the notebook is yours.

Extra arguments go to the underlying tool: ``python3 course.py test -k divergences`` or
``python3 course.py lab --no-browser``. ``test`` and ``run`` also take ``--float-path NAME``:
run under the floating-point path of another CPU (``default``, ``avx2``, ``sse42``,
``threads2``; see ``gancourse/floatpaths.py``), e.g. ``python3 course.py test --float-path
default``.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
STAMP = VENV / ".course-installed"
NOTEBOOK_DIRS = ("lectures", "exercises", "solutions")
# Notebooks the test suite executes with nbval. Exercises and solutions are executed once too,
# by tests/test_grading_all_lectures.py, which grades them as a class and fails on any cell that
# raised (untouched exercises: anything but NotImplementedError).
EXECUTED_DIRS = ("lectures",)
TEST_BUILD = ROOT / "build" / "test-notebooks"
CELL_TIMEOUT_S = 120
MIN_PYTHON = (3, 10)


def venv_python() -> Path:
    return VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def inside_venv() -> bool:
    return Path(sys.prefix).resolve() == VENV.resolve()


def run(cmd: list[str | Path], **kwargs) -> int:
    print("+", " ".join(str(c) for c in cmd), flush=True)
    return subprocess.call([str(c) for c in cmd], **kwargs)


def fail(message: str) -> None:
    print(f"course.py: {message}", file=sys.stderr)
    sys.exit(2)


# --------------------------------------------------------------------------- environment


def install_digest() -> str:
    h = hashlib.sha256()
    for name in ("requirements.txt", "pyproject.toml"):
        h.update((ROOT / name).read_bytes())
    return h.hexdigest()


def ensure_environment() -> None:
    """Create .venv and install the pinned requirements and gancourse, when needed."""
    if sys.version_info < MIN_PYTHON:
        fail(f"Python {'.'.join(map(str, MIN_PYTHON))} or newer is needed, this is "
             f"{sys.version.split()[0]}; run the command with a newer python3")
    if not venv_python().exists():
        print(f"Creating the virtual environment {VENV} ...", flush=True)
        if run([sys.executable, "-m", "venv", VENV]) != 0:
            fail("could not create the virtual environment (on Debian/Ubuntu: "
                 "apt install python3-venv)")
    digest = install_digest()
    if STAMP.exists() and STAMP.read_text().strip() == digest:
        return
    py = venv_python()
    steps = [
        [py, "-m", "pip", "install", "--disable-pip-version-check", "-q", "-r",
         ROOT / "requirements.txt"],
        [py, "-m", "pip", "install", "--disable-pip-version-check", "-q", "--no-deps", "-e",
         ROOT],
    ]
    for cmd in steps:
        if run(cmd) != 0:
            fail("installing the requirements failed (see pip's message above)")
    STAMP.write_text(digest + "\n")


# --------------------------------------------------------------------------- notebooks


def notebook_sources(dirs: tuple[str, ...]) -> list[Path]:
    return sorted(p for d in dirs for p in (ROOT / d).glob("[0-9]*.py"))


def write_notebook(source: Path, target: Path, *, paired: bool) -> None:
    """Convert a jupytext percent source into an .ipynb notebook (inputs only)."""
    import jupytext  # only available inside .venv

    nb = jupytext.read(source)
    nb.metadata.setdefault("kernelspec", {"name": "python3", "display_name": "Python 3",
                                          "language": "python"})
    if paired:  # editing the notebook in JupyterLab then also updates the .py source
        nb.metadata.setdefault("jupytext", {})["formats"] = "ipynb,py:percent"
    else:
        nb.metadata.pop("jupytext", None)
    target.parent.mkdir(parents=True, exist_ok=True)
    jupytext.write(nb, target, fmt="ipynb")


def make_missing_notebooks() -> None:
    """Write the .ipynb of every source that has none; never touch an existing notebook."""
    created, kept = [], []
    for source in notebook_sources(NOTEBOOK_DIRS):
        target = source.with_suffix(".ipynb")
        if target.exists():
            kept.append(target)
            continue
        write_notebook(source, target, paired=True)
        # Same time stamp as the source: jupytext then treats the pair as in sync.
        stat = source.stat()
        os.utime(target, ns=(stat.st_atime_ns, stat.st_mtime_ns))
        created.append(target)
    for path in created:
        print(f"  wrote {path.relative_to(ROOT)}")
    if kept:
        print(f"  kept {len(kept)} existing notebook(s) unchanged")


# --------------------------------------------------------------------------- commands


def cmd_setup(_args: list[str]) -> int:
    """python3 course.py setup

Create .venv (once), install the pinned requirements and gancourse (again only when
requirements.txt or pyproject.toml changed), and write the .ipynb of every lecture, exercise
and solution that has none. Never overwrites a notebook."""
    make_missing_notebooks()
    print("Set-up complete.")
    return 0


def cmd_lab(args: list[str]) -> int:
    """python3 course.py lab [JUPYTERLAB OPTIONS]

Set up, then open the course in JupyterLab at lecture 01. Options go to JupyterLab, e.g.
--no-browser or --port 8890 (all of them: .venv/bin/jupyter lab --help)."""
    make_missing_notebooks()
    if hasattr(os, "geteuid") and os.geteuid() == 0 and "--allow-root" not in args:
        print("Running as root (a container?): passing --allow-root to JupyterLab.")
        args = [*args, "--allow-root"]
    first = notebook_sources(("lectures",))
    start = [f"--LabApp.default_url=/lab/tree/lectures/{first[0].stem}.ipynb"] if first else []
    return run([sys.executable, "-m", "jupyterlab", f"--ServerApp.root_dir={ROOT}", *start,
                *args], cwd=ROOT)


def pop_option(args: list[str], name: str) -> tuple[str | None, list[str]]:
    """Remove ``name VALUE`` or ``name=VALUE`` from ``args``; return (VALUE or None, the rest)."""
    rest, value, i = [], None, 0
    while i < len(args):
        if args[i] == name:
            if i + 1 >= len(args):
                fail(f"{name} needs a value")
            value, i = args[i + 1], i + 2
        elif args[i].startswith(name + "="):
            value, i = args[i].split("=", 1)[1], i + 1
        else:
            rest.append(args[i])
            i += 1
    return value, rest


def parallel_options(args: list[str], threads: int = 1) -> list[str]:
    """pytest-xdist options: one worker per ``threads`` cores (at most 4 workers), each test
    file or notebook whole on one worker (``loadscope``: a notebook's cells share one kernel,
    in order). None when the user chose (``-n``) or there is room for one worker only: more
    torch threads than cores make the small products spin and wait."""
    if any(a == "-n" or a.startswith(("-n", "--numprocesses")) for a in args):
        return []
    workers = min((os.cpu_count() or 1) // max(threads, 1), 4)
    return ["-n", str(workers), "--dist", "loadscope"] if workers > 1 else []


def _threads(env: dict[str, str]) -> int:
    """Torch threads per process that GANCOURSE_THREADS asks for (1 if unset or not a number:
    the notebooks then say what is wrong with it)."""
    raw = env.get("GANCOURSE_THREADS") or "1"
    return int(raw) if raw.isdigit() and int(raw) > 0 else 1


def cmd_test(args: list[str]) -> int:
    """python3 course.py test [--float-path NAME] [PYTEST OPTIONS]

Set up, then run the whole test suite: the package's tests, every lecture notebook (nbval),
every exercise and solution (graded as a class). Test files run side by side, one worker per
core (-n 0: one at a time).

  --float-path NAME   run as another CPU rounds: native, default, avx2, sse42 or threads2
                      (see gancourse/floatpaths.py)

Other options go to pytest, e.g. -k divergences, -m "not slow", -x (all of them:
.venv/bin/python -m pytest --help)."""
    float_path, args = pop_option(args, "--float-path")
    env = dict(os.environ, PYTHONHASHSEED="0")
    if float_path is not None:
        from gancourse.floatpaths import FLOAT_PATHS, float_path_env

        try:
            env = float_path_env(float_path, env)
        except ValueError as err:
            fail(str(err).replace("float_path", "--float-path").replace(" (or 'all')", ""))
        settings = " ".join(f"{k}={v}" for k, v in FLOAT_PATHS[float_path].items())
        print(f"Float path {float_path!r}: {settings or 'as this CPU selects'}")
    make_missing_notebooks()
    # Execute fresh notebooks built from the sources, not the user's possibly edited copies.
    shutil.rmtree(TEST_BUILD, ignore_errors=True)
    TEST_BUILD.mkdir(parents=True)  # exists even with no notebooks, so pytest can collect it
    for source in notebook_sources(EXECUTED_DIRS):
        write_notebook(source, TEST_BUILD / source.parent.name / f"{source.stem}.ipynb",
                       paired=False)
    code = run([sys.executable, "-m", "pytest", "tests", TEST_BUILD, "--nbval-lax",
                f"--nbval-cell-timeout={CELL_TIMEOUT_S}", "-p", "no:cacheprovider",
                *parallel_options(args, _threads(env)), *args], cwd=ROOT, env=env)
    if code == 5:  # pytest: no tests were collected
        print("course.py: pytest collected no tests (nothing to run).")
        return 0
    return code


def cmd_run(args: list[str]) -> int:
    """python3 course.py run [--float-path PATHS] [--jobs N] [--save]

Execute every lecture and solution notebook headless: without options, one after another,
timed, saved in benchmarks/results/course_run.md; with --float-path (a name, a list, or all)
under other CPUs' floating-point paths, --jobs at a time, failing if any notebook fails."""
    return run([sys.executable, ROOT / "benchmarks" / "course_run.py", *args], cwd=ROOT)


def _export(kind: str, folder: str) -> int:
    from gancourse.publish import export

    out = ROOT / "build" / folder
    pages = export(kind, out)
    print(f"Open {pages[0]} in a browser ({len(pages) - 1} lecture(s)).")
    return 0


def cmd_slides(_args: list[str]) -> int:
    """python3 course.py slides

Execute every lecture and render it as reveal.js slides in build/slides/ (open index.html)."""
    return _export("slides", "slides")


def cmd_site(_args: list[str]) -> int:
    """python3 course.py site

Execute every lecture and write it as a static web page in build/site/ (open index.html);
the widgets appear as still figures."""
    return _export("html", "site")


COMMANDS = {"setup": cmd_setup, "lab": cmd_lab, "test": cmd_test, "run": cmd_run,
            "slides": cmd_slides, "site": cmd_site}


def main(argv: list[str]) -> int:
    if not argv or argv[0] in ("-h", "--help", "help"):
        print(__doc__.replace("``", ""))
        return 0 if argv else 2
    name, rest = argv[0], argv[1:]
    if name in COMMANDS and any(a in ("-h", "--help") for a in rest):
        print(COMMANDS[name].__doc__)  # before set-up: asking for help changes nothing
        return 0
    if name not in COMMANDS:
        fail(f"unknown command {name!r}; expected one of: {', '.join(COMMANDS)}")
    if not inside_venv():
        ensure_environment()
        return run([venv_python(), Path(__file__).resolve(), name, *rest], cwd=ROOT)
    return COMMANDS[name](rest)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
