"""Every price of the series, in one place: the human label (the lecture's $0.30 and 5 minutes) and the LLM list
prices of the lecture's cost table, with the one formula that turns tokens into dollars."""

from __future__ import annotations

import math

from helpers.validate import choice

HUMAN_PRICE = 0.30  # dollars per human label (the lecture's figure)
HUMAN_MINUTES = 5.0  # minutes per human label (the lecture's figure)
LOCAL_MODEL = "local"  # the name the bundled server answers to, and its row here: free in dollars, paid in seconds
# USD per million (input, output) tokens: list prices of the models in the lecture's cost table
PRICES = {
    "gpt-4": (30.00, 60.00),
    "gpt-3.5-turbo": (0.50, 1.50),
    "claude-3-haiku": (0.25, 1.25),
    LOCAL_MODEL: (0.0, 0.0),
}


def token_cost(prompt_tokens: float, completion_tokens: float, model: str) -> float:
    """Dollars that many prompt and completion tokens cost at ``PRICES[model]``."""
    p_in, p_out = PRICES[choice(model, PRICES, "model to price as")]
    for name, n in (("prompt_tokens", prompt_tokens), ("completion_tokens", completion_tokens)):
        if not isinstance(n, (int, float)) or isinstance(n, bool) or not math.isfinite(n) or n < 0:
            raise ValueError(f"{name} must be a finite number >= 0, got {n!r}")
    return (prompt_tokens * p_in + completion_tokens * p_out) / 1e6
