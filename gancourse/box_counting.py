"""Does a set of samples fill an area, or lie on a curve? Count boxes (lecture 01).

Cover the plane with square cells of side h and add up the area of the cells that hold at
least one sample. For samples that fill a region, the touched area settles on the region's area
as h shrinks (given enough samples); for samples on a curve of length L it is about L * h, and
halves with h: a push-forward of a 1-D latent through a smooth map has zero area, hence no
density in the plane.
"""

from __future__ import annotations

import numpy as np

from ._validation import as_array, check_positive

__all__ = ["touched_area"]


def touched_area(points, h: float) -> float:
    """Total area of the h-by-h cells of the plane holding at least one of ``points`` (n, 2)."""
    pts = as_array(points, "points", ndim=2)
    if pts.shape[1] != 2:
        raise ValueError(f"points must have shape (n, 2), got {pts.shape}")
    h = check_positive(h, "h")
    return np.unique(np.floor(pts / h).astype(np.int64), axis=0).shape[0] * h * h
