"""Which submissions' graded functions are unusually alike? A ranked table for the teacher to
look at -- never a verdict: students share a lecture, a template and the obvious way to write
a short function, so a high score is a reason to read two notebooks, nothing more.

How a pair is scored:

1. From each submission, the graded functions of the lecture (the ``def``s the registry grades,
   found with :mod:`ast`), without their docstrings, re-printed by ``ast.unparse`` (so layout,
   comments and parentheses no longer count).
2. Their tokens, with every identifier that is not a keyword, a builtin or an attribute name
   replaced by ``ID``, numbers by ``NUM`` and strings by ``STR``: renaming variables changes
   nothing.
3. The set of token 5-grams of each function. A 5-gram that more than half of the class's
   submissions have (the signature, the template's lines, the one obvious way) is dropped;
   one that only two students share is always kept (in a class of two or three too).
4. The pair's score: the Jaccard index of the two submissions' remaining 5-grams, over the
   functions both of them wrote (a function still raising NotImplementedError is not written).
"""

from __future__ import annotations

import ast
import builtins
import io
import itertools
import keyword
import token
import tokenize
from dataclasses import dataclass
from pathlib import Path

from .notebook import NotebookError, read_code_cells

__all__ = ["Pair", "graded_functions", "fingerprint", "similarity_report", "write_report"]

N = 5  # tokens per n-gram
_KEEP = set(keyword.kwlist) | set(dir(builtins))


@dataclass
class Pair:
    """Two students, their score (0..1), the score per function, and the shared 5-grams."""
    first: str
    second: str
    score: float
    per_function: dict[str, float]
    shared: int


def graded_functions(path: Path, functions: list[str]) -> dict[str, str]:
    """The source of each function in ``functions`` that the notebook at ``path`` defines
    (the last definition wins, as when the notebook runs), docstring removed and re-printed
    by ``ast.unparse``. Cells that do not parse are skipped; a function whose body only
    raises NotImplementedError is left out."""
    try:
        cells, _ = read_code_cells(path)
    except (NotebookError, OSError, ValueError):
        return {}
    found: dict[str, str] = {}
    for cell in cells:
        try:
            tree = ast.parse(cell)
        except SyntaxError:
            continue
        for node in tree.body:
            if isinstance(node, ast.FunctionDef) and node.name in functions:
                body = node.body
                if body and isinstance(body[0], ast.Expr) and isinstance(
                        getattr(body[0], "value", None), ast.Constant) and isinstance(
                        body[0].value.value, str):
                    body = body[1:]
                if not body or _only_not_implemented(body):
                    found.pop(node.name, None)
                    continue
                node.body = body
                found[node.name] = ast.unparse(node)
    return found


def _only_not_implemented(body: list[ast.stmt]) -> bool:
    return all(isinstance(s, ast.Raise) and "NotImplementedError" in ast.unparse(s)
               or isinstance(s, ast.Pass) for s in body)


def fingerprint(source: str) -> set[tuple[str, ...]]:
    """The token 5-grams of ``source`` with identifiers, numbers and strings generalised."""
    tokens, previous = [], ""
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type in (token.NL, token.NEWLINE, token.COMMENT, token.INDENT, token.DEDENT,
                        token.ENDMARKER):
            if tok.type in (token.INDENT, token.DEDENT):
                tokens.append(token.tok_name[tok.type])
            continue
        if tok.type == token.NAME:
            text = tok.string if tok.string in _KEEP or previous == "." else "ID"
        elif tok.type == token.NUMBER:
            text = "NUM"
        elif tok.type == token.STRING:
            text = "STR"
        else:
            text = tok.string
        tokens.append(text)
        previous = tok.string
    return {tuple(tokens[i:i + N]) for i in range(len(tokens) - N + 1)}


def similarity_report(submissions: dict[str, Path], functions: list[str],
                      common_share: float = 0.5) -> list[Pair]:
    """Every pair of ``submissions`` (student -> notebook) that wrote at least one graded
    function in common, highest score first."""
    prints = {s: {f: fingerprint(src) for f, src in graded_functions(p, functions).items()}
              for s, p in submissions.items()}
    counts: dict[tuple[str, tuple[str, ...]], int] = {}
    for per_student in prints.values():
        for function, grams in per_student.items():
            for gram in grams:
                counts[function, gram] = counts.get((function, gram), 0) + 1
    limit = max(2.0, common_share * len(submissions))
    kept = {s: {f: {g for g in grams if counts[f, g] <= limit} for f, grams in fs.items()}
            for s, fs in prints.items()}
    pairs = []
    for a, b in itertools.combinations(sorted(kept), 2):
        both = sorted(set(kept[a]) & set(kept[b]))
        if not both:
            continue
        union = inter = 0
        per_function = {}
        for f in both:
            x, y = kept[a][f], kept[b][f]
            i, u = len(x & y), len(x | y)
            per_function[f] = i / u if u else 0.0
            inter, union = inter + i, union + u
        pairs.append(Pair(a, b, inter / union if union else 0.0, per_function, inter))
    return sorted(pairs, key=lambda p: (-p.score, -p.shared, p.first, p.second))


def write_report(pairs: list[Pair], path: Path) -> None:
    """The ranked table as CSV: rank, the two students, score, shared 5-grams, and the score
    of each function (semicolon-separated)."""
    import csv  # noqa: PLC0415

    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["rank", "student", "other student", "similarity", "shared 5-grams",
                         "per function"])
        for rank, p in enumerate(pairs, 1):
            writer.writerow([rank, p.first, p.second, f"{p.score:.3f}", p.shared,
                             "; ".join(f"{k} {v:.2f}" for k, v in p.per_function.items())])
