"""Write the generated course files from the instructor notebooks in notebooks/; never edit them by hand.

Run: .venv/bin/python -m course.course_files          (writes student/ and docs/figures/)
     .venv/bin/python -m course.course_files --check  (exit 1 if either is not what this script would write)

- student/*.ipynb and student/deep-dives/*.ipynb, the student edition (fastbook's clean/ approach): outputs and
  widget state cleared, and each code cell tagged ``solution`` replaced by a "your turn" stub that sets to None every
  name it defines that the next cell (the check) uses, so the check says "Your turn: ...". nbgrader's
  ``generate_assignment`` writes it from the nbgrader source version (:func:`nbgrader_source`), so the exercise cells
  carry the nbgrader metadata that course/grade.py's autograding reads, and the checks are read-only. The check
  cells behind the prose (tagged ``remove-cell``, which also hides them on the site) are left out.
- docs/figures/<notebook>.png, the README's figures: the first PNG of the cell tagged ``readme-figure``, from the
  notebook's own executed run.
"""

import ast
import base64
import copy
import re
import sys
import tempfile
from pathlib import Path

import nbformat

from course import series
from helpers.internal.paths import ROOT

SOURCE = ROOT / "notebooks"
STUB = "# Your turn: write your answer here (see the exercise above), then run the check below.\n"
CODE_STUB = {"python": ""}  # nbgrader's ClearSolutions.code_stub: STUB and the `name = None` lines come before it
CHECK_CALL = re.compile(r"\bchecks\.(\w+)\(")


def defined_names(source: str) -> list[str]:
    """Top-level names a cell assigns or defines, in order."""
    names = []
    for node in ast.parse(source).body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names.append(node.name)
        targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(
            node, (ast.AnnAssign, ast.AugAssign)) else []
        for t in targets:
            names += [n.id for n in ast.walk(t) if isinstance(n, ast.Name)]
    return list(dict.fromkeys(names))


def exercises(nb) -> list[tuple[int, str, list[str]]]:
    """Each exercise as (index of its cell tagged ``solution``, its grade id, the names that cell defines that the
    next cell, the check, uses). The grade id is the check's name: ``ex01_budget`` for ``checks.ex01_budget(...)``."""
    found = []
    for i, cell in enumerate(nb.cells):
        if "solution" in cell.metadata.get("tags", []):
            check = nb.cells[i + 1].source if i + 1 < len(nb.cells) else ""
            used = {n.id for n in ast.walk(ast.parse(check)) if isinstance(n, ast.Name)}
            answers = [n for n in defined_names(cell.source) if n in used]
            if not answers:
                raise ValueError(f"solution cell {i} defines nothing that the next cell uses:\n{cell.source}")
            call = CHECK_CALL.search(check)
            found.append((i, call.group(1) if call else f"exercise_{len(found) + 1}", answers))
    return found


def stub(answers: list[str]) -> str:
    """The student edition's answer cell: STUB, then ``name = None`` for each name the check uses."""
    return STUB + "".join(f"{n} = None\n" for n in answers)


def nbgrader_source(nb):
    """nbgrader's source version of an instructor notebook (a copy): each cell tagged ``solution`` an nbgrader
    solution cell, its answer between ``### BEGIN SOLUTION`` and ``### END SOLUTION`` after the stub the student
    edition keeps; the check after it a locked autograder-tests cell worth 1 point (course/grade.py grades them).
    The check cells behind the prose (tagged ``remove-cell``) are left out."""
    nb = copy.deepcopy(nb)
    nb.cells = [c for c in nb.cells if "remove-cell" not in c.metadata.get("tags", [])]
    for i, grade_id, answers in exercises(nb):
        answer, check = nb.cells[i], nb.cells[i + 1]
        answer.source = stub(answers) + f"### BEGIN SOLUTION\n{answer.source}\n### END SOLUTION"
        answer.metadata["nbgrader"] = {"grade": False, "grade_id": f"{grade_id}_answer", "locked": False,
                                       "schema_version": 3, "solution": True, "task": False}
        check.metadata["nbgrader"] = {"grade": True, "grade_id": grade_id, "locked": True, "points": 1,
                                      "schema_version": 3, "solution": False, "task": False}
    return nb


def release_version(source_nb):
    """``nbgrader generate_assignment`` of one source version, without a gradebook: outputs cleared, each solution
    region replaced by CODE_STUB, the check cells made read-only, the checksums the autograder compares recorded."""
    from nbgrader.converters import GenerateAssignment
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config import Config

    config = Config({"GenerateAssignment": {"no_database": True, "force": True}, "SaveCells": {"enabled": False},
                     "ClearSolutions": {"code_stub": CODE_STUB}})
    with tempfile.TemporaryDirectory() as root:
        (Path(root) / "source" / "edition").mkdir(parents=True)
        nbformat.write(source_nb, Path(root) / "source" / "edition" / "notebook.ipynb")
        GenerateAssignment(coursedir=CourseDirectory(config=config, root=root, assignment_id="edition"),
                           config=config).start()
        return nbformat.read(Path(root) / "release" / "edition" / "notebook.ipynb", as_version=4)


def student_notebook(nb):
    nb = release_version(nbgrader_source(nb))
    nb.metadata.pop("widgets", None)  # saved widget state is output too
    for cell in nb.cells:
        cell.metadata.pop("execution", None)  # the instructor run's timings
        if "solution" in cell.metadata.get("tags", []):
            cell.metadata["tags"] = ["your-turn"]
    return nb


def readme_figure(nb, name: str) -> bytes:
    for cell in nb.cells:
        if "readme-figure" in cell.metadata.get("tags", []):
            for out in cell.get("outputs", []):
                if "image/png" in out.get("data", {}):
                    return base64.b64decode(out["data"]["image/png"])
    raise ValueError(f"{name}: no executed cell tagged readme-figure with a PNG")


def course_files() -> dict[Path, bytes]:
    files = {}
    for path in series.notebooks():
        nb = nbformat.read(path, as_version=4)
        if path.parent == SOURCE or any("readme-figure" in c.metadata.get("tags", []) for c in nb.cells):
            files[ROOT / "docs" / "figures" / f"{path.stem}.png"] = readme_figure(nb, path.name)  # every core one
        files[ROOT / "student" / path.relative_to(SOURCE)] = (nbformat.writes(student_notebook(nb)) + "\n").encode()
    return files


def main(check: bool = False) -> int:
    stale = []
    files = course_files()
    # a generated file whose notebook is gone (renamed or moved to deep-dives/) is stale too
    leftovers = [p for p in [*(ROOT / "student").rglob("*.ipynb"), *(ROOT / "docs" / "figures").glob("*.png")]
                 if p not in files]
    for path, content in files.items():
        if check:
            if not path.exists() or path.read_bytes() != content:
                stale.append(str(path.relative_to(ROOT)))
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
    for path in leftovers:
        if check:
            stale.append(f"{path.relative_to(ROOT)} (no notebook makes it)")
        else:
            path.unlink()
    if stale:
        print(f"out of date: {', '.join(stale)}; run `make course-files` and commit.", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(check="--check" in sys.argv))
