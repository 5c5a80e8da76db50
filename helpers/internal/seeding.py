"""The first cell of every notebook: one seeding helper (for notebooks, tests and benchmarks) and the lecture-mode
switch."""

import contextlib
import os
import random
import sys

import numpy as np

SEED = 0


def seed_everything(seed: int = SEED) -> np.random.Generator:
    """Seed Python, NumPy and torch (if already imported) and return a NumPy Generator seeded the same way.

    Called in the first code cell of every notebook (``helpers.seed_everything()``) so that nbval sees the same
    numbers on every run. torch is seeded only when the notebook imported it first: importing it just to seed it
    costs about 2 s per notebook, and the helpers that use torch take their randomness from their own seeded
    generators (Snorkel's LabelModel seeds itself; the series runs torch on the CPU only, whose kernels are
    deterministic).

    Args:
        seed: a whole number from 0 to 2**32 - 1; also set as ``PYTHONHASHSEED`` for child processes.

    Returns:
        A ``numpy.random.Generator`` seeded with ``seed``.

    Raises:
        ValueError: for a seed that is not a whole number in that range.
    """
    # checked before anything is set: a PYTHONHASHSEED outside 0..4294967295 makes every child Python die at start
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or not 0 <= seed <= 2**32 - 1:
        raise ValueError(f"seed must be a whole number from 0 to {2**32 - 1}, got {seed!r}")
    seed = int(seed)
    os.environ["PYTHONHASHSEED"] = str(seed)  # for subprocesses; this interpreter's hash seed is already fixed
    random.seed(seed)
    np.random.seed(seed)
    if "torch" in sys.modules:
        sys.modules["torch"].manual_seed(seed)
    return np.random.default_rng(seed)


@contextlib.contextmanager
def numpy_global_seed(seed: int):
    """NumPy's global generator seeded with ``seed`` inside the block, and put back as it was after: for libraries
    that draw from it (cleanlab's noise generation, Baal's stochastic heuristics), so that a helper is repeatable
    without changing the random numbers of the student's own code."""
    state = np.random.get_state()
    np.random.seed(seed)
    try:
        yield
    finally:
        np.random.set_state(state)


LECTURE_MODE = "LECTURE_MODE"


def lecture_mode() -> bool:
    """True when the environment variable LECTURE_MODE is 1: the quick, lecture-length run of every notebook.

    In lecture mode the long-running cells use fewer seeds and smaller samples, so that each notebook runs live in
    at most 30 s (``make lecture`` opens JupyterLab with it set); it then prints a line saying so. The full run, the
    default, is the one for homework and the one nbval checks. A notebook can also be switched by hand in its first
    cell (``QUICK = True``).

    Returns:
        True for LECTURE_MODE=1; False when it is 0, empty or unset.

    Raises:
        ValueError: for any other value of LECTURE_MODE.
    """
    value = os.environ.get(LECTURE_MODE, "0").strip()
    if value not in ("0", "1", ""):
        raise ValueError(f"{LECTURE_MODE} must be 1 (lecture-length run) or 0 (full run), not {value!r}")
    if value == "1":
        print("Lecture mode: fewer seeds and smaller samples, so the numbers differ from the full run.")
    return value == "1"
