"""The judge of lectures 07-11: the saved network is what it claims (size, held-out accuracy),
it answers in the shapes documented, it is independent of the generators it will judge, and
train_judge is deterministic and reproduces its accuracy."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest
import torch

from gancourse import judge as judge_module
from gancourse.judge import JUDGE_FILE, JUDGE_INFO, JudgeNet, load_judge, train_judge
from gancourse.mnist import load_mnist5k

DATA = load_mnist5k()


@pytest.fixture(scope="module")
def judge():
    return load_judge(device="cpu")


def test_the_network_has_the_documented_size():
    net = JudgeNet()
    assert sum(p.numel() for p in net.parameters()) == 114_314
    assert "114,314 parameters" in judge_module.__doc__
    x = torch.zeros(5, 1, 28, 28)
    assert net(x).shape == (5, 10) and net.features(x).shape == (5, 64)


def test_the_saved_judge_reaches_its_stated_held_out_accuracy(judge):
    """>= 97 % on the 1000 test digits it never saw, as judge.json states (recomputed here:
    another CPU's rounding may flip a borderline digit or two)."""
    info = json.loads(JUDGE_INFO.read_text())
    recomputed = judge.accuracy(DATA.x_test, DATA.y_test)
    assert recomputed >= 0.97 and abs(recomputed - info["test_accuracy"]) <= 0.003
    assert abs(judge.test_accuracy - info["test_accuracy"]) < 1e-9
    assert {"machine", "command", "seconds"} <= set(info)


def test_labels_probabilities_and_features(judge):
    x = DATA.x_test[:300]
    p = judge.probabilities(x)
    assert p.shape == (300, 10) and torch.allclose(p.sum(1), torch.ones(300), atol=1e-5)
    assert torch.equal(judge.labels(x), p.argmax(1))
    feats = judge.features(x)
    assert feats.shape == (300, 64) and feats.min() >= 0  # after a ReLU
    torch.testing.assert_close(judge.net.head(feats), judge.logits(x), rtol=1e-5, atol=1e-5)
    flat = judge.labels(x.reshape(300, 784))
    assert torch.equal(flat, judge.labels(x))
    small = judge.__class__(judge.net, judge.test_accuracy, batch_size=7)  # batching is exact
    torch.testing.assert_close(small.logits(x), judge.logits(x), rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("bad, match", [
    (torch.zeros(3, 28, 28), "shape"),
    (torch.full((2, 1, 28, 28), 3.0), r"\[-1, 1\]"),
    (torch.full((2, 784), float("nan")), "NaN"),
    ([[0.0] * 784], "torch tensor"),
])
def test_bad_images_are_named(judge, bad, match):
    with pytest.raises(ValueError, match=match):
        judge.labels(bad)


def test_it_is_independent_of_the_generators_it_judges():
    """The judge learns from real training digits only: its module imports nothing that makes
    or trains a generator, and train_judge reads nothing but MNIST-5k's training split."""
    tree = ast.parse(Path(judge_module.__file__).read_text())
    imported = {node.module for node in ast.walk(tree)
                if isinstance(node, ast.ImportFrom) and node.level}
    assert imported <= {"device", "mnist", "results", "seeding"}, imported
    source = ast.get_source_segment(Path(judge_module.__file__).read_text(),
                                    next(n for n in tree.body if isinstance(n, ast.FunctionDef)
                                         and n.name == "train_judge"))
    assert "x_test" not in source.split("judge.test_accuracy =")[0]  # no peeking at the test


def test_training_is_deterministic_for_a_seed():
    a = train_judge(3, epochs=1, device="cpu")
    b = train_judge(3, epochs=1, device="cpu")
    for p, q in zip(a.net.parameters(), b.net.parameters()):
        assert torch.equal(p, q)
    assert a.test_accuracy == b.test_accuracy > 0.5  # one epoch: far above chance (10 %)


@pytest.mark.slow
def test_retraining_reproduces_the_saved_judge():
    """train_judge(0) is the one call that regenerates the saved judge: on this machine the
    same weights; on another CPU's rounding another training path, so the claim is the
    method's: held-out accuracy within the spread measured over seeds 0-2 (97.4 +- 0.6 %,
    lowest 96.8 %: benchmarks/results/judge.md), agreeing with the saved judge on nearly
    every held-out digit."""
    saved = load_judge(device="cpu")
    fresh = train_judge(0, device="cpu")
    assert fresh.test_accuracy >= 0.96
    agree = float((fresh.labels(DATA.x_test) == saved.labels(DATA.x_test)).float().mean())
    assert agree >= 0.96, agree


def test_a_missing_judge_says_how_to_make_it(tmp_path):
    with pytest.raises(FileNotFoundError, match="benchmarks/judge.py"):
        load_judge(path=tmp_path / "none.pt")
    assert JUDGE_FILE.parent.name == "data"
