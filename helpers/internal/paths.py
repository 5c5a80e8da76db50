"""Where the repository and its data folder are: the one place both are found, each overridable by one environment
variable (read at import). ``LABELING_ROOT``: the repository (default: the folder above ``helpers/``);
``LABELING_DATA_DIR``: the derived data, models and caches (default: ``data/`` in the repository)."""

import os
from pathlib import Path

ROOT = Path(os.environ.get("LABELING_ROOT") or Path(__file__).resolve().parents[2])
DATA_DIR = Path(os.environ.get("LABELING_DATA_DIR") or ROOT / "data")
