"""Conditional GANs on scikit-learn's 8x8 digits: what D is shown, over seeds.

Variants (gancourse.conditional): D ignores y; D judges pairs (y, x); pairs plus mismatched
negatives (y', real x); and the last with small convolutional networks. Each run trains
DIGIT_STEPS generator steps on the fixed training split and is judged by an RBF SVM trained on
the real training split only (its accuracy on the real test split is reported): label accuracy
of 100 generated digits per class, and within-class diversity relative to the real training
digits. Each run uses one CPU thread; ``--workers`` runs go side by side. From the course folder:

    .venv/bin/python benchmarks/cgan_digits.py             # 3 seeds, about 4 minutes
    .venv/bin/python benchmarks/cgan_digits.py --seeds 1

Results: benchmarks/results/cgan_digits.md (table) and gancourse/data/cgan_digits.json
(every run; package data: lecture 06 loads it).
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from concurrent.futures import ProcessPoolExecutor

from common import DATA, machine, save_table

from gancourse.conditional import DIGIT_STEPS, VARIANTS

RUNS = [(v, False) for v in VARIANTS] + [("pairs+mismatch", True)]


def run_one(job: tuple[str, bool, int]) -> dict:
    import torch

    from gancourse.conditional import evaluate_digits, make_digit_cgan
    from gancourse.digits import DigitClassifier, load_digits_split, within_class_diversity

    variant, conv, seed = job
    torch.set_num_threads(1)
    data = load_digits_split()
    classifier = DigitClassifier().fit(*data.train)
    real_div = within_class_diversity(*data.train)
    trainer = make_digit_cgan(data, variant, seed, conv=conv, device="cpu", eval_every=500)
    labels = trainer.fixed_y.numpy()  # 100 fixed latent points per class
    trainer.metrics = lambda x: {"accuracy": classifier.accuracy(x.reshape(len(x), -1), labels)}
    start = time.perf_counter()
    trainer.train()
    seconds = time.perf_counter() - start  # includes the cheap evaluations every 500 steps
    res = evaluate_digits(trainer.G, classifier, real_div)
    return {"variant": variant, "conv": conv, "seed": seed, "seconds": seconds,
            "steps": trainer.config.steps, "accuracy": res["accuracy"],
            "per_class": res["per_class"].tolist(), "diversity_ratio": res["diversity_ratio"],
            "curve_steps": trainer.history.eval_step,
            "curve_accuracy": trainer.history.metrics["accuracy"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2, help="runs side by side")
    args = parser.parse_args()

    from gancourse.digits import DigitClassifier, load_digits_split, within_class_diversity

    data = load_digits_split()
    classifier = DigitClassifier().fit(*data.train)
    test_accuracy = classifier.accuracy(data.x_test, data.y_test)
    real_div = within_class_diversity(*data.train)
    test_div_ratio = float((within_class_diversity(data.x_test, data.y_test) / real_div).mean())

    jobs = [(v, conv, s) for v, conv in RUNS for s in range(args.seeds)]
    with ProcessPoolExecutor(max_workers=args.workers) as pool:
        runs = []
        for res in pool.map(run_one, jobs):
            print(f"{res['variant']:<15} conv={res['conv']!s:<5} seed {res['seed']}: accuracy "
                  f"{100 * res['accuracy']:.1f}%, diversity {res['diversity_ratio']:.2f}, "
                  f"{res['seconds']:.1f} s", flush=True)
            runs.append(res)
    rows = []
    for variant, conv in RUNS:
        rs = [r for r in runs if r["variant"] == variant and r["conv"] == conv]
        acc = [100 * r["accuracy"] for r in rs]
        div = [r["diversity_ratio"] for r in rs]
        worst = min(min(r["per_class"]) for r in rs)
        sd = (lambda v: statistics.stdev(v) if len(v) > 1 else 0.0)
        early = [100 * r["curve_accuracy"][r["curve_steps"].index(1000)] for r in rs]
        rows.append([variant, "conv" if conv else "MLP", len(rs),
                     f"{statistics.mean(early):.1f} ± {sd(early):.1f}",
                     f"{statistics.mean(acc):.1f} ± {sd(acc):.1f}", f"{100 * worst:.0f}",
                     f"{statistics.mean(div):.2f} ± {sd(div):.2f}",
                     f"{statistics.mean(r['seconds'] for r in rs):.1f}"])
    rows.append(["real test digits", "", "", "", f"{100 * test_accuracy:.1f}", "",
                 f"{test_div_ratio:.2f}", ""])
    save_table("cgan_digits", "Conditional GANs on the 8x8 digits",
               ["variant", "networks", "seeds", "accuracy % at step 1000", "label accuracy %",
                "worst class %",
                "diversity / real", "seconds / run"], rows,
               notes=f"{DIGIT_STEPS} generator steps per run, batch 64, Adam 1e-3 (0.5, 0.999); "
                     "Final accuracy: 100 generated digits per class, labelled by an RBF SVM trained on the real "
                     f"training split (1347 images; {100 * test_accuracy:.1f}% on the 450 real "
                     "test images). Diversity: mean pairwise distance within a class, over the "
                     "real training digits' (the real test digits' ratio is the reference). "
                     "Accuracy at step 1000: on the trainer's 1000 fixed latent points (100 per "
                     "class), the speed at which G aligns its images with y. "
                     f"One CPU thread per run, {args.workers} runs side by side.")
    (DATA / "cgan_digits.json").write_text(json.dumps(
        {"machine": machine(), "steps": DIGIT_STEPS, "classifier_test_accuracy": test_accuracy,
         "real_test_diversity_ratio": test_div_ratio, "runs": runs}, indent=1))


if __name__ == "__main__":
    main()
