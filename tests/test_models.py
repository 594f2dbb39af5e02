"""Networks: shapes, parameter counts by hand, packing, minibatch-std, spectral norm."""

import math

import numpy as np
import pytest
import torch
from torch import nn

import gancourse as gc
from gancourse.dcgan import DCGANDiscriminator, DCGANGenerator, weights_init
from gancourse.models import MinibatchStd, MLPDiscriminator, MLPGenerator, count_parameters, mlp


def test_mlp_shapes_and_parameter_count():
    net = mlp(3, 2, hidden=(16, 8))
    assert net(torch.zeros(5, 3)).shape == (5, 2)
    # (3*16 + 16) + (16*8 + 8) + (8*2 + 2), counted by hand
    assert count_parameters(net) == 64 + 136 + 18
    assert isinstance(net[-1], nn.Linear)  # linear output: logits or raw samples
    with pytest.raises(ValueError, match="hidden width must be at least 1"):
        mlp(2, 1, hidden=(8, 0))


def test_generator_and_discriminator_shapes():
    G = MLPGenerator(latent_dim=3, out_dim=2, hidden=(16,))
    D = MLPDiscriminator(in_dim=2, hidden=(16,))
    x = G(torch.randn(7, 3))
    assert x.shape == (7, 2) and D(x).shape == (7, 1)
    assert count_parameters(G) == (3 * 16 + 16) + (16 * 2 + 2)
    with pytest.raises(ValueError, match=r"z must have shape \(B, 3\)"):
        G(torch.randn(7, 2))
    with pytest.raises(ValueError, match=r"x must have shape \(B, 2\)"):
        D(torch.randn(7, 3))


def test_conditional_networks_use_the_label():
    torch.manual_seed(0)
    G = MLPGenerator(2, 2, (16,), n_classes=4)
    D = MLPDiscriminator(2, (16,), n_classes=4, embedding_dim=3)
    z = torch.randn(5, 2)
    y0, y1 = torch.zeros(5, dtype=torch.long), torch.ones(5, dtype=torch.long)
    assert not torch.allclose(G(z, y0), G(z, y1))
    x = torch.randn(5, 2)
    assert not torch.allclose(D(x, y0), D(x, y1))
    with pytest.raises(ValueError, match="this network is conditional"):
        G(z)
    with pytest.raises(ValueError, match="y must be integer labels"):
        G(z, torch.zeros(5))


def test_packing_judges_concatenated_samples():
    torch.manual_seed(0)
    D = MLPDiscriminator(2, (8,), pack=3)
    x = torch.randn(6, 2)
    manual = D.head(D.body(torch.cat([x[0:3].reshape(1, -1), x[3:6].reshape(1, -1)])))
    torch.testing.assert_close(D(x), manual)
    assert D(x).shape == (2, 1)
    with pytest.raises(ValueError, match="must be a multiple of pack=3"):
        D(torch.randn(4, 2))


def test_minibatch_std_feature_by_hand():
    h = torch.tensor([[0.0, 1.0], [2.0, 5.0]])
    out = MinibatchStd()(h)
    # population std of each column: 1 and 2; their mean 1.5 (up to the 1e-8 inside the sqrt)
    torch.testing.assert_close(out[:, 2], torch.full((2,), 1.5))
    D = MLPDiscriminator(2, (8,), minibatch_std=True)
    same, varied = torch.zeros(4, 2), torch.randn(4, 2) * 5
    assert D(same).shape == (4, 1) and not torch.allclose(D(same)[0], D(varied)[0])


def test_spectral_norm_drives_the_top_singular_value_to_one():
    torch.manual_seed(0)
    D = MLPDiscriminator(2, (64, 64), spectral_norm=True)
    for _ in range(30):  # each forward pass in train mode runs one power iteration
        D(torch.randn(16, 2))
    for layer in [*D.body, D.head]:
        if isinstance(layer, nn.Linear):
            sigma = torch.linalg.matrix_norm(layer.weight.detach(), ord=2).item()
            assert sigma == pytest.approx(1.0, abs=1e-3)


@pytest.mark.parametrize("size", [8, 28])
def test_dcgan_shapes_and_range(size):
    G = DCGANGenerator(latent_dim=10, image_size=size, base=8, n_classes=3)
    D = DCGANDiscriminator(image_size=size, base=8, n_classes=3, spectral_norm=True)
    y = torch.tensor([0, 1, 2, 0])
    x = G(torch.randn(4, 10), y)
    assert x.shape == (4, 1, size, size) and x.abs().max() <= 1
    assert D(x, y).shape == (4, 1)


def test_dcgan_parameter_count_by_hand():
    b = 8
    G = DCGANGenerator(latent_dim=10, image_size=8, base=b)
    start = 2 * 2 * 2 * b  # 2b channels of 2x2
    expected = (10 * start + 2 * start  # linear (no bias) + batch norm 1d
                + 2 * b * b * 16 + 2 * b  # transposed conv 2b -> b (no bias) + batch norm
                + b * 1 * 16 + 1)  # transposed conv b -> 1 with bias
    assert count_parameters(G) == expected
    D = DCGANDiscriminator(image_size=8, base=b)
    assert count_parameters(D) == (1 * b * 16 + b) + (b * 2 * b * 16 + 2 * b) + (2 * b * 4 + 1)


def test_weights_init_statistics():
    conv = nn.Conv2d(64, 64, 4)
    bn = nn.BatchNorm2d(512)
    weights_init(conv)
    weights_init(bn)
    assert conv.weight.std().item() == pytest.approx(0.02, rel=0.05)
    assert bn.weight.mean().item() == pytest.approx(1.0, abs=0.01)
    assert math.isclose(conv.bias.abs().sum().item(), 0.0)


def test_dcgan_bad_size():
    with pytest.raises(ValueError, match=r"image_size must be one of \[8, 28\]"):
        DCGANGenerator(image_size=16)


def test_documented_parameter_counts():
    # the numbers quoted in the module docstrings
    assert count_parameters(MLPGenerator()) == 17154
    assert count_parameters(MLPDiscriminator()) == 17025
    assert count_parameters(MLPGenerator(2, 2, (128,) * 3)) == 33666
    assert count_parameters(MLPDiscriminator(2, (128,) * 3)) == 33537
    assert [count_parameters(m) for m in (DCGANGenerator(), DCGANDiscriminator(),
                                          DCGANGenerator(image_size=28),
                                          DCGANDiscriminator(image_size=28))] == \
        [141441, 132801, 245121, 138561]


def test_a_28x28_dcgan_trains_on_mnist5k_through_the_one_loop():
    """Lecture 07's networks on real digits: a few steps of GANTrainer move G, from a seeded
    start, and the samples keep the data's shape and range."""
    from gancourse.mnist import load_mnist5k
    from gancourse.training import GANTrainer, TrainConfig

    data = load_mnist5k()
    gc.seed_everything(0)
    G, D = DCGANGenerator(16, 28, base=16), DCGANDiscriminator(28, base=16)
    before = [p.detach().clone() for p in G.parameters()]
    trainer = GANTrainer(G, D, data.train, TrainConfig(steps=3, batch_size=32, progress=False,
                                                       n_snapshot=8), device="cpu")
    history = trainer.train()
    assert len(history.d_loss) == 3 and all(np.isfinite(history.d_loss + history.g_loss))
    assert any(not torch.equal(a, b) for a, b in zip(before, G.parameters()))
    x = trainer.sample(8)
    assert x.shape == (8, 1, 28, 28) and x.min() >= -1 and x.max() <= 1
