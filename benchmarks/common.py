"""Shared by the benchmark scripts: a description of the machine, and saving a result table."""

from __future__ import annotations

import datetime as dt
import os
import platform
import shlex
import sys
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"  # the tables (Markdown)
# Every run (JSON) of a benchmark a lecture quotes ships inside the package, so that an
# installed gancourse has it: gancourse/data/.
DATA = Path(__file__).resolve().parents[1] / "gancourse" / "data"


def machine() -> dict[str, str]:
    """CPU model, core count, memory, GPU and library versions of this machine."""
    import torch

    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        pages = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
        memory = f"{pages / 2**30:.0f} GiB"
    except (ValueError, OSError, AttributeError):
        memory = "unknown"
    gpu = torch.cuda.get_device_name(0) if torch.cuda.is_available() else "none"
    return {"cpu": cpu, "cores": str(os.cpu_count()), "memory": memory, "gpu": gpu,
            "python": platform.python_version(), "torch": torch.__version__,
            "os": platform.platform()}


def save_table(name: str, title: str, header: list[str], rows: list[list], notes: str = ""
               ) -> Path:
    """Print a Markdown table and save it, with machine, command and date, as results/NAME.md."""
    lines = [f"# {title}", "",
             f"- date: {dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M} UTC",
             f"- command: `{shlex.join([Path(sys.executable).name, *sys.argv])}`"]
    lines += [f"- {k}: {v}" for k, v in machine().items()]
    lines += ["", "| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    if notes:
        lines += ["", notes]
    text = "\n".join(lines) + "\n"
    print(text)
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{name}.md"
    path.write_text(text)
    return path
