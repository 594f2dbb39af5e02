"""Real data that ships with scikit-learn: the 8x8 handwritten digits (no download).

1797 images of 8x8 pixels with grey levels 0..16, ten classes (UCI "Optical Recognition of
Handwritten Digits", as bundled in ``sklearn.datasets.load_digits``). This module gives the
course one fixed, stratified train/test split, scaled to the generators' range [-1, 1], and an
independent judge for generated digits:

* :func:`load_digits_split` -- the split as torch tensors (images flattened to 64 pixels);
* :class:`DigitClassifier` -- a support-vector classifier (scikit-learn, no torch) trained on
  the real training split only; it labels generated digits;
* :func:`within_class_diversity` -- mean pairwise distance between images of the same class,
  the measure that sees collapse *inside* a class (label accuracy cannot);
* :func:`to_images` -- (n, 64) -> (n, 1, 8, 8) for convolutional networks and plots.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

__all__ = ["DigitsSplit", "load_digits_split", "DigitClassifier", "within_class_diversity",
           "to_images", "check_pixel_tensor", "N_CLASSES", "N_PIXELS"]

N_CLASSES = 10
N_PIXELS = 64
_MAX_GREY = 16.0


@dataclass(frozen=True)
class DigitsSplit:
    """A fixed split of labelled images in [-1, 1] (float32): (n, 64) for these 8x8 digits,
    (n, 1, 28, 28) for MNIST-5k (:mod:`gancourse.mnist`); labels int64, shape (n,)."""

    x_train: torch.Tensor
    y_train: torch.Tensor
    x_test: torch.Tensor
    y_test: torch.Tensor

    @property
    def train(self) -> tuple[torch.Tensor, torch.Tensor]:
        """(x_train, y_train): the pair GANTrainer takes as data."""
        return self.x_train, self.y_train


def load_digits_split(test_fraction: float = 0.25, seed: int = 0) -> DigitsSplit:
    """Load the digits and split them, stratified by class, the same way every time.

    Args:
        test_fraction: share of each class held out for testing, in (0, 1).
        seed: seeds the split (the course uses 0 everywhere).
    """
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    if not 0 < test_fraction < 1:
        raise ValueError(f"test_fraction must be in (0, 1), got {test_fraction!r}")
    bunch = load_digits()
    x = bunch.data.astype(np.float32) / (_MAX_GREY / 2) - 1.0  # 0..16 -> -1..1
    x_tr, x_te, y_tr, y_te = train_test_split(x, bunch.target, test_size=test_fraction,
                                              stratify=bunch.target, random_state=seed)
    return DigitsSplit(torch.from_numpy(x_tr), torch.from_numpy(y_tr).long(),
                       torch.from_numpy(x_te), torch.from_numpy(y_te).long())


def _as_pixels(x, name: str) -> np.ndarray:
    if isinstance(x, torch.Tensor):
        x = x.detach().cpu().numpy()
    x = np.asarray(x, dtype=np.float64)
    if x.ndim == 4 and x.shape[1:] == (1, 8, 8):
        x = x.reshape(len(x), N_PIXELS)
    if x.ndim != 2 or x.shape[1] != N_PIXELS:
        raise ValueError(f"{name} must have shape (n, 64) or (n, 1, 8, 8), got {x.shape}")
    if not np.all(np.isfinite(x)):
        raise ValueError(f"{name} contains NaN or infinite values")
    return x


class DigitClassifier:
    """An RBF support-vector classifier of 8x8 digits, independent of the GAN code.

    Trained on real images only; generated images are clipped to [-1, 1] before they are
    judged. ``gamma=0.064`` on the [-1, 1] scale is scikit-learn's classic ``gamma=0.001`` on
    the 0..16 scale.
    """

    def __init__(self, C: float = 10.0, gamma: float = 0.064):
        from sklearn.svm import SVC

        self.model = SVC(C=C, gamma=gamma)

    def fit(self, x, y) -> "DigitClassifier":
        self.model.fit(_as_pixels(x, "x"), np.asarray(y))
        return self

    def predict(self, x) -> np.ndarray:
        """Predicted labels, shape (n,)."""
        return self.model.predict(np.clip(_as_pixels(x, "x"), -1.0, 1.0))

    def accuracy(self, x, y) -> float:
        """Share of images whose predicted label is ``y``."""
        y = np.asarray(y)
        pred = self.predict(x)
        if y.shape != pred.shape:
            raise ValueError(f"y must have one label per image: shape {pred.shape}, got {y.shape}")
        return float((pred == y).mean())

    def per_class_accuracy(self, x, y) -> np.ndarray:
        """Accuracy within each requested class, shape (10,) (NaN for a class not present)."""
        y = np.asarray(y)
        hits = self.predict(x) == y
        return np.array([hits[y == k].mean() if np.any(y == k) else np.nan
                         for k in range(N_CLASSES)])


def within_class_diversity(x, y) -> np.ndarray:
    """Mean pairwise Euclidean distance between images of the same class, per class (10,).

    A generator that draws one image per class scores 0 however well it is labelled; real
    digits score about 5 to 8 on the [-1, 1] scale. NaN for a class with fewer than 2 images.
    """
    from scipy.spatial.distance import pdist

    x = _as_pixels(x, "x")
    y = np.asarray(y)
    if y.shape != (len(x),):
        raise ValueError(f"y must have one label per image: shape ({len(x)},), got {y.shape}")
    return np.array([pdist(x[y == k]).mean() if np.sum(y == k) > 1 else np.nan
                     for k in range(N_CLASSES)])


def check_pixel_tensor(x, name: str = "x") -> torch.Tensor:
    """``x`` if it is a torch tensor of flattened digits, shape (n, 64); else a ValueError."""
    if not isinstance(x, torch.Tensor) or x.dim() != 2 or x.shape[1] != N_PIXELS:
        raise ValueError(f"{name} must be a tensor of shape (n, 64), got "
                         f"{tuple(x.shape) if isinstance(x, torch.Tensor) else type(x).__name__}")
    return x


def to_images(x: torch.Tensor) -> torch.Tensor:
    """(n, 64) pixels -> (n, 1, 8, 8) images."""
    return check_pixel_tensor(x).reshape(-1, 1, 8, 8)
