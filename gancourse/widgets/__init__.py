"""Interactive explorers used in the lectures (ipywidgets + matplotlib).

Each explorer keeps its logic testable: set ``explorer.controls[name].value`` and read
``explorer.result``. See :mod:`gancourse.widgets.base` for the pattern.
"""

from .base import Explorer
from .digits import DigitExplorer
from .disjoint import DisjointExplorer
from .fdivergence import FDivergenceExplorer
from .gan_game import GameExplorer
from .gaussian_fit import GaussianFitExplorer
from .latent import LatentExplorer, RuleSwitch
from .live_lab import LiveLab
from .metrics import MetricsToyExplorer
from .snapshots import SnapshotExplorer
from .transport import TransportExplorer

__all__ = ["Explorer", "GaussianFitExplorer", "GameExplorer", "DisjointExplorer",
           "SnapshotExplorer", "TransportExplorer", "DigitExplorer", "LatentExplorer",
           "RuleSwitch", "MetricsToyExplorer", "FDivergenceExplorer", "LiveLab"]
