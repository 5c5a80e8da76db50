"""The package's shape (issue 41): lines in each home, the longest function, the time of `import helpers` in a cold
interpreter (median of 5), and where the README puts the two commands. Writes benchmarks/results/package_shape.json.

Run: .venv/bin/python benchmarks/package_shape.py
"""

import ast
import statistics
import subprocess
import sys
import time

from common import write_json

from helpers.internal.paths import ROOT

RUNS = 5


def lines(paths) -> int:
    return sum(len(p.read_text(encoding="utf-8").splitlines()) for p in paths)


def longest_function(paths) -> tuple[str, int]:
    found = [(f"{p.relative_to(ROOT)}:{n.name}", n.end_lineno - n.lineno + 1)
             for p in paths for n in ast.walk(ast.parse(p.read_text(encoding="utf-8")))
             if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
    return max(found, key=lambda f: f[1])


def import_seconds(module: str) -> list[float]:
    """Wall time of ``python -c 'import module'`` minus that of ``python -c pass``, each run RUNS times."""
    def run(code):
        began = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)
        return time.perf_counter() - began

    bare = statistics.median(run("pass") for _ in range(RUNS))
    return [round(run(f"import {module}") - bare, 3) for _ in range(RUNS)]


def main():
    technique = [p for p in (ROOT / "helpers").rglob("*.py") if "internal" not in p.parts]
    internal = list((ROOT / "helpers" / "internal").glob("*.py"))
    course = list((ROOT / "course").glob("*.py"))
    readme = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    name, length = longest_function(technique + internal + course)
    helpers_times = import_seconds("helpers")
    result = {
        "lines": {"helpers (technique)": lines(technique), "helpers/internal": lines(internal),
                  "course": lines(course)},
        "longest_function": {"name": name, "lines": length},
        "import_helpers_seconds": {"runs": helpers_times, "median": statistics.median(helpers_times),
                                   "note": "each run's wall time minus the median of a bare interpreter's"},
        "readme": {"lines": len(readme), "make_run_line": next(i for i, t in enumerate(readme, 1) if "make run" in t)},
    }
    print(write_json("package_shape", result))
    print(result)


if __name__ == "__main__":
    main()
