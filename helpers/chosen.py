"""Settings a benchmark chose on the dev split, written down here so that the technique modules read no benchmark's
output folder. ``tests/unit/test_chosen.py`` keeps each equal to the result file it came from; re-running that
benchmark and changing its choice makes that test fail until the value here is updated.

- :data:`LLM_SHOT_IDS`, :data:`LLM_BIAS`: the four dev sentences of the logprob-scored prompt and its decision
  threshold on the log-odds (:func:`helpers.llm.chosen_prompt` rebuilds the prompt), the best candidate of
  ``benchmarks/llm_labeling.py``'s shot search (``benchmarks/results/llm_labeling.json``, ``shot_search[0]``).
  Taught in notebook 04.
"""

LLM_SHOT_IDS = ("3895", "7927", "2951", "5688")
LLM_BIAS = 0.2584

