"""Settings a benchmark chose on the dev split, written down here so that the technique modules read no benchmark's
output folder. ``tests/unit/test_chosen.py`` keeps each equal to the result file it came from; re-running that
benchmark and changing its choice makes that test fail until the value here is updated.

- :data:`LLM_SHOT_IDS`, :data:`LLM_BIAS`: the four dev sentences of the logprob-scored prompt and its decision
  threshold on the log-odds, the best candidate of ``benchmarks/llm_labeling.py``'s shot search
  (``benchmarks/results/llm_labeling.json``, ``shot_search[0]``). Taught in notebook 04.
"""

LLM_SHOT_IDS = ("3895", "7927", "2951", "5688")
LLM_BIAS = 0.2584


def chosen_prompt(df):
    """The chosen logprob-scored prompt and its threshold, rebuilt from the movie table ``df`` (``data.load()``):
    returns ``(ScoringPrompt, bias)``."""
    from helpers.llm import ScoringPrompt

    by_id = df.set_index("id")
    missing = [i for i in LLM_SHOT_IDS if i not in by_id.index]
    if missing:
        raise ValueError(f"the chosen shots {missing} are not in this table: pass the movie sentences, data.load()")
    shots = tuple((by_id.at[i, "text"], int(by_id.at[i, "label"])) for i in LLM_SHOT_IDS)
    return ScoringPrompt(shots), LLM_BIAS
