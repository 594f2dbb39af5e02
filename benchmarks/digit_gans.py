"""GANs on MNIST-5k's real 28x28 digits, judged: lecture 07's saved tables.

Three tables, every row over seeds on the same budget (gancourse.mnist_gans.LIVE: the lecture's
small DCGAN, 1000 generator steps of batch 64):

* rules -- the DCGAN, each of Radford et al.'s rules removed in turn, and an MLP GAN of about
  the same size;
* techniques -- the DCGAN with each of Salimans et al.'s improved techniques added in turn;
* generator -- (not a table) the DCGAN of seed 0 after the live budget, saved for exercise
  07.6 (gancourse.mnist_gans.load_digit_generator);
* semi-supervised -- held-out accuracy of the (K+1)-class discriminator trained with 10 labels
  per class, against the same network trained on those 100 labels alone.

Every GAN is judged on 1000 samples by the judge (gancourse.judge): the Frechet distance of its
64 features to MNIST-5k's 1000 test digits, its mean confidence, and the share of each label.
One CPU thread per run, ``--workers`` runs side by side. From the course folder:

    .venv/bin/python benchmarks/digit_gans.py              # 3 seeds, about 35 minutes
    .venv/bin/python benchmarks/digit_gans.py --seeds 1 --only rules
    .venv/bin/python benchmarks/digit_gans.py --smoke       # every run, 3 steps, nothing saved

Results: benchmarks/results/digit_gans.md (tables) and gancourse/data/digit_gans.json (every
run; package data: lecture 07 loads it).
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from concurrent.futures import ProcessPoolExecutor

from common import DATA, machine, save_table

from gancourse.mnist_gans import LIVE, RULES, SEMI_SUPERVISED, TECHNIQUES, VARIANTS

TABLES = ("rules", "techniques", "semi-supervised", "generator")
TRACE_POINTS = 10  # judged stops along each run


def gan_run(job: tuple[str, int, int]) -> dict:
    import torch

    import numpy as np

    from gancourse.evaluation import all_metrics, fid
    from gancourse.judge import load_judge
    from gancourse.mnist import load_mnist5k
    from gancourse.mnist_gans import judge_samples, make_digit_gan
    from gancourse.models import count_parameters
    from gancourse.results import pack_bytes

    variant, seed, steps = job
    torch.set_num_threads(1)
    data = load_mnist5k()
    judge = load_judge("cpu")
    real = judge.features(data.x_test)
    trainer = make_digit_gan(variant, seed, steps=steps or None, data=data, device="cpu")
    # TRACE_POINTS stops on the way: D's loss (mean of the steps since the last stop) and the
    # judge's FID of 1000 samples, for lecture 08 (is D's loss a measure of quality?)
    total, trace, seconds = trainer.config.steps, [], 0.0
    points = min(TRACE_POINTS, total)
    for stop in range(1, points + 1):
        start = time.perf_counter()
        trainer.train(stop * total // points - trainer.step)
        seconds += time.perf_counter() - start
        window = trainer.history.d_loss[(stop - 1) * total // points:]
        trace.append({"step": trainer.step, "d_loss": float(np.mean(window)),
                      "fid": fid(real, judge.features(trainer.sample(1000).clamp(-1, 1)))})
    x = trainer.sample(1000)
    grid = ((x[:36, 0] + 1) * 127.5).round().clamp(0, 255).to(torch.uint8)  # for the widget
    clipped = x.clamp(-1, 1)
    metrics = all_metrics(real, judge.features(clipped), judge.probabilities(clipped).numpy())
    return {"variant": variant, "seed": seed, "seconds": seconds, "steps": trainer.step,
            "samples": pack_bytes(grid.numpy()),
            "parameters_g": count_parameters(trainer.G),
            "parameters_d": count_parameters(trainer.D), "trace": trace, "metrics": metrics,
            **judge_samples(x, judge, data)}


def semi_run(job: tuple[int, int]) -> dict:
    import torch

    from gancourse.mnist import load_mnist5k
    from gancourse.mnist_gans import (classifier_accuracy, make_semi_supervised,
                                      train_classifier_alone)

    seed, steps = job
    torch.set_num_threads(1)
    data = load_mnist5k()
    start = time.perf_counter()
    alone = classifier_accuracy(train_classifier_alone(seed, steps=steps, data=data,
                                                       device="cpu"), data)
    alone_seconds = time.perf_counter() - start
    out = {"seed": seed, "steps": steps, "alone": alone, "alone_seconds": alone_seconds}
    for key, matching in (("semi_supervised", False), ("feature_matching", True)):
        trainer = make_semi_supervised(seed, steps=steps, feature_matching=matching, data=data,
                                       device="cpu")
        start = time.perf_counter()
        trainer.train()
        out[key] = classifier_accuracy(trainer.D.classifier, data)
        out[f"{key}_seconds"] = time.perf_counter() - start
    return out


def save_generator() -> None:
    import torch

    from gancourse.mnist import load_mnist5k
    from gancourse.mnist_gans import make_digit_gan

    trainer = make_digit_gan("DCGAN", 0, data=load_mnist5k(), device="cpu")
    trainer.train()
    torch.save(trainer.G.state_dict(), DATA / "dcgan_digits.pt")
    print(f"saved the seed-0 DCGAN generator ({trainer.history.seconds:.0f} s of training)")


def _mean_sd(values) -> str:
    values = list(values)
    sd = statistics.stdev(values) if len(values) > 1 else 0.0
    return f"{statistics.mean(values):.1f} ± {sd:.1f}"


def gan_rows(runs: list[dict], names: list[str]) -> list[list]:
    rows = []
    for name in names:
        rs = [r for r in runs if r["variant"] == name]
        rows.append([name, VARIANTS[name].what, rs[0]["steps"], len(rs),
                     _mean_sd(r["fid"] for r in rs),
                     _mean_sd(100 * r["confidence"] for r in rs),
                     _mean_sd(r["classes"] for r in rs),
                     f"{100 * min(r['smallest'] for r in rs):.1f}",
                     f"{rs[0]['parameters_g']:,} / {rs[0]['parameters_d']:,}",
                     f"{statistics.mean(r['seconds'] for r in rs):.0f}"])
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2, help="runs side by side")
    parser.add_argument("--only", choices=TABLES, nargs="*", default=list(TABLES))
    parser.add_argument("--variants", nargs="*", default=None,
                        help="re-run only these variants of the chosen tables")
    parser.add_argument("--smoke", action="store_true",
                        help="one seed of 3 steps per run, printed, nothing saved")
    args = parser.parse_args()
    # 0: each variant's own budget (make_digit_gan's default)
    steps, semi_steps = (3, 3) if args.smoke else (0, SEMI_SUPERVISED["steps"])
    if args.smoke:
        args.seeds = 1

    import torch

    from gancourse.judge import load_judge
    from gancourse.mnist import load_mnist5k
    from gancourse.mnist_gans import judge_samples

    torch.set_num_threads(1)
    data = load_mnist5k()
    real = judge_samples(data.x_train[:1000], load_judge("cpu"), data)  # the best a G can do
    path = DATA / "digit_gans.json"
    saved = json.loads(path.read_text()) if path.is_file() else {}
    tables = {"rules": RULES, "techniques": TECHNIQUES}
    names = sorted({n for table in args.only for n in tables.get(table, [])
                    if args.variants is None or n in args.variants}, key=list(VARIANTS).index)
    jobs = [(n, s, steps) for n in names for s in range(args.seeds)]
    runs = [r for r in saved.get("runs", []) if r["variant"] not in names]
    semi = [] if "semi-supervised" in args.only else saved.get("semi_supervised", [])
    if "generator" in args.only and not args.smoke:
        save_generator()
    def save() -> None:  # after every run: an interrupted benchmark keeps what it finished
        if not args.smoke:
            path.write_text(json.dumps({"machine": machine(), "live": LIVE, "real": real,
                                        "runs": runs, "semi_supervised": semi,
                                        "settings": SEMI_SUPERVISED}, indent=1))

    with ProcessPoolExecutor(max_workers=args.workers) as pool:
        for r in pool.map(gan_run, jobs):
            print(f"{r['variant']:<26} seed {r['seed']}: FID {r['fid']:6.1f}, confidence "
                  f"{100 * r['confidence']:.1f}%, {r['classes']} classes, smallest "
                  f"{100 * r['smallest']:.1f}%, {r['seconds']:.0f} s", flush=True)
            runs.append(r)
            save()
        if "semi-supervised" in args.only:
            for r in pool.map(semi_run, [(s, semi_steps) for s in range(args.seeds)]):
                print(f"semi-supervised seed {r['seed']}: {100 * r['semi_supervised']:.1f}% "
                      f"(G by feature matching {100 * r['feature_matching']:.1f}%) vs "
                      f"{100 * r['alone']:.1f}% alone", flush=True)
                semi.append(r)
                save()
    if args.smoke:
        return
    header = ["variant", "what changes", "steps", "seeds", "judge FID", "confidence %", "classes ≥ 4 %",
              "smallest class % (worst seed)", "parameters G / D", "seconds / run"]
    real_row = ["real training digits", "1000 of them, not a generator", "", "",
                f"{real['fid']:.1f}",
                f"{100 * real['confidence']:.1f}", real["classes"],
                f"{100 * real['smallest']:.1f}", "", ""]
    budget = (f"Batch {LIVE['batch_size']}, Adam {LIVE['lr']:g} (0.5, 0.999) (the MLPs: 2e-4, "
              f"their best of 4e-3, 1e-3, 2e-4 on seed 0), latent {LIVE['latent_dim']}, DCGAN "
              f"base {LIVE['base']}. "
              "Judged on 1000 samples from fixed z by the judge (gancourse.judge, trained on "
              "the 4000 training digits only): FID of its 64 features against the 1000 test "
              f"digits. One CPU thread per run, {args.workers} runs side by side.")
    done = [(table, gan_rows(runs, names_) + [real_row]) for table, names_ in tables.items()
            if all(any(r["variant"] == n for r in runs) for n in names_)]
    for table, rows in done:
        save_table(f"digit_gans_{table}", f"GANs on MNIST-5k: {table}", header, rows,
                   notes=budget)
    if semi:
        save_table("digit_gans_semi_supervised",
                   "Semi-supervised: the (K+1)-class discriminator with 100 labels",
                   ["seed", "steps", "labels alone %", "(K+1) GAN, G non-saturating %",
                    "(K+1) GAN, G by feature matching %", "seconds: alone / GAN / GAN (FM)"],
                   [[r["seed"], r["steps"], f"{100 * r['alone']:.1f}",
                     f"{100 * r['semi_supervised']:.1f}", f"{100 * r['feature_matching']:.1f}",
                     f"{r['alone_seconds']:.0f} / {r['semi_supervised_seconds']:.0f} / "
                     f"{r['feature_matching_seconds']:.0f}"] for r in semi],
                   notes="Held-out accuracy on MNIST-5k's 1000 test digits of the same network "
                         "(the DCGAN discriminator with 10 logits), trained on 10 labelled "
                         "digits per class alone, or as the (K+1)-class discriminator of a GAN "
                         "that also sees the 4000 unlabelled training digits, its generator "
                         "trained by the non-saturating loss or by feature matching. "
                         f"{SEMI_SUPERVISED}. One CPU thread per run.")


if __name__ == "__main__":
    main()
