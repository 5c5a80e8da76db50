"""Write the student edition of the notebooks: solutions replaced by a "your turn" stub, outputs cleared.

Run: .venv/bin/python scripts/student_edition.py          (writes student/*.ipynb)
     .venv/bin/python scripts/student_edition.py --check  (exit 1 if student/ is not what the script would write)

The instructor notebooks in notebooks/ are the source: a code cell tagged ``solution`` becomes a stub that sets
every name it defines and the next cell (the check) uses to None, so the check says "Your turn: ...". Never edit
student/ by hand (fastbook's clean/ approach); CI verifies it is up to date.
"""

import ast
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
SOURCE, TARGET = ROOT / "notebooks", ROOT / "student"
STUB = "# Your turn: write your answer here (see the exercise above), then run the check below.\n"


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


def student_notebook(nb):
    nb.metadata.pop("widgets", None)  # saved widget state is output too
    cells = nb.cells
    for i, cell in enumerate(cells):
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
            cell.metadata.pop("execution", None)
        if "solution" in cell.metadata.get("tags", []):
            check = cells[i + 1].source if i + 1 < len(cells) else ""
            used = {n.id for n in ast.walk(ast.parse(check)) if isinstance(n, ast.Name)}
            answers = [n for n in defined_names(cell.source) if n in used]
            if not answers:
                raise ValueError(f"solution cell {i} defines nothing that the next cell uses:\n{cell.source}")
            cell.source = STUB + "\n".join(f"{n} = None" for n in answers)
            cell.metadata["tags"] = ["your-turn"]
    return nb


def main(check: bool = False) -> int:
    TARGET.mkdir(exist_ok=True)
    stale = []
    for path in sorted(SOURCE.glob("*.ipynb")):
        text = nbformat.writes(student_notebook(nbformat.read(path, as_version=4))) + "\n"
        out = TARGET / path.name
        if check:
            if not out.exists() or out.read_text() != text:
                stale.append(out.name)
        else:
            out.write_text(text)
    if stale:
        print(f"student/ is out of date ({', '.join(stale)}): run `make student` and commit.", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(check="--check" in sys.argv))
