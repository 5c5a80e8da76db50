"""Notebook 04's live LLM cells give the committed outputs on a loaded machine: nbval runs the notebook with a cold
response cache while another process keeps a core busy (bounded: it stops by itself after 15 minutes, and when the
test ends). The failure this guards against: a greedy generation that changed with timing and machine load."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BUSY = "import time\nend = time.monotonic() + 900\nwhile time.monotonic() < end:\n    pass\n"


@pytest.mark.slow
def test_notebook_04_gives_the_committed_outputs_with_the_other_core_busy(tmp_path):
    busy = subprocess.Popen([sys.executable, "-c", BUSY])
    try:
        env = {**os.environ, "LABELING_LLM_CACHE": str(tmp_path / "llm-cache")}  # cold: every request computed
        done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--nbval",
                               "--nbval-current-env", "-p", "tests.nbval_config", "--nbval-sanitize-with",
                               "tests/nbval_sanitize.cfg", "notebooks/04_llm_labeling.ipynb"],
                              cwd=ROOT, env=env, capture_output=True, text=True, timeout=1200)
    finally:
        busy.kill()
        busy.wait()
    assert done.returncode == 0, done.stdout[-4000:]
