"""How long `make site` takes: the course site built from the committed notebooks (Sphinx + MyST-NB, nothing
executed), as a whole process, start-up and staging included. Goal: at most 2 minutes.

Run: .venv/bin/python benchmarks/site_build.py [--runs 3]   (after `make setup`)

Prints each run and writes benchmarks/results/site_build.json (median, min and max wall seconds, CPU seconds, the
number of notebooks and pages, the machine). The site is built into a temporary folder; build/site/ is not touched.
"""

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from importlib import metadata
from pathlib import Path

from common import write_json

from helpers.internal.paths import ROOT

GOAL_SECONDS = 120


def build_once(out: Path) -> dict:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "course.site", str(out)], check=True, capture_output=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return {"wall_seconds": round(wall, 2), "cpu_seconds": round(cpu, 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "site"
        runs = []
        for i in range(args.runs):
            run = build_once(out)
            runs.append(run)
            print(f"run {i + 1}: {run['wall_seconds']:.1f} s wall, {run['cpu_seconds']:.1f} s CPU", flush=True)
        pages = sum(1 for p in out.rglob("*.html") if not p.relative_to(out).parts[0].startswith("_"))
    walls = [r["wall_seconds"] for r in runs]
    notebooks = [*(ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"), *(ROOT / "notebooks" / "deep-dives").glob("*.ipynb")]
    result = {"command": "python -m course.site OUT (what `make site` runs)", "goal_seconds": GOAL_SECONDS,
              "median_wall_seconds": statistics.median(walls), "min_wall_seconds": min(walls),
              "max_wall_seconds": max(walls), "notebooks": len(notebooks), "html_pages": pages,
              "nproc": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
              "site_packages": {p: metadata.version(p) for p in ("sphinx", "myst-nb", "sphinx-book-theme")},
              "runs": runs}
    path = write_json("site_build", result)
    print(f"site build: median {result['median_wall_seconds']:.1f} s over {len(runs)} runs (goal: at most "
          f"{GOAL_SECONDS} s) -> {path}")


if __name__ == "__main__":
    main()
