"""The judge: a small CNN that classifies 28x28 digits, the yardstick of lectures 07-11.

Generated digits are judged by a network that never saw a generator: :func:`train_judge`
trains it on MNIST-5k's 4000 training digits only (:mod:`gancourse.mnist`), deterministically
for a seed on one machine, and reports its accuracy on the 1000 held-out test digits. The
trained weights ship as package data (``gancourse/data/judge.pt``, with ``judge.json``: the
accuracy, the machine, the command, the seconds), written by ``benchmarks/judge.py``;
:func:`load_judge` loads them. The judge gives labels, class probabilities and the 64
penultimate-layer features that the evaluation metrics of lecture 08 (FID, KID, precision and
recall) compare.

    judge = load_judge()
    judge.labels(x)            # (n,) int64: the digit it sees in each image
    judge.probabilities(x)     # (n, 10)
    judge.features(x)          # (n, 64)

The network (LeCun et al. 1998's pattern, with ReLU and max-pooling): conv 5x5 (1 -> 16),
pool, conv 5x5 (16 -> 32), pool, a 64-unit layer (the features), 10 logits; 114,314 parameters.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn

from .device import get_device
from .mnist import N_CLASSES, SIDE, load_mnist5k
from .results import RESULTS_DIR
from .seeding import seeded

__all__ = ["JudgeNet", "Judge", "train_judge", "load_judge", "JUDGE_FILE", "JUDGE_INFO",
           "N_FEATURES"]

JUDGE_FILE = RESULTS_DIR / "judge.pt"
JUDGE_INFO = RESULTS_DIR / "judge.json"
N_FEATURES = 64


class JudgeNet(nn.Module):
    """(n, 1, 28, 28) images in [-1, 1] -> (n, 10) logits; :meth:`features` gives (n, 64)."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Sequential(
            nn.Conv2d(1, 16, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),  # (n, 16, 14, 14)
            nn.Conv2d(16, 32, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),  # (n, 32, 7, 7)
            nn.Flatten(), nn.Linear(32 * 7 * 7, N_FEATURES), nn.ReLU())  # (n, 64)
        self.head = nn.Linear(N_FEATURES, N_CLASSES)

    def features(self, x: torch.Tensor) -> torch.Tensor:
        return self.conv(x)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.features(x))


def _images(x, name: str = "x") -> torch.Tensor:
    """Validate and reshape: (n, 1, 28, 28) or (n, 784) finite values in [-1, 1]."""
    if not isinstance(x, torch.Tensor):
        raise ValueError(f"{name} must be a torch tensor of images, got {type(x).__name__}")
    if x.dim() == 2 and x.shape[1] == SIDE * SIDE:
        x = x.reshape(-1, 1, SIDE, SIDE)
    if x.dim() != 4 or tuple(x.shape[1:]) != (1, SIDE, SIDE):
        raise ValueError(f"{name} must have shape (n, 1, 28, 28) or (n, 784), got "
                         f"{tuple(x.shape)}")
    x = x.detach().float()
    if not torch.isfinite(x).all():
        raise ValueError(f"{name} has NaN or infinite values")
    if x.numel() and (x.min() < -1.001 or x.max() > 1.001):
        raise ValueError(f"{name} must be scaled to [-1, 1] (as gancourse.mnist gives and a "
                         f"tanh generator makes), got values in [{x.min():.3g}, {x.max():.3g}]")
    return x


@dataclass
class Judge:
    """A trained :class:`JudgeNet` with batched, gradient-free questions about images."""

    net: JudgeNet
    test_accuracy: float  # on MNIST-5k's 1000 held-out test digits
    batch_size: int = 1000

    @property
    def device(self) -> torch.device:
        return next(self.net.parameters()).device

    @torch.no_grad()
    def _map(self, x, fn) -> torch.Tensor:
        x = _images(x)
        self.net.eval()
        out = [fn(x[i:i + self.batch_size].to(self.device)).cpu()
               for i in range(0, len(x), self.batch_size)]
        return torch.cat(out) if out else fn(x.to(self.device)).cpu()

    def logits(self, x) -> torch.Tensor:
        """(n, 10) logits, on the CPU."""
        return self._map(x, self.net)

    def probabilities(self, x) -> torch.Tensor:
        """(n, 10) class probabilities (softmax of the logits)."""
        return F.softmax(self.logits(x), dim=1)

    def labels(self, x) -> torch.Tensor:
        """(n,) int64: the most probable digit of each image."""
        return self.logits(x).argmax(dim=1)

    def features(self, x) -> torch.Tensor:
        """(n, 64) penultimate-layer features (after ReLU)."""
        return self._map(x, self.net.features)

    def accuracy(self, x, y) -> float:
        """Share of images whose label is ``y`` (n,)."""
        y = torch.as_tensor(y)
        if y.shape != (len(x),):
            raise ValueError(f"y must have one label per image, shape ({len(x)},), got "
                             f"{tuple(y.shape)}")
        return float((self.labels(x) == y.cpu()).float().mean())


def _shift(x: torch.Tensor, rng: torch.Generator, max_shift: int) -> torch.Tensor:
    """Each image moved by up to ``max_shift`` pixels in each direction (background -1 comes
    in at the edges): 4000 digits then teach a translation-tolerant judge."""
    if max_shift == 0:
        return x
    padded = F.pad(x, (max_shift,) * 4, value=-1.0)
    dy, dx = torch.randint(0, 2 * max_shift + 1, (2, len(x)), generator=rng).tolist()
    return torch.stack([padded[i, :, a:a + SIDE, b:b + SIDE]
                        for i, (a, b) in enumerate(zip(dy, dx))])


def train_judge(seed: int = 0, *, epochs: int = 12, batch_size: int = 64, lr: float = 1e-3,
                max_shift: int = 2, device: torch.device | str | None = None) -> Judge:
    """Train the judge on MNIST-5k's training digits; the same weights for the same seed on one
    machine. Adam with the learning rate halved every 4 epochs, each digit shifted at random
    by up to ``max_shift`` pixels; returns the judge with its test accuracy."""
    device = torch.device(device) if device is not None else get_device()
    data = load_mnist5k()
    with seeded(seed):
        net = JudgeNet()
    net = net.to(device)
    opt = torch.optim.Adam(net.parameters(), lr=lr)
    schedule = torch.optim.lr_scheduler.StepLR(opt, step_size=4, gamma=0.5)
    rng = torch.Generator().manual_seed(seed)
    x, y = data.x_train.to(device), data.y_train.to(device)
    for _ in range(epochs):
        net.train()
        order = torch.randperm(len(x), generator=rng).to(device)
        for i in range(0, len(x), batch_size):
            idx = order[i:i + batch_size]
            loss = F.cross_entropy(net(_shift(x[idx], rng, max_shift)), y[idx])
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
        schedule.step()
    net.eval()
    judge = Judge(net, 0.0)
    judge.test_accuracy = judge.accuracy(data.x_test, data.y_test)
    return judge


def load_judge(device: torch.device | str | None = None, path: str | Path | None = None
               ) -> Judge:
    """The judge saved with the package (``benchmarks/judge.py`` regenerates it)."""
    path = Path(path) if path is not None else JUDGE_FILE
    if not path.is_file():
        raise FileNotFoundError(f"no saved judge at {path}: run `.venv/bin/python "
                                "benchmarks/judge.py` in the course's repository to train it")
    state = torch.load(path, map_location="cpu", weights_only=True)
    net = JudgeNet()
    net.load_state_dict(state["net"])
    device = torch.device(device) if device is not None else get_device()
    return Judge(net.to(device).eval(), float(state["test_accuracy"]))


def save_judge(judge: Judge, path: str | Path | None = None, **info) -> Path:
    """Save the weights and the test accuracy (and ``info`` beside them, as JSON)."""
    path = Path(path) if path is not None else JUDGE_FILE
    state = {"net": {k: v.cpu() for k, v in judge.net.state_dict().items()},
             "test_accuracy": judge.test_accuracy}
    torch.save(state, path)
    path.with_suffix(".json").write_text(json.dumps(
        {"test_accuracy": judge.test_accuracy, "saved": time.strftime("%Y-%m-%d %H:%M UTC",
                                                                       time.gmtime()), **info},
        indent=1))
    return path
