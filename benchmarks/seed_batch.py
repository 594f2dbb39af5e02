"""What does a seed cost? Wall time of S = 1, 5, 25 seeds trained as one seed-batched model
(gancourse.seedbatch) against one ordinary run of the same method, on one CPU thread.

Every row trains the same number of generator steps (a recipe on its own data set, the others
on the ring); "x one run" is the row's wall time over the single run's, and "s / run" the wall
time per seed. Run from the repository root:

    .venv/bin/python benchmarks/seed_batch.py                          # default methods
    .venv/bin/python benchmarks/seed_batch.py --methods gan --steps 500
    .venv/bin/python benchmarks/seed_batch.py --device cuda            # on a GPU, if present
"""

from __future__ import annotations

import argparse
import time

import torch

from common import save_table

from gancourse.device import get_device
from gancourse.experiments import METHODS, make_toy_batch, make_toy_trainer


def _timed(trainer, steps: int, device: torch.device) -> float:
    trainer.train(10)  # warm-up: first calls allocate
    if device.type == "cuda":
        torch.cuda.synchronize()
    start = time.perf_counter()
    trainer.train(steps)
    if device.type == "cuda":
        torch.cuda.synchronize()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--methods", nargs="+",
                        default=["gan-64", "minimax-mbstd-64", "collapse", "gan", "wgan-gp"],
                        choices=list(METHODS))
    parser.add_argument("--sizes", type=int, nargs="+", default=[1, 5, 25])
    parser.add_argument("--steps", type=int, default=300, help="generator steps per row")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--device", default="cpu", help="cpu, cuda or mps")
    args = parser.parse_args()
    device = get_device(args.device)
    torch.set_num_threads(args.threads)
    rows = []
    for method in args.methods:
        dataset = next(iter(METHODS[method].steps), "ring")  # a recipe's own data set
        options = dict(steps=args.steps, progress=False, device=device)
        one = _timed(make_toy_trainer(dataset, method, 0, **options), args.steps, device)
        rows.append([method, dataset, "1 (single trainer)", f"{one:.2f}", "1.00",
                     f"{one:.2f}"])
        print(rows[-1], flush=True)
        for size in args.sizes:
            batch = make_toy_batch(dataset, method, range(size), **options)
            wall = _timed(batch, args.steps, device)
            rows.append([method, dataset, size, f"{wall:.2f}", f"{wall / one:.2f}",
                         f"{wall / size:.2f}"])
            print(rows[-1], flush=True)
    save_table("seed_batch" + ("" if device.type == "cpu" else f"_{device.type}"),
               "Seed-batched training: S seeds as one model",
               ["method", "data", "seeds (S)", "wall (s)", "x one run", "s / run"], rows,
               notes=f"Device: {device}; {args.threads} CPU thread(s); {args.steps} generator "
                     "steps per row (after 10 warm-up steps), each method's own networks, "
                     "batch and k (gancourse.experiments). 'x one run': the row's wall time "
                     "over the single trainer's (first row of the method).")


if __name__ == "__main__":
    main()
