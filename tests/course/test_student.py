"""The generated course files (course/course_files.py): current; the student edition has no solutions or outputs,
and a student who runs a notebook without answering gets a "your turn" message from every exercise's check and no
other error; the README shows every figure."""

import subprocess
import sys

import nbformat
import pytest
from nbclient import NotebookClient

from helpers.internal.paths import ROOT
from tests.notebook_list import CORE, NOTEBOOKS
from tests.servers import label_studio_or_skip

STUDENT = ROOT / "student"


def test_course_files_are_up_to_date():
    result = subprocess.run([sys.executable, "-m", "course.course_files", "--check"], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_reading_map_is_up_to_date():
    """README's and notebook 01's map of the lab and the deep dives (course/reading_map.py) match the notebooks."""
    result = subprocess.run([sys.executable, "-m", "course.reading_map", "--check"], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_student_notebook_has_no_solutions_or_outputs(name):
    teacher = nbformat.read(ROOT / "notebooks" / name, as_version=4)
    teacher.cells = [c for c in teacher.cells if "remove-cell" not in c.metadata.get("tags", [])]  # prose checks
    student = nbformat.read(STUDENT / name, as_version=4)
    assert len(student.cells) == len(teacher.cells)
    solutions = [i for i, c in enumerate(teacher.cells) if "solution" in c.metadata.get("tags", [])]
    assert solutions or name not in CORE, "every core notebook ends with exercises"
    for i, (t, s) in enumerate(zip(teacher.cells, student.cells)):
        if s.cell_type == "code":
            assert s.outputs == [] and s.execution_count is None
        if i in solutions:
            assert s.source.startswith("# Your turn") and "= None" in s.source
            assert t.source not in s.source
        else:
            assert s.source == t.source


@pytest.mark.parametrize("name", [n for n in NOTEBOOKS if "your-turn" in (STUDENT / n).read_text()])
@pytest.mark.slow  # executes each student notebook
def test_blank_answers_fail_helpfully(monkeypatch, name):
    """A student who runs the whole notebook without answering: every check says "Your turn", nothing else fails.

    Run in lecture mode (the checks do not depend on it) and with errors allowed, so that every exercise is reached.
    """
    if "label_studio" in name:
        label_studio_or_skip()
    monkeypatch.setenv("LECTURE_MODE", "1")
    nb = nbformat.read(STUDENT / name, as_version=4)
    NotebookClient(nb, timeout=300, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": str((STUDENT / name).parent)}}).execute()
    stubs = [i for i, c in enumerate(nb.cells) if "your-turn" in c.metadata.get("tags", [])]
    errors = {i: o for i, c in enumerate(nb.cells) if c.cell_type == "code" for o in c.outputs
              if o.output_type == "error"}
    assert sorted(errors) == [i + 1 for i in stubs], {i: e.evalue for i, e in errors.items()}
    for i in stubs:
        assert errors[i + 1].ename == "CheckFailed" and errors[i + 1].evalue.startswith("Your turn")


def test_readme_shows_every_figure():
    readme = (ROOT / "README.md").read_text()
    for path in (ROOT / "docs" / "figures").glob("*.png"):
        assert f"docs/figures/{path.name}" in readme
    for name in CORE:
        assert f"docs/figures/{name.removesuffix('.ipynb')}.png" in readme
