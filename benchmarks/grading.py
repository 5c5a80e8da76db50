"""Grading a class: the wall time of `make grade` (course/grade.py) on a folder of 10 hand-ins. Requirement: at most
10 minutes on 2 cores.

Run: .venv/bin/python benchmarks/grading.py [--notebook 01] [--students 10]   (after `make data`)

By default the 10 students hand in the instructor's answers (every check runs in full, the slowest case) to the
notebooks with exercises in turn: 01, 02, ... 06, 01, ... (and the Label Studio deep dive when its server answers);
--notebook 01 gives all of them notebook 01 instead. Times the command as an instructor runs it (one process:
nbgrader's generate_assignment, then its autograde of every hand-in, one after the other, in lecture mode), checks
that every exercise passed, and writes benchmarks/results/grading.json (with nproc, the CPU, the date and the load
average, as the machine is shared).
"""

import argparse
import csv
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from common import write_json

from course.grade import graded_notebooks, needs_label_studio
from helpers import labelstudio  # noqa: E402

LIMIT_SECONDS = 600


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notebook", help="the number of the one notebook every student hands in, e.g. 01")
    parser.add_argument("--students", type=int, default=10)
    args = parser.parse_args()
    known = graded_notebooks()
    cycle = [args.notebook] if args.notebook else [
        n for n, path in known.items()
        if not needs_label_studio(nbformat.read(path, as_version=4)) or labelstudio.Client().health()]
    with tempfile.TemporaryDirectory() as tmp:
        folder, course = Path(tmp, "submissions"), Path(tmp, "course")
        handed_in = []
        for k in range(args.students):
            student, path = f"student{k + 1:02d}", known[cycle[k % len(cycle)]]
            (folder / student).mkdir(parents=True)
            nbformat.write(nbformat.read(path, as_version=4), folder / student / path.name)
            handed_in.append({"student": student, "notebook": path.stem, "edition": "instructor's answers"})
        load_before = os.getloadavg()
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "course.grade", str(folder), "--course", str(course)],
                       check=True)
        seconds = time.perf_counter() - start
        with open(course / "grades.csv", newline="") as f:
            rows = list(csv.DictReader(f))
    statuses = {s: sum(r["status"] == s for r in rows) for s in ("passed", "failed", "not answered")}
    points = f"{sum(float(r['points'] or 0) for r in rows):g} of {sum(float(r['max_points'] or 0) for r in rows):g}"
    not_passed = [f"{r['student']} {r['exercise']}: {r['status']}: {r['message']}" for r in rows
                  if r["status"] != "passed"]
    print(f"{args.students} hand-ins, {len(rows)} exercises graded in {seconds:.0f} s "
          f"(limit {LIMIT_SECONDS} s): {statuses}, nbgrader's points {points}"
          + "".join(f"\n  {line}" for line in not_passed))
    path = write_json("grading", {
        "what": f"{args.students} hand-ins of the instructor's answers, notebooks " + ", ".join(cycle) + " in turn",
        "command": "course/grade.py SUBMISSIONS (make grade); lecture mode, nbgrader autograde one hand-in at a time",
        "nproc": os.cpu_count(), "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
        "seconds": round(seconds, 1), "seconds_per_hand_in": round(seconds / args.students, 1),
        "limit_seconds": LIMIT_SECONDS, "within_limit": seconds <= LIMIT_SECONDS,
        "exercises": len(rows), "statuses": statuses, "nbgrader_points": points, "not_passed": not_passed,
        "handed_in": handed_in})
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
