"""Where does a training step's time go? Milliseconds per generator step of the 2-D benchmark's
vanilla GAN against batch size and CPU threads, and the share spent drawing real data.

If the time per step barely grows with the batch, fixed per-step costs (Python, operator
dispatch, the optimiser) dominate, and a bigger batch is nearly free. Run from the repository
root:

    .venv/bin/python benchmarks/step_time.py
"""

from __future__ import annotations

import time

import torch

from common import save_table

from gancourse.experiments import make_toy_trainer

STEPS = 300


def main() -> None:
    rows = []
    for threads in (1, 2):
        torch.set_num_threads(threads)
        for batch in (64, 256, 1024):
            trainer = make_toy_trainer("ring", "gan", 0, steps=STEPS, progress=False,
                                       batch_size=batch)
            trainer.train(20)  # warm-up
            start = time.perf_counter()
            trainer.train(STEPS)
            step_ms = 1000 * (time.perf_counter() - start) / STEPS
            start = time.perf_counter()
            for _ in range(2 * STEPS):  # one real batch per D step and one per G step
                trainer._real()
            data_ms = 1000 * (time.perf_counter() - start) / STEPS
            rows.append([threads, batch, f"{step_ms:.2f}", f"{data_ms:.2f}",
                         f"{1000 / step_ms:.0f}"])
    save_table("step_time", "Time per generator step (ring, vanilla GAN, 3 x 128 MLPs)",
               ["threads", "batch", "ms / step", "of which real data (ms)", "steps / s"], rows,
               notes="One generator step = one discriminator step + one generator step "
                     "(k = 1), forward and backward, Adam updates.")


if __name__ == "__main__":
    main()
