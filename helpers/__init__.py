"""Companion package of the notebook series "Optimizing the Labeling Process".

One module per lecture part — ``cost`` (Part 1), ``active`` (2), ``weak`` (3), ``llm`` (4), ``noise`` (5), ``pipeline`` (6) — plus the shared
layers: ``data`` (the real multi-rater sentences), ``features`` (sentence embeddings, TF-IDF), ``checks`` (exercise
checks), ``plotting`` and ``seeding`` (with the lecture-mode switch).
"""

from helpers import active, checks, cost, data, features, llm, noise, pipeline, plotting, seeding, weak
from helpers.seeding import lecture_mode, seed_everything

__all__ = ["active", "checks", "cost", "data", "features", "llm", "noise", "pipeline", "plotting", "seeding", "weak", "lecture_mode", "seed_everything"]
