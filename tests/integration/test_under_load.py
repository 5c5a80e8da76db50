"""Notebook 04 is compared by nbval on a loaded machine with a cold response cache (tests/nbval_config.py): the
failure this guards against is a greedy generation that changed with timing and machine load. Here: that the hooks
load the machine for notebook 04's cells only, give its kernel an empty cache of its own, and put everything back."""

import os
from pathlib import Path

from tests import nbval_config as cfg


class Cell:
    def __init__(self, notebook):
        self.path = Path("notebooks") / notebook


def test_notebook_04_runs_with_a_core_kept_busy_and_a_cold_cache(monkeypatch):
    monkeypatch.setenv("LABELING_LLM_CACHE", "/the/students/cache")
    before, first, second, after = (Cell("03_weak_supervision.ipynb"), Cell("04_llm_labeling.ipynb"),
                                    Cell("04_llm_labeling.ipynb"), Cell("05_noisy_labels.ipynb"))
    cfg.pytest_runtest_setup(before)
    assert not cfg._load
    cfg.pytest_runtest_setup(first)
    busy, cache = cfg._load["busy"], Path(os.environ["LABELING_LLM_CACHE"])
    try:
        assert busy.poll() is None and cache.is_dir() and not any(cache.iterdir())
        cfg.pytest_runtest_teardown(first, second)
        cfg.pytest_runtest_setup(second)
        assert cfg._load["busy"] is busy and busy.poll() is None  # one busy loop for the whole notebook
        cfg.pytest_runtest_teardown(second, after)
        assert busy.poll() is not None and not cache.exists()
        assert os.environ["LABELING_LLM_CACHE"] == "/the/students/cache" and not cfg._load
    finally:
        busy.kill()
        busy.wait()


def test_an_interrupted_run_stops_the_busy_loop():
    cfg.pytest_runtest_setup(Cell("04_llm_labeling.ipynb"))
    busy = cfg._load["busy"]
    cfg.pytest_unconfigure(None)
    assert busy.poll() is not None and not cfg._load
