"""Hosted notebooks (gancourse.hosting, gancourse.runtime): notebooks/ in sync with the sources,
the badges and the install cell, the platform report, nbgitpuller links. The slow half builds
the Binder/Colab environment in a fresh venv: see tests/test_hosted_env.py."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import urllib.parse
from pathlib import Path

import pytest

from gancourse import hosting, runtime

ROOT = Path(__file__).resolve().parents[1]
URL, BRANCH = hosting.repository(ROOT / "pyproject.toml")


def test_notebooks_folder_is_in_sync_with_the_sources():
    problems = hosting.out_of_sync(ROOT)
    assert not problems, ("notebooks/ is out of sync; run python3 course.py notebooks:\n"
                          + "\n".join(problems))
    sources = [p for d in hosting.HOSTED_DIRS for p in (ROOT / d).glob("[0-9]*.py")]
    assert len(list((ROOT / "notebooks").rglob("*.ipynb"))) == len(sources) >= 27


@pytest.fixture
def course_copy(tmp_path):
    """A small course: pyproject, one lecture and one exercise, and their notebooks/."""
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    for folder in ("lectures", "exercises"):
        (tmp_path / folder).mkdir()
    (tmp_path / "lectures" / "01_demo.py").write_text(
        "# %% [markdown] slideshow={\"slide_type\": \"slide\"}\n# # Demo\n\n# %%\nx = 1 + 1\n")
    (tmp_path / "exercises" / "01_demo.py").write_text("# %%\ndef answer():\n    return 2\n")
    hosting.write_hosted(tmp_path)
    return tmp_path


def test_a_hosted_notebook_is_the_source_after_badges_and_the_install_cell(course_copy):
    nb = json.loads((course_copy / "notebooks" / "lectures" / "01_demo.ipynb").read_text())
    kinds = [c["cell_type"] for c in nb["cells"]]
    assert kinds == ["markdown", "code", "markdown", "code"]
    badges, install = ("".join(c["source"]) for c in nb["cells"][:2])
    for cell in nb["cells"][:2]:
        assert cell["metadata"]["tags"] == [hosting.HOSTED_TAG]
        assert cell["metadata"]["slideshow"] == {"slide_type": "skip"}
    assert "".join(nb["cells"][3]["source"]) == "x = 1 + 1"
    assert nb["cells"][2]["metadata"]["slideshow"] == {"slide_type": "slide"}
    assert all(c.get("outputs", []) == [] for c in nb["cells"])
    assert "jupytext" not in nb["metadata"]  # not paired with the source
    assert nb["metadata"]["gancourse"]["source"] == "lectures/01_demo.py"
    owner_repo = URL.removeprefix("https://github.com/")
    path = "notebooks/lectures/01_demo.ipynb"
    assert f"https://colab.research.google.com/github/{owner_repo}/blob/{BRANCH}/{path}" in badges
    assert (f"https://mybinder.org/v2/gh/{owner_repo}/{BRANCH}?urlpath="
            + urllib.parse.quote(f"lab/tree/{path}", safe="")) in badges
    assert f'"gancourse @ git+{URL}@{BRANCH}"' in install
    assert "from gancourse.runtime import report" in install
    compile(install, "install cell", "exec")


def test_making_the_notebooks_twice_changes_nothing(course_copy):
    before = {p: p.read_bytes() for p in (course_copy / "notebooks").rglob("*.ipynb")}
    assert hosting.write_hosted(course_copy) == []
    assert {p: p.read_bytes() for p in (course_copy / "notebooks").rglob("*.ipynb")} == before
    assert hosting.out_of_sync(course_copy) == []


def test_out_of_sync_names_a_changed_a_missing_and_an_orphan_notebook(course_copy):
    (course_copy / "lectures" / "01_demo.py").write_text("# %%\nx = 3\n")
    (course_copy / "notebooks" / "exercises" / "01_demo.ipynb").unlink()
    (course_copy / "notebooks" / "lectures" / "02_gone.ipynb").write_text("{}")
    assert hosting.out_of_sync(course_copy) == [
        "older than its source: notebooks/lectures/01_demo.ipynb",
        "missing: notebooks/exercises/01_demo.ipynb",
        "no source: notebooks/lectures/02_gone.ipynb"]
    changed = hosting.write_hosted(course_copy)
    assert len(changed) == 3 and hosting.out_of_sync(course_copy) == []
    assert not (course_copy / "notebooks" / "lectures" / "02_gone.ipynb").exists()


def test_bad_input_is_named():
    with pytest.raises(ValueError, match="spec must be"):
        hosting.install_cell('x"; import os')
    with pytest.raises(ValueError, match="repository must be https://github.com/OWNER/REPO"):
        hosting.badges("notebooks/x.ipynb", "https://gitlab.com/a/b")
    with pytest.raises(ValueError, match="hub must be the hub's address"):
        hosting.nbgitpuller_link("hub.example.edu", URL, "notebooks/lectures/01.ipynb")
    with pytest.raises(ValueError, match="app must be 'lab' or 'tree'"):
        hosting.nbgitpuller_link("https://hub.example.edu", URL, "x.ipynb", app="voila")
    with pytest.raises(ValueError, match="platform must be one of"):
        runtime.gpu_hint("colab-pro")


def test_missing_repository_is_named(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n')
    with pytest.raises(ValueError, match=r"no \[project.urls\] Repository"):
        hosting.repository(tmp_path / "pyproject.toml")


def test_nbgitpuller_link_round_trips():
    link = hosting.nbgitpuller_link("https://hub.example.edu/",
                                    "https://github.com/o/gan-course.git",
                                    "notebooks/lectures/02_gan_game.ipynb", branch="spring")
    parsed = urllib.parse.urlsplit(link)
    assert (parsed.scheme, parsed.netloc, parsed.path) == \
        ("https", "hub.example.edu", "/hub/user-redirect/git-pull")
    query = dict(urllib.parse.parse_qsl(parsed.query))
    assert query == {"repo": "https://github.com/o/gan-course.git", "branch": "spring",
                     "urlpath": "lab/tree/gan-course/notebooks/lectures/02_gan_game.ipynb"}


def test_hub_link_command_prints_the_link(capsys):
    import importlib.util

    spec = importlib.util.spec_from_file_location("course_for_hosting", ROOT / "course.py")
    course = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(course)
    assert course.cmd_hub_link(["https://hub.example.edu", "exercises/03"]) == 0
    link = capsys.readouterr().out.strip()
    query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(link).query))
    assert query["urlpath"].endswith("/notebooks/exercises/03_disjoint_supports.ipynb")
    assert query["repo"] == URL
    with pytest.raises(SystemExit):
        course.cmd_hub_link(["hub.example.edu"])
    assert "HUB_URL must be the hub's address" in capsys.readouterr().err
    assert course.cmd_notebooks(["--check"]) == 0


@pytest.mark.parametrize("env, platform", [
    ({}, "local"),
    ({"COLAB_RELEASE_TAG": "release-colab_20261201"}, "colab"),
    ({"KAGGLE_KERNEL_RUN_TYPE": "Interactive"}, "kaggle"),
    # Binder runs on a JupyterHub, and says so too
    ({"BINDER_REPO_URL": "https://github.com/o/r", "JUPYTERHUB_USER": "jovyan"}, "binder"),
    ({"JUPYTERHUB_USER": "student7", "JUPYTERHUB_API_URL": "http://127.0.0.1:8081/hub/api"},
     "jupyterhub"),
])
def test_platform_is_read_from_the_environment(env, platform):
    assert runtime.detect_platform(env, modules={}) == platform


def test_colab_is_recognised_by_its_module():
    assert runtime.detect_platform({}, modules={"google.colab": object()}) == "colab"


def test_the_gpu_hint_says_how_to_get_one_where_there_is_one_to_get():
    assert "Change runtime type" in runtime.gpu_hint("colab")
    assert "Accelerator" in runtime.gpu_hint("kaggle")
    assert "no GPU" in runtime.gpu_hint("binder") and "2 GB" in runtime.gpu_hint("binder")
    assert "CUDA build of torch" in runtime.gpu_hint("local")


def test_report_names_platform_and_device(monkeypatch, capsys):
    import torch

    for name in ("COLAB_RELEASE_TAG", "KAGGLE_KERNEL_RUN_TYPE", "KAGGLE_URL_BASE",
                 "BINDER_REPO_URL", "BINDER_LAUNCH_HOST"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("JUPYTERHUB_USER", "student7")
    monkeypatch.setattr(runtime, "_importable", lambda name: False)
    monkeypatch.setenv("GANCOURSE_DEVICE", "cpu")
    info = runtime.report()
    out = capsys.readouterr().out
    assert info == {"platform": "jupyterhub", "device": "cpu", "gpu": None,
                    "torch": torch.__version__, "hint": runtime.gpu_hint("jupyterhub")}
    assert "Running on a JupyterHub" in out and "computes on cpu" in out
    assert info["hint"] in out


def test_the_install_cell_installs_nothing_where_the_course_is(monkeypatch, capsys):
    """Here gancourse is importable: the cell must not call pip, and must report."""
    calls = []
    monkeypatch.setattr(subprocess, "run", lambda *a, **k: calls.append(a))
    monkeypatch.setenv("GANCOURSE_DEVICE", "cpu")
    exec(hosting.install_cell("gancourse @ git+https://github.com/o/r@main"), {})
    assert calls == [] and "the course computes on cpu" in capsys.readouterr().out


def test_a_hosted_notebook_grades_like_its_source():
    """The two added cells change nothing for the grader: the hosted solution of lecture 01
    scores full marks, and its set-up cell ran (it printed the platform report)."""
    out = subprocess.run([sys.executable, "-m", "gancourse", "check",
                          str(ROOT / "notebooks" / "solutions" / "01_mle_and_kl.ipynb")],
                         capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert out.returncode == 0, out.stdout[-2000:] + out.stderr[-2000:]
    assert "Score: 10 / 10" in out.stdout and "Running on" in out.stdout
