"""The energy-based discriminators and BEGAN's control, against hand computations."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from gancourse.distributions import Ring
from gancourse.energy import AutoEncoderDiscriminator
from gancourse.losses import BEGANControl, began_loss_pair, get_loss
from gancourse.models import MLPGenerator
from gancourse.training import GANTrainer, TrainConfig


@pytest.mark.parametrize("power", [1, 2])
def test_energy_is_the_mean_reconstruction_error(power):
    torch.manual_seed(0)
    D = AutoEncoderDiscriminator(3, hidden=(16,), code_dim=4, power=power).double()
    x = torch.randn(5, 3, dtype=torch.double)
    with torch.no_grad():
        rec = D.decoder(D.encoder(x)).numpy()
        want = (np.abs(x.numpy() - rec) ** power).mean(axis=1, keepdims=True)
        assert D(x).shape == (5, 1) and D.features(x).shape == (5, 4)
        np.testing.assert_allclose(D(x).numpy(), want, rtol=1e-12)
    with pytest.raises(ValueError, match="power must be 1"):
        AutoEncoderDiscriminator(power=3)
    with pytest.raises(ValueError, match=r"x must have shape \(B, 3\)"):
        D(torch.zeros(5, 2, dtype=torch.double))


def test_began_control_follows_the_papers_update():
    control = BEGANControl(gamma=0.5, lambda_k=0.1)
    k = 0.0
    for real, fake in [(1.0, 0.2), (1.0, 0.1), (0.5, 2.0), (4.0, 0.0)]:
        control.update(real, fake)
        k = min(max(k + 0.1 * (0.5 * real - fake), 0.0), 1.0)
        assert control.k == pytest.approx(k)
        assert control.trace["measure"][-1] == pytest.approx(real + abs(0.5 * real - fake))
    assert control.trace["k"] == pytest.approx([0.03, 0.07, 0.0, 0.2])
    for bad, match in [(dict(gamma=0.0), "gamma"), (dict(lambda_k=0.0), "lambda_k"),
                       (dict(k=2.0), "k")]:
        with pytest.raises(ValueError, match=match):
            BEGANControl(**bad)


def test_began_pair_uses_the_current_k():
    pair = began_loss_pair(gamma=0.5, lambda_k=0.1, k=0.25)
    er, ef = torch.tensor([1.0, 3.0]), torch.tensor([4.0, 6.0])
    assert float(pair.d_loss(er, ef)) == pytest.approx(2.0 - 0.25 * 5.0)
    assert float(pair.g_loss(ef)) == pytest.approx(5.0)
    pair.control.k = 1.0
    assert float(pair.d_loss(er, ef)) == pytest.approx(2.0 - 5.0)


def test_loss_options_are_checked_and_each_run_has_its_own_k():
    with pytest.raises(ValueError, match="missing: margin"):
        get_loss("ebgan")
    with pytest.raises(ValueError, match="unknown: gama"):
        TrainConfig(loss="began", loss_options={"gama": 0.5})
    with pytest.raises(ValueError, match="takes no loss_options"):
        TrainConfig(loss="hinge", loss_options={"margin": 1.0})
    assert get_loss("began").control is not get_loss("began").control
    with pytest.raises(ValueError, match="unrolled_steps cannot be used with 'began'"):
        TrainConfig(loss="began", unrolled_steps=2)


def _began_trainer(seed=0, **config):
    torch.manual_seed(seed)
    G, D = MLPGenerator(2, 2, (32,)), AutoEncoderDiscriminator(2, (32,), 4, power=1)
    return GANTrainer(G, D, Ring(), TrainConfig(steps=30, loss="began", seed=seed,
                                                progress=False, loss_options={"lambda_k": 0.01},
                                                **config), device="cpu")


def test_began_trains_through_the_one_loop_and_k_resumes(tmp_path):
    trainer = _began_trainer()
    trainer.train(15)
    trainer.save(tmp_path / "began.pt")
    trainer.train(15)
    resumed = _began_trainer()
    resumed.load(tmp_path / "began.pt")
    assert resumed.loss.control.k == pytest.approx(trainer.loss.control.trace["k"][14])
    resumed.train(15)
    assert resumed.loss.control.k == trainer.loss.control.k  # the same run, to the bit
    assert len(trainer.loss.control.trace["k"]) == 30 and 0 < trainer.loss.control.k <= 1


def test_pulling_away_enters_the_generators_loss():
    import copy

    from gancourse.losses import pulling_away
    from gancourse.models import MLPDiscriminator

    torch.manual_seed(0)
    G, D = MLPGenerator(2, 2, (32,)), AutoEncoderDiscriminator(2, (32,), 4)
    config = dict(steps=1, loss="ebgan", loss_options={"margin": 0.5}, progress=False, seed=0)
    plain = GANTrainer(copy.deepcopy(G), D, Ring(), TrainConfig(**config), device="cpu")
    pushed = GANTrainer(copy.deepcopy(G), D, Ring(), TrainConfig(**config, pulling_away=2.0),
                        device="cpu")
    z = torch.randn(256, 2, generator=torch.Generator().manual_seed(0))  # the first z drawn
    with torch.no_grad():
        term = float(pulling_away(D.features(G(z))))
    assert 0 < term < 1
    # the same z and the same D: G's losses differ by exactly 2 x the term
    assert pushed._g_step() - plain._g_step() == pytest.approx(2.0 * term, rel=1e-5)
    with pytest.raises(ValueError, match="pulling_away needs a discriminator with a features"):
        GANTrainer(G, MLPDiscriminator(2, (8,)), Ring(), TrainConfig(
            loss="ebgan", loss_options={"margin": 0.5}, pulling_away=1.0), device="cpu")
