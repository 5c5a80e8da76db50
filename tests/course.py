"""The series' notebooks as the tests see them: the core notebooks (notebooks/NN_*.ipynb) in lecture order, then the
deep dives (notebooks/deep-dives/*.ipynb), as paths relative to notebooks/ (scripts/course_files.py lists the same)."""

from pathlib import Path

NOTEBOOKS_DIR = Path(__file__).resolve().parent.parent / "notebooks"
CORE = sorted(p.name for p in NOTEBOOKS_DIR.glob("*.ipynb"))
DEEP_DIVES = sorted(f"deep-dives/{p.name}" for p in (NOTEBOOKS_DIR / "deep-dives").glob("*.ipynb"))
NOTEBOOKS = CORE + DEEP_DIVES
