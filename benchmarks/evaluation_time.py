"""How long do the evaluation metrics (gancourse.evaluation) take? Seconds for n real and n fake
64-dimensional features (the judge's), n = 1 000 and 10 000, on the CPU.

    .venv/bin/python benchmarks/evaluation_time.py

Results: benchmarks/results/evaluation_time.md.
"""

from __future__ import annotations

import time

import numpy as np
import torch

from common import save_table

from gancourse import evaluation as ev

SIZES = (1_000, 10_000)
DIM = 64


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main() -> None:
    torch.set_num_threads(1)
    rng = np.random.default_rng(0)
    rows = []
    for n in SIZES:
        real, fake = rng.normal(size=(n, DIM)), rng.normal(0.1, 1.1, size=(n, DIM))
        probabilities = rng.dirichlet(np.ones(10), size=n)
        rows.append([n, f"{timed(lambda: ev.fid(real, fake)):.2f}",
                     f"{timed(lambda: ev.kid(real, fake)):.2f}",
                     f"{timed(lambda: ev.precision_recall(real, fake)):.2f}",
                     f"{timed(lambda: ev.density_coverage(real, fake)):.2f}",
                     f"{timed(lambda: ev.inception_score(probabilities)):.3f}"])
        print(rows[-1], flush=True)
    save_table("evaluation_time", "Seconds per metric: n real and n fake 64-d features",
               ["n", "FID", "KID (10 subsets of 1000)", "precision/recall (k=3)",
                "density/coverage (k=5)", "Inception Score"], rows,
               notes="NumPy float64 on the CPU, distances in blocks of 2048 rows "
                     "(gancourse.evaluation); random Gaussian features.")


if __name__ == "__main__":
    main()
