"""Write the generated course files from the instructor notebooks in notebooks/; never edit them by hand.

Run: .venv/bin/python scripts/course_files.py          (writes student/ and docs/figures/)
     .venv/bin/python scripts/course_files.py --check  (exit 1 if either is not what this script would write)

- student/*.ipynb, the student edition (fastbook's clean/ approach): outputs and widget state cleared, and each
  code cell tagged ``solution`` replaced by a "your turn" stub that sets to None every name it defines that the
  next cell (the check) uses, so the check says "Your turn: ...".
- docs/figures/<notebook>.png, the README's figures: the first PNG of the cell tagged ``readme-figure``, from the
  notebook's own executed run.
"""

import ast
import base64
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "notebooks"
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


def readme_figure(nb, name: str) -> bytes:
    for cell in nb.cells:
        if "readme-figure" in cell.metadata.get("tags", []):
            for out in cell.get("outputs", []):
                if "image/png" in out.get("data", {}):
                    return base64.b64decode(out["data"]["image/png"])
    raise ValueError(f"{name}: no executed cell tagged readme-figure with a PNG")


def course_files() -> dict[Path, bytes]:
    files = {}
    for path in sorted(SOURCE.glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        files[ROOT / "docs" / "figures" / f"{path.stem}.png"] = readme_figure(nb, path.name)
        files[ROOT / "student" / path.name] = (nbformat.writes(student_notebook(nb)) + "\n").encode()
    return files


def main(check: bool = False) -> int:
    stale = []
    for path, content in course_files().items():
        if check:
            if not path.exists() or path.read_bytes() != content:
                stale.append(str(path.relative_to(ROOT)))
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
    if stale:
        print(f"out of date: {', '.join(stale)}; run `make course-files` and commit.", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(check="--check" in sys.argv))
