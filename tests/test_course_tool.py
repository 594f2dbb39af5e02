"""course.py: notebooks are written once from their sources and never overwritten."""

import importlib.util
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def course(tmp_path, monkeypatch):
    spec = importlib.util.spec_from_file_location("course_under_test", ROOT / "course.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setattr(module, "ROOT", tmp_path)
    (tmp_path / "lectures").mkdir()
    (tmp_path / "lectures" / "01_demo.py").write_text(
        "# %% [markdown]\n# # Demo\n\n# %%\nx = 1 + 1\nassert x == 2\n")
    (tmp_path / "lectures" / "helper.py").write_text("# not a notebook: no number prefix\n")
    return module


def test_missing_notebooks_are_written_paired(course, tmp_path):
    course.make_missing_notebooks()
    nb = json.loads((tmp_path / "lectures" / "01_demo.ipynb").read_text())
    assert [c["cell_type"] for c in nb["cells"]] == ["markdown", "code"]
    assert nb["metadata"]["jupytext"]["formats"] == "ipynb,py:percent"
    assert nb["metadata"]["kernelspec"]["name"] == "python3"
    assert not (tmp_path / "lectures" / "helper.ipynb").exists()


def test_existing_notebooks_are_never_overwritten(course, tmp_path):
    target = tmp_path / "lectures" / "01_demo.ipynb"
    target.write_text("my own work, not even valid JSON")
    (tmp_path / "lectures" / "01_demo.py").write_text("# %%\nchanged = True\n")
    course.make_missing_notebooks()
    assert target.read_text() == "my own work, not even valid JSON"


def test_unknown_command_is_a_clear_error(course, capsys):
    with pytest.raises(SystemExit) as stop:
        course.main(["tset"])
    assert stop.value.code == 2
    assert "unknown command 'tset'" in capsys.readouterr().err


@pytest.mark.parametrize("command", ["setup", "lab", "test", "run", "slides", "site"])
def test_every_command_has_a_help_that_does_no_work(course, capsys, tmp_path, command):
    assert course.main([command, "--help"]) == 0
    text = capsys.readouterr().out
    assert text.startswith(f"python3 course.py {command}") and "``" not in text
    assert not (tmp_path / ".venv").exists() and not (tmp_path / "build").exists()
    assert not list((tmp_path / "lectures").glob("*.ipynb"))  # no set-up happened
