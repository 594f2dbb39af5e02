"""Graded exercises: self-checks in notebooks, ``gancourse check`` and ``gancourse grade``.

* :mod:`.checks` -- how checks are written (exercises, checks, ``expect_*`` helpers);
* :mod:`.lectures` -- the public checks of each lecture;
* :mod:`.selfcheck` -- :func:`overview`, :func:`check` and :func:`summary`, the self-check
  cells of exercise notebooks;
* :mod:`.sandbox` and :mod:`.worker` -- the separate, limited process a submission runs in;
* :mod:`.grader` -- grading one submission or a class;
* :mod:`.gradebook` -- the output folder: gradebook, feedback, change log;
* :mod:`.generate` -- exercise notebooks generated from solution notebooks.
"""

from .checks import (CheckFailed, Registry, expect_close, expect_tensor, expect_true,
                     load_registry)
from .selfcheck import check, overview, summary

__all__ = ["check", "overview", "summary", "Registry", "CheckFailed", "expect_close", "expect_true",
           "expect_tensor", "load_registry"]
