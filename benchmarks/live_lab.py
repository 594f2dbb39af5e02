"""How smoothly the live lab plays: frames per second in a real browser, and where a frame's
time goes in the kernel.

1. In the browser (the headline): JupyterLab and headless Chromium on this machine, the lab on
   the ring, play pressed; the frames the page shows over 5 s are counted (each new frame
   sets a new ``src`` on the figure's ``<img>``). This is tests/test_browser.py's
   ``test_live_lab_plays_and_pauses``, run ``--runs`` times for each number of iterations per
   frame, so the browser, the Jupyter server and the kernel share the machine's cores as they
   do on a laptop.
2. In the kernel, without a browser (one thread, as ``gc.setup`` sets): the median time of a
   frame's training, of its drawing (field, pull, figure, JPEG) and of a readout update
   (metrics, exact W1), over 40 frames, for every loss and remedy of the lab.

Run from the repository root (about 10 minutes):

    .venv/bin/python benchmarks/live_lab.py              # 3 browser runs per setting
    .venv/bin/python benchmarks/live_lab.py --runs 5

Results: benchmarks/results/live_lab.md (browser) and live_lab_kernel.md (kernel).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from common import save_table

ROOT = Path(__file__).resolve().parents[1]
FPS_FILE = ROOT / "build" / "test-artifacts" / "live_lab_fps.json"
TEST = "tests/test_browser.py::test_live_lab_plays_and_pauses"
PER_FRAME = (1, 3, 5, 10)


def browser(runs: int) -> list[list]:
    rows = []
    for n in PER_FRAME:
        fps, kernel = [], []
        for run in range(runs):
            FPS_FILE.unlink(missing_ok=True)
            env = {**os.environ, "GANCOURSE_LAB_OPTIONS": f"iterations_per_frame={n}"}
            proc = subprocess.run([sys.executable, "-m", "pytest", TEST, "-q", "-s",
                                   "-p", "no:cacheprovider", "-n", "0"], cwd=ROOT, env=env,
                                  capture_output=True, text=True)
            if proc.returncode != 0 or not FPS_FILE.exists():
                print(proc.stdout[-3000:], proc.stderr[-2000:], sep="\n")
                raise SystemExit(f"the browser test failed ({n} iterations per frame)")
            result = json.loads(FPS_FILE.read_text())
            fps.append(result["fps"])
            kernel.append(int(result["readout"].split("kernel ms / frame")[1].split()[0]))
            print(f"{n} iterations per frame, run {run + 1}: {fps[-1]:.1f} frames/s, "
                  f"kernel {kernel[-1]} ms a frame", flush=True)
        rows.append([n, 2 * n, f"{statistics.median(fps):.1f}", f"{min(fps):.1f}",
                     f"{max(fps):.1f}", " ".join(f"{f:.1f}" for f in fps),
                     f"{statistics.median(kernel):.0f}"])
    return rows


def kernel() -> list[list]:
    import torch

    from gancourse.live import LAB_LOSSES, LAB_REMEDIES
    from gancourse.widgets import LiveLab

    torch.set_num_threads(1)
    settings = [(loss, "none") for loss in LAB_LOSSES] + \
        [("non-saturating", remedy) for remedy in LAB_REMEDIES if remedy != "none"]
    rows = []
    for loss, remedy in settings:
        lab = LiveLab("ring", loss=loss, remedy=remedy, seed=0, device="cpu")
        lab.iterate(50)
        times = {"train": [], "draw": [], "readout": []}
        for _ in range(40):
            for name, action in (("train", lambda: lab._train(3)),
                                 ("draw", lambda: lab.refresh(readout=False)),
                                 ("readout", lambda: lab.refresh(readout=True))):
                start = time.perf_counter()
                action()
                times[name].append(1000 * (time.perf_counter() - start))
        med = {k: statistics.median(v) for k, v in times.items()}
        frame = med["train"] + med["draw"]
        rows.append([loss, remedy, f"{med['train']:.1f}", f"{med['draw']:.1f}",
                     f"{med['readout'] - med['draw']:.1f}", f"{frame:.1f}",
                     f"{1000 / frame:.0f}"])
        print(rows[-1], flush=True)
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="browser runs per setting")
    args = parser.parse_args()
    save_table("live_lab_kernel", "The live lab in the kernel: where a frame's time goes",
               ["loss", "remedy", "train 3 iterations (ms)", "draw (ms)",
                "readout's extra (ms)", "frame (ms)", "frames/s the kernel allows"],
               kernel(),
               notes="Ring, one torch thread, median of 40 frames after 50 iterations. A "
                     "frame of play is its training and its drawing; the readout (metrics, "
                     "exact W1 on 128 points, the HTML table) is refreshed at most 4 times a "
                     "second while playing.")
    save_table("live_lab", "The live lab in a real browser: frames per second while playing",
               ["iterations per frame", "training steps per frame (D + G)",
                "frames/s, median", "min", "max", "every run", "kernel ms a frame, median"],
               browser(args.runs),
               notes="JupyterLab and headless Chromium on this machine (they share its "
                     "cores with the kernel), the lab on the ring with the non-saturating "
                     "loss, k = 1; frames counted over 5 s of play (tests/test_browser.py's "
                     "test_live_lab_plays_and_pauses). Play waits at least 50 ms between "
                     "frames (interval_ms), so 20 frames/s is the ceiling; the lab's default "
                     "is 3 iterations a frame.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
