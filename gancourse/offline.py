"""The scripts that exported pages need, taken from the npm registry at build time, so that
``course.py site`` and ``course.py slides`` pages typeset formulas and present slides with no
internet when they are viewed (a lab room, a projector machine).

nbconvert's pages load MathJax 2, require.js, jQuery, reveal.js and the widgets' HTML manager
from CDNs. Instead,
:func:`install_assets` downloads each package's tarball from the npm registry once (checked
against the integrity hash pinned here, which is the registry's own), keeps it in a cache
folder, and copies the files the pages use into ``OUT/assets/``; :func:`asset_urls` gives the
relative addresses to hand to nbconvert's exporters.
"""

from __future__ import annotations

import base64
import hashlib
import io
import shutil
import tarfile
import urllib.request
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Package", "PACKAGES", "AssetsError", "install_assets", "asset_urls",
           "without_mermaid"]

# nbconvert's slides import Mermaid (13 MB of scripts) on every page, diagrams or not; a page
# with no diagram is rendered by this template instead, which leaves the import out.
_NO_MERMAID = ("{%- extends 'index.html.j2' -%}\n"
               "{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}\n")


@dataclass(frozen=True)
class Package:
    """An npm package: its tarball's address and integrity, and which of its files to keep
    (paths inside the tarball's ``package/`` folder; a folder keeps everything under it)."""
    name: str
    version: str
    integrity: str  # "sha512-<base64>", as the registry's dist.integrity gives it
    keep: tuple[str, ...]
    drop: tuple[str, ...] = ()  # endings of kept files to leave out after all

    @property
    def url(self) -> str:
        return (f"https://registry.npmjs.org/{self.name}/-/"
                f"{self.name.rsplit('/', 1)[-1]}-{self.version}.tgz")


PACKAGES = {
    # nbconvert's pages configure MathJax 2 (MathJax.Hub.Config): 2.7.9, its last release.
    # CommonHTML output, the TeX input with the AMS extensions, and the TeX web fonts.
    "mathjax": Package("mathjax", "2.7.9",
                       "sha512-NOGEDTIM9+MrsqnjPEjVGNx4q0GQxqm61yQwSK+/5S59i26wId5IC5gNu9/bu8+C"
                       "CVl5p9G2IHcAl/wJa+5+BQ==",
                       ("MathJax.js", "LICENSE", "config/TeX-AMS_CHTML-full.js",
                        "config/Safe.js", "extensions",
                        "jax/input/TeX", "jax/element", "jax/output/CommonHTML",
                        "fonts/HTML-CSS/TeX/woff")),
    # the version nbconvert's slides load from unpkg
    "reveal.js": Package("reveal.js", "4.0.2",
                         "sha512-LWZSUenufF1gpD7npxJ7KfoQQFKgc1D6XrLTFgKlwWNP1BQ74hT48KONFWMAw+8"
                         "R/QUeaScCLCLrBVHDfFIEiw==",
                         ("dist", "plugin/notes", "LICENSE")),
    "requirejs": Package("requirejs", "2.3.7",
                         "sha512-DouTG8T1WanGok6Qjg2SXuCMzszOo0eHeH9hDZ5Y4x8Je+9JB38HdTLT4/VA8Oa"
                         "UhBa0JPVHJ0pyBkM1z+pDsw==",
                         ("require.js", "README.md")),
    # renders the widgets a page saved (lecture 07's progress bars): ipywidgets 8's manager
    "html-manager": Package("@jupyter-widgets/html-manager", "1.0.7",
                            "sha512-2xGwS7vVd2RGlKMiSqj1vYv2X59V73ygefUodhzy9Bho0mswWT/yo3Cg7MaY"
                            "OqwozQjNo5k3rbJ3cETXWUwJ/g==",
                            ("dist", "LICENSE"),
                            drop=(".map", "/embed.js", "/libembed-amd.js", ".eot", ".ttf",
                                  ".svg", "LICENSE.txt")),
    "jquery": Package("jquery", "2.2.4",
                      "sha512-lBHj60ezci2u1v2FqnZIraShGgEXq35qCzMv4lITyHGppTnA13rwR0MgwyNJh9TnDs3"
                      "aXUvd1xjAotfraMHX/Q==",
                      ("dist/jquery.min.js", "LICENSE.txt")),
}


class AssetsError(RuntimeError):
    """A package could not be fetched or did not match its pinned integrity."""


def _check(data: bytes, package: Package) -> None:
    algorithm, _, expected = package.integrity.partition("-")
    got = base64.b64encode(hashlib.new(algorithm, data).digest()).decode()
    if got != expected:
        raise AssetsError(f"{package.name}@{package.version} from {package.url} does not match "
                          f"its pinned integrity ({algorithm} {got[:16]}... != "
                          f"{expected[:16]}...)")


def _tarball(package: Package, cache: Path, timeout: float) -> bytes:
    """The package's tarball: from ``cache`` if it is there and intact, else downloaded."""
    path = cache / f"{package.name.replace('/', '_')}-{package.version}.tgz"
    if path.is_file():
        data = path.read_bytes()
        try:
            _check(data, package)
            return data
        except AssetsError:
            path.unlink()  # a damaged download: fetch it again
    try:
        with urllib.request.urlopen(package.url, timeout=timeout) as response:  # noqa: S310
            data = response.read()
    except OSError as err:
        raise AssetsError(f"could not download {package.url} ({err}); the pages need it once, "
                          "at build time, from the npm registry") from err
    _check(data, package)
    cache.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return data


def _kept(member: str, package: Package) -> str | None:
    """The member's path inside ``package/`` if it is one to keep, else None."""
    if not member.startswith("package/"):
        return None
    rel = member.removeprefix("package/")
    if any(rel.endswith(d) for d in package.drop):
        return None
    return rel if any(rel == k or rel.startswith(k + "/") for k in package.keep) else None


def install_assets(out: Path, cache: Path, *, timeout: float = 60.0) -> Path:
    """Put every package's kept files in ``out / "assets" / NAME/`` (once: a folder that is
    there is kept); return ``out / "assets"``. Raises :class:`AssetsError` when a package is
    neither cached nor downloadable."""
    assets = Path(out) / "assets"
    for name, package in PACKAGES.items():
        folder = assets / name
        stamp = folder / ".version"
        if stamp.is_file() and stamp.read_text() == package.version:
            continue
        data = _tarball(package, Path(cache), timeout)
        shutil.rmtree(folder, ignore_errors=True)
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
            for member in tar.getmembers():
                rel = _kept(member.name, package)
                if rel is None or not member.isfile() or ".." in Path(rel).parts:
                    continue
                target = folder / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(tar.extractfile(member).read())
        stamp.write_text(package.version)
    return assets


def asset_urls(prefix: str = "assets") -> dict[str, str]:
    """The addresses, relative to a page beside ``assets/``, for nbconvert's exporters."""
    return {"mathjax_url": f"{prefix}/mathjax/MathJax.js?config=TeX-AMS_CHTML-full,Safe",
            "require_js_url": f"{prefix}/requirejs/require.js",
            "jquery_url": f"{prefix}/jquery/dist/jquery.min.js",
            "widget_renderer_url": f"{prefix}/html-manager/dist/embed-amd.js",
            "reveal_url_prefix": f"{prefix}/reveal.js"}


def without_mermaid(folder: Path) -> str:
    """Write the template that leaves Mermaid out into ``folder``; return its file name (for
    an exporter's ``template_file``, with ``folder`` among its ``extra_template_paths``)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "gancourse_no_mermaid.html.j2").write_text(_NO_MERMAID, encoding="utf-8")
    return "gancourse_no_mermaid.html.j2"
