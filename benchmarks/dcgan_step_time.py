"""Milliseconds per generator step of lecture 07's DCGAN on MNIST-5k: CPU threads, and CUDA.

Each row trains ``make_digit_gan("DCGAN")`` (one D step and one G step per generator step,
batch as given) for STEPS steps after a warm-up, on the CPU with 1 and 2 threads and, when
there is one, on the GPU (synchronised before the clock stops). Without a GPU the CUDA rows say
so. At the lecture's batch the CPU rows are also timed with the convolution weights in
PyTorch's default layout (channels first) instead of the course's channels last
(:func:`gancourse.mnist_gans.channels_last`), to show what that choice buys. Run from the repository root:

    .venv/bin/python benchmarks/dcgan_step_time.py

Results: benchmarks/results/dcgan_step_time.md.
"""

from __future__ import annotations

import time

import torch

from common import save_table

from gancourse.mnist import load_mnist5k
from gancourse.mnist_gans import LIVE, make_digit_gan

STEPS = 200


def step_ms(device: str, batch: int, data, layout: str = "channels last") -> float:
    trainer = make_digit_gan("DCGAN", 0, steps=STEPS, data=data, device=device,
                             batch_size=batch)
    if layout == "channels first":
        for net in (trainer.G, trainer.D):
            net.to(memory_format=torch.contiguous_format)
    trainer.train(20)  # warm-up (and CUDA's kernel selection)
    if device == "cuda":
        torch.cuda.synchronize()
    start = time.perf_counter()
    trainer.train(STEPS)
    if device == "cuda":
        torch.cuda.synchronize()
    return 1000 * (time.perf_counter() - start) / STEPS


def main() -> None:
    data = load_mnist5k()
    rows = []
    for batch in (LIVE["batch_size"], 256):
        layouts = ("channels last", "channels first") if batch == LIVE["batch_size"] else \
            ("channels last",)
        for layout in layouts:
            for threads in (1, 2):
                torch.set_num_threads(threads)
                ms = step_ms("cpu", batch, data, layout)
                rows.append([f"CPU, {threads} thread{'s' * (threads > 1)}", layout, batch,
                             f"{ms:.1f}", f"{LIVE['steps'] * ms / 1000:.0f}"])
        if torch.cuda.is_available():
            ms = step_ms("cuda", batch, data)
            rows.append([f"CUDA ({torch.cuda.get_device_name(0)})", "channels last", batch,
                         f"{ms:.1f}", f"{LIVE['steps'] * ms / 1000:.0f}"])
        else:
            rows.append(["CUDA", "", batch, "no GPU on this machine", ""])
    save_table("dcgan_step_time", "Lecture 07's DCGAN: milliseconds per generator step",
               ["device", "weights", "batch", "ms / step",
                f"seconds for the lecture's {LIVE['steps']} steps"],
               rows, notes="One discriminator and one generator step per generator step, on "
                           "MNIST-5k's training digits; mean over "
                           f"{STEPS} steps after 20 of warm-up.")


if __name__ == "__main__":
    main()
