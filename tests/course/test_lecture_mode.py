"""Lecture mode (LECTURE_MODE=1): the switch itself, and every notebook that uses it run top to bottom in it.

nbval checks the full run against the committed outputs. The lecture run is a different, smaller run (fewer seeds,
smaller samples), so its outputs are not compared; its notebooks must run without an error, and their asserts
(scaled to the smaller samples where needed) must hold. How long each takes is measured by
benchmarks/lecture_mode.py, not asserted here.
"""


import nbformat
import pytest
from nbclient import NotebookClient

from helpers import lecture_mode
from helpers.internal.paths import ROOT
from tests.notebook_list import NOTEBOOKS
from tests.servers import label_studio_or_skip

QUICK_NOTEBOOKS = [name for name in NOTEBOOKS if "QUICK" in (ROOT / "notebooks" / name).read_text()]


@pytest.mark.parametrize("value, expected", [("1", True), ("0", False), ("", False)])
def test_lecture_mode_switch(monkeypatch, capsys, value, expected):
    monkeypatch.setenv("LECTURE_MODE", value)
    assert lecture_mode() is expected
    assert ("Lecture mode" in capsys.readouterr().out) is expected


def test_lecture_mode_default_is_the_full_run(monkeypatch):
    monkeypatch.delenv("LECTURE_MODE", raising=False)
    assert lecture_mode() is False


def test_lecture_mode_rejects_other_values(monkeypatch):
    monkeypatch.setenv("LECTURE_MODE", "yes")
    with pytest.raises(ValueError, match="LECTURE_MODE must be 1"):
        lecture_mode()


def test_notebooks_that_take_long_have_a_lecture_mode():
    assert QUICK_NOTEBOOKS == ["02_active_learning.ipynb", "04_llm_labeling.ipynb", "05_noisy_labels.ipynb",
                               "06_hybrid_pipeline.ipynb",
                               "deep-dives/02b_active_learning_in_practice.ipynb",
                               "deep-dives/02c_does_the_saving_travel.ipynb",
                               "deep-dives/04a_when_llms_struggle.ipynb",
                               "deep-dives/04b_batches_and_requests_in_flight.ipynb",
                               "deep-dives/04c_models_shots_calibration_domains.ipynb",
                               "deep-dives/05a_where_confident_learning_shines.ipynb",
                               "deep-dives/05b_crowdlab_and_data_entry_errors.ipynb",
                               "deep-dives/06b_label_studio.ipynb",
                               "deep-dives/06c_past_one_machine.ipynb"]


@pytest.mark.slow
@pytest.mark.parametrize("name", QUICK_NOTEBOOKS)
def test_notebook_runs_in_lecture_mode(monkeypatch, name):
    if "label_studio" in name:
        label_studio_or_skip()
    monkeypatch.setenv("LECTURE_MODE", "1")  # the kernel inherits it
    nb = nbformat.read(ROOT / "notebooks" / name, as_version=4)
    NotebookClient(nb, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str((ROOT / "notebooks" / name).parent)}}).execute()
    first = next(c for c in nb.cells if c.cell_type == "code")
    assert "Lecture mode" in "".join(o.get("text", "") for o in first.outputs)
