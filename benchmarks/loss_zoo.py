"""Lecture 09's bench: every loss of the course on the line of 5 modes, the ring and the grid.

The losses and the runs are defined once, in gancourse.loss_zoo (ZOO, make_zoo_trainer): the
same generator, discriminator widths, batch size, learning rates, schedule and step budget as
the toy benchmark's ``gan``; only the loss changes (EBGAN and BEGAN need an auto-encoder D of
the same widths). Metrics: modes captured and % high quality (VEEGAN's rule, 2500 samples) and
the exact W1 between 1000 samples and 1000 data points. Every run also keeps a trace: W1 (500
points) at 10 stops and, for BEGAN, the convergence measure, k_t and the mean energies of real
and generated samples, each averaged over the steps before each stop. A run whose loss becomes NaN or infinite is recorded as diverged. One CPU thread per
run; ``--workers`` runs side by side. From the repository root:

    .venv/bin/python benchmarks/loss_zoo.py                                  # all, 5 seeds
    .venv/bin/python benchmarks/loss_zoo.py --datasets ring --losses hinge began --seeds 2

Before the bench, the f-GAN question of lecture 09 over seeds: one Gaussian generator fitted to
lecture 01's two modes with every f-divergence (gancourse.loss_zoo.make_fgan_1d), its final
mean and standard deviation.

Results: benchmarks/results/loss_zoo.md (and loss_zoo_fgan.md), every run in
gancourse/data/loss_zoo.json (package data: lecture 09 loads it).
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import time
from concurrent.futures import ProcessPoolExecutor

from common import DATA, machine, save_table

from gancourse.fdivergences import F_DIVERGENCES
from gancourse.loss_zoo import FGAN_1D, ZOO, ZOO_DATASETS, ZOO_STEPS

STOPS = 10  # trace points per run
# Published numbers on the same toys with the same metrics (modes / % high quality, 2500
# samples); no paper we know reports the other losses on them.
PUBLISHED = {
    ("ring", "nonsaturating"): "VEEGAN: 1 mode; PacGAN: 6.3 / 98.2%",
    ("grid", "nonsaturating"): "PacGAN: 17.3 / 94.8%",
}
CITATIONS = ("VEEGAN: Srivastava et al., NeurIPS 2017, Table 1. PacGAN: Lin et al., NeurIPS "
             "2018, Table 1. Their networks and budgets differ from ours; the metric "
             "definitions are the same.")


def run_one(job: tuple[str, str, int]) -> dict:
    import numpy as np
    import torch

    from gancourse.loss_zoo import _data_points, evaluate_zoo, make_zoo_trainer
    from gancourse.training import TrainingDiverged
    from gancourse.wasserstein import w1_point_clouds

    dataset, loss, seed = job
    torch.set_num_threads(1)
    steps = ZOO_STEPS[dataset]
    trainer = make_zoo_trainer(dataset, loss, seed, steps=steps, eval_every=steps // STOPS,
                               n_snapshot=500)
    real = _data_points(dataset, 500, 9)
    control = trainer.loss.control
    seen = [0]

    def metrics(samples):
        out = {"w1": w1_point_clouds(samples[:500], real)}
        if control is not None:  # BEGAN: means over the steps since the last stop
            trace = control.trace
            for key in ("measure", "k", "real", "fake"):
                window = trace[key][seen[0]:]
                out[key] = float(np.mean(window)) if window else float("nan")
            seen[0] = len(trace["measure"])
        return out

    trainer.metrics = metrics
    start = time.perf_counter()
    result = {"dataset": dataset, "loss": loss, "seed": seed, "steps": steps}
    try:
        trainer.train()
        result.update(evaluate_zoo(trainer, dataset), diverged=False)
    except TrainingDiverged as error:
        result.update(modes_captured=0, high_quality=0.0, w1=None, diverged=True,
                      diverged_at=error.step)
    result["seconds"] = time.perf_counter() - start
    h = trainer.history
    result["trace"] = {"step": list(h.eval_step),
                       **{k: [None if math.isnan(v) else v for v in vs]
                          for k, vs in h.metrics.items()}}
    return result


def run_fgan(job: tuple[str, int]) -> dict:
    import torch

    from gancourse.loss_zoo import make_fgan_1d
    from gancourse.training import TrainingDiverged

    divergence, seed = job
    torch.set_num_threads(1)
    trainer = make_fgan_1d(divergence, seed)
    start_mu = float(trainer.G.mu.detach())
    start = time.perf_counter()
    try:
        trainer.train()
        diverged = False
    except TrainingDiverged:
        diverged = True
    return {"divergence": divergence, "seed": seed, "start_mu": start_mu,
            "mu": float(trainer.G.mu.detach()), "sigma": float(trainer.G.sigma),
            "diverged": diverged, "seconds": time.perf_counter() - start}


def mean_sd(values: list[float], fmt: str) -> str:
    if not values:
        return "–"
    sd = statistics.stdev(values) if len(values) > 1 else 0.0
    return f"{format(statistics.mean(values), fmt)} ± {format(sd, fmt)}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", nargs="+", default=list(ZOO_DATASETS),
                        choices=list(ZOO_DATASETS))
    parser.add_argument("--losses", nargs="+", default=list(ZOO), choices=list(ZOO))
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--workers", type=int, default=2, help="runs side by side")
    args = parser.parse_args()
    from gancourse.likelihood import fit_gaussian_by_kl
    from gancourse.loss_zoo import TWO_MODES, w1_floor

    import numpy as np

    x = np.linspace(-9.0, 9.0, 4001)
    p = TWO_MODES.pdf(x)
    fgan_jobs = [(f, s) for f in F_DIVERGENCES for s in range(args.seeds)]
    with ProcessPoolExecutor(max_workers=args.workers) as pool:
        fgan = list(pool.map(run_fgan, fgan_jobs))
    rows = []
    for f in F_DIVERGENCES:
        rs = [r for r in fgan if r["divergence"] == f]
        done = [r for r in rs if not r["diverged"]]
        rows.append([f, len(rs), len(rs) - len(done),
                     " ".join(f"{r['mu']:+.2f}" for r in done),
                     mean_sd([abs(r["mu"]) for r in done], ".2f"),
                     mean_sd([r["sigma"] for r in done], ".2f"),
                     f"{statistics.mean(r['seconds'] for r in rs):.1f}"])
    save_table("loss_zoo_fgan", "f-GAN: one Gaussian fitted to two modes, every f-divergence",
               ["f", "seeds", "diverged", "mu per seed", "|mu|", "sigma", "seconds / run"],
               rows, notes=f"Settings: {FGAN_1D}; the generator starts at N(+-1.5, 1), the sign "
                           "drawn by the seed. The closed-form optima of lecture 01 (mean, "
                           f"std): KL {np.round(fit_gaussian_by_kl(p, x, 'forward'), 3)}, "
                           f"reverse KL {np.round(fit_gaussian_by_kl(p, x, 'reverse'), 3)}. "
                           f"One CPU thread per run, {args.workers} runs side by side.")

    jobs = [(d, m, s) for d in args.datasets for m in args.losses for s in range(args.seeds)]
    runs: list[dict] = []
    with ProcessPoolExecutor(max_workers=args.workers) as pool:
        for res in pool.map(run_one, jobs):
            what = "diverged" if res["diverged"] else (
                f"{res['modes_captured']} modes, {100 * res['high_quality']:.1f}% HQ, "
                f"W1 {res['w1']:.3f}")
            print(f"{res['dataset']:>5} {res['loss']:<18} seed {res['seed']}: {what}, "
                  f"{res['seconds']:.1f} s", flush=True)
            runs.append(res)
    floors = {d: w1_floor(d) for d in args.datasets}
    rows = []
    for d in args.datasets:
        for m in args.losses:
            rs = [r for r in runs if r["dataset"] == d and r["loss"] == m]
            done = [r for r in rs if not r["diverged"]]
            rows.append([d, m, len(rs), len(rs) - len(done),
                         mean_sd([r["modes_captured"] for r in rs], ".1f"),
                         mean_sd([100 * r["high_quality"] for r in rs], ".1f"),
                         mean_sd([r["w1"] for r in done], ".3f"),
                         f"{statistics.mean(r['seconds'] for r in rs):.1f}",
                         PUBLISHED.get((d, m), "")])
    save_table("loss_zoo", "The loss zoo: every loss on the line, the ring and the grid",
               ["data", "loss", "seeds", "diverged", "modes captured", "% high quality",
                "W1 (finished runs)", "seconds / run", "published (modes / % HQ)"], rows,
               notes=f"Generator steps per run: {ZOO_STEPS}. Modes and high quality count a "
                     "diverged run as 0 modes and 0 %. W1: exact, 1000 samples against 1000 "
                     "data points; the sampling floor (two independent data samples) is "
                     + ", ".join(f"{d} {v:.3f}" for d, v in floors.items())
                     + ". Losses (gancourse.loss_zoo.ZOO): "
                     + "; ".join(f"{m}: {ZOO[m].description}" for m in args.losses)
                     + f". One CPU thread per run, {args.workers} runs side by side.\n\n"
                     + CITATIONS)
    (DATA / "loss_zoo.json").write_text(json.dumps(
        {"machine": machine(), "steps": ZOO_STEPS, "stops": STOPS, "w1_floor": floors,
         "fgan_1d": {"settings": FGAN_1D, "runs": fgan},
         "losses": {m: {"description": ZOO[m].description, "config": ZOO[m].config,
                        "energy_power": ZOO[m].energy_power} for m in args.losses},
         "runs": runs}, indent=1))


if __name__ == "__main__":
    main()
