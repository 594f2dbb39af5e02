"""The package's floors (gancourse/__init__.py lists them for readers): a module imports only
from its own floor or the floors below, so the library never depends on a lecture's set-up,
a widget or the course tooling. Every module must have a floor: a new one is placed here."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "gancourse"

FLOORS = {
    0: ["_validation", "device", "seeding", "session", "vocabulary", "results", "runtime"],
    1: ["distributions", "divergences", "wasserstein", "theory", "least_squares", "likelihood",
        "box_counting", "dynamics", "mode_seeking", "critics", "digits", "mnist", "metrics",
        "evaluation", "upsampling", "latent", "fdivergences"],
    2: ["models", "dcgan", "losses", "discriminator_step", "judge", "improved", "energy",
        "semi_supervised", "fields"],
    3: ["training", "seedbatch"],
    4: ["experiments", "conditional", "saturation", "parallel_lines", "pix2pix", "mnist_gans",
        "loss_zoo", "live",
        "metric_toys"],
    5: ["plots", "widgets"],
    6: ["grading", "publish", "floatpaths", "offline", "hosting", "cli", "__main__"],
}
FLOOR_OF = {name: floor for floor, names in FLOORS.items() for name in names}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def floor(module: str) -> int:
    """The floor of ``module`` ("widgets.base" is on the widgets' floor); KeyError if none."""
    return FLOOR_OF[module.split(".")[0]]


def imports(path: Path, here: str | None = None) -> set[str]:
    """Modules of the package that ``path`` (module ``here``) imports, at the top or inside a
    function."""
    here = here or module_name(path)
    package = here.split(".") if path.name == "__init__.py" else here.split(".")[:-1]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = package[:len(package) - (node.level - 1)]
            target = ".".join(base + ([node.module] if node.module else []))
            names = [target] if node.module else [f"{target}.{a.name}".strip(".")
                                                    for a in node.names]
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("gancourse"):
            names = [node.module.removeprefix("gancourse").strip(".")]
            if not names[0]:
                names = [a.name for a in node.names]
        elif isinstance(node, ast.Import):
            names = [a.name.removeprefix("gancourse").strip(".") for a in node.names
                     if a.name.startswith("gancourse")]
        else:
            continue
        found.update(n for n in names if n and n in FLOOR_OF or n.split(".")[0] in FLOOR_OF)
    return found


def modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if p != PACKAGE / "__init__.py")


def test_every_module_has_a_floor():
    missing = sorted({module_name(p).split(".")[0] for p in modules()} - set(FLOOR_OF))
    assert not missing, f"place these modules on a floor in tests/test_layering.py: {missing}"


def test_no_module_imports_from_a_higher_floor():
    upward = [f"{module_name(p)} (floor {floor(module_name(p))}) imports {m} (floor {floor(m)})"
              for p in modules() for m in sorted(imports(p)) if floor(m) > floor(module_name(p))]
    assert not upward, "\n".join(upward)


def test_the_checker_sees_an_upward_import(tmp_path):
    """The scanner itself: an import from a higher floor, hidden in a function, is found."""
    probe = tmp_path / "losses.py"
    probe.write_text((PACKAGE / "losses.py").read_text()
                     + "\n\ndef _probe():\n    from .training import GANTrainer\n")
    assert "training" in imports(probe, "losses") and floor("training") > floor("losses")
    assert "training" not in imports(PACKAGE / "losses.py")


def test_the_package_doc_lists_the_floors_in_order():
    doc = (PACKAGE / "__init__.py").read_text()
    positions = [doc.index(f"Floor {n}") for n in FLOORS]
    assert positions == sorted(positions)
    for name in ("discriminator_step", "training", "session", "widgets", "grading"):
        assert f"gancourse.{name}" in doc


def test_the_grader_stands_on_its_own():
    """The grading machinery (sandbox, worker, wire format, gradebook, self-check) uses nothing
    of the teaching code but the seed helper; only the per-lecture checks (grading/lectures/)
    compute their references with the course's maths."""
    borrowed = {}
    for path in sorted((PACKAGE / "grading").rglob("*.py")):
        if "lectures" in path.relative_to(PACKAGE / "grading").parts:
            continue
        outside = {m for m in imports(path) if m.split(".")[0] not in ("grading", "seeding")}
        if outside:
            borrowed[module_name(path)] = sorted(outside)
    assert not borrowed, borrowed
