"""Benchmark scripts are not run by the tests (they take minutes), but they must stay valid."""

import py_compile
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "benchmarks"


@pytest.mark.parametrize("script", sorted(BENCH.glob("*.py")), ids=lambda p: p.name)
def test_benchmark_scripts_compile(script, tmp_path):
    py_compile.compile(str(script), cfile=str(tmp_path / "out.pyc"), doraise=True)


def test_toy2d_help():
    proc = subprocess.run([sys.executable, str(BENCH / "toy2d.py"), "--help"], cwd=BENCH,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0 and "--update" in proc.stdout
