"""Saved benchmark results: ``gancourse/data/<name>.json``, written by ``benchmarks/<name>.py``.

Lectures quote the benchmarks through :func:`load_results`, so a lecture's numbers are always
the saved ones, with the machine and the command that produced them. The files are package
data: an installed ``gancourse`` has them, without the repository.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

__all__ = ["RESULTS_DIR", "load_results", "pack_bytes", "unpack_bytes"]

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


def pack_bytes(array) -> dict[str, Any]:
    """A uint8 array as JSON: its shape and its bytes in base64 (images in a saved result take
    about a fifth of the room of a list of numbers)."""
    import numpy as np

    a = np.asarray(array)
    if a.dtype != np.uint8:
        raise ValueError(f"array must have dtype uint8, got {a.dtype}")
    return {"shape": list(a.shape), "uint8_base64": base64.b64encode(a.tobytes()).decode()}


def unpack_bytes(packed: dict[str, Any]):
    """The uint8 array that :func:`pack_bytes` stored."""
    import numpy as np

    if not isinstance(packed, dict) or "uint8_base64" not in packed:
        raise ValueError("packed must be what pack_bytes returned (shape and uint8_base64)")
    data = np.frombuffer(base64.b64decode(packed["uint8_base64"]), dtype=np.uint8)
    return data.reshape(packed["shape"])
