"""The lectures' set-up factories share one shape: ``(what..., seed, *, steps, device=None,
**overrides) -> GANTrainer``. Each builds seeded networks without reseeding the caller's
global random stream, takes the device and TrainConfig overrides the same way."""

from __future__ import annotations

import inspect

import numpy as np
import pytest
import torch

import gancourse as gc
from gancourse.conditional import make_digit_cgan, make_ring_cgan
from gancourse.digits import load_digits_split
from gancourse.experiments import make_toy_trainer
from gancourse.mnist import load_mnist5k
from gancourse.mnist_gans import make_digit_gan, make_semi_supervised
from gancourse.parallel_lines import make_shift_trainer
from gancourse.saturation import make_poor_start
from gancourse.training import GANTrainer

SPLIT = load_digits_split()
MNIST = load_mnist5k()
FACTORIES = {
    "toy": (make_toy_trainer, ("ring", "gan")),
    "digit cgan": (make_digit_cgan, (SPLIT, "pairs")),
    "ring cgan": (make_ring_cgan, ()),
    "poor start": (lambda *a, **k: make_poor_start(gc.Gaussian1D(2.0, 0.5), "minimax", "sgd",
                                                   *a, **{"lr_g": 0.02, "lr_d": 0.2, **k}),
                   ()),
    "shift": (lambda *a, **k: make_shift_trainer(1.0, *a, **k), ()),
    "digit gan": (lambda *a, **k: make_digit_gan("DCGAN", *a, data=MNIST, **k), ()),
    "semi-supervised": (lambda *a, **k: make_semi_supervised(*a, data=MNIST, **k), ()),
}
REAL = {"toy": make_toy_trainer, "digit cgan": make_digit_cgan, "ring cgan": make_ring_cgan,
        "poor start": make_poor_start, "shift": make_shift_trainer,
        "digit gan": make_digit_gan, "semi-supervised": make_semi_supervised}


def weights(trainer):
    return torch.cat([p.detach().flatten() for p in
                      [*trainer.G.parameters(), *trainer.D.parameters()]])


@pytest.mark.parametrize("name", list(REAL))
def test_one_signature(name):
    params = inspect.signature(REAL[name]).parameters
    kinds = {p.name: p.kind for p in params.values()}
    assert "seed" in params and kinds["seed"] == inspect.Parameter.POSITIONAL_OR_KEYWORD
    assert kinds["steps"] == inspect.Parameter.KEYWORD_ONLY
    assert kinds["device"] == inspect.Parameter.KEYWORD_ONLY and params["device"].default is None
    assert list(kinds.values())[-1] == inspect.Parameter.VAR_KEYWORD
    assert inspect.signature(REAL[name]).return_annotation in (GANTrainer, "GANTrainer")


@pytest.mark.parametrize("name", list(FACTORIES))
def test_seeded_networks_without_touching_the_callers_stream(name):
    make, args = FACTORIES[name]
    torch.manual_seed(123), np.random.seed(123)
    expected = torch.rand(3), np.random.rand(3)
    torch.manual_seed(123), np.random.seed(123)
    a = make(*args, 4, steps=2, device="cpu")
    assert torch.equal(torch.rand(3), expected[0]) and np.array_equal(np.random.rand(3),
                                                                        expected[1])
    b, c = make(*args, 4, steps=2, device="cpu"), make(*args, 5, steps=2, device="cpu")
    assert isinstance(a, GANTrainer) and a.config.seed == 4 and a.config.steps == 2
    assert torch.equal(weights(a), weights(b)) and not torch.equal(weights(a), weights(c))


@pytest.mark.parametrize("name", list(FACTORIES))
def test_device_and_overrides_the_same_way(name):
    make, args = FACTORIES[name]
    trainer = make(*args, 0, steps=1, device="cpu", batch_size=17, lr_d=3e-4)
    assert trainer.device == torch.device("cpu")
    assert trainer.config.batch_size == 17 and trainer.config.lr_d == 3e-4
    trainer.train()
    assert trainer.step == 1
    with pytest.raises(TypeError, match="no_such_option"):
        make(*args, 0, steps=1, device="cpu", no_such_option=1)
