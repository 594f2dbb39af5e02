"""Box counting on sets whose area is known."""

import numpy as np
import pytest

from gancourse.box_counting import touched_area


def test_a_segment_covers_one_row_of_cells_and_a_square_its_area():
    t = np.linspace(0.0, 1.0, 200_001)[:-1]
    segment = np.stack([t, np.full_like(t, 0.5001)], axis=1)  # length 1, inside one row
    for h in (0.1, 0.05, 0.01):
        assert touched_area(segment, h) == pytest.approx(h, rel=1e-9)  # 1/h cells of h^2
    rng = np.random.default_rng(0)
    square = rng.uniform(0, 1, size=(400_000, 2))
    assert touched_area(square, 0.02) == pytest.approx(1.0, abs=1e-9)  # every cell is hit


def test_bad_input_is_named():
    with pytest.raises(ValueError, match=r"points must have shape \(n, 2\)"):
        touched_area(np.zeros((5, 3)), 0.1)
    with pytest.raises(ValueError, match="h must be a positive"):
        touched_area(np.zeros((5, 2)), 0.0)
