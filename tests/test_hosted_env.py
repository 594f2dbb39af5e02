"""The hosted environments, built for real in one fresh venv outside the checkout (slow: the
dependencies install from the package registries, then every lecture runs in it).

What each step stands for:

* torch 2.13.0 (this machine's CPU wheel) is installed first: Colab's and Kaggle's kernels come
  with a torch, and Binder's ``postBuild`` installs torch's CPU build before the course (here
  its ``--index-url`` line then finds torch installed and does nothing: that index is not
  reachable from this machine).
* ``binder/requirements.txt`` is installed, then the hosted set-up cell of ``notebooks/`` runs
  as a hosted kernel would run it, with the course missing: it installs the course (from a wheel
  of this checkout instead of the repository's URL) with pyproject's version ranges, which pip
  resolves to the newest releases; then ``binder/postBuild`` runs in a copy of the repository.
* In that environment: torch is the one installed first, untouched; the declared dependencies
  are at their newest releases; the fast tests pass; and every lecture runs within Binder's
  memory.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from gancourse.hosting import install_cell

ROOT = Path(__file__).resolve().parents[1]
TORCH = "2.13.0"
# Binder gives a session about 2 GB for the Jupyter server and the kernel together; the server
# itself took 86 MiB (JupyterLab 4.6, idle after serving its page), so a lecture's kernel must
# stay under this, with room to spare.
KERNEL_BUDGET_MIB = 1600
# The fast tests run in the hosted environment: the library's tests (not the notebooks, the
# browser or the grading of a class, which need the course's own pinned tool chain).
FAST_TESTS = ["test_distributions.py", "test_divergences.py", "test_wasserstein.py",
              "test_theory.py", "test_likelihood.py", "test_fdivergences.py", "test_losses.py",
              "test_models.py", "test_training.py", "test_seedbatch.py", "test_metrics.py",
              "test_evaluation.py", "test_device_and_seeding.py", "test_hosting.py"]


def _run(cmd, **kwargs):
    out = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, **kwargs)
    assert out.returncode == 0, f"{' '.join(map(str, cmd))}\n{out.stdout[-3000:]}\n" \
                                f"{out.stderr[-3000:]}"
    return out


@pytest.fixture(scope="module")
def hosted(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("hosted")
    repo = tmp / "repo"  # what Binder checks out (a copy: building writes into it)
    repo.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, repo / name)
    for name in ("gancourse", "binder"):
        shutil.copytree(ROOT / name, repo / name, ignore=shutil.ignore_patterns("__pycache__"))
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
          "-w", tmp / "dist", repo])
    (wheel,) = (tmp / "dist").glob("gancourse-*.whl")
    shutil.rmtree(repo / "build", ignore_errors=True)
    venv = tmp / "venv"
    _run([sys.executable, "-m", "venv", venv])
    python = venv / "bin" / "python"
    env = dict(os.environ, PATH=f"{venv / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}",
               VIRTUAL_ENV=str(venv))
    env.pop("PYTHONPATH", None)
    _run([python, "-m", "pip", "install", "-q", f"torch=={TORCH}"], env=env, cwd=tmp)
    torch_init = Path(_run([python, "-c", "import torch; print(torch.__file__)"], env=env,
                           cwd=tmp).stdout.strip())
    torch_stamp = torch_init.stat().st_mtime_ns
    _run([python, "-m", "pip", "install", "-q", "-r", repo / "binder" / "requirements.txt"],
         env=env, cwd=tmp)
    missing = subprocess.run([python, "-c", "import gancourse"], env=env, cwd=tmp,
                             capture_output=True)
    cell = _run([python, "-c", install_cell(str(wheel))], env=env, cwd=tmp)
    _run(["bash", repo / "binder" / "postBuild"], env=env, cwd=repo)
    _run([python, "-m", "pip", "install", "-q", "pytest", "pytest-timeout"], env=env, cwd=tmp)
    return {"python": python, "env": env, "tmp": tmp, "cell": cell.stdout,
            "had_course": missing.returncode == 0, "torch_init": torch_init,
            "torch_stamp": torch_stamp}


@pytest.mark.slow
def test_the_install_cell_installs_the_course_and_keeps_torch(hosted):
    assert not hosted["had_course"]  # the cell really had something to install
    assert "Running on" in hosted["cell"] and "the course computes on" in hosted["cell"]
    out = _run([hosted["python"], "-c", "import gancourse, torch; print(gancourse.__file__);"
                "print(torch.__version__)"], env=hosted["env"], cwd=hosted["tmp"]).stdout
    where, version = out.split()
    assert "site-packages" in where and not where.startswith(str(ROOT))
    assert version.split("+")[0] == TORCH
    assert hosted["torch_init"].stat().st_mtime_ns == hosted["torch_stamp"]  # not reinstalled


@pytest.mark.slow
def test_declared_ranges_resolve_to_the_newest_releases(hosted):
    """Every dependency pyproject declares is at the newest release the registries offer,
    except torch, kept at the installed CPU wheel."""
    import tomllib

    declared = {re.split(r"[<>=!~\s\[;]", d, maxsplit=1)[0].lower().replace("_", "-")
                for d in tomllib.loads((ROOT / "pyproject.toml").read_text())["project"][
                    "dependencies"]}
    out = _run([hosted["python"], "-m", "pip", "list", "--outdated", "--format=json"],
               env=hosted["env"], cwd=hosted["tmp"]).stdout
    outdated = {p["name"].lower().replace("_", "-"): (p["version"], p["latest_version"])
                for p in json.loads(out)}
    behind = {name: v for name, v in outdated.items() if name in declared and name != "torch"}
    assert not behind, f"declared dependencies not at their newest release: {behind}"


@pytest.mark.slow
def test_the_fast_tests_pass_in_the_hosted_environment(hosted):
    out = subprocess.run([hosted["python"].parent / "pytest", "-q", "-m", "not slow",
                          "-p", "no:cacheprovider", *(f"tests/{t}" for t in FAST_TESTS)],
                         env=hosted["env"], cwd=ROOT, capture_output=True, text=True,
                         timeout=900)
    assert out.returncode == 0, out.stdout[-4000:] + out.stderr[-2000:]
    assert re.search(r"\d+ passed", out.stdout) and " failed" not in out.stdout


RUN_LECTURES = textwrap.dedent("""
    import json, sys
    from concurrent.futures import ProcessPoolExecutor
    from gancourse.publish import try_notebook

    sources = sys.argv[1:]
    with ProcessPoolExecutor(2) as pool:
        reports = list(pool.map(try_notebook, sources))
    print(json.dumps([{k: r[k] for k in ("name", "ok", "error", "seconds", "peak_mib")}
                      for r in reports]))
""")


@pytest.mark.slow
@pytest.mark.timeout(1500)
def test_every_lecture_runs_within_binders_memory(hosted):
    sources = sorted(str(p) for p in (ROOT / "lectures").glob("[0-9]*.py"))
    out = _run([hosted["python"], "-c", RUN_LECTURES, *sources], env=hosted["env"],
               cwd=hosted["tmp"], timeout=1400).stdout
    reports = json.loads(out.strip().splitlines()[-1])
    assert len(reports) == len(sources) >= 9
    failed = [f"{r['name']}: {r['error']}" for r in reports if not r["ok"]]
    assert not failed, "\n".join(failed)
    over = [f"{r['name']}: {r['peak_mib']:.0f} MiB" for r in reports
            if r["peak_mib"] > KERNEL_BUDGET_MIB]
    assert not over, f"over {KERNEL_BUDGET_MIB} MiB: {over}"
