"""Exercises 09's checks catch the mistakes students make with the loss zoo: each mutant below
is a plausible error, and it loses exactly the checks that name it."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from scipy import special

from gancourse.grading import check


def _expect_failures(out: str, failing: list[str]) -> None:
    failed = [line for line in out.splitlines() if "[FAIL]" in line]
    assert len(failed) == len(failing) and all(any(f in line for line in failed)
                                               for f in failing), out


def conjugate(t, *, w_arg="exp(1-t)", check_finite=True):
    t = np.asarray(t, dtype=float)
    if check_finite and not np.all(np.isfinite(t)):
        raise ValueError("t must be finite")
    arg = np.exp(1.0 - t) if w_arg == "exp(1-t)" else np.exp(t - 1.0)
    w = special.lambertw(arg).real
    return w + 1.0 / w + t - 2.0


@pytest.mark.parametrize("options, failing", [
    ({}, []),
    # the substitution done the wrong way round: W(e^(t-1)) -- right at t = 1 only
    ({"w_arg": "exp(t-1)"}, ["numerical supremum", "Fenchel-Young"]),
    ({"check_finite": False}, ["naming t"]),
])
def test_conjugate_mutants(options, failing, capsys):
    assert check("09.1", lambda t: conjugate(t, **options)) is (not failing)
    _expect_failures(capsys.readouterr().out, failing)


def d_loss(v_real, v_fake, *, activation="1-exp(v)", sign=-1.0):
    act = (lambda v: 1 - torch.exp(v)) if activation == "1-exp(v)" else \
        (lambda v: 1 - torch.exp(-v))
    t_r, t_f = act(v_real.reshape(-1)), act(v_fake.reshape(-1))
    return sign * (t_r.mean() - (t_f / (1 - t_f)).mean())


@pytest.mark.parametrize("options, failing", [
    ({}, []),
    ({"sign": 1.0}, ["value on random", "gradients"]),  # maximised instead of minimised
    ({"activation": "1-exp(-v)"}, ["value on random", "gradients"]),  # the other activation
])
def test_d_loss_mutants(options, failing, capsys):
    assert check("09.2", lambda r, f: d_loss(r, f, **options)) is (not failing)
    _expect_failures(capsys.readouterr().out, failing)


def test_d_loss_without_flattening_fails_on_column_inputs(capsys):
    # (n, 1) - (m, 1) broadcasting is not the issue here; a sum instead of a mean is
    assert check("09.2", lambda r, f: -((1 - torch.exp(r)).sum()
                                        - (torch.exp(-f) - 1).sum())) is False
    _expect_failures(capsys.readouterr().out, ["value on random", "gradients"])


@pytest.mark.parametrize("fn, failing", [
    (lambda v: -(torch.exp(-v.reshape(-1)) - 1).mean(), []),
    # the "alternative" generator loss -E T(G(z)) of the original GAN's trick, not the bound
    (lambda v: -(1 - torch.exp(v.reshape(-1))).mean(), ["value", "gradient"]),
])
def test_g_loss_mutants(fn, failing, capsys):
    assert check("09.3", fn) is (not failing)
    _expect_failures(capsys.readouterr().out, failing)


def ebgan(e_real, e_fake, margin, *, hinge=True, check=True):
    if check and not margin > 0:
        raise ValueError("margin must be positive")
    if check and ((e_real < 0).any() or (e_fake < 0).any()):
        raise ValueError("energies must be >= 0")
    push = torch.relu(margin - e_fake) if hinge else margin - e_fake
    return e_real.mean() + push.mean()


@pytest.mark.parametrize("options, failing", [
    ({}, []),
    ({"hinge": False}, ["value on energies", "gradient: -1/m"]),  # pushes without a margin
    ({"check": False}, ["ValueError naming margin"]),
])
def test_ebgan_mutants(options, failing, capsys):
    assert check("09.4", lambda r, f, m: ebgan(r, f, m, **options)) is (not failing)
    _expect_failures(capsys.readouterr().out, failing)
