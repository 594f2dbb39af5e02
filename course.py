#!/usr/bin/env python3
"""Set up and run the GAN course. Needs only Python 3.10 or newer.

    python3 course.py lab     set up, then open the course in JupyterLab
    python3 course.py test    set up, then run the whole test suite (package tests + notebooks)
    python3 course.py setup   set up only
    python3 course.py fresh exercises/01   a fresh copy of a notebook (yours is kept beside it)
    python3 course.py run     execute every lecture and solution headless; table of seconds
                              (--float-path NAME|all: as another CPU would round; see --help)
    python3 course.py slides  render every lecture (or those named) as reveal.js slides into
                              build/slides/
    python3 course.py site    render the executed lectures (or those named) as a static web
                              site in build/site/
    python3 course.py notebooks   rewrite notebooks/ (the .ipynb hosted services open)
    python3 course.py hub-link HUB_URL lectures/02   the nbgitpuller link for a JupyterHub

Set-up is idempotent and quick when nothing changed: it creates the virtual environment
``.venv`` (once), installs the pinned ``requirements.txt`` and the ``gancourse`` package (again
only when one of those files changed), and writes your ``.ipynb`` copy of each ``.py`` source
in lectures/, exercises/ and solutions/ into ``workspace/`` where there is none yet. It never
overwrites a notebook: once written, the copy is yours, and nothing but you writes to it.

Extra arguments go to the underlying tool: ``python3 course.py test -k divergences`` or
``python3 course.py lab --no-browser``. ``test`` and ``run`` also take ``--float-path NAME``:
run under the floating-point path of another CPU (``default``, ``avx2``, ``sse42``,
``threads2``; see ``gancourse/floatpaths.py``), e.g. ``python3 course.py test --float-path
default``.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
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
#
# The course's files (the .py sources in lectures/, exercises/ and solutions/) are never
# written by set-up, JupyterLab or any command a student runs. A student works on plain .ipynb
# copies in the workspace (workspace/ in the course folder, or GANCOURSE_WORKSPACE): set-up
# writes a copy only where there is none, the copies are not paired with the sources (saving
# changes the copy alone), `fresh` keeps the old copy beside the new one, and updating the
# course (git pull) touches neither.


def workspace() -> Path:
    """The folder that holds the student's notebooks (``GANCOURSE_WORKSPACE`` overrides it)."""
    chosen = os.environ.get("GANCOURSE_WORKSPACE")
    return Path(chosen).expanduser().resolve() if chosen else ROOT / "workspace"


def notebook_sources(dirs: tuple[str, ...]) -> list[Path]:
    return sorted(p for d in dirs for p in (ROOT / d).glob("[0-9]*.py"))


def source_digest(source: Path) -> str:
    return hashlib.sha256(source.read_bytes()).hexdigest()[:16]


def write_notebook(source: Path, target: Path) -> None:
    """Convert a jupytext percent source into an unpaired .ipynb notebook (inputs only).

    The notebook records which source and which version of it it was made from
    (``metadata.gancourse.source`` and ``.source_sha256``), so set-up can tell when the course
    has a newer version. Without ``metadata.jupytext`` it is not paired: saving it in
    JupyterLab writes this notebook and nothing else.
    """
    import jupytext  # only available inside .venv

    nb = jupytext.read(source)
    nb.metadata.setdefault("kernelspec", {"name": "python3", "display_name": "Python 3",
                                          "language": "python"})
    nb.metadata.pop("jupytext", None)
    info = nb.metadata.setdefault("gancourse", {})
    info["source"] = f"{source.parent.name}/{source.name}"
    info["source_sha256"] = source_digest(source)
    target.parent.mkdir(parents=True, exist_ok=True)
    jupytext.write(nb, target, fmt="ipynb")


def _recorded_digest(notebook: Path) -> str | None:
    try:
        meta = json.loads(notebook.read_text(encoding="utf-8")).get("metadata", {})
        return (meta.get("gancourse") or {}).get("source_sha256")
    except (OSError, ValueError, AttributeError):
        return None  # the student's file: whatever it holds, it is left alone


def _adopt_legacy(source: Path, target: Path) -> bool:
    """Copy a notebook that an earlier set-up wrote beside its source into the workspace,
    unpaired (the old file stays where it is). True when there was one."""
    legacy = source.with_suffix(".ipynb")
    if not legacy.is_file():
        return False
    try:
        nb = json.loads(legacy.read_text(encoding="utf-8"))
        nb.get("metadata", {}).pop("jupytext", None)
        text = json.dumps(nb, indent=1, ensure_ascii=False) + "\n"
    except (OSError, ValueError, AttributeError):
        text = None
    target.parent.mkdir(parents=True, exist_ok=True)
    if text is None:
        shutil.copy2(legacy, target)
    else:
        target.write_text(text, encoding="utf-8")
    return True


def make_missing_notebooks() -> None:
    """Write the workspace notebook of every source that has none; never touch an existing one.

    Says which copies are older than the course's current source (``fresh`` updates one).
    """
    space = workspace()
    created, adopted, kept, stale = [], [], 0, []
    for source in notebook_sources(NOTEBOOK_DIRS):
        target = space / source.parent.name / f"{source.stem}.ipynb"
        if target.exists():
            kept += 1
            recorded = _recorded_digest(target)
            if recorded is not None and recorded != source_digest(source):
                stale.append(f"{source.parent.name}/{source.stem}")
        elif _adopt_legacy(source, target):
            adopted.append(target)
        else:
            write_notebook(source, target)
            created.append(target)
    for path in created:
        print(f"  wrote {_shown(path)}")
    for path in adopted:
        print(f"  copied your earlier notebook to {_shown(path)} (it is no longer paired with "
              f"the course's .py file; the old copy was left in {path.parent.name}/)")
    if kept:
        print(f"  kept {kept} existing notebook(s) in {_shown(space)} unchanged")
    if stale:
        print("  the course has a newer version of: " + ", ".join(stale) + "\n"
              "  your copies are unchanged; `python3 course.py fresh NAME` gets the new "
              "version and keeps yours beside it")
    _warn_changed_sources()


def _shown(path: Path) -> str:
    try:
        return str(path.relative_to(ROOT))
    except ValueError:
        return str(path)


def _warn_changed_sources() -> None:
    """Name course sources with local changes (an answer saved through an old pairing)."""
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        return
    proc = subprocess.run(["git", "status", "--porcelain", "--", *NOTEBOOK_DIRS], cwd=ROOT,
                          capture_output=True, text=True)
    changed = [ln[3:] for ln in proc.stdout.splitlines()
               if ln[:2].strip() == "M" and ln.endswith(".py")]
    if proc.returncode == 0 and changed:
        print("  note: these course files differ from the course's version: "
              + ", ".join(changed) + "\n"
              "  (your notebooks in the workspace do not depend on them; `git diff` shows the "
              "change, `git checkout -- FILE` restores the course's version)")


def resolve_notebook(name: str) -> Path:
    """The source that ``name`` means: ``exercises/01``, ``lectures/02_gan_game``, a path to a
    source or to a workspace notebook. Exits with a clear message when it means none or several.
    """
    raw = name.replace("\\", "/").removesuffix(".ipynb").removesuffix(".py")
    parts = [p for p in raw.split("/") if p and p != "workspace"]
    folder, stem = (parts[-2], parts[-1]) if len(parts) >= 2 else (None, parts[-1] if parts
                                                                      else "")
    dirs = (folder,) if folder in NOTEBOOK_DIRS else NOTEBOOK_DIRS
    stem = stem.zfill(2) if stem.isdigit() else stem
    matches = [s for s in notebook_sources(dirs)
               if s.stem == stem or s.stem.split("_", 1)[0] == stem]
    if len(matches) == 1:
        return matches[0]
    choices = ", ".join(f"{s.parent.name}/{s.stem}" for s in (matches or
                                                               notebook_sources(NOTEBOOK_DIRS)))
    fail(f"{name!r} names {'several notebooks' if matches else 'no notebook'}; "
         f"say which, e.g. one of: {choices}")
    raise AssertionError("unreachable")


def fresh_copy(source: Path) -> tuple[Path, Path | None]:
    """Write a fresh workspace notebook of ``source``; the old one, if any, is renamed to
    ``NAME.backup-YYYYmmdd-HHMMSS.ipynb`` beside it. Returns (new notebook, backup or None)."""
    target = workspace() / source.parent.name / f"{source.stem}.ipynb"
    backup = None
    if target.exists():
        stamp = time.strftime("%Y%m%d-%H%M%S")
        backup = target.with_name(f"{source.stem}.backup-{stamp}.ipynb")
        n = 2
        while backup.exists():
            backup = target.with_name(f"{source.stem}.backup-{stamp}-{n}.ipynb")
            n += 1
        target.rename(backup)
    write_notebook(source, target)
    return target, backup


# --------------------------------------------------------------------------- commands


def cmd_setup(_args: list[str]) -> int:
    """python3 course.py setup

Create .venv (once), install the pinned requirements and gancourse (again only when
requirements.txt or pyproject.toml changed), and write your notebook copy of every lecture,
exercise and solution into workspace/ (or the folder GANCOURSE_WORKSPACE names) where there is
none yet. Never overwrites a notebook; says which of yours are older than the course's version."""
    make_missing_notebooks()
    print("Set-up complete.")
    return 0


def cmd_fresh(args: list[str]) -> int:
    """python3 course.py fresh NAME [NAME ...]

Write a fresh copy of a notebook into your workspace, e.g. after a course update or to start
an exercise again. Your current copy is kept beside it, renamed to
NAME.backup-YYYYmmdd-HHMMSS.ipynb: nothing is deleted or overwritten.

  NAME   exercises/01, lectures/02_gan_game, solutions/05, or a notebook's path"""
    if not args:
        fail("fresh needs the notebook to refresh, e.g. python3 course.py fresh exercises/01")
    for name in args:
        target, backup = fresh_copy(resolve_notebook(name))
        print(f"  wrote a fresh {_shown(target)}"
              + (f"; your previous copy is {_shown(backup)}" if backup else ""))
    return 0


def cmd_lab(args: list[str]) -> int:
    """python3 course.py lab [JUPYTERLAB OPTIONS]

Set up, then open your workspace (workspace/, or GANCOURSE_WORKSPACE) in JupyterLab at
lecture 01. Options go to JupyterLab, e.g. --no-browser or --port 8890 (all of them:
.venv/bin/jupyter lab --help)."""
    make_missing_notebooks()
    if hasattr(os, "geteuid") and os.geteuid() == 0 and "--allow-root" not in args:
        print("Running as root (a container?): passing --allow-root to JupyterLab.")
        args = [*args, "--allow-root"]
    first = notebook_sources(("lectures",))
    start = [f"--LabApp.default_url=/lab/tree/lectures/{first[0].stem}.ipynb"] if first else []
    return run([sys.executable, "-m", "jupyterlab", f"--ServerApp.root_dir={workspace()}",
                *start, *args], cwd=workspace())


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
    # Execute fresh notebooks built from the sources, not the user's possibly edited copies.
    shutil.rmtree(TEST_BUILD, ignore_errors=True)
    TEST_BUILD.mkdir(parents=True)  # exists even with no notebooks, so pytest can collect it
    for source in notebook_sources(EXECUTED_DIRS):
        write_notebook(source, TEST_BUILD / source.parent.name / f"{source.stem}.ipynb")
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


def _export(kind: str, folder: str, names: list[str]) -> int:
    from gancourse.publish import ExportError, export

    out = ROOT / "build" / folder
    sources = [resolve_notebook(n if "/" in n else f"lectures/{n}") for n in names] or None
    try:
        pages = export(kind, out, sources)
    except ExportError as err:
        print(f"Open {err.pages[0]} in a browser ({len(err.pages) - 1} lecture(s)).")
        for source, error in err.failures.items():
            print(f"course.py: {source.parent.name}/{source.name} did not run: {error}",
                  file=sys.stderr)
        return 1
    print(f"Open {pages[0]} in a browser ({len(pages) - 1} lecture(s)).")
    return 0


def cmd_slides(args: list[str]) -> int:
    """python3 course.py slides [LECTURE ...]

Execute every lecture (or the ones named: 01, 03_disjoint_supports, ...) and render it as
reveal.js slides in build/slides/ (open index.html). A lecture that fails is marked on the
index with its error; the others are still rendered, and the command exits with 1."""
    return _export("slides", "slides", args)


def cmd_site(args: list[str]) -> int:
    """python3 course.py site [LECTURE ...]

Execute every lecture (or the ones named: 01, 03_disjoint_supports, ...) and write it as a
static web page in build/site/ (open index.html); the widgets appear as still figures. A
lecture that fails is marked on the index with its error; the others are still written, and
the command exits with 1."""
    return _export("html", "site", args)


def cmd_notebooks(args: list[str]) -> int:
    """python3 course.py notebooks [--check]

Write notebooks/, the .ipynb of every lecture, exercise and solution that hosted services
(Colab, Kaggle, Binder, a JupyterHub) open from the repository: made from the .py sources,
without outputs, each starting with badges and a cell that installs the course where it is
missing. Run it after editing a source (the tests fail while notebooks/ is out of sync).
The badges and that cell point to [project.urls] Repository in pyproject.toml.

  --check   change nothing; list what is out of sync and exit with 1 if anything is"""
    from gancourse.hosting import out_of_sync, write_hosted

    if args not in ([], ["--check"]):
        fail(f"notebooks takes only --check, got {' '.join(args)!r}")
    if args:
        problems = out_of_sync(ROOT)
        for line in problems:
            print(f"  {line}")
        print("notebooks/ is in sync with the sources." if not problems else
              "Run python3 course.py notebooks to bring notebooks/ in sync.")
        return 1 if problems else 0
    changed = write_hosted(ROOT)
    for path in changed:
        print(f"  {'wrote' if path.exists() else 'removed'} {_shown(path)}")
    print(f"notebooks/ is in sync with the sources ({len(changed)} file(s) changed).")
    return 0


def cmd_hub_link(args: list[str]) -> int:
    """python3 course.py hub-link HUB_URL [NOTEBOOK] [--repo URL] [--branch NAME]

Print the nbgitpuller link to give a class on a JupyterHub: opened by a logged-in student, it
clones the course into their home (or updates their clone, keeping their edits) and opens the
notebook, e.g. python3 course.py hub-link https://hub.example.edu lectures/02.

  NOTEBOOK       lectures/01 (default), exercises/03, solutions/05_wasserstein, ...
  --repo URL     the repository the hub clones (default: [project.urls] Repository in
                 pyproject.toml; a local path or any git URL the hub can reach)
  --branch NAME  default: main"""
    from gancourse.hosting import nbgitpuller_link, repository

    repo, args = pop_option(args, "--repo")
    branch, args = pop_option(args, "--branch")
    if not args or len(args) > 2 or args[0].startswith("-"):
        fail("hub-link needs the hub's address and at most one notebook, e.g. "
             "python3 course.py hub-link https://hub.example.edu lectures/02")
    default_repo, default_branch = repository(ROOT / "pyproject.toml")
    source = resolve_notebook(args[1] if len(args) == 2 else "lectures/01")
    path = f"notebooks/{source.parent.name}/{source.stem}.ipynb"
    try:
        print(nbgitpuller_link(args[0], repo or default_repo, path, branch or default_branch))
    except ValueError as err:
        fail(str(err).replace("hub must", "HUB_URL must"))
    return 0


COMMANDS = {"setup": cmd_setup, "fresh": cmd_fresh, "lab": cmd_lab, "test": cmd_test,
            "run": cmd_run, "slides": cmd_slides, "site": cmd_site, "notebooks": cmd_notebooks,
            "hub-link": cmd_hub_link}


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
