"""Exercises 02.6 (one iteration of Algorithm 1) and 05.6 (WGAN-GP's critic step) are graded
by behaviour: the classic mistakes lose the points with a message that names them, and the
correct step passes."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F

from gancourse.grading import check


def logit(td, x):
    return td[0] + td[1] * x + td[2] * x**2


def make_step(mistake=None):
    """Algorithm 1 as a student might write it, with one classic mistake (or none)."""
    def step(theta_g, theta_d, x_real, z, lr_d, lr_g):
        tg = theta_g.detach().clone().requires_grad_(True)
        td = theta_d.detach().clone().requires_grad_(True)
        fake = tg[0] + tg[1] * z
        d_loss = (F.softplus(-logit(td, x_real)).mean()
                  + F.softplus(logit(td, fake if mistake == "no detach" else fake.detach()))
                  .mean())
        d_loss.backward(retain_graph=True)  # with the mistake, this also fills tg.grad
        with torch.no_grad():
            new_d = td - lr_d * td.grad
        new_d.requires_grad_(True)
        judge = td if mistake == "old D" else new_d
        g_loss = (-F.softplus(logit(judge, fake)).mean() if mistake == "saturating"
                  else F.softplus(-logit(judge, fake)).mean())
        g_loss.backward()  # accumulates into tg.grad
        with torch.no_grad():
            new_g = tg - lr_g * tg.grad
            if mistake == "D moved by G's loss":
                new_d = new_d - lr_d * new_d.grad
        return new_g.detach(), new_d.detach()
    return step


def test_algorithm1_passes(capsys):
    assert check("02.6", make_step()) is True


def test_a_second_backward_through_g_says_detach(capsys):
    """Forgetting detach usually shows first as PyTorch's 'backward through the graph a second
    time'; the message says what that means in a GAN."""
    def step(theta_g, theta_d, x_real, z, lr_d, lr_g):
        tg = theta_g.detach().clone().requires_grad_(True)
        td = theta_d.detach().clone().requires_grad_(True)
        fake = tg[0] + tg[1] * z
        (F.softplus(-logit(td, x_real)).mean() + F.softplus(logit(td, fake)).mean()).backward()
        F.softplus(-logit(td, fake)).mean().backward()  # the graph through fake is gone
        return tg.detach(), td.detach()

    assert check("02.6", step) is False
    assert "detach G(z)" in capsys.readouterr().out


@pytest.mark.parametrize("mistake,says", [
    ("no detach", "no detach: the generator's step also followed the gradient of the "
                  "discriminator's loss"),
    ("saturating", "saturating: the generator minimised mean log(1 - D(G(z)))"),
    ("D moved by G's loss", "D moved by G's loss: after G's step the discriminator moved again"),
    ("old D", "old D: the generator's step used D from before its update"),
])
def test_each_classic_mistake_is_named(capsys, mistake, says):
    assert check("02.6", make_step(mistake)) is False
    out = capsys.readouterr().out
    assert says in out, out


# ---------------------------------------------------------------- 05.6 WGAN-GP's critic step
def make_critic_step(mistake=None):
    """WGAN-GP's critic step as a student might write it, with one classic mistake (or none)."""
    def step(theta_f, x_real, x_fake, eps, lam, lr):
        theta = theta_f.detach().clone().requires_grad_(True)

        def f(v):
            a, b, c = theta
            return (a * torch.tanh(b * v[:, None] + c)).sum(dim=1)

        if mistake == "eps swapped":
            mixed = (1 - eps) * x_real + eps * x_fake
        else:
            mixed = eps * x_real + (1 - eps) * x_fake
        at = {"penalty at real points": x_real, "penalty at fake points": x_fake}.get(mistake,
                                                                                     mixed)
        x_hat = at.detach().clone().requires_grad_(True)
        (slope,) = torch.autograd.grad(f(x_hat).sum(), x_hat,
                                       create_graph=mistake != "no graph")
        if mistake == "squared norm":
            penalty = ((slope**2 - 1) ** 2).mean()
        elif mistake == "one norm for the batch":
            penalty = (slope.norm() - 1) ** 2
        else:
            penalty = ((slope.abs() - 1) ** 2).mean()
        if mistake == "GAN loss":
            gap = F.softplus(-f(x_real)).mean() + F.softplus(f(x_fake)).mean()
        elif mistake == "wrong sign":
            gap = f(x_real).mean() - f(x_fake).mean()
        else:
            gap = f(x_fake).mean() - f(x_real).mean()
        loss = gap + (0 if mistake == "no penalty" else lam * penalty)
        (grad,) = torch.autograd.grad(loss, theta, allow_unused=True)
        return (theta + lr * grad if mistake == "ascent" else theta - lr * grad).detach()
    return step


def test_the_critic_step_passes(capsys):
    assert check("05.6", make_critic_step()) is True


@pytest.mark.slow  # each runs the 300-step behaviour check too
@pytest.mark.parametrize("mistake,says", [
    ("no penalty", "no penalty: the penalty did not change the step"),
    ("no graph", "no penalty: the penalty did not change the step"),  # create_graph forgotten
    ("wrong sign", "wrong sign: the critic was pushed the wrong way"),
    ("ascent", "ascent: the step went up the loss"),
    ("penalty at real points", "penalty at real points"),
    ("penalty at fake points", "penalty at fake points"),
    ("eps swapped", "eps swapped: the mixing weights are swapped"),
    ("squared norm", "squared norm: the penalty used the squared slope"),
    ("one norm for the batch", "one norm for the batch: the penalty took one norm"),
    ("GAN loss", "GAN loss: the critic used the GAN's cross-entropy"),
])
def test_each_critic_mistake_is_named_and_loses_points(capsys, mistake, says):
    assert check("05.6", make_critic_step(mistake)) is False
    out = capsys.readouterr().out
    assert says in out, out
