"""How close is a toy GAN's training step to the machine's limit? For each method of the 2-D
benchmark: measured milliseconds per generator step next to a floor computed from the step's
FLOPs and the machine's measured matrix-multiply throughput, and where the gap goes.

How each column is measured (one CPU thread unless ``--threads``; no profiler, which would add
its own cost to every operation):

* **ms / step**: wall time of 200 generator steps (after 20 warm-up steps).
* **MFLOP / step**: every matrix product the step runs -- forward, backward, the gradient
  penalty's double backward, the unrolled copies -- counted as 2 m n k by a dispatch mode that
  sees each aten ``mm``/``addmm``/``bmm``/``baddbmm`` call (the other ops are cheap in FLOPs).
* **floor**: those FLOPs at the peak throughput of this machine's matrix multiply, measured on
  one 1024 x 1024 x 1024 product (printed under the table): no step can be faster.
* **matmuls**: the step's matrix products replayed one by one, at their own shapes, on fresh
  contiguous tensors (the best of 5 timings): what the arithmetic costs at these small sizes.
* **ops / step** and **dispatch**: the number of aten calls, times the cost of one call that
  does almost nothing (adding two 1-element tensors, measured here).
* **rest**: ms / step minus matmuls and dispatch: element-wise work (activations, the
  optimiser's updates, reductions), the autograd engine and Python.

A second table (``results/NAME_table.md``) prices the whole ``toy2d`` table (every method x 5
seeds x its data sets and step budgets): its FLOP floor, and the estimate from the measured
batched step (the grid's networks and batches are the ring's, so a step costs the same).

Run from the repository root:

    .venv/bin/python benchmarks/step_time.py                    # every method, 1 and 5 seeds
    .venv/bin/python benchmarks/step_time.py --runs 1 5 25      # seed-batched sizes
    .venv/bin/python benchmarks/step_time.py --device cuda      # on a GPU (if one is present)
"""

from __future__ import annotations

import argparse
import time

import torch
from torch.utils._python_dispatch import TorchDispatchMode

from common import save_table

from gancourse.device import get_device
from gancourse.experiments import DEMOS, METHODS, TOY_STEPS, make_toy_batch, make_toy_trainer

MATMULS = {"mm", "addmm", "bmm", "baddbmm"}
STEPS, WARMUP = 200, 20


class CountOps(TorchDispatchMode):
    """Counts aten calls, and records the shapes and FLOPs of matrix products, while active."""

    def __init__(self):
        super().__init__()
        self.ops, self.flops, self.matmuls = 0, 0, []

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        self.ops += 1
        name = func.overloadpacket.__name__
        if name in MATMULS:
            a, b = args[-2], args[-1]  # (.., m, k) @ (.., k, n), batched or not
            batch = a.shape[0] if a.dim() == 3 else 1
            self.flops += 2 * batch * a.shape[-2] * a.shape[-1] * b.shape[-1]
            self.matmuls.append((func, [tuple(t.shape) if isinstance(t, torch.Tensor) else t
                                        for t in args]))
        return func(*args, **(kwargs or {}))


def replay_ms(matmuls: list, device: torch.device) -> float:
    """Milliseconds for the recorded matrix products, each replayed on fresh tensors."""
    total = 0.0
    for func, shapes in matmuls:
        args = [torch.randn(s, device=device) if isinstance(s, tuple) else s for s in shapes]
        best = float("inf")
        for _ in range(5):
            _sync(device)
            start = time.perf_counter()
            for _ in range(20):
                func(*args)
            _sync(device)
            best = min(best, (time.perf_counter() - start) / 20)
        total += best
    return 1000 * total


def tiny_op_us(device: torch.device) -> float:
    """Microseconds for one aten call that does almost nothing (1-element add)."""
    x = torch.ones(1, device=device)
    best = float("inf")
    for _ in range(5):
        start = time.perf_counter()
        for _ in range(2000):
            torch.add(x, x)
        _sync(device)
        best = min(best, (time.perf_counter() - start) / 2000)
    return 1e6 * best


def peak_gflops(device: torch.device) -> float:
    """Throughput of one large matrix product (GFLOP/s), the best of 5 timings."""
    a = torch.randn(1024, 1024, device=device)
    best = float("inf")
    for _ in range(5):
        _sync(device)
        start = time.perf_counter()
        for _ in range(10):
            a @ a
        _sync(device)
        best = min(best, (time.perf_counter() - start) / 10)
    return 2 * 1024**3 / best / 1e9


def _sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize()


def measure(method: str, runs: int, device: torch.device, peak: float, tiny_us: float,
            compiled: bool = False) -> list:
    if runs == 1:
        trainer = make_toy_trainer("ring", method, 0, progress=False, device=device)
    else:
        trainer = make_toy_batch("ring", method, range(runs), progress=False, device=device)
    if compiled:  # torch.compile both networks; the first steps pay the compilation
        trainer.G, trainer.D = torch.compile(trainer.G), torch.compile(trainer.D)
        start = time.perf_counter()
        trainer.train(WARMUP)
        print(f"{method}: compiling and {WARMUP} steps took {time.perf_counter() - start:.1f} s",
              flush=True)
    trainer.train(WARMUP)
    _sync(device)
    start = time.perf_counter()
    trainer.train(STEPS)
    _sync(device)
    ms = 1000 * (time.perf_counter() - start) / STEPS
    with CountOps() as count:
        trainer.train(1)
    floor = count.flops / peak / 1e6
    matmul = replay_ms(count.matmuls, device)
    dispatch = count.ops * tiny_us / 1000
    if compiled:
        method += " (torch.compile)"
    return [method, runs, f"{ms:.2f}", f"{ms / runs:.2f}", f"{count.flops / 1e6:.0f}",
            f"{floor:.2f}", f"{ms / floor:.1f}x", f"{matmul:.2f}", count.ops,
            f"{dispatch:.2f}", f"{ms - matmul - dispatch:.2f}"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--methods", nargs="+", default=[m for m in METHODS if m not in DEMOS],
                        choices=list(METHODS))
    parser.add_argument("--runs", type=int, nargs="+", default=[1, 5],
                        help="seeds trained as one batch (1: the ordinary single trainer)")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--compile", nargs="*", default=["gan-64"], choices=list(METHODS),
                        help="methods also measured with torch.compile'd networks (one run)")
    parser.add_argument("--device", default="cpu", help="cpu, cuda or mps")
    parser.add_argument("--name", default="step_time", help="results/NAME.md")
    args = parser.parse_args()
    device = get_device(args.device)
    torch.set_num_threads(args.threads)
    peak, tiny = peak_gflops(device), tiny_op_us(device)
    rows = []
    for method in args.methods:
        for runs in args.runs:
            rows.append(measure(method, runs, device, peak, tiny))
            print(rows[-1], flush=True)
        if method in args.compile:
            rows.append(measure(method, 1, device, peak, tiny, compiled=True))
            print(rows[-1], flush=True)
    save_table(args.name, "Time per generator step against the FLOP floor (ring)",
               ["method", "runs", "ms / step", "ms / step / run", "MFLOP / step", "floor (ms)",
                "measured / floor", "matmuls replayed (ms)", "ops / step", "dispatch (ms)",
                "rest (ms)"], rows,
               notes=f"Device: {device}; {args.threads} CPU thread(s). Peak matrix-multiply "
                     f"throughput: {peak:.1f} GFLOP/s (one 1024^3 product, best of 5); one "
                     f"near-empty aten call: {tiny:.1f} us. "
                     "One generator step = k discriminator steps + one generator step with "
                     "each method's own networks and batch (gancourse.experiments). runs > 1: "
                     "that many seeds as one seed-batched model (gancourse.seedbatch). "
                     "Columns: see the script's docstring.\n\n"
                     "Where the gap goes. With 128-unit layers the step's matrix products, run "
                     "at their own small sizes, take about half of it and run slower than the "
                     "large product's peak; the other half is element-wise work, the autograd "
                     "engine and dispatch. With 64-unit layers the arithmetic is a quarter of "
                     "that and fixed costs dominate: dispatch (one call per aten op) and the "
                     "rest. Seed-batching shares the fixed costs among the runs: per run, the "
                     "batched step comes closer to its floor. Closed already: D's parameter "
                     "gradients in G's step are skipped (they were computed and thrown away); "
                     "TrainConfig.fused_optimizer makes each optimiser step one kernel (the "
                     "recipes use it). torch.compile of both networks (the row marked so) "
                     "made the step slower here, after tens of seconds of compiling: on a CPU "
                     "these networks are too small for its generated kernels to pay.")
    if 5 in args.runs:
        save_table_floor(args.name, rows, peak, device)


def save_table_floor(name: str, rows: list, peak: float, device: torch.device,
                     seeds: int = 5) -> None:
    """What regenerating the toy2d table costs at least (FLOPs at peak) and at the measured
    batched speed: every method's generator steps on its data sets, ``seeds`` runs each."""
    table, floor_total, estimate_total = [], 0.0, 0.0
    for row in rows:
        method, runs = row[0], row[1]
        if runs != seeds or method not in METHODS:
            continue
        steps = sum((METHODS[method].steps or TOY_STEPS).values())
        floor = float(row[4]) / runs * 1e6 * steps * seeds / (peak * 1e9)
        estimate = float(row[3]) / 1000 * steps * seeds
        floor_total, estimate_total = floor_total + floor, estimate_total + estimate
        table.append([method, steps, seeds, f"{floor / 60:.1f}", f"{estimate / 60:.1f}"])
    table.append(["**all**", "", "", f"**{floor_total / 60:.1f}**",
                  f"**{estimate_total / 60:.1f}**"])
    half = floor_total / 2 / 60  # two threads, perfectly shared: the least wall time
    verdict = (f"Even split perfectly over two threads the floor is {half:.1f} min, "
               + ("over 15 min: on this machine the table cannot regenerate in 15 minutes with "
                  "these methods; a GPU (--device cuda) or smaller networks would be needed."
                  if half > 15 else "within 15 min."))
    save_table(f"{name}_table", "What regenerating the whole toy2d table costs (ring and grid)",
               ["method", "generator steps (ring + grid)", "seeds", "floor (min, one thread)",
                "at the measured batched step (min, one thread)"], table,
               notes=f"Device: {device}. floor = MFLOP per step and run x steps x seeds at the "
                     f"measured peak ({peak:.1f} GFLOP/s); the estimate uses the measured ms / "
                     f"step / run of the seed-batched step (results/{name}.md). {verdict}")


if __name__ == "__main__":
    main()
