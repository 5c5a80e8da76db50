"""The settings a benchmark chose on dev (helpers.chosen) equal what its result file recorded."""

import json

from helpers import chosen, llm
from helpers.internal.paths import ROOT


def test_the_llm_prompt_settings_are_the_benchmarks_best_candidate():
    best = json.loads((ROOT / "benchmarks" / "results" / "llm_labeling.json").read_text())["shot_search"][0]
    assert (list(chosen.LLM_SHOT_IDS), chosen.LLM_BIAS) == (best["shot_ids"], best["bias"])


def test_a_table_without_the_shots_is_refused():
    import pandas as pd
    import pytest

    with pytest.raises(ValueError, match="not in this table"):
        llm.chosen_prompt(pd.DataFrame({"id": ["1"], "text": ["a"], "label": [1]}))
