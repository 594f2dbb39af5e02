"""The MLP builder: shapes, parameter count, device."""

import pytest
import torch

from gancourse.models import mlp


def test_mlp_shapes_and_parameter_count():
    net = mlp(3, 2, hidden=(16, 8))
    assert net(torch.zeros(5, 3)).shape == (5, 2)
    # (3*16 + 16) + (16*8 + 8) + (8*2 + 2), counted by hand
    assert sum(p.numel() for p in net.parameters()) == 64 + 136 + 18
    assert isinstance(net[-1], torch.nn.Linear)  # linear output: logits or raw samples


def test_mlp_bad_widths():
    with pytest.raises(ValueError, match="hidden width must be at least 1"):
        mlp(2, 1, hidden=(8, 0))
