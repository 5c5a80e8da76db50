"""Companion package of the notebook series "Optimizing the Labeling Process".

One module per lecture part (``cost`` for Part 1, ...) plus the shared layers: ``data`` (the real multi-rater
sentences), ``features`` (sentence embeddings, TF-IDF), ``plotting`` and ``seeding``.
"""

from helpers import cost, data, features, plotting, seeding
from helpers.seeding import seed_everything

__all__ = ["cost", "data", "features", "plotting", "seeding", "seed_everything"]
