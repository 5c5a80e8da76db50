"""Part 4 — LLM labeling through the official ``openai`` client, by default on a real local model.

One module per job, all re-exported here (``from helpers import llm``; ``llm.connect()``, ``llm.Labeler``, ...):

- :mod:`~helpers.llm.connection`: ``connect()``, an ``openai`` client for an endpoint or for a bundled model
  (SmolLM2-135M-Instruct, Gemma 3 270M) on llama.cpp's own server (its process: :mod:`helpers.internal.llm_server`);
- :mod:`~helpers.llm.prompts`: the lecture's prompt ladder, the batch prompt, the logprob-scored prompt, shots;
- :mod:`~helpers.llm.parsing`: labels from replies, batch replies by number, logprobs in every server's layout;
- :mod:`~helpers.llm.labeler`: the request path (thread pool, retries, response cache, ledger, budget guard) and
  its two labelers, generate-and-parse (the lecture's way) and logprob-scored;
- :mod:`~helpers.llm.calibration`: probabilities and thresholds from logprobs, contextual calibration;
- :mod:`~helpers.llm.evaluation`: accuracy, AUROC, reliability, routing and the spot check on the real sentences.

With ``OPENAI_BASE_URL`` set (and ``OPENAI_API_KEY``, ``OPENAI_MODEL`` as the endpoint needs), ``connect()``
starts nothing and the very same code labels with OpenAI, Ollama or vLLM.
"""

from helpers.llm.calibration import CONTENT_FREE, content_free_logp, fit_bias, proba_from_logprobs
from helpers.llm.connection import Connection, connect
from helpers.llm.errors import HOW_TO_START, BudgetExceeded, LLMError
from helpers.llm.evaluation import (
    CLEAR,
    accuracy_coverage,
    clear_items,
    confidence_auroc,
    hybrid_labeling,
    reliability,
    score_quality,
    validate_llm_labels,
)
from helpers.llm.labeler import CHARS_PER_TOKEN, Labeler, Ledger, ResponseCache, estimate_cost
from helpers.llm.parsing import parse_batch_reply, parse_json_reply, parse_label, read_top_logprobs
from helpers.llm.prompts import (
    DEFINITIONS,
    ScoringPrompt,
    bare_messages,
    batch_messages,
    chosen_prompt,
    class_shots,
    few_shot_messages,
    json_messages,
    pick_shots,
    role_messages,
)
from helpers.pricing import LOCAL_MODEL, PRICES
