"""Grade the notebooks students hand in, with nbgrader: one command, one CSV row per student and exercise.

Run: make grade SUBMISSIONS=path/to/folder
     .venv/bin/python -m course.grade path/to/folder [--out grades.csv] [--timeout 120] [--course build/grading]

The folder holds one sub-folder per student, named by the student's id, with the notebooks that student hands in:

    SUBMISSIONS/alice/01_labeling_cost.ipynb
    SUBMISSIONS/alice/03_weak_supervision.ipynb
    SUBMISSIONS/bob/01_labeling_cost.ipynb

A file is matched to a notebook by the number its name starts with: ``01_labeling_cost.ipynb``, ``01_mine.ipynb`` and
``01 (1).ipynb`` are graded as notebooks/01_labeling_cost.ipynb, ``02a_x.ipynb`` as the deep dive 02a (if it has
exercises). Other files, notebooks without exercises and a second file with the same number are left out, with a
warning. A student hands in any of the notebooks; sub-folders of a student's folder are searched too.

What it does, in the nbgrader course folder ``--course`` (build/grading/, rewritten each run; its nbgrader_config.py
lets you run other nbgrader commands there, e.g. ``nbgrader generate_feedback``):
  1. source/NN_name/NN_name.ipynb: the nbgrader source version of each notebook handed in (course/course_files.py:
     the exercises' answers between ### BEGIN / END SOLUTION, each check a locked 1-point autograder cell whose
     grade id is the check's name, e.g. ex02_query_strategy), then ``nbgrader generate_assignment``: the gradebook.
  2. submitted/<student>/NN_name/NN_name.ipynb: the submissions. The student edition carries nbgrader's cell
     metadata already; a notebook without it (e.g. a copy of the instructor's) gets it by the same tags.
  3. ``nbgrader autograde``: it restores each check cell from the source, executes every submission in lecture mode
     (LECTURE_MODE=1) with ``--timeout`` seconds per cell, and records the points in gradebook.db; its log goes to
     autograde.log. The Label Studio deep dive needs its server (`make labelstudio-start`); 04 starts its LLM.
  4. The CSV (``--out``, default <course>/grades.csv): student, notebook, exercise, status, points, max_points,
     message. status is ``passed`` (the check printed its confirmation: the message), ``not answered`` (the check
     raised "Your turn: ...") or ``failed`` (the check's hint, or the error, with the answer cell's own error if it
     raised one; a notebook nbgrader could not grade fails every exercise). points are nbgrader's.
"""

import argparse
import csv
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import nbformat

from course import series
from course.course_files import CODE_STUB, ROOT, exercises, nbgrader_source

COLUMNS = ("student", "notebook", "exercise", "status", "points", "max_points", "message")
ANSWER_TAGS = {"solution", "your-turn"}  # the instructor's and the student edition's tag of an answer cell
CONFIG = """\
# Written by course/grade.py for this folder, rewritten on each run.
c = get_config()  # noqa: F821
c.CourseDirectory.root = {root!r}
c.ClearSolutions.code_stub = {code_stub!r}
c.Execute.timeout = {timeout}
c.OverwriteCells.add_missing_cells = True
"""


def graded_notebooks() -> dict[str, Path]:
    """The notebooks that have exercises, by number ("01": notebooks/01_labeling_cost.ipynb; a deep dive's "02a")."""
    return {p.name.split("_")[0]: p for p in series.notebooks() if exercises(nbformat.read(p, as_version=4))}


def needs_label_studio(nb) -> bool:
    """Whether a notebook talks to the Label Studio server (`make labelstudio-start`)."""
    return any("labelstudio" in c.source for c in nb.cells if c.cell_type == "code")


def find_submissions(folder: Path, known: dict[str, Path]) -> dict[tuple[str, str], Path]:
    """{(student, notebook stem): submitted file}, by the folder convention of the module's docstring."""
    found = {}
    for student in sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith(".")):
        for path in sorted(student.rglob("*.ipynb")):
            number = re.match(r"\d\d[a-z]?(?![0-9A-Za-z])", path.name)  # 01_x, "01 (1)", 02a_x; not 01a
            if ".ipynb_checkpoints" in path.parts or not number or number.group() not in known:
                print(f"warning: {path} is not a notebook with exercises; left out", file=sys.stderr)
                continue
            key = (student.name, known[number.group()].stem)
            if key in found:
                print(f"warning: {path}: {student.name} hands in {found[key].name} as notebook "
                      f"{number.group()} already; left out", file=sys.stderr)
                continue
            found[key] = path
    return found


def mark_exercises(nb, source_nb):
    """Give a submission without nbgrader metadata the source version's: each answer cell (tagged solution or
    your-turn) in order, and the cell after it (its check, which nbgrader restores from the source)."""
    if any("nbgrader" in c.metadata for c in nb.cells):
        return nb
    marked = [(source_nb.cells[i], source_nb.cells[i + 1]) for i, _, _ in exercises(source_nb)]
    answers = [i for i, c in enumerate(nb.cells) if ANSWER_TAGS & set(c.metadata.get("tags", []))]
    for i, (answer, check) in zip(answers, marked):
        if i + 1 < len(nb.cells):
            nb.cells[i].metadata["nbgrader"] = dict(answer.metadata["nbgrader"])
            nb.cells[i + 1].metadata["nbgrader"] = dict(check.metadata["nbgrader"])
    return nb


CHECK_ERRORS = ("CheckFailed", "AssertionError")  # what a check raises (course.checks.CheckFailed), and its base


def outcome(outputs, answer_outputs=()) -> tuple[str, str]:
    """(status, message) of a check cell from its outputs (and its answer cell's)."""
    def said(e):
        if e.ename == "CellTimeoutError":  # nbgrader's, for a cell it interrupted
            return "CellTimeoutError: the cell ran over the time limit per cell (--timeout)"
        return e.evalue if e.ename in CHECK_ERRORS else f"{e.ename}: {e.evalue}".rstrip(": ")

    errors = [o for o in outputs if o.output_type == "error"]
    if errors:
        if errors[-1].ename in CHECK_ERRORS and errors[-1].evalue.startswith("Your turn"):
            return "not answered", errors[-1].evalue
        own = [o for o in answer_outputs if o.output_type == "error"]
        return "failed", said(errors[-1]) + (f" (the answer cell raised {said(own[-1])})" if own else "")
    text = "".join(o.get("text", "") for o in outputs if o.output_type == "stream" and o.name == "stdout")
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return "passed", next((line for line in reversed(lines) if line.startswith("Correct")), lines[-1] if lines else "")


def nbgrader(course: Path, *args: str, log: Path | None = None) -> int:
    with open(log or os.devnull, "w") as out:
        return subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=course, stdout=out,
                              stderr=subprocess.STDOUT, env={**os.environ, "LECTURE_MODE": "1"}).returncode


def results(course: Path, submissions, sources) -> list[dict]:
    """The CSV's rows, from the autograded notebooks' check cells and nbgrader's gradebook."""
    from nbgrader.api import Gradebook, MissingEntry

    rows = []
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for student, stem in sorted(submissions):
            path = course / "autograded" / student / stem / f"{stem}.ipynb"
            nb = nbformat.read(path, as_version=4) if path.exists() else None
            cells = {c.metadata.get("nbgrader", {}).get("grade_id"): c for c in (nb.cells if nb else [])}
            for _, grade_id, _ in exercises(sources[stem]):
                if nb is None:
                    status, message = "failed", f"nbgrader could not grade the notebook: see {course}/autograde.log"
                elif grade_id not in cells:
                    status, message = "not answered", "the exercise's check cell is not in the submission"
                else:
                    answer = cells.get(f"{grade_id}_answer")
                    status, message = outcome(cells[grade_id].outputs, answer.outputs if answer else ())
                try:
                    got = gb.find_grade(grade_id, stem, stem, student)
                    points, max_points = ("" if got.score is None else f"{got.score:g}"), f"{got.max_score:g}"
                except MissingEntry:
                    points, max_points = "", ""
                rows.append({"student": student, "notebook": stem, "exercise": grade_id, "status": status,
                             "points": points, "max_points": max_points, "message": message})
    return rows


def grade(folder: Path, course: Path, out: Path, timeout: int = 120) -> list[dict]:
    # nbgrader's gradebook runs the `alembic` program: the one beside this Python, also when the venv is not active
    os.environ["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    known = graded_notebooks()
    submissions = find_submissions(folder, known)
    if not submissions:
        raise SystemExit(f"no submissions in {folder}: expected {folder}/<student>/NN_name.ipynb (see {__file__})")
    paths = {p.stem: p for p in known.values()}
    stems = sorted({stem for _, stem in submissions})
    course.mkdir(parents=True, exist_ok=True)
    for name in ("source", "release", "submitted", "autograded", "feedback", "gradebook.db"):
        target = course / name
        if target.is_dir():
            shutil.rmtree(target)
        target.unlink(missing_ok=True)
    (course / "nbgrader_config.py").write_text(CONFIG.format(root=str(course.resolve()), code_stub=CODE_STUB,
                                                             timeout=timeout))
    sources = {}
    for stem in stems:
        sources[stem] = nbgrader_source(nbformat.read(paths[stem], as_version=4))
        (course / "source" / stem).mkdir(parents=True)
        nbformat.write(sources[stem], course / "source" / stem / f"{stem}.ipynb")
    if nbgrader(course, "generate_assignment", "*", "--force", log=course / "generate_assignment.log"):
        raise SystemExit(f"nbgrader generate_assignment failed: see {course / 'generate_assignment.log'}")
    for (student, stem), path in submissions.items():
        nb = mark_exercises(nbformat.read(path, as_version=4), sources[stem])
        (course / "submitted" / student / stem).mkdir(parents=True)
        nbformat.write(nb, course / "submitted" / student / stem / f"{stem}.ipynb")
    if any(needs_label_studio(nb) for nb in sources.values()):
        from helpers import labelstudio
        if not labelstudio.Client().health():
            print(f"warning: a notebook handed in needs Label Studio: {labelstudio.START_HINT}", file=sys.stderr)
    print(f"grading {len(submissions)} notebooks of {len({s for s, _ in submissions})} students ...", flush=True)
    nbgrader(course, "autograde", "*", "--force", log=course / "autograde.log")  # nonzero if any notebook failed
    rows = results(course, submissions, sources)
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    return rows


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("submissions", type=Path, help="folder with one sub-folder of notebooks per student")
    parser.add_argument("--course", type=Path, default=ROOT / "build" / "grading",
                        help="nbgrader course folder to (re)write (default: build/grading)")
    parser.add_argument("--out", type=Path, help="the CSV to write (default: <course>/grades.csv)")
    parser.add_argument("--timeout", type=int, default=120, help="seconds each cell may run (default: 120)")
    args = parser.parse_args(argv)
    out = args.out or args.course / "grades.csv"
    start = time.perf_counter()
    rows = grade(args.submissions, args.course, out, timeout=args.timeout)
    counts = {s: sum(r["status"] == s for r in rows) for s in ("passed", "failed", "not answered")}
    print(f"{len(rows)} exercises graded in {time.perf_counter() - start:.0f} s: "
          + ", ".join(f"{n} {s}" for s, n in counts.items()) + f"; wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
