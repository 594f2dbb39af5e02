"""The course-wide run: every lecture and solution notebook, headless, timed.

Each notebook is built fresh from its jupytext source and executed in a new kernel (wall time
from kernel start to the last cell). Target on a 2-core CPU: every notebook <= 60 s, the
whole course <= 10 minutes. From the course folder (or ``python3 course.py run``):

    .venv/bin/python benchmarks/course_run.py

Results: benchmarks/results/course_run.md.
"""

from __future__ import annotations

import sys

from common import save_table

from gancourse.publish import execute, notebook_sources

LIMIT_S, TOTAL_LIMIT_S = 60.0, 600.0


def main() -> int:
    rows, total, over = [], 0.0, []
    for source in notebook_sources("lectures", "solutions"):
        name = f"{source.parent.name}/{source.name}"
        print(f"running {name} ...", flush=True)
        _, seconds = execute(source)
        total += seconds
        if seconds > LIMIT_S:
            over.append(name)
        rows.append([name, f"{seconds:.1f}", "yes" if seconds <= LIMIT_S else "**no**"])
    rows.append(["**total**", f"**{total:.1f}**", "yes" if total <= TOTAL_LIMIT_S else "**no**"])
    save_table("course_run", "Course-wide run: every lecture and solution notebook",
               ["notebook", "seconds (wall, incl. kernel start)", "within target"], rows,
               notes=f"Targets: each notebook <= {LIMIT_S:.0f} s, the course <= "
                     f"{TOTAL_LIMIT_S / 60:.0f} minutes. Notebooks run one after another, "
                     "each in a fresh kernel.")
    if over or total > TOTAL_LIMIT_S:
        print(f"over the target: {', '.join(over) or 'the total'}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
