"""Mode collapse on the 2-D ring (8 modes) and grid (25 modes): methods x seeds.

The methods are defined once, in gancourse.experiments: the same networks, batch size,
optimiser and learning-rate schedule; a method differs only by a TrainConfig or discriminator
option. Metrics
follow VEEGAN/PacGAN: 2500 samples, high quality within 3 std of the nearest mode, a mode is
captured when it is the nearest mode of a high-quality sample.

The seeds of one method on one data set train as one seed-batched model
(:mod:`gancourse.seedbatch`) on one CPU thread; ``--workers`` such batches go side by side.
``seconds / run`` is the batch's wall time over its seeds. ``--single`` trains every seed
alone instead (the old way: the same runs up to float rounding). Run from the repository root:

    .venv/bin/python benchmarks/toy2d.py                       # everything, 5 seeds
    .venv/bin/python benchmarks/toy2d.py --datasets ring --methods gan pacgan2 --seeds 2
    .venv/bin/python benchmarks/toy2d.py --methods pacgan2 --update   # re-run one method
    .venv/bin/python benchmarks/toy2d.py --device cuda         # on a GPU, if there is one

Results: a Markdown table in benchmarks/results/toy2d.md and every run in gancourse/data/toy2d.json
(package data: the lectures load it).
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from concurrent.futures import ProcessPoolExecutor

from common import DATA, machine, save_table

from gancourse.device import get_device
from gancourse.experiments import DEMOS, METHODS, TOY_SCHEDULE, TOY_STEPS

# Published results (modes captured, % high quality), 2500 samples, same metric definitions.
PUBLISHED = {
    ("ring", "gan"): "VEEGAN: 1 mode; PacGAN: 6.3 / 98.2%",
    ("ring", "unrolled5"): "VEEGAN (Unrolled GAN): 7.6 modes",
    ("ring", "pacgan2"): "PacGAN: 7.9 / 95.6%",
    ("ring", "veegan"): "VEEGAN: 8 / 52.9%",
    ("grid", "gan"): "PacGAN: 17.3 / 94.8%",
    ("grid", "pacgan4"): "PacGAN: 24.8 / 93.6%",
    ("grid", "veegan"): "VEEGAN: 24.6 / 40%",
}
# What a reader of rows kept from earlier runs must know (printed while such rows remain).
HISTORY = {
    "unrolled5": "The unrolled5 rows were re-run on 2026-12-02 after a fix: the unrolled copy "
                 "of D had shared Adam's moment tensors with the real D's optimiser (before the "
                 "fix: ring 8.0 modes / 94.0 % HQ, grid 22.2 / 93.7 %). That day this host ran "
                 "about 1.8x slower than on 2026-11-23, and the fix deep-copies the optimiser "
                 "state every generator step, so their seconds are not comparable with the "
                 "other rows.",
}
CITATIONS = ("VEEGAN: Srivastava et al., NeurIPS 2017, Table 1. PacGAN: Lin et al., NeurIPS "
             "2018, Table 1. Their networks, budgets and training lengths differ from ours "
             "(see the papers); the metric definitions are the same.")


def run_batch(job: tuple[str, str, int, str, bool]) -> list[dict]:
    """Every seed of one method on one data set: one batch, or one run after another."""
    import torch

    from gancourse.experiments import evaluate, evaluate_runs, make_toy_batch, make_toy_trainer
    from gancourse.training import TrainingDiverged

    dataset, method, seeds, device, single = job
    torch.set_num_threads(1)
    start = time.perf_counter()
    if not single:
        trainer = make_toy_batch(dataset, method, range(seeds), progress=False, device=device)
        try:
            trainer.train()
            results = evaluate_runs(trainer, dataset)
        except TrainingDiverged as err:  # one run's NaN stops the batch: train them one by one
            print(f"{dataset} {method}: {err}; training the seeds one by one", flush=True)
            single = True
    if single:
        results = []
        for seed in range(seeds):
            trainer = make_toy_trainer(dataset, method, seed, progress=False, device=device)
            try:
                trainer.train()
                results.append({**evaluate(trainer, dataset), "diverged": False})
            except TrainingDiverged:
                results.append({"modes_captured": 0, "high_quality": 0.0,
                                "reverse_kl": float("nan"), "n_samples": 0, "diverged": True})
    seconds = (time.perf_counter() - start) / seeds
    return [{"dataset": dataset, "method": method, "seed": seed, "seconds": seconds,
             "steps": trainer.config.steps, "batched": 1 if single else seeds,
             "device": str(device), **stats} for seed, stats in enumerate(results)]


def _cost(job) -> float:
    """A rough relative cost, to start the longest batches first."""
    dataset, method = job[:2]
    config = METHODS[method].config
    steps = (METHODS[method].steps or TOY_STEPS)[dataset]
    return steps * config.get("k_steps", 1) * (1 + config.get("unrolled_steps", 0)) \
        * (3 if config.get("gp_weight") else 1) * config.get("batch_size", 256)


def mean_sd(values: list[float], fmt: str) -> str:
    sd = statistics.stdev(values) if len(values) > 1 else 0.0
    return f"{format(statistics.mean(values), fmt)} ± {format(sd, fmt)}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", nargs="+", default=list(TOY_STEPS), choices=list(TOY_STEPS))
    parser.add_argument("--methods", nargs="+", default=[m for m in METHODS if m not in DEMOS],
                        choices=list(METHODS))
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--workers", type=int, default=2, help="batches side by side")
    parser.add_argument("--single", action="store_true",
                        help="train every seed alone instead of as one batch")
    parser.add_argument("--device", default="cpu", help="cpu, cuda or mps")
    parser.add_argument("--name", default="toy2d",
                        help="results/NAME.md; any other name than toy2d leaves the runs that "
                             "lectures load (gancourse/data/toy2d.json) untouched")
    parser.add_argument("--update", action="store_true",
                        help="keep the saved runs of other datasets/methods and replace only "
                             "those run now")
    args = parser.parse_args()
    saved = DATA / f"{args.name}.json"
    old_runs = json.loads(saved.read_text())["runs"] if args.update and saved.exists() else []
    device = str(get_device(args.device))
    jobs = sorted(((d, m, args.seeds, device, args.single) for d in args.datasets
                   for m in args.methods if d in (METHODS[m].steps or TOY_STEPS)),
                  key=_cost, reverse=True)
    start = time.perf_counter()
    runs = []
    with ProcessPoolExecutor(max_workers=args.workers) as pool:
        for batch in pool.map(run_batch, jobs):
            for res in batch:
                print(f"{res['dataset']:>5} {res['method']:<14} seed {res['seed']}: "
                      f"{res['modes_captured']} modes, {100 * res['high_quality']:.1f}% HQ, "
                      f"{res['seconds']:.1f} s / run", flush=True)
            runs.extend(batch)
    total = time.perf_counter() - start
    rerun = {(d, m) for d in args.datasets for m in args.methods}
    runs = [r for r in old_runs if (r["dataset"], r["method"]) not in rerun] + runs
    datasets = [d for d in TOY_STEPS if any(r["dataset"] == d for r in runs)]
    methods = [m for m in METHODS if any(r["method"] == m for r in runs)]
    rows = []
    for d in datasets:
        for m in methods:
            rs = [r for r in runs if r["dataset"] == d and r["method"] == m]
            if not rs:
                continue
            batched = sorted({r.get("batched", 1) for r in rs})
            trained = "alone" if batched == [1] else " / ".join(f"batch of {b}" for b in batched)
            rows.append([d, m, len(rs), trained, mean_sd([r["modes_captured"] for r in rs], ".1f"),
                         mean_sd([100 * r["high_quality"] for r in rs], ".1f"),
                         f"{statistics.mean(r['reverse_kl'] for r in rs):.3f}",
                         f"{statistics.mean(r['seconds'] for r in rs):.1f}",
                         f"{statistics.mean(r['steps'] / r['seconds'] for r in rs):.0f}",
                         PUBLISHED.get((d, m), ""),
                         ", ".join(sorted({str(r.get("n_samples", 1000)) for r in rs}))])
    for (d, m), text in PUBLISHED.items():
        if m not in METHODS and d in datasets:
            rows.append([d, m, "", "", "", "", "", "", "", text, "2500"])
    save_table(args.name, "Mode collapse benchmark: ring (8 modes) and grid (25 modes)",
               ["data", "method", "seeds", "trained", "modes captured", "% high quality",
                "reverse KL", "seconds / run", "steps / s", "published (modes / % HQ)",
                "samples"], rows,
               notes=f"Generator steps per run: {TOY_STEPS} unless a method sets its own; "
                     f"learning-rate decay: {TOY_SCHEDULE} unless a method sets its own. "
                     "Methods (gancourse.experiments): "
                     + "; ".join(f"{m}: {METHODS[m].description}, {METHODS[m].config}, "
                                 f"D {METHODS[m].d_options}, hidden {METHODS[m].hidden}"
                                 + (f", D hidden {METHODS[m].d_hidden}" if METHODS[m].d_hidden
                                    else "")
                                 + (f", steps {METHODS[m].steps}" if METHODS[m].steps else "")
                                 for m in methods)
                     + f". Device: {device}. "
                     + ("Every seed trained alone, one CPU thread" if args.single else
                        f"The {args.seeds} seeds of a method trained as one seed-batched model "
                        "on one CPU thread; seconds / run = the batch's wall time / seeds")
                     + f"; {args.workers} side by side. This command's wall time: "
                     f"{total / 60:.1f} min."
                     + (" Rows of methods not re-run by this command come from the earlier runs "
                        f"saved in {args.name}.json (same machine type; 'trained' says how)."
                        if args.update else "")
                     + "".join(f" {text}" for m, text in HISTORY.items()
                               if any(r["method"] == m and "batched" not in r for r in runs))
                     + f"\n\n{CITATIONS}")
    if args.name != "toy2d":
        return
    (DATA / "toy2d.json").write_text(json.dumps(
        {"machine": machine(), "steps": TOY_STEPS, "schedule": TOY_SCHEDULE,
         "methods": {m: {"config": METHODS[m].config, "d_options": METHODS[m].d_options,
                         "hidden": METHODS[m].hidden, "d_hidden": METHODS[m].d_hidden,
                         "steps": METHODS[m].steps or TOY_STEPS} for m in methods},
         "runs": runs}, indent=1))


if __name__ == "__main__":
    main()
