"""From label-word log-probabilities to a probability and a decision threshold: the two-word log-odds, a threshold
fitted on labeled dev items, and contextual calibration (Zhao et al. 2021), which finds one without labels.

Taught in notebook 04 (probabilities from logprobs, the fitted threshold) and deep dives 04a and 04c (contextual
calibration); used by deep dive 06c.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from helpers.llm.prompts import ScoringPrompt
from helpers.validate import text_list

if TYPE_CHECKING:
    from helpers.llm.labeler import Labeler


def proba_from_logprobs(logp: np.ndarray, bias: float = 0.0) -> np.ndarray:
    """P(positive) from the two label words' logprobs, renormalised over the two words.

    Args:
        logp: log P(word) per item, shape (n, 2), columns (negative word, positive word), as ``Labeler.score``
            returns them.
        bias: a decision threshold on the log-odds (fitted on the dev split), so P = 0.5 sits at it; 0.0 for none.

    Returns:
        P(positive) per item, a float array of shape (n,) with values in [0, 1].
    """
    return 1.0 / (1.0 + np.exp(-(logp[:, 1] - logp[:, 0] - bias)))


CONTENT_FREE = ("N/A", "", "[MASK]")  # Zhao et al. (2021)'s content-free inputs


def content_free_logp(labeler: "Labeler", prompt: ScoringPrompt, inputs=CONTENT_FREE) -> np.ndarray:
    """Contextual calibration (Zhao et al. 2021), its one measurement: what the prompt's label words get when the
    review says nothing. Returns log of the label-word probabilities (renormalised over the words) averaged over the
    content-free ``inputs``; subtract it from an item's logprobs to remove the prompt's own lean. For two words, its
    log-odds ``cf[1] - cf[0]`` is a ``bias`` for ``proba_from_logprobs``, found without a single label.

    Args:
        labeler: the ``Labeler`` whose model is calibrated; one scoring request per input.
        prompt: the ``ScoringPrompt`` to calibrate (any number of label words).
        inputs: the content-free reviews, a list of strings; by default ``CONTENT_FREE`` ("N/A", "", "[MASK]").

    Returns:
        A float array of shape (len(prompt.words),): the log of each label word's mean renormalised probability.

    Raises:
        TypeError: if ``inputs`` is one string or a dict rather than a list.
        ValueError: if ``inputs`` is empty.
    """
    logp = labeler.score([prompt(t) for t in text_list(inputs, "inputs")], words=prompt.words)
    p = np.exp(logp - logp.max(axis=1, keepdims=True))
    return np.log((p / p.sum(axis=1, keepdims=True)).mean(axis=0))


def fit_bias(logp: np.ndarray, y: np.ndarray) -> float:
    """The log-odds threshold that maximises accuracy on labeled (dev) items; midpoints between sorted scores."""
    d = logp[:, 1] - logp[:, 0]
    s = np.sort(d)
    cands = np.concatenate([[s[0] - 1], (s[1:] + s[:-1]) / 2, [s[-1] + 1]])
    accs = [((d > c) == y).mean() for c in cands]
    best = np.flatnonzero(np.isclose(accs, max(accs)))
    return float(cands[best[len(best) // 2]])  # the middle of the best plateau
