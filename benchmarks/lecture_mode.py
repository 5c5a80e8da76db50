"""Instructor mode: how long each notebook takes to run live, top to bottom, kernel start included.

Run: .venv/bin/python benchmarks/lecture_mode.py [--full] [01 04 ...]   (after `make data`)

By default every notebook, core and deep dives, runs with LECTURE_MODE=1 (goal: each core notebook at most 30 s);
--full times the full run instead.
Prints one line per notebook with its three slowest cells, and writes benchmarks/results/lecture_mode.json (or
full_mode.json; naming notebooks updates their rows only). The notebooks are executed in memory; nothing in
notebooks/ is written.
"""

import argparse
import json
import os
import time
from datetime import datetime
from pathlib import Path

import nbformat
from common import write_json
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from course import series
from helpers.internal.paths import ROOT

GOAL_SECONDS = 30


def cell_seconds(cell) -> float:
    timing = cell.metadata.get("execution", {})
    start, end = timing.get("iopub.execute_input"), timing.get("shell.execute_reply")
    if not (start and end):
        return 0.0
    return (datetime.fromisoformat(end.replace("Z", "+00:00")) - datetime.fromisoformat(start.replace("Z", "+00:00"))
            ).total_seconds()


def time_notebook(path: Path) -> dict:
    nb = nbformat.read(path, as_version=4)
    start, error = time.perf_counter(), None
    try:
        NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
                       ).execute()
    except CellExecutionError as err:  # report it and go on with the next notebook
        error = str(err).strip().splitlines()[-1]
    seconds = time.perf_counter() - start
    cells = sorted(((cell_seconds(c), i) for i, c in enumerate(nb.cells) if c.cell_type == "code"), reverse=True)
    return {"notebook": str(path.relative_to(ROOT / "notebooks")), "core": series.is_core(path),
            "seconds": round(seconds, 1),
            "slowest_cells": [{"cell": i, "seconds": round(s, 1)} for s, i in cells[:5]], "error": error}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="time the full run instead of lecture mode")
    parser.add_argument("only", nargs="*", help="notebook prefixes, e.g. 02 04 02a (default: all)")
    args = parser.parse_args()
    os.environ["LECTURE_MODE"] = "0" if args.full else "1"  # the kernels inherit it
    paths = [p for p in series.notebooks() if not args.only or p.name.split("_")[0] in args.only]
    rows = []
    for path in paths:
        row = time_notebook(path)
        rows.append(row)
        slow = ", ".join(f"cell {c['cell']} {c['seconds']} s" for c in row["slowest_cells"])
        print(f"{row['notebook']:58} {row['seconds']:6.1f} s   (slowest: {slow})"
              + (f"\n    FAILED: {row['error']}" if row["error"] else ""), flush=True)
    mode = "full" if args.full else "lecture"
    result = {"mode": mode, "goal_seconds": None if args.full else GOAL_SECONDS, "cores": os.cpu_count(),
              "notebooks": rows}
    if args.only:  # a partial run updates those notebooks' rows and keeps the others'
        path = ROOT / "benchmarks" / "results" / f"{mode}_mode.json"
        timed = {r["notebook"] for r in rows}
        before = json.loads(path.read_text())["notebooks"] if path.exists() else []
        kept = [r for r in before if r["notebook"] not in timed]
        result["notebooks"] = sorted(kept + rows, key=lambda r: (not r.get("core", True), r["notebook"]))
    write_json(f"{mode}_mode", result)
    if not args.full:
        core = [r for r in rows if r["core"]]  # the goal is the lab's; deep dives are timed, not held to it
        over = [r["notebook"] for r in core if r["seconds"] > GOAL_SECONDS or r["error"]]
        print(f"lecture mode: {len(core) - len(over)}/{len(core)} core notebooks within {GOAL_SECONDS} s"
              + (f"; over or failed: {', '.join(over)}" if over else ""))


if __name__ == "__main__":
    main()
