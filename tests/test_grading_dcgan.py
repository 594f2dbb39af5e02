"""Exercises 07.2 and 07.3 check DCGAN's rules: a network that breaks one loses that check's
point and keeps the others (each mutant is a plausible student mistake)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
import torch
from torch import nn

from gancourse.grading import check

ROOT = Path(__file__).resolve().parents[1]


def _given():
    """The notebook's given describe_layers, taken from the solutions' source (one copy)."""
    tree = ast.parse((ROOT / "solutions" / "07_dcgan.py").read_text())
    (fn,) = [n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "describe_layers"]
    namespace = {}
    exec(compile(ast.Module([fn], []), "describe_layers", "exec"), namespace)
    return namespace["describe_layers"]


def _expect_failures(out: str, failing: list[str]) -> None:
    failed = [line for line in out.splitlines() if "[FAIL]" in line]
    assert len(failed) == len(failing) and all(any(f in line for line in failed)
                                               for f in failing), out


def generator(latent_dim, base, *, tanh=True, pool=False, norm=True):
    norm2 = nn.BatchNorm2d(base) if norm else nn.Identity()
    up = [nn.Upsample(scale_factor=2), nn.Conv2d(2 * base, base, 3, padding=1, bias=False)] \
        if pool else [nn.ConvTranspose2d(2 * base, base, 4, stride=2, padding=1, bias=False)]
    return nn.Sequential(
        nn.Linear(latent_dim, 2 * base * 49, bias=False),
        nn.BatchNorm1d(2 * base * 49) if norm else nn.Identity(), nn.ReLU(),
        nn.Unflatten(1, (2 * base, 7, 7)), *up, norm2, nn.ReLU(),
        nn.ConvTranspose2d(base, 1, 4, stride=2, padding=1),
        nn.Tanh() if tanh else nn.Identity())


def discriminator(base, *, slope=0.2, pool=False, hidden=False):
    def down(a, b):
        return [nn.Conv2d(a, b, 3, padding=1), nn.LeakyReLU(slope), nn.MaxPool2d(2)] if pool \
            else [nn.Conv2d(a, b, 4, stride=2, padding=1), nn.LeakyReLU(slope)]
    head = [nn.Linear(2 * base * 49, 8), nn.LeakyReLU(slope), nn.Linear(8, 1)] if hidden \
        else [nn.Linear(2 * base * 49, 1)]
    return nn.Sequential(*down(1, base), *down(base, 2 * base), nn.Flatten(), *head)


@pytest.mark.parametrize("options, failing", [
    ({}, []),
    ({"tanh": False}, ["in [-1, 1]", "tanh last"]),
    ({"pool": True}, ["parameter counts", "tanh last"]),
    ({"norm": False}, ["parameter counts", "tanh last"]),
])
def test_generator_mutants_lose_the_right_points(options, failing, capsys):
    describe = _given()

    def probe_generator(latent_dim, base, z):
        torch.manual_seed(0)
        net = generator(latent_dim, base, **options)
        return net(z), sum(p.numel() for p in net.parameters()), describe(net)

    assert check("07.2", probe_generator) is (not failing)
    _expect_failures(capsys.readouterr().out, failing)


@pytest.mark.parametrize("options, failing", [
    ({}, []),
    ({"slope": 0.01}, ["LeakyReLU(0.2)"]),
    ({"pool": True}, ["parameter counts", "LeakyReLU(0.2)"]),
    ({"hidden": True}, ["parameter counts", "LeakyReLU(0.2)"]),
])
def test_discriminator_mutants_lose_the_right_points(options, failing, capsys):
    describe = _given()

    def probe_discriminator(base, x):
        torch.manual_seed(0)
        net = discriminator(base, **options)
        return net(x), sum(p.numel() for p in net.parameters()), describe(net)

    assert check("07.3", probe_discriminator) is (not failing)
    _expect_failures(capsys.readouterr().out, failing)
