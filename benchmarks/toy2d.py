"""Mode collapse on the 2-D ring (8 modes) and grid (25 modes): methods x seeds.

The methods are defined once, in gancourse.experiments: the same networks, batch size,
optimiser and learning-rate schedule; a method differs only by a TrainConfig or discriminator
option. Metrics
follow VEEGAN/PacGAN: 2500 samples, high quality within 3 std of the nearest mode, a mode is
captured when it is the nearest mode of a high-quality sample. Each run uses one CPU thread;
``--workers`` runs go side by side. Run from the repository root:

    .venv/bin/python benchmarks/toy2d.py                       # everything, 5 seeds
    .venv/bin/python benchmarks/toy2d.py --datasets ring --methods gan pacgan2 --seeds 2
    .venv/bin/python benchmarks/toy2d.py --methods pacgan2 --update   # re-run one method

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
CITATIONS = ("VEEGAN: Srivastava et al., NeurIPS 2017, Table 1. PacGAN: Lin et al., NeurIPS "
             "2018, Table 1. Their networks, budgets and training lengths differ from ours "
             "(see the papers); the metric definitions are the same.")


def run_one(job: tuple[str, str, int]) -> dict:
    import torch

    from gancourse.experiments import evaluate, make_toy_trainer

    dataset, method, seed = job
    torch.set_num_threads(1)
    trainer = make_toy_trainer(dataset, method, seed, progress=False)
    start = time.perf_counter()
    trainer.train()
    seconds = time.perf_counter() - start
    return {"dataset": dataset, "method": method, "seed": seed, "seconds": seconds,
            "steps": trainer.config.steps, **evaluate(trainer, dataset)}


def mean_sd(values: list[float], fmt: str) -> str:
    sd = statistics.stdev(values) if len(values) > 1 else 0.0
    return f"{format(statistics.mean(values), fmt)} ± {format(sd, fmt)}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", nargs="+", default=list(TOY_STEPS), choices=list(TOY_STEPS))
    parser.add_argument("--methods", nargs="+", default=[m for m in METHODS if m not in DEMOS],
                        choices=list(METHODS))
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--workers", type=int, default=2, help="runs side by side")
    parser.add_argument("--update", action="store_true",
                        help="keep the saved runs of other datasets/methods and replace only "
                             "those run now")
    args = parser.parse_args()
    saved = DATA / "toy2d.json"
    old_runs = json.loads(saved.read_text())["runs"] if args.update and saved.exists() else []
    jobs = [(d, m, s) for d in args.datasets for m in args.methods for s in range(args.seeds)]
    with ProcessPoolExecutor(max_workers=args.workers) as pool:
        runs = []
        for res in pool.map(run_one, jobs):
            print(f"{res['dataset']:>5} {res['method']:<14} seed {res['seed']}: "
                  f"{res['modes_captured']} modes, {100 * res['high_quality']:.1f}% HQ, "
                  f"{res['seconds']:.1f} s", flush=True)
            runs.append(res)
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
            rows.append([d, m, len(rs), mean_sd([r["modes_captured"] for r in rs], ".1f"),
                         mean_sd([100 * r["high_quality"] for r in rs], ".1f"),
                         f"{statistics.mean(r['reverse_kl'] for r in rs):.3f}",
                         f"{statistics.mean(r['seconds'] for r in rs):.1f}",
                         f"{statistics.mean(r['steps'] / r['seconds'] for r in rs):.0f}",
                         PUBLISHED.get((d, m), ""),
                         ", ".join(sorted({str(r.get("n_samples", 1000)) for r in rs}))])
    for (d, m), text in PUBLISHED.items():
        if m not in METHODS and d in datasets:
            rows.append([d, m, "", "", "", "", "", "", text, "2500"])
    save_table("toy2d", "Mode collapse benchmark: ring (8 modes) and grid (25 modes)",
               ["data", "method", "seeds", "modes captured", "% high quality", "reverse KL",
                "seconds / run", "steps / s", "published (modes / % HQ)", "samples"], rows,
               notes=f"Generator steps per run: {TOY_STEPS}; learning-rate decay: {TOY_SCHEDULE}. "
                     "Methods (gancourse.experiments): "
                     + "; ".join(f"{m}: {METHODS[m].description}, {METHODS[m].config}, "
                                 f"D {METHODS[m].d_options}, hidden {METHODS[m].hidden}"
                                 for m in methods)
                     + f". One CPU thread per run, {args.workers} runs side by side."
                     + (" Rows of methods not re-run by this command come from the earlier run "
                        "saved in toy2d.json (same machine)." if args.update else "")
                     + f"\n\n{CITATIONS}")
    (DATA / "toy2d.json").write_text(json.dumps(
        {"machine": machine(), "steps": TOY_STEPS, "schedule": TOY_SCHEDULE,
         "methods": {m: {"config": METHODS[m].config, "d_options": METHODS[m].d_options,
                         "hidden": METHODS[m].hidden} for m in methods},
         "runs": runs}, indent=1))


if __name__ == "__main__":
    main()
