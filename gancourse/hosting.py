"""The course's notebooks as hosted services open them: Colab, Kaggle, Binder, a JupyterHub.

A hosted service opens an ``.ipynb`` from the repository, so ``notebooks/`` holds one for every
lecture, exercise and solution, made from its jupytext source (``lectures/NN_*.py``, ...) by
:func:`write_hosted` (``python3 course.py notebooks``), without outputs, and checked to be in
sync with the sources by the tests (:func:`out_of_sync`). Each starts with two cells that the
sources do not have:

* badges that open the notebook on Colab, Binder and Kaggle;
* the *hosted set-up* cell (:func:`install_cell`): when the kernel lacks ``gancourse`` it
  installs it from the repository with the version ranges of ``pyproject.toml``, leaving a
  preinstalled torch alone (and, where there is neither torch nor a GPU, taking torch's CPU
  build instead of a multi-GB CUDA one); then :func:`gancourse.runtime.report` names the
  platform and the device and says how to get a GPU there. Where the course is installed
  (a laptop, a class's hub) the cell installs nothing.

Where the course is published is one line of ``pyproject.toml`` (``[project.urls]
Repository``), which a fork changes before running ``course.py notebooks``. A teacher's
nbgitpuller link (:func:`nbgitpuller_link`) brings the repository into each student's home on
a JupyterHub.
"""

from __future__ import annotations

import hashlib
import re
import urllib.parse
from pathlib import Path

__all__ = ["HOSTED_DIRS", "HOSTED_TAG", "repository", "install_cell", "badges",
           "hosted_notebook", "write_hosted", "out_of_sync", "nbgitpuller_link"]

HOSTED_DIRS = ("lectures", "exercises", "solutions")
HOSTED_TAG = "hosted-setup"  # the tag of the two added cells
_TORCH_CPU_INDEX = "https://download.pytorch.org/whl/cpu"

_INSTALL = '''\
# On Colab, Kaggle, Binder or a hub without the course, this cell installs it (a minute or two,
# once per runtime); where it is installed it does nothing. Then it says where you run and
# whether there is a GPU.
import importlib, importlib.util, shutil, subprocess, sys
if importlib.util.find_spec("gancourse") is None:
    pip = [sys.executable, "-m", "pip", "install", "--quiet"]
    if importlib.util.find_spec("torch") is None and shutil.which("nvidia-smi") is None:
        subprocess.run(pip + ["torch>=2.2", "--index-url", "{cpu_index}"], check=True)
    subprocess.run(pip + ["{spec}"], check=True)  # keeps a preinstalled torch
    importlib.invalidate_caches()
from gancourse.runtime import report
report();'''


def repository(pyproject: Path) -> tuple[str, str]:
    """``(url, branch)`` where the course is published, from ``[project.urls] Repository``
    (and ``[tool.gancourse] branch``, default ``main``) of ``pyproject``."""
    text = Path(pyproject).read_text(encoding="utf-8")
    try:
        import tomllib  # noqa: PLC0415 -- Python 3.11+
    except ImportError:  # Python 3.10: the two keys, read by pattern
        url = re.search(r'^Repository\s*=\s*"([^"]+)"', text, re.M)
        branch = re.search(r'^\[tool\.gancourse\][^\[]*?^branch\s*=\s*"([^"]+)"', text,
                           re.M | re.S)
        data = {"project": {"urls": {"Repository": url.group(1)}} if url else {},
                "tool": {"gancourse": {"branch": branch.group(1)}} if branch else {}}
    else:
        data = tomllib.loads(text)
    url = data.get("project", {}).get("urls", {}).get("Repository")
    if not url:
        raise ValueError(f"{pyproject} has no [project.urls] Repository: where is the course "
                         "published? (e.g. https://github.com/OWNER/REPO)")
    return url.rstrip("/").removesuffix(".git"), data.get("tool", {}).get(
        "gancourse", {}).get("branch", "main")


def _github(url: str) -> tuple[str, str]:
    match = re.fullmatch(r"https://github\.com/([\w.-]+)/([\w.-]+)", url)
    if not match:
        raise ValueError(f"repository must be https://github.com/OWNER/REPO (Colab, Binder "
                         f"and Kaggle open notebooks from GitHub), got {url!r}")
    return match.group(1), match.group(2)


def install_cell(spec: str) -> str:
    """The hosted set-up cell's code, installing the course from pip requirement ``spec``
    (``gancourse @ git+https://...``, or a wheel's path in the tests)."""
    if not spec or '"' in spec or "\n" in spec:
        raise ValueError(f"spec must be a pip requirement on one line without quotes, got "
                         f"{spec!r}")
    return _INSTALL.replace("{spec}", spec).replace("{cpu_index}", _TORCH_CPU_INDEX)


def badges(path: str, url: str, branch: str = "main") -> str:
    """Markdown badges opening ``path`` (in the repository) on Colab, Binder and Kaggle."""
    owner, repo = _github(url)
    blob = f"{owner}/{repo}/blob/{branch}/{path}"
    binder = f"https://mybinder.org/v2/gh/{owner}/{repo}/{branch}?urlpath=" + \
        urllib.parse.quote(f"lab/tree/{path}", safe="")
    return (f"[![Open in Colab](https://colab.research.google.com/assets/colab-badge.svg)]"
            f"(https://colab.research.google.com/github/{blob}) "
            f"[![Launch Binder](https://mybinder.org/badge_logo.svg)]({binder}) "
            f"[![Open in Kaggle](https://kaggle.com/static/images/open-in-kaggle.svg)]"
            f"(https://kaggle.com/kernels/welcome?src=https://github.com/{blob})")


def hosted_notebook(source: Path, root: Path, url: str, branch: str = "main"):
    """The hosted notebook of jupytext ``source`` (under ``root``): badges, the hosted set-up
    cell, then the source's cells; no outputs, no pairing, cell ids derived from the content
    so that making it twice gives the same file."""
    import jupytext  # noqa: PLC0415
    from nbformat import v4  # noqa: PLC0415

    source = Path(source)
    rel = source.resolve().relative_to(Path(root).resolve()).as_posix()
    nb = jupytext.read(source)
    nb.metadata.pop("jupytext", None)
    nb.metadata.setdefault("kernelspec", {"name": "python3", "display_name": "Python 3",
                                          "language": "python"})
    nb.metadata["gancourse"] = {"source": rel, "source_sha256":
                                hashlib.sha256(source.read_bytes()).hexdigest()[:16]}
    target = f"notebooks/{Path(rel).with_suffix('.ipynb').as_posix()}"
    skip = {"slideshow": {"slide_type": "skip"}, "tags": [HOSTED_TAG]}
    added = [v4.new_markdown_cell(badges(target, url, branch), metadata=dict(skip)),
             v4.new_code_cell(install_cell(f"gancourse @ git+{url}@{branch}"),
                              metadata=dict(skip))]
    nb.cells = added + nb.cells
    for i, cell in enumerate(nb.cells):
        digest = hashlib.sha256(f"{i}\0{cell.source}".encode()).hexdigest()[:8]
        cell["id"] = f"{i:03d}-{digest}"
    return nb


def _render(nb) -> str:
    import nbformat  # noqa: PLC0415

    return nbformat.writes(nb) + "\n"


def _targets(root: Path, out: Path) -> dict[Path, Path]:
    return {source: out / source.parent.name / f"{source.stem}.ipynb"
            for folder in HOSTED_DIRS for source in sorted((root / folder).glob("[0-9]*.py"))}


def _plan(root: Path, out: Path | None) -> tuple[Path, list[tuple[Path, str | None, str]]]:
    """``(root, [(notebook, the text it should hold or None, state)])`` for every hosted
    notebook and every orphan in ``out``; state is "ok", "missing", "stale" or "orphan"."""
    root = Path(root)
    out = Path(out) if out is not None else root / "notebooks"
    url, branch = repository(root / "pyproject.toml")
    targets = _targets(root, out)
    plan = []
    for source, target in targets.items():
        text = _render(hosted_notebook(source, root, url, branch))
        state = ("missing" if not target.is_file() else
                 "ok" if target.read_text(encoding="utf-8") == text else "stale")
        plan.append((target, text, state))
    for folder in HOSTED_DIRS:
        for extra in sorted((out / folder).glob("*.ipynb")) if (out / folder).is_dir() else []:
            if extra not in targets.values():
                plan.append((extra, None, "orphan"))
    return root, plan


def write_hosted(root: Path, out: Path | None = None) -> list[Path]:
    """Write the hosted notebook of every source under ``root`` into ``out`` (``root /
    "notebooks"``), and remove those whose source is gone; return the files it changed."""
    _, plan = _plan(root, out)
    changed = []
    for target, text, state in plan:
        if state == "orphan":
            target.unlink()
        elif state != "ok":
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        if state != "ok":
            changed.append(target)
    return changed


def out_of_sync(root: Path, out: Path | None = None) -> list[str]:
    """What differs between ``out`` (``root / "notebooks"``) and the sources: one line per
    missing, stale or extra notebook (empty when all is in sync)."""
    root, plan = _plan(root, out)
    said = {"missing": "missing", "stale": "older than its source", "orphan": "no source"}
    return [f"{said[state]}: {target.relative_to(root)}" for target, _, state in plan
            if state != "ok"]


def nbgitpuller_link(hub: str, url: str, path: str, branch: str = "main",
                     app: str = "lab") -> str:
    """The link that, opened by a student logged in to ``hub``, clones (or updates) the
    course repository ``url`` into their home and opens ``path`` (relative to the repository)
    in JupyterLab (``app="lab"``) or the classic notebook (``"tree"``)."""
    if not re.match(r"https?://[^/\s]+", hub or ""):
        raise ValueError(f"hub must be the hub's address, like https://hub.example.edu, got "
                         f"{hub!r}")
    if app not in ("lab", "tree"):
        raise ValueError(f"app must be 'lab' or 'tree', got {app!r}")
    folder = url.rstrip("/").removesuffix(".git").rsplit("/", 1)[-1]
    urlpath = f"{app}/tree/{folder}/{path.lstrip('/')}"
    query = urllib.parse.urlencode({"repo": url, "branch": branch, "urlpath": urlpath})
    return f"{hub.rstrip('/')}/hub/user-redirect/git-pull?{query}"

