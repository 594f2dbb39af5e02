"""Shared test set-up: a non-interactive plotting backend, a seeded NumPy generator, and what
the browser and server tests share (Chromium, a free port, waiting for a server)."""

import os
import shutil
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(20141)


def random_prob(rng: np.random.Generator, n: int, *, zeros: int = 0) -> np.ndarray:
    """A random probability vector of length n with ``zeros`` entries set to exactly 0."""
    p = rng.random(n)
    p[rng.choice(n, size=zeros, replace=False)] = 0.0
    return p / p.sum()


# Debian's Chromium, driven by Playwright (no browser is downloaded)
CHROMIUM = os.environ.get("GANCOURSE_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
needs_chromium = pytest.mark.skipif(
    not Path(CHROMIUM).exists(),
    reason=f"no Chromium at {CHROMIUM} (Debian: apt install chromium; or set GANCOURSE_CHROMIUM)")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_server(url: str, server: subprocess.Popen, log: Path, name: str,
                    seconds: float = 60) -> None:
    """Poll ``url`` until it answers; fail with the tail of ``log`` if ``server`` exits or
    ``seconds`` pass first."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except OSError:
            if server.poll() is not None:
                pytest.fail(f"{name} exited:\n" + log.read_text()[-4000:])
            time.sleep(0.5)
    pytest.fail(f"{name} did not answer within {seconds:.0f} s:\n" + log.read_text()[-4000:])
