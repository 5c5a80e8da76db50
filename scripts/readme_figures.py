"""Copy one figure per notebook, from the notebooks' own executed outputs, to docs/figures/ for the README.

Run: .venv/bin/python scripts/readme_figures.py          (after re-executing a notebook)
     .venv/bin/python scripts/readme_figures.py --check  (exit 1 if docs/figures/ is out of date)

The figure is the first PNG of the cell tagged ``readme-figure``.
"""

import base64
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "docs" / "figures"


def figure(path: Path) -> bytes:
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if "readme-figure" in cell.metadata.get("tags", []):
            for out in cell.get("outputs", []):
                if "image/png" in out.get("data", {}):
                    return base64.b64decode(out["data"]["image/png"])
    raise ValueError(f"{path.name}: no executed cell tagged readme-figure with a PNG")


def main(check: bool = False) -> int:
    TARGET.mkdir(parents=True, exist_ok=True)
    stale = []
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        png, out = figure(path), TARGET / f"{path.stem}.png"
        if check:
            if not out.exists() or out.read_bytes() != png:
                stale.append(out.name)
        else:
            out.write_bytes(png)
    if stale:
        print(f"docs/figures/ is out of date ({', '.join(stale)}): run `make figures` and commit.", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(check="--check" in sys.argv))
