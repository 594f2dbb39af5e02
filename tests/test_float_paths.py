"""Float paths (running as another CPU rounds) and the one-thread set-up of every notebook."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from gancourse.floatpaths import FLOAT_PATHS, float_path_env, resolve_float_paths
from gancourse.grading.sandbox import Sandbox
from gancourse.publish import moved_numbers, try_notebook

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted(p for d in ("lectures", "exercises", "solutions")
                   for p in (ROOT / d).glob("[0-9]*.py"))


def test_paths_set_their_variables_and_clear_the_others():
    base = {"PATH": "/bin", "ATEN_CPU_CAPABILITY": "avx2", "GANCOURSE_THREADS": "3"}
    assert float_path_env("native", base) == {"PATH": "/bin"}
    assert float_path_env("default", base) == {"PATH": "/bin", "ATEN_CPU_CAPABILITY": "default"}
    assert float_path_env("threads2", base)["GANCOURSE_THREADS"] == "2"
    assert resolve_float_paths("all") == list(FLOAT_PATHS)
    assert resolve_float_paths("default, avx2") == ["default", "avx2"]
    with pytest.raises(ValueError, match="float_path must be one of native, default"):
        float_path_env("avx512")
    with pytest.raises(ValueError, match="got 'fast'"):
        resolve_float_paths("default,fast")


def _child(env: dict, code: str) -> str:
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                          text=True, timeout=120, check=True).stdout.strip()


@pytest.mark.parametrize("name", ["default", "threads2"])
def test_a_path_reaches_a_fresh_process(name):
    """torch reads the variables at start-up: a child process really runs on the path."""
    import os

    env = float_path_env(name, dict(os.environ))
    out = _child(env, "import torch, gancourse as gc; gc.limit_cpu_threads(); "
                      "print(torch.backends.cpu.get_cpu_capability(), torch.get_num_threads())")
    capability, threads = out.split()
    if name == "default":
        assert (capability, threads) == ("DEFAULT", "1")
    else:
        assert threads == "2"


def test_try_notebook_reports_failures_and_moved_numbers(tmp_path):
    source = tmp_path / "01_tiny.py"
    source.write_text("# %%\nimport os\nprint(1.5, os.environ.get('ATEN_CPU_CAPABILITY'))\n"
                      "# %%\nx = 2\nassert x == 3, 'two is not three'\n")
    report = try_notebook(source, "default")
    assert report["ok"] is False and report["float_path"] == "default"
    assert report["error"] == "AssertionError: two is not three at line 2: " \
                              "`assert x == 3, 'two is not three'`"
    source.write_text("# %%\nimport os\nprint(1.5, os.environ.get('ATEN_CPU_CAPABILITY'))\n")
    native, default = try_notebook(source), try_notebook(source, "default")
    assert native["ok"] and native["printed"] == ["1.5 None\n"]
    assert default["printed"] == ["1.5 default\n"]
    assert moved_numbers(["a 1.25 b 3", "7"], ["a 1.5 b 3", "8"]) == (
        2, ["cell 0: 1.25 -> 1.5", "cell 1: 7 -> 8"])
    assert moved_numbers(["trained in 12.5 s, 3 modes, 40 ms per step"],
                         ["trained in 9.1 s, 3 modes, 31 ms per step"]) == (0, [])
    assert moved_numbers(["/tmp/ipykernel_171/23.py:4: UserWarning"],
                         ["/tmp/ipykernel_188/99.py:4: UserWarning"]) == (0, [])


def test_course_tool_rejects_an_unknown_float_path():
    out = subprocess.run([sys.executable, str(ROOT / "course.py"), "test", "--float-path",
                          "fast"], capture_output=True, text=True, timeout=120)
    assert out.returncode == 2
    assert "--float-path must be one of native, default, avx2" in out.stderr


def _first_code_cell(path: Path) -> str:
    import jupytext

    return next(c.source for c in jupytext.read(path).cells if c.cell_type == "code")


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_every_notebook_limits_torch_threads_in_its_set_up(notebook):
    """Lectures, exercises and solutions all run torch on one thread (GANCOURSE_THREADS):
    lectures through gc.setup (which calls limit_cpu_threads: tests/test_device_and_seeding.py),
    exercises and solutions through limit_cpu_threads itself."""
    calls = [n for n in ast.walk(ast.parse(_first_code_cell(notebook)))
             if isinstance(n, ast.Call) and getattr(n.func, "attr", getattr(n.func, "id", ""))
             in ("limit_cpu_threads", "setup")]
    assert calls, f"{notebook.name}: the set-up cell must call gc.setup() or limit_cpu_threads()"


def test_the_graders_worker_runs_on_one_thread():
    with Sandbox() as box:
        assert box.start().ok
        assert box.exec_cell(0, "import torch\ndef threads():\n"
                                "    return torch.get_num_threads()\n").ok
        reply = box.call("threads", [])
    assert reply.ok and reply.value == 1
