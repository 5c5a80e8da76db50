"""Companion package of the notebook series "Optimizing the Labeling Process".

One module per lecture part — ``cost`` (Part 1), ``active`` (2), ``weak`` (3), ``llm`` (4), ``noise`` (5),
``pipeline`` (6) — over the shared layers: ``labels`` (the label conventions: ids, ``ABSTAIN``, confidence, drawing
raters, majority vote), ``data`` (the real multi-rater sentences), ``features`` (sentence embeddings, TF-IDF, the
downstream classifier), ``validate`` (input checks), ``results`` (the benchmarks' figures), ``stats`` (the interval
of a measured difference), ``checks`` (exercise checks), ``plotting`` and ``seeding`` (with the lecture-mode switch).
"""

from helpers import (
                     active,
                     checks,
                     cost,
                     data,
                     features,
                     labels,
                     llm,
                     noise,
                     pipeline,
                     plotting,
                     results,
                     seeding,
                     validate,
                     weak,
)
from helpers.seeding import lecture_mode, seed_everything

__all__ = ["active", "checks", "cost", "data", "features", "labels", "llm", "noise", "pipeline", "plotting", "results",
           "seeding", "stats", "validate", "weak", "lecture_mode", "seed_everything"]
