"""Companion package of the notebook series "Optimizing the Labeling Process": the techniques the notebooks teach.

One module per lecture part, each named for its notebook:

- ``cost`` (01): what labels cost, the k-rater vote, accuracy against labels bought;
- ``active`` (02): uncertainty scores, the modAL loop over many seeds, BALD with Baal, learning curves;
- ``weak`` (03): labeling functions, their agreement equations, the label model, the weighted vote;
- ``llm`` (04): ``connect()``, prompts, parsing, logprobs to P(positive), the labeler with its ledger and budget;
- ``noise`` (05): out-of-fold probabilities, cleanlab's label issues, the remedies;
- ``pipeline`` (06): the hybrid pipeline's stages over one pool and one cost ledger;
- ``scale`` (06c): the embedding and LLM stages on Ray; ``labelstudio`` (06b): a client for Label Studio.

The layers under them: ``labels`` (ids, ``ABSTAIN``, the vote), ``data`` (the real multi-rater sentences),
``features`` (embeddings, TF-IDF, the downstream classifier), ``stats`` (the interval of a difference),
``pricing`` (the one price list), ``chosen`` (settings a benchmark chose on dev), ``validate`` (input checks) and
``plotting``. ``seed_everything`` and ``lecture_mode`` are the two calls every notebook makes first.

What no notebook teaches (downloads and checksums, the LLM server's and Label Studio's processes, caches, seeding,
``python -m helpers.internal.prepare``) is in :mod:`helpers.internal`. Submodules are imported when first used, so
``import helpers`` is quick.
"""

import importlib

MODULES = ("active", "chosen", "cost", "data", "features", "labels", "labelstudio", "llm", "noise", "pipeline",
           "plotting", "pricing", "scale", "stats", "validate", "weak")
__all__ = [*MODULES, "lecture_mode", "seed_everything"]


def __getattr__(name):
    if name in MODULES:
        return importlib.import_module(f"helpers.{name}")
    if name in ("lecture_mode", "seed_everything"):
        return getattr(importlib.import_module("helpers.internal.seeding"), name)
    raise AttributeError(f"module 'helpers' has no attribute {name!r}; its modules are {', '.join(MODULES)}")


def __dir__():
    return __all__
