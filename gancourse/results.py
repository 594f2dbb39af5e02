"""Saved benchmark results: ``gancourse/data/<name>.json``, written by ``benchmarks/<name>.py``.

Lectures quote the benchmarks through :func:`load_results`, so a lecture's numbers are always
the saved ones, with the machine and the command that produced them. The files are package
data: an installed ``gancourse`` has them, without the repository.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

__all__ = ["RESULTS_DIR", "load_results"]

RESULTS_DIR = Path(__file__).resolve().parent / "data"


def load_results(name: str, path: str | Path | None = None) -> dict[str, Any]:
    """The results saved by ``benchmarks/<name>.py`` (machine, settings and every run).

    ``path`` reads another file instead. A missing file raises FileNotFoundError saying which
    script regenerates it.
    """
    path = Path(path) if path is not None else RESULTS_DIR / f"{name}.json"
    if not path.is_file():
        raise FileNotFoundError(f"no benchmark results at {path}: run "
                                f"`.venv/bin/python benchmarks/{name}.py` in the course's "
                                "repository to make them")
    return json.loads(path.read_text())
