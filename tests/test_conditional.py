"""Conditional GAN set-ups: the three discriminator variants, evaluation, the ring, pix2pix."""

import numpy as np
import pytest
import torch

from gancourse.conditional import (evaluate_digits, generate, make_digit_cgan, make_ring_cgan,
                                   ring_condition_rate)
from gancourse.digits import DigitClassifier, load_digits_split, within_class_diversity
from gancourse.pix2pix import mask_lower, sharpness, train_pix2pix


@pytest.fixture(scope="module")
def split():
    return load_digits_split()


def test_variants_differ_only_in_what_d_sees(split):
    ignore = make_digit_cgan(split, "ignore-y", steps=1)
    pairs = make_digit_cgan(split, "pairs", steps=1)
    mismatch = make_digit_cgan(split, "pairs+mismatch", steps=1)
    assert ignore.D.n_classes == 0 and pairs.D.n_classes == mismatch.D.n_classes == 10
    assert pairs.config.mismatch_weight == 0 and mismatch.config.mismatch_weight == 1.0
    assert ignore.G.n_classes == 10  # G is always conditional
    conv = make_digit_cgan(split, "pairs", steps=1, conv=True)
    assert conv.G(torch.randn(3, 16), torch.tensor([0, 1, 2])).shape == (3, 1, 8, 8)
    with pytest.raises(ValueError, match="variant must be one of"):
        make_digit_cgan(split, "magic")


def test_generate_and_evaluate(split):
    trainer = make_digit_cgan(split, "pairs+mismatch", steps=20, device="cpu")
    trainer.train()
    x = generate(trainer.G, [3, 3, 7], seed=1)
    assert x.shape == (3, 64) and torch.equal(x, generate(trainer.G, [3, 3, 7], seed=1))
    assert x.abs().max() <= 1  # tanh output
    clf = DigitClassifier().fit(*split.train)
    real_div = within_class_diversity(*split.train)
    res = evaluate_digits(trainer.G, clf, real_div, n_per_class=10)
    y = np.repeat(np.arange(10), 10)
    x_all = generate(trainer.G, y, seed=123)
    assert res["accuracy"] == pytest.approx(np.mean(clf.predict(x_all) == y))
    assert res["diversity_ratio"] == pytest.approx(
        np.mean(within_class_diversity(x_all, y) / real_div))
    with pytest.raises(ValueError, match="labels must be"):
        generate(trainer.G, [11])
    with pytest.raises(ValueError, match=r"z must have shape \(2, 16\)"):
        generate(trainer.G, [1, 2], z=torch.zeros(3, 16))


@pytest.mark.slow
def test_ring_cgan_lands_in_the_requested_mode():
    trainer = make_ring_cgan(seed=0, steps=600, device="cpu")
    trainer.train()
    assert ring_condition_rate(trainer.G) > 0.5  # short run; the lecture trains longer


def test_pix2pix_masks_and_trains(split):
    masked = mask_lower(split.x_test[:5], rows=3)
    img = masked.reshape(-1, 8, 8)
    assert torch.all(img[:, 5:] == -1) and torch.equal(img[:, :5], split.x_test[:5].reshape(-1, 8, 8)[:, :5])
    G, hist = train_pix2pix(mask_lower(split.x_train), split.x_train, steps=30, device="cpu")
    assert len(hist["l1"]) == 30 and len(hist["d_loss"]) == 30
    assert np.mean(hist["l1"][-5:]) < np.mean(hist["l1"][:5])
    with pytest.raises(ValueError, match="rows"):
        mask_lower(split.x_test, rows=9)
    with pytest.raises(ValueError, match="inputs and targets"):
        train_pix2pix(split.x_test[:4], split.x_test[:3])


def test_sharpness_by_hand():
    flat = -torch.ones(2, 64)
    assert sharpness(flat) == 0.0
    stripes = -torch.ones(1, 8, 8)
    stripes[:, :, ::2] = 1.0  # columns alternate -1, 1: every step across is 2, none down
    assert sharpness(stripes.reshape(1, 64)) == pytest.approx((2.0 + 0.0) / 2)
    blurred = torch.zeros(1, 64)  # mid-grey everywhere: no steps at all
    assert sharpness(blurred) == 0.0
    with pytest.raises(ValueError, match="rows"):
        sharpness(flat, rows=1)


def test_saved_cgan_benchmark_is_complete(tmp_path):
    from gancourse.conditional import VARIANTS, load_cgan_benchmark

    data = load_cgan_benchmark()
    assert {r["variant"] for r in data["runs"]} == set(VARIANTS) and "cpu" in data["machine"]
    with pytest.raises(FileNotFoundError, match="run `.venv/bin/python benchmarks/cgan_digits.py`"):
        load_cgan_benchmark(tmp_path / "missing.json")
