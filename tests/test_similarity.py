"""The similarity report ranks a renamed, re-commented, re-formatted copy first, leaves
independent work low, leaves out unwritten functions, and is a table (CLI and CSV)."""

from __future__ import annotations

import csv
import subprocess
import sys
import textwrap
from pathlib import Path

import jupytext

from gancourse.grading.similarity import (fingerprint, graded_functions, similarity_report,
                                          write_report)

FUNCTIONS = ["gaussian_log_likelihood", "kl_divergence", "gaussian_nll",
             "fit_gaussian_by_gradient_descent"]

ORIGINAL = '''
import numpy as np

# %%
def kl_divergence(p, q):
    """KL(p || q) in nats."""
    p = np.asarray(p, dtype=float)
    q = np.asarray(q, dtype=float)
    mask = p > 0
    if np.any(q[mask] == 0):
        return float("inf")
    return float(np.sum(p[mask] * np.log(p[mask] / q[mask])))

# %%
def gaussian_log_likelihood(x, mu, sigma):
    x = np.asarray(x, dtype=float)
    z = (x - mu) / sigma
    return float(np.mean(-0.5 * z ** 2 - np.log(sigma) - 0.5 * np.log(2 * np.pi)))
'''

# the same code with other names, comments, layout and docstrings
DISGUISED = '''
import numpy as np

# %%
def kl_divergence(p, q):
    # my own work!
    probs = np.asarray(p, dtype=float)
    other = np.asarray(q, dtype=float)
    support = (probs > 0)   # where p has mass
    if np.any(other[support] == 0):
        return float("inf")
    return float(np.sum(probs[support] * np.log(probs[support] / other[support])))

# %%
def gaussian_log_likelihood(x, mu, sigma):
    """Mean log-density."""
    data = np.asarray(x, dtype=float)
    standardised = (data - mu) / sigma
    return float(np.mean(-0.5 * standardised ** 2 - np.log(sigma)
                         - 0.5 * np.log(2 * np.pi)))
'''

LOOPS = '''
import math

# %%
def kl_divergence(p, q):
    total = 0.0
    for pi, qi in zip(p, q):
        if pi == 0:
            continue
        if qi == 0:
            return math.inf
        total += pi * math.log(pi / qi)
    return total

# %%
def gaussian_log_likelihood(x, mu, sigma):
    values = [-(v - mu) ** 2 / (2 * sigma * sigma) - math.log(sigma * math.sqrt(2 * math.pi))
              for v in x]
    return sum(values) / len(values)
'''

WHERE = '''
import numpy as np
from scipy import stats

# %%
def kl_divergence(p, q):
    p, q = np.array(p, float), np.array(q, float)
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(p > 0, p * (np.log(p) - np.log(q)), 0.0)
    return float(terms.sum())

# %%
def gaussian_log_likelihood(x, mu, sigma):
    return float(stats.norm(mu, sigma).logpdf(np.asarray(x)).mean())
'''

STUB = '''
# %%
def kl_divergence(p, q):
    """KL(p || q)."""
    raise NotImplementedError("write kl_divergence")
'''


def notebook(folder: Path, student: str, text: str) -> Path:
    path = folder / f"{student}.ipynb"
    jupytext.write(jupytext.reads(textwrap.dedent(text), fmt="py:percent"), path, fmt="ipynb")
    return path


def test_renaming_comments_and_layout_do_not_change_the_fingerprint(tmp_path):
    a = graded_functions(notebook(tmp_path, "a", ORIGINAL), FUNCTIONS)
    b = graded_functions(notebook(tmp_path, "b", DISGUISED), FUNCTIONS)
    assert sorted(a) == sorted(b) == ["gaussian_log_likelihood", "kl_divergence"]
    assert fingerprint(a["kl_divergence"]) == fingerprint(b["kl_divergence"])
    assert fingerprint(a["kl_divergence"]) != fingerprint(
        graded_functions(notebook(tmp_path, "c", LOOPS), FUNCTIONS)["kl_divergence"])
    assert graded_functions(notebook(tmp_path, "d", STUB), FUNCTIONS) == {}


def test_the_disguised_copy_ranks_first_and_independent_work_stays_low(tmp_path):
    class_ = {"ada": ORIGINAL, "bo": DISGUISED, "cy": LOOPS, "di": WHERE, "ed": STUB}
    subs = {s: notebook(tmp_path, s, text) for s, text in class_.items()}
    pairs = similarity_report(subs, FUNCTIONS)
    assert (pairs[0].first, pairs[0].second) == ("ada", "bo")
    assert pairs[0].score > 0.9 and pairs[0].shared > 20
    assert all(p.score < 0.3 for p in pairs[1:]), [(p.first, p.second, p.score) for p in pairs]
    assert not any("ed" in (p.first, p.second) for p in pairs)  # wrote nothing graded
    write_report(pairs, tmp_path / "similarity.csv")
    with (tmp_path / "similarity.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert [r["rank"] for r in rows] == [str(i) for i in range(1, len(pairs) + 1)]
    assert rows[0]["student"] == "ada" and "kl_divergence" in rows[0]["per function"]


def test_the_command_prints_the_ranking_and_says_it_is_no_verdict(tmp_path):
    subs = tmp_path / "class"
    subs.mkdir()
    for student, text in {"ada": ORIGINAL, "bo": DISGUISED, "cy": LOOPS}.items():
        notebook(subs, student, text)
    out = subprocess.run([sys.executable, "-m", "gancourse", "similarity", str(subs),
                          "--lecture", "01", "--out", str(tmp_path / "sim.csv")],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "not a verdict" in out.stdout
    first = next(line for line in out.stdout.splitlines() if line.strip().startswith("1."))
    assert "ada" in first and "bo" in first
    assert (tmp_path / "sim.csv").is_file()
    bad = subprocess.run([sys.executable, "-m", "gancourse", "similarity", str(subs),
                          "--top", "0"], capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2 and "--top must be at least 1" in bad.stderr
