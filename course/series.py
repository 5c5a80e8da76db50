"""The series' own notebooks, in reading order: the one list the course files, the reading map, the site, the
timing benchmark and the tests all walk."""

from pathlib import Path

from helpers.internal.paths import ROOT


def notebooks(root: Path = ROOT) -> list[Path]:
    """The core notebooks (notebooks/NN_*.ipynb) in lecture order, then the deep dives (notebooks/deep-dives/)."""
    folder = root / "notebooks"
    return sorted(folder.glob("[0-9][0-9]_*.ipynb")) + sorted((folder / "deep-dives").glob("*.ipynb"))


def is_core(path: Path) -> bool:
    """A core notebook of the lab, not a deep dive."""
    return path.parent.name != "deep-dives"
