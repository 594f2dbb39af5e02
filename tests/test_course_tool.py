"""course.py: a student's notebooks live in the workspace, are written once and never overwritten;
nothing a student does in JupyterLab or with a course command writes the course's own files."""

import importlib.util
import json
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def course(tmp_path, monkeypatch):
    spec = importlib.util.spec_from_file_location("course_under_test", ROOT / "course.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setattr(module, "ROOT", tmp_path)
    monkeypatch.delenv("GANCOURSE_WORKSPACE", raising=False)
    (tmp_path / "lectures").mkdir()
    (tmp_path / "lectures" / "01_demo.py").write_text(
        "# %% [markdown]\n# # Demo\n\n# %%\nx = 1 + 1\nassert x == 2\n")
    (tmp_path / "lectures" / "helper.py").write_text("# not a notebook: no number prefix\n")
    (tmp_path / "exercises").mkdir()
    (tmp_path / "exercises" / "01_demo.py").write_text(EXERCISE)
    return module


EXERCISE = ("# ---\n# jupyter:\n#   jupytext:\n#     formats: ipynb,py:percent\n# ---\n\n"
            "# %%\ndef answer():\n    raise NotImplementedError\n")


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file()}


def test_notebooks_are_written_unpaired_into_the_workspace(course, tmp_path):
    course.make_missing_notebooks()
    nb = json.loads((tmp_path / "workspace" / "lectures" / "01_demo.ipynb").read_text())
    assert [c["cell_type"] for c in nb["cells"]] == ["markdown", "code"]
    assert "jupytext" not in nb["metadata"]  # not paired: saving writes the notebook alone
    assert nb["metadata"]["gancourse"]["source"] == "lectures/01_demo.py"
    assert nb["metadata"]["kernelspec"]["name"] == "python3"
    assert (tmp_path / "workspace" / "exercises" / "01_demo.ipynb").is_file()
    assert not (tmp_path / "workspace" / "lectures" / "helper.ipynb").exists()
    assert not list((tmp_path / "lectures").glob("*.ipynb"))  # nothing beside the sources


def test_workspace_can_be_chosen(course, tmp_path, monkeypatch):
    monkeypatch.setenv("GANCOURSE_WORKSPACE", str(tmp_path / "home" / "gan"))
    course.make_missing_notebooks()
    assert (tmp_path / "home" / "gan" / "exercises" / "01_demo.ipynb").is_file()
    assert not (tmp_path / "workspace").exists()


def test_existing_notebooks_are_never_overwritten(course, tmp_path, capsys):
    target = tmp_path / "workspace" / "lectures" / "01_demo.ipynb"
    target.parent.mkdir(parents=True)
    target.write_text("my own work, not even valid JSON")
    (tmp_path / "lectures" / "01_demo.py").write_text("# %%\nchanged = True\n")
    course.make_missing_notebooks()
    assert target.read_text() == "my own work, not even valid JSON"


def test_saving_in_jupyterlab_writes_only_the_students_notebook(course, tmp_path):
    """The contents manager JupyterLab saves through (jupytext's, as `course.py lab` runs it)."""
    import jupytext

    course.make_missing_notebooks()
    sources = _snapshot(tmp_path / "exercises")
    manager = jupytext.TextFileContentsManager(root_dir=str(course.workspace()))
    model = manager.get("exercises/01_demo.ipynb")
    model["content"]["cells"][0]["source"] = "def answer():\n    return 42  # my answer\n"
    manager.save(model, "exercises/01_demo.ipynb")
    saved = (tmp_path / "workspace" / "exercises" / "01_demo.ipynb").read_text()
    assert "my answer" in saved
    assert _snapshot(tmp_path / "exercises") == sources  # the course's file is untouched
    written = [p for p in _snapshot(tmp_path / "workspace") if ".ipynb_checkpoints" not in p]
    assert written == ["exercises/01_demo.ipynb", "lectures/01_demo.ipynb"]  # no paired .py


def test_a_course_update_never_touches_the_students_copy(course, tmp_path, capsys):
    course.make_missing_notebooks()
    mine = tmp_path / "workspace" / "exercises" / "01_demo.ipynb"
    mine.write_text(mine.read_text().replace("raise NotImplementedError", "return 42"))
    before = mine.read_bytes()
    capsys.readouterr()
    (tmp_path / "exercises" / "01_demo.py").write_text(EXERCISE + "\n# %%\nnew_cell = 1\n")
    course.make_missing_notebooks()
    assert mine.read_bytes() == before
    out = capsys.readouterr().out
    assert "newer version of: exercises/01_demo" in out and "course.py fresh" in out


def test_fresh_keeps_the_old_copy_beside_the_new(course, tmp_path, capsys):
    course.make_missing_notebooks()
    mine = tmp_path / "workspace" / "exercises" / "01_demo.ipynb"
    mine.write_text(mine.read_text().replace("raise NotImplementedError", "return 42"))
    answer = mine.read_bytes()
    for _ in range(2):  # twice within one second: two backups, neither overwritten
        assert course.main(["fresh", "exercises/01"]) == 0
    assert "return 42" not in mine.read_text() and "NotImplementedError" in mine.read_text()
    backups = sorted(mine.parent.glob("01_demo.backup-*.ipynb"))
    assert len(backups) == 2 and answer in [b.read_bytes() for b in backups]
    assert "your previous copy is workspace/exercises/01_demo.backup-" in capsys.readouterr().out


@pytest.mark.parametrize("name", ["exercises/01", "exercises/01_demo",
                                  "workspace/exercises/01_demo.ipynb", "exercises\\01_demo.py"])
def test_fresh_understands_the_ways_to_name_a_notebook(course, tmp_path, name):
    assert course.resolve_notebook(name) == tmp_path / "exercises" / "01_demo.py"


@pytest.mark.parametrize("name,says", [("01", "several notebooks"), ("exercises/07", "no notebook")])
def test_fresh_refuses_an_unclear_name(course, capsys, name, says):
    with pytest.raises(SystemExit) as stop:
        course.main(["fresh", name])
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert says in err and "exercises/01_demo" in err


def test_notebooks_of_an_earlier_set_up_are_copied_not_lost(course, tmp_path, capsys):
    old = tmp_path / "exercises" / "01_demo.ipynb"  # written paired by an earlier course.py
    nb = {"cells": [{"cell_type": "code", "source": "my answer", "metadata": {}, "outputs": [],
                     "execution_count": None}], "nbformat": 4, "nbformat_minor": 5,
          "metadata": {"jupytext": {"formats": "ipynb,py:percent"}}}
    old.write_text(json.dumps(nb))
    course.make_missing_notebooks()
    copy = json.loads((tmp_path / "workspace" / "exercises" / "01_demo.ipynb").read_text())
    assert copy["cells"][0]["source"] == "my answer" and "jupytext" not in copy["metadata"]
    assert old.is_file()  # left where it was
    assert "copied your earlier notebook" in capsys.readouterr().out


def test_unknown_command_is_a_clear_error(course, capsys):
    with pytest.raises(SystemExit) as stop:
        course.main(["tset"])
    assert stop.value.code == 2
    assert "unknown command 'tset'" in capsys.readouterr().err


@pytest.mark.parametrize("command", ["setup", "fresh", "lab", "test", "run", "slides", "site",
                                     "notebooks", "hub-link"])
def test_every_command_has_a_help_that_does_no_work(course, capsys, tmp_path, command):
    assert course.main([command, "--help"]) == 0
    text = capsys.readouterr().out
    assert text.startswith(f"python3 course.py {command}") and "``" not in text
    assert not (tmp_path / ".venv").exists() and not (tmp_path / "build").exists()
    assert not (tmp_path / "workspace").exists()  # no set-up happened


def test_site_exits_non_zero_when_a_lecture_fails(course, tmp_path, monkeypatch, capsys):
    import gancourse.publish as publish

    asked = []

    def export(kind, out, sources=None):
        asked.append(sources)
        index = out / "index.html"
        raise publish.ExportError([index], {tmp_path / "lectures" / "01_demo.py": "boom"})

    monkeypatch.setattr(publish, "export", export)
    assert course.COMMANDS["site"]([]) == 1
    assert course.COMMANDS["slides"](["01"]) == 1  # one lecture, named as for `fresh`
    assert asked == [None, [tmp_path / "lectures" / "01_demo.py"]]
    captured = capsys.readouterr()
    assert "lectures/01_demo.py did not run: boom" in captured.err
    assert "index.html" in captured.out
