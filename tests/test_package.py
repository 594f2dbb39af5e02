"""gancourse as an installed package: a wheel, a clean virtual environment outside the
checkout, and every loader working there without reading a file of the repository.

Slow (about 2-3 minutes: the dependencies install from the package registries into a fresh
venv, pinned to requirements.txt's versions)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

PROBE = textwrap.dedent("""
    import json, sys
    repo = sys.argv[1]
    opened = []

    def watch(event, args):
        if event == "open" and isinstance(args[0], str) and args[0].startswith(repo):
            opened.append(args[0])

    sys.addaudithook(watch)
    import torch
    import gancourse as gc
    from gancourse.conditional import load_cgan_benchmark
    from gancourse.digits import load_digits_split
    from gancourse.experiments import load_benchmark, make_toy_trainer
    from gancourse.grading.checks import load_registry
    from gancourse.judge import load_judge
    from gancourse.mnist import load_mnist5k
    from gancourse.mnist_gans import load_digit_gans_benchmark, load_digit_generator
    from gancourse.results import load_results

    device = gc.setup(seed=0, verbose=False)
    trainer = make_toy_trainer("ring", "gan", 0, steps=3, progress=False, device=device)
    trainer.train()
    registry = load_registry()
    print(json.dumps({
        "file": gc.__file__,
        "toy2d_runs": len(load_benchmark()["runs"]),
        "cgan_runs": len(load_cgan_benchmark()["runs"]),
        "collapse_runs": len(load_results("collapse")["runs"]),
        "digits_train": len(load_digits_split().x_train),
        "mnist_train": len(load_mnist5k().x_train),
        "judge_accuracy": load_judge(device="cpu").test_accuracy,
        "digit_generator": load_digit_generator().latent_dim,
        "digit_gan_runs": len(load_digit_gans_benchmark()["runs"]),
        "steps": trainer.step,
        "exercises": sorted(registry.exercises),
        "opened_in_checkout": opened,
    }))
""")


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """A wheel of this checkout installed (with its declared dependencies) in a fresh venv."""
    tmp = tmp_path_factory.mktemp("package")
    source = tmp / "source"  # a copy, so that building leaves nothing in the checkout
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    shutil.copytree(ROOT / "gancourse", source / "gancourse",
                    ignore=shutil.ignore_patterns("__pycache__"))
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                    "-q", "-w", str(tmp / "dist"), str(source)], check=True)
    (wheel,) = (tmp / "dist").glob("gancourse-*.whl")
    venv = tmp / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "-q", "-c", str(ROOT / "requirements.txt"),
                    str(wheel)], check=True, cwd=tmp)
    return python, tmp


@pytest.mark.slow
def test_the_wheel_works_in_a_clean_venv_without_the_checkout(installed):
    from gancourse.conditional import load_cgan_benchmark
    from gancourse.experiments import load_benchmark
    from gancourse.grading.checks import load_registry
    from gancourse.results import load_results

    python, tmp = installed
    out = subprocess.run([str(python), "-c", PROBE, str(ROOT)], cwd=tmp, capture_output=True,
                         text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-3000:]
    got = json.loads(out.stdout.strip().splitlines()[-1])
    assert not got["file"].startswith(str(ROOT)) and "site-packages" in got["file"]
    assert got["opened_in_checkout"] == []
    assert got["toy2d_runs"] == len(load_benchmark()["runs"]) > 0
    assert got["cgan_runs"] == len(load_cgan_benchmark()["runs"]) > 0
    assert got["collapse_runs"] == len(load_results("collapse")["runs"]) > 0
    assert got["judge_accuracy"] >= 0.97
    assert got["digit_generator"] == 32 and got["digit_gan_runs"] > 0
    assert got["digits_train"] > 1000 and got["mnist_train"] == 4000 and got["steps"] == 3
    assert got["exercises"] == sorted(load_registry().exercises)


@pytest.mark.slow
def test_the_installed_command_runs(installed):
    python, tmp = installed
    out = subprocess.run([str(python.parent / "gancourse"), "--help"], cwd=tmp,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0 and "check" in out.stdout and "grade" in out.stdout, out.stderr


def test_every_saved_result_a_notebook_loads_is_package_data():
    """What a lecture or solution loads by name (load_results("NAME"), or the loaders that
    wrap it) is a file in gancourse/data/, which pyproject ships with the package."""
    import re

    from gancourse.results import RESULTS_DIR

    # load_benchmark(), load_cgan_benchmark() and load_digit_gans_benchmark()
    names = {"toy2d", "cgan_digits", "digit_gans"}
    for folder in ("lectures", "solutions"):
        for source in (ROOT / folder).glob("[0-9]*.py"):
            names |= set(re.findall(r'load_results\("(\w+)"', source.read_text()))
    assert "collapse" in names
    assert RESULTS_DIR == ROOT / "gancourse" / "data"
    missing = sorted(n for n in names if not (RESULTS_DIR / f"{n}.json").is_file())
    assert not missing, missing
    assert (RESULTS_DIR / "dcgan_digits.pt").is_file()  # load_digit_generator(), exercise 07.6
    assert 'gancourse = ["data/*.json"' in (ROOT / "pyproject.toml").read_text()


def test_packed_bytes_round_trip_and_name_bad_input():
    import numpy as np

    from gancourse.results import pack_bytes, unpack_bytes

    a = np.arange(2 * 3 * 4, dtype=np.uint8).reshape(2, 3, 4)
    packed = json.loads(json.dumps(pack_bytes(a)))  # through JSON, as saved
    assert np.array_equal(unpack_bytes(packed), a) and packed["shape"] == [2, 3, 4]
    with pytest.raises(ValueError, match="uint8"):
        pack_bytes(a.astype(np.float32))
    with pytest.raises(ValueError, match="packed"):
        unpack_bytes([1, 2])
