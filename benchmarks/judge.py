"""Train the judge (gancourse.judge) and save it as package data, with its held-out accuracy.

The judge of lectures 07-11 is seed 0; seeds 1 and 2 are trained too, to show the spread of
the held-out accuracy a retrained judge has. One CPU thread, on the CPU (deterministic on one
machine). Run from the repository root:

    .venv/bin/python benchmarks/judge.py

Results: benchmarks/results/judge.md (a table), gancourse/data/judge.pt (seed 0's weights)
and gancourse/data/judge.json (its accuracy, the machine and the command).
"""

from __future__ import annotations

import shlex
import statistics
import sys
import time
from pathlib import Path

import torch

from common import DATA, machine, save_table

from gancourse.judge import save_judge, train_judge

SEEDS = (0, 1, 2)


def main() -> None:
    torch.set_num_threads(1)
    rows, accuracies, saved = [], [], None
    for seed in SEEDS:
        start = time.perf_counter()
        judge = train_judge(seed, device="cpu")
        seconds = time.perf_counter() - start
        accuracies.append(judge.test_accuracy)
        rows.append([seed, f"{100 * judge.test_accuracy:.1f}", f"{seconds:.1f}",
                     "saved: the course's judge" if seed == 0 else ""])
        if seed == 0:
            saved = save_judge(judge, DATA / "judge.pt", seed=seed, seconds=seconds,
                               machine=machine(),
                               command=shlex.join([Path(sys.executable).name, *sys.argv]))
        print(f"seed {seed}: {100 * judge.test_accuracy:.1f}% held-out, {seconds:.1f} s",
              flush=True)
    mean, sd = statistics.mean(accuracies), statistics.stdev(accuracies)
    save_table("judge", "The judge: a small CNN trained on MNIST-5k's 4000 training digits",
               ["seed", "% held-out accuracy (1000 test digits)", "seconds", ""], rows,
               notes=f"Mean {100 * mean:.2f} ± {100 * sd:.2f} % over seeds {SEEDS}. "
                     "gancourse.judge.train_judge: conv 5x5 (1->16), pool, conv 5x5 (16->32), "
                     "pool, 64 features, 10 logits (114,314 parameters); Adam 1e-3 halved every "
                     "4 epochs, 12 epochs of batch 64, random shifts of up to 2 pixels. One CPU "
                     f"thread. Weights of seed 0: {saved.relative_to(DATA.parents[1])}.")


if __name__ == "__main__":
    main()
