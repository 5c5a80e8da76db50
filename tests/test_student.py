"""The generated course files (scripts/course_files.py): current; the student edition has no solutions or outputs,
and a student who runs a notebook top to bottom is stopped at the first exercise by a "your turn" message; the
README shows every figure."""

import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

ROOT = Path(__file__).resolve().parent.parent
STUDENT = ROOT / "student"


def test_course_files_are_up_to_date():
    result = subprocess.run([sys.executable, "scripts/course_files.py", "--check"], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("name", sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb")))
def test_student_notebook_has_no_solutions_or_outputs(name):
    teacher = nbformat.read(ROOT / "notebooks" / name, as_version=4)
    student = nbformat.read(STUDENT / name, as_version=4)
    assert len(student.cells) == len(teacher.cells)
    solutions = [i for i, c in enumerate(teacher.cells) if "solution" in c.metadata.get("tags", [])]
    assert solutions, "every notebook ends with exercises"
    for i, (t, s) in enumerate(zip(teacher.cells, student.cells)):
        if s.cell_type == "code":
            assert s.outputs == [] and s.execution_count is None
        if i in solutions:
            assert s.source.startswith("# Your turn") and "= None" in s.source
            assert t.source not in s.source
        else:
            assert s.source == t.source


def test_student_run_stops_at_first_exercise_with_your_turn():
    nb = nbformat.read(STUDENT / "01_labeling_cost.ipynb", as_version=4)
    first_check = next(i for i, c in enumerate(nb.cells) if "your-turn" in c.metadata.get("tags", [])) + 1
    client = NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(STUDENT)}})
    with pytest.raises(CellExecutionError, match="Your turn"):
        client.execute()
    ran = [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and c.execution_count is not None]
    assert ran[-1] == first_check  # everything up to the first check ran; the check stopped the run


def test_readme_shows_every_figure():
    readme = (ROOT / "README.md").read_text()
    for path in (ROOT / "notebooks").glob("*.ipynb"):
        assert f"docs/figures/{path.stem}.png" in readme
