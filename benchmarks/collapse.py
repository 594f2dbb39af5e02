"""Does the "collapse" configuration collapse, and does it hop between modes? (lecture 04)

Trains gancourse.experiments' ``collapse`` method (a small vanilla GAN without learning-rate
decay) on the ring for 2000 steps, for 5 seeds, and lists which modes hold more than 5% of the
samples (within 0.1 of the mode) every 250 steps. Run from the repository root:

    .venv/bin/python benchmarks/collapse.py
"""

from __future__ import annotations

import time

import torch

from common import save_table

from gancourse.experiments import make_toy_trainer, toy_dataset
from gancourse.metrics import mode_stats, modes_holding

STEPS = 2000
EVERY = 250


def main() -> None:
    torch.set_num_threads(1)
    ring = toy_dataset("ring")
    snaps = tuple(range(0, STEPS + 1, EVERY))
    rows = []
    for seed in range(5):
        trainer = make_toy_trainer("ring", "collapse", seed, steps=STEPS, progress=False,
                                   snapshot_steps=snaps, n_snapshot=2500)
        start = time.perf_counter()
        trainer.train()
        seconds = time.perf_counter() - start
        held = []
        for step in snaps[1:]:
            modes = modes_holding(trainer.history.snapshots[step], ring.means)
            held.append("".join(map(str, modes)) or "-")
        final = mode_stats(trainer.history.snapshots[STEPS], ring.means, 0.01)
        rows.append([seed, final.modes_captured, f"{100 * final.high_quality:.1f}",
                     " ".join(held), f"{seconds:.1f}"])
    save_table("collapse", "The collapse configuration on the ring (2000 steps)",
               ["seed", "modes captured", "% high quality",
                f"modes holding > 5% of samples, every {EVERY} steps", "seconds"], rows,
               notes="'-': no mode holds 5% of the samples (the generator is between modes). "
                     "Modes are numbered 0-7 counter-clockwise from (1, 0).")


if __name__ == "__main__":
    main()
