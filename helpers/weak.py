"""Part 3 of the lecture, weak supervision: labeling functions for the movie sentences, Snorkel's label model,
and the lecture's math done by hand — LF accuracies from pairwise agreements (torch and closed form), log-odds
weights and the weighted vote. Taught in notebook 03; used by deep dives 03a and 03b and by notebook 06's
pipeline.
"""

from __future__ import annotations

import itertools
import re

import numpy as np
import pandas as pd

from helpers.labels import ABSTAIN, NEGATIVE, POSITIVE, check_votes, draw_raters, majority_vote, vote
from helpers.validate import choice, finite, positive, share, text_list, whole

# ----------------------------------------------------------------------------------------------- labeling functions
# Keyword lists a film critic would write down without looking at the data.
POSITIVE_WORDS = frozenset("""
amazing beautiful beautifully best brilliant charming compelling delight delightful effective engaging
enjoyable entertaining excellent exhilarating fascinating fine fun funny gem good gorgeous great hilarious
impressive inspired intelligent love loved lovely masterful masterpiece moving perfect pleasure powerful refreshing
remarkable rich satisfying smart solid stunning superb sweet terrific thoughtful touching triumph warm wonderful
""".split())
NEGATIVE_WORDS = frozenset("""
annoying awful bad bland boring clumsy contrived dreadful dull embarrassing empty fails flat forgettable
horrible incoherent lame lifeless mediocre mess messy pointless poor predictable pretentious ridiculous shallow
silly sloppy stale stupid tedious terrible tiresome tired ugly unfunny uninspired waste weak worse worst
""".split())
NEGATORS = frozenset("not no never nothing neither nor hardly barely without isn't wasn't aren't doesn't don't "
                     "didn't can't cannot couldn't won't wouldn't shouldn't".split())
TOO_WORDS = re.compile(r"\btoo (long|slow|much|many|little|often|late|thin|familiar|obvious|predictable|"
                       r"self[- ]\w+|silly|simplistic|bland|contrived|heavy|busy|cute|clever|pat)\b")


def tokens(text: str) -> list[str]:
    return re.findall(r"[a-z]+(?:'[a-z]+)?", text.lower())


def keyword_vote(text: str, window: int = 3) -> int:
    """Net keyword vote with negation: a sentiment word preceded (within ``window`` tokens) by a negator counts
    for the other side ("not good" is negative, "not bad" positive). Ties and no keywords abstain.

    Args:
        text: one sentence.
        window: how many tokens before a sentiment word are searched for a negator.

    Returns:
        ``POSITIVE`` (1), ``NEGATIVE`` (0) or ``ABSTAIN`` (-1).
    """
    toks = tokens(text)
    score = 0
    for i, tok in enumerate(toks):
        side = 1 if tok in POSITIVE_WORDS else -1 if tok in NEGATIVE_WORDS else 0
        if side and any(t in NEGATORS or t.endswith("n't") for t in toks[max(0, i - window): i]):
            side = -side
        score += side
    return POSITIVE if score > 0 else NEGATIVE if score < 0 else ABSTAIN


def add_lf_inputs(df: pd.DataFrame, embeddings: np.ndarray, dev_mask=None) -> pd.DataFrame:
    """Columns the labeling functions read, computed once for all rows; Snorkel then applies the LFs.

    Args:
        df: the sentences, with a text column (and label, when ``dev_mask`` is given).
        embeddings: their embeddings, shape (len(df), d), row-aligned with ``df``.
        dev_mask: a boolean per row marking the rows whose gold labels train the dev-model LF; None for no such
            column.

    Returns:
        A copy of ``df`` with the columns vader (VADER's compound score, -1..1), textblob (TextBlob's polarity,
        -1..1), prototype (:func:`prototype_scores`), keywords (:func:`keyword_vote`) and, with ``dev_mask``,
        dev_model (P(POSITIVE) from a logistic regression trained on those rows only).

    Raises:
        ValueError: if ``df`` and ``embeddings`` differ in length.
    """
    from helpers.features import classifier

    if len(df) != len(embeddings):
        raise ValueError(f"{len(df)} sentences but {len(embeddings)} embedding rows: pass the rows of the same items")
    out = df.copy()
    out[["vader", "textblob"]] = lexicon_scores(out["text"])
    out["prototype"] = prototype_scores(embeddings)
    out["keywords"] = [keyword_vote(t) for t in out["text"]]
    if dev_mask is not None:
        dev_mask = np.asarray(dev_mask, dtype=bool)
        dev_model = classifier().fit(embeddings[dev_mask], out["label"].to_numpy()[dev_mask])
        out["dev_model"] = dev_model.predict_proba(embeddings)[:, 1]
    return out


def lexicon_scores(texts) -> np.ndarray:
    """VADER's compound score and TextBlob's polarity of each text (n x 2). Scoring all movie sentences takes the
    two lexicons about 3.5 s, so their scores are cached like the embeddings (``make data`` fills the cache) and
    looked up by text; any other text is scored on the spot."""
    from helpers.data import load
    from helpers.internal.embeddings import cached_per_text

    texts = text_list(texts)
    corpus = load("movies")["text"].tolist()
    known = dict(zip(corpus, cached_per_text("lexicon-vader-textblob", corpus, score_lexicons)))
    new = [t for t in dict.fromkeys(texts) if t not in known]
    if new:
        known.update(zip(new, score_lexicons(new)))
    return np.array([known[t] for t in texts]).reshape(len(texts), 2)


def score_lexicons(texts) -> np.ndarray:
    """The two lexicon scores of each text, computed now (``lexicon_scores`` caches them)."""
    from textblob import TextBlob
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    vader = SentimentIntensityAnalyzer()
    return np.array([[vader.polarity_scores(t)["compound"], TextBlob(t).sentiment.polarity] for t in texts])


# lf_prototype votes when the score is at least this far from 0, chosen on the dev split (benchmarks/dev_choices.py)
PROTOTYPE_THRESHOLD = 0.02

PROTOTYPES = {
    POSITIVE: ["a great movie", "an excellent, moving film", "a wonderful, funny and touching film",
               "one of the best films of the year", "a masterpiece"],
    NEGATIVE: ["a bad movie", "a boring, tedious film", "a terrible waste of time",
               "one of the worst films of the year", "a dull, stupid mess"],
}


def prototype_scores(embeddings: np.ndarray) -> np.ndarray:
    """Mean cosine similarity to positive prototype phrases minus that to negative ones (the series' embeddings; the
    phrases' embeddings come from the cache that ``make data`` fills, which saves loading the encoder)."""
    from helpers.features import embed

    pos, neg = (embed(PROTOTYPES[c], progress=False) for c in (POSITIVE, NEGATIVE))
    return (embeddings @ pos.T).mean(axis=1) - (embeddings @ neg.T).mean(axis=1)


def make_lfs(include_dev_model: bool = True, prototype_threshold: float = PROTOTYPE_THRESHOLD):
    """The series' labeling functions, as Snorkel LFs: keyword/pattern and external-knowledge ones. (Notebook 03
    writes the lecture's two heuristics, ``lf_exclamation`` and ``lf_short``, itself, measures them on dev and
    drops them: both are worse than a coin on these sentences.)

    Args:
        include_dev_model: add ``lf_dev_model``, which reads the dev_model column of :func:`add_lf_inputs`.
        prototype_threshold: how far from 0 the prototype score must be for ``lf_prototype`` to vote, >= 0
            (``PROTOTYPE_THRESHOLD``, chosen on dev, by default).

    Returns:
        A list of Snorkel ``LabelingFunction`` objects: lf_keywords, lf_too_much, lf_vader, lf_textblob,
        lf_prototype (and lf_dev_model); they read the columns of :func:`add_lf_inputs`.

    Raises:
        ValueError: for a negative or non-finite ``prototype_threshold``.
    """
    from snorkel.labeling import labeling_function

    prototype_threshold = finite(prototype_threshold, "prototype_threshold (a distance of the score from 0)", 0)

    def by_threshold(value, threshold):
        return POSITIVE if value >= threshold else NEGATIVE if value <= -threshold else ABSTAIN

    # keyword / pattern
    @labeling_function()
    def lf_keywords(x):
        return x.keywords

    @labeling_function()
    def lf_too_much(x):
        return NEGATIVE if TOO_WORDS.search(x.text.lower()) else ABSTAIN

    # external knowledge
    @labeling_function()
    def lf_vader(x):
        return by_threshold(x.vader, 0.3)

    @labeling_function()
    def lf_textblob(x):
        return by_threshold(x.textblob, 0.1)

    @labeling_function()
    def lf_prototype(x):
        return by_threshold(x.prototype, prototype_threshold)

    lfs = [lf_keywords, lf_too_much, lf_vader, lf_textblob, lf_prototype]
    if include_dev_model:
        @labeling_function()
        def lf_dev_model(x):
            return by_threshold(x.dev_model - 0.5, 0.1)

        lfs.append(lf_dev_model)
    return lfs


def apply_lfs(df: pd.DataFrame, lfs) -> np.ndarray:
    """The label matrix L (items x LFs; -1 abstain), with Snorkel's ``LFApplier`` over the rows as named tuples:
    the same matrix as ``PandasLFApplier`` (notebook 03), about three times faster, because reading a field of a
    named tuple is cheaper than reading one of a pandas Series."""
    from snorkel.labeling import LFApplier

    return LFApplier(lfs=lfs).apply(list(df.itertuples(index=False)), progress_bar=False)


def lf_summary(L: np.ndarray, lfs, y=None) -> pd.DataFrame:
    """Snorkel's LFAnalysis summary (polarity, coverage, overlaps, conflicts, and accuracy if ``y`` is given)."""
    import warnings

    from snorkel.labeling import LFAnalysis

    with warnings.catch_warnings():  # scipy warns about snorkel's int matrices; nothing for a student to act on
        warnings.simplefilter("ignore", FutureWarning)
        return LFAnalysis(L=L, lfs=lfs).lf_summary(Y=None if y is None else np.asarray(y))


def lf_accuracies(L: np.ndarray, y) -> np.ndarray:
    """True accuracy of each LF on the items it labels: Snorkel's empirical accuracy, but NaN, not Snorkel's 0,
    for an LF that labels nothing.

    Args:
        L: the label matrix, items x LFs, values -1 (abstain), 0 or 1.
        y: the true labels, shape (items,).

    Returns:
        A float array, one accuracy per LF, in [0, 1] (NaN for an LF that never votes).

    Raises:
        ValueError: if ``L`` is not a 2-D matrix of -1, 0 and 1.
    """
    from snorkel.labeling import LFAnalysis

    check_votes(L)
    L = np.asarray(L)
    accuracy = LFAnalysis(L=L).lf_empirical_accuracies(np.asarray(y)).astype(float)
    return np.where((L != ABSTAIN).any(axis=0), accuracy, np.nan)


# ----------------------------------------------------------------------------------------------- the lecture's math
def agreement_rates(L: np.ndarray, min_overlap: int = 1) -> dict[tuple[int, int], float]:
    """Agreement of every pair of LFs, measured on the items both label.

    Args:
        L: the label matrix, items x LFs, values -1 (abstain), 0 or 1.
        min_overlap: the fewest items both must label for a pair to be kept.

    Returns:
        ``{(i, j): rate}`` for LF columns i < j, rates in [0, 1].

    Raises:
        ValueError: if ``L`` is not a 2-D matrix of -1, 0 and 1.
    """
    L = check_votes(L)
    rates = {}
    for i, j in itertools.combinations(range(L.shape[1]), 2):
        both = (L[:, i] != ABSTAIN) & (L[:, j] != ABSTAIN)
        if both.sum() >= min_overlap:
            rates[(i, j)] = float(np.mean(L[both, i] == L[both, j]))
    return rates


def predicted_agreement(alpha, pairs):
    """alpha_i alpha_j + (1 - alpha_i)(1 - alpha_j) for each pair: the agreement two independent LFs of these
    accuracies would show.

    Args:
        alpha: the LFs' accuracies, a 1-D torch tensor (it may require grad).
        pairs: the (i, j) index pairs, e.g. the keys of :func:`agreement_rates`.

    Returns:
        A torch tensor, one predicted agreement per pair, that keeps the graph (for gradient descent).
    """
    import torch

    i, j = torch.tensor(pairs, dtype=torch.long).reshape(-1, 2).T
    return alpha[i] * alpha[j] + (1 - alpha[i]) * (1 - alpha[j])


def solve_lf_accuracies(agreements: dict[tuple[int, int], float], n_lfs: int, steps: int = 3000, lr: float = 0.1,
                        init: float = 0.7, clamp: tuple[float, float] = (0.5, 1.0)):
    """LF accuracies from pairwise agreement rates alone, by gradient descent (the lecture's torch solver, fixed).

    Minimises the squared error between observed and predicted agreements; after each step the accuracies are
    clamped to ``clamp`` as in the lecture (an LF worse than a coin would be flipped).

    Args:
        agreements: ``{(i, j): rate}`` (:func:`agreement_rates`).
        n_lfs: the number of LFs, at least 3 (with fewer the equations do not determine the accuracies).
        steps: gradient steps.
        lr: the step size, > 0.
        init: the starting accuracy of every LF, in [0, 1].
        clamp: the (low, high) bounds the accuracies are kept within after each step.

    Returns:
        ``(alpha, loss)``: the accuracies as a float array of shape (n_lfs,) and the final squared error.

    Raises:
        ValueError: for fewer than 3 LFs, an LF in fewer than two pairs, or bad ``steps``, ``lr`` or ``init``.
    """
    import torch

    whole(n_lfs, "n_lfs", 0), whole(steps, "steps", 1), positive(lr, "lr (the step size)")
    share(init, "init (a starting accuracy)")
    if n_lfs < 3:
        raise ValueError(f"need at least 3 LFs to solve for their accuracies, got {n_lfs}")
    pairs = list(agreements)
    counts = np.bincount(np.ravel(pairs), minlength=n_lfs) if pairs else np.zeros(n_lfs)
    if (counts < 2).any():
        raise ValueError(f"LFs {np.flatnonzero(counts < 2).tolist()} overlap with fewer than two others")
    observed = torch.tensor([agreements[p] for p in pairs], dtype=torch.float64)
    alpha = torch.full((n_lfs,), init, dtype=torch.float64, requires_grad=True)
    for _ in range(steps):
        loss = ((predicted_agreement(alpha, pairs) - observed) ** 2).sum()
        loss.backward()
        with torch.no_grad():
            alpha -= lr * alpha.grad
            alpha.grad.zero_()
            alpha.clamp_(*clamp)
    with torch.no_grad():
        loss = float(((predicted_agreement(alpha, pairs) - observed) ** 2).sum())
    return alpha.detach().numpy(), loss


def triplet_accuracy(a_ij: float, a_ik: float, a_jk: float) -> float:
    """Closed form for LF i from the agreements of a triplet: (2a_i - 1)^2 = (2a_ij-1)(2a_ik-1)/(2a_jk-1).

    Args:
        a_ij, a_ik: the agreement rates of LF i with LFs j and k, in [0, 1].
        a_jk: the agreement rate of LFs j and k (not 0.5: the formula divides by 2a_jk - 1).

    Returns:
        The accuracy of LF i, a float in [0.5, 1].

    Raises:
        ValueError: if the agreements admit no accuracy in [0.5, 1].
    """
    squared = (2 * a_ij - 1) * (2 * a_ik - 1) / (2 * a_jk - 1)
    if not 0 <= squared <= 1:
        raise ValueError(f"these agreements admit no accuracy in [0.5, 1] ((2a-1)^2 = {squared:.3f})")
    return (1 + np.sqrt(squared)) / 2


MAX_ACCURACY = 0.999  # an accuracy of 1 (an LF never wrong on the items measured) would be an infinite weight


def log_odds_weight(alpha):
    """w = log(alpha / (1 - alpha)): the vote weight of an LF with accuracy alpha. An accuracy of 1 is capped at
    :data:`MAX_ACCURACY` (w = 6.9, not infinity); an unknown accuracy (NaN: the LF never fired where it was
    measured) gives w = 0, no say in the vote.

    Args:
        alpha: one accuracy or an array of them, in [0, 1] (NaN allowed).

    Returns:
        The weights, a float array of ``alpha``'s shape: positive above 0.5, 0 at 0.5 and for NaN, negative below.

    Raises:
        ValueError: for an accuracy outside [0, 1].
    """
    if np.asarray(alpha).dtype.kind not in "biuf":
        raise TypeError(f"accuracies are numbers in [0, 1] (NaN: unknown), got {str(alpha)[:40]!r}")
    alpha = np.asarray(alpha, dtype=float)
    if ((alpha < 0) | (alpha > 1)).any():
        raise ValueError(f"accuracies are in [0, 1], got {alpha[(alpha < 0) | (alpha > 1)][:3].tolist()}")
    capped = np.clip(alpha, 1 - MAX_ACCURACY, MAX_ACCURACY)
    return np.where(np.isnan(alpha), 0.0, np.log(capped / (1 - capped)))


def weighted_vote_proba(L: np.ndarray, weights) -> np.ndarray:
    """Class probabilities from a weighted vote: each class scores the sum of the weights of the LFs voting for it,
    and a softmax turns scores into probabilities. Rows where every LF abstains get [0.5, 0.5].

    Args:
        L: the label matrix, items x LFs, values -1 (abstain), 0 or 1.
        weights: one finite weight per LF (:func:`log_odds_weight`).

    Returns:
        A float array of shape (items, 2): P(NEGATIVE), P(POSITIVE) per item.

    Raises:
        ValueError: for a bad ``L``, the wrong number of weights, or a weight that is not finite.
    """
    from scipy.special import softmax

    L = check_votes(L)
    weights = np.asarray(weights, dtype=float)
    if weights.shape != (L.shape[1],):
        raise ValueError(f"need one weight per LF ({L.shape[1]}), got shape {weights.shape}")
    if not np.isfinite(weights).all():
        raise ValueError(f"the weights of LFs {np.flatnonzero(~np.isfinite(weights)).tolist()} are not finite "
                         f"({weights[~np.isfinite(weights)].tolist()}); log_odds_weight caps them")
    scores = np.stack([((L == c) * weights).sum(axis=1) for c in (NEGATIVE, POSITIVE)], axis=1)
    return softmax(scores, axis=1)


def covered_accuracy(pred, y) -> tuple[float, float]:
    """(accuracy on the items with a label, coverage): the two numbers every labeler is judged by here.

    Args:
        pred: predicted labels, ``ABSTAIN`` (-1) where the labeler gave none, shape (n,).
        y: the true labels, shape (n,).

    Returns:
        ``(accuracy, coverage)``, both shares in [0, 1]; accuracy is NaN when nothing is labeled.
    """
    pred, y = np.asarray(pred), np.asarray(y)
    covered = pred != ABSTAIN
    return (float(np.mean(pred[covered] == y[covered])) if covered.any() else float("nan"), float(covered.mean()))


def fit_label_model(L_train: np.ndarray, seed: int = 0, n_epochs: int = 500):
    """Snorkel's LabelModel (cardinality 2), fitted on the train label matrix only.

    Args:
        L_train: the train label matrix, items x LFs, values -1, 0 or 1.
        seed: the fit's seed.
        n_epochs: training epochs.

    Returns:
        The fitted ``snorkel.labeling.model.LabelModel`` (on the CPU); ``.predict_proba(L)`` gives P(class), shape
        (items, 2).
    """
    from snorkel.labeling.model import LabelModel

    model = LabelModel(cardinality=2, verbose=False, device="cpu")
    model.fit(L_train=L_train, n_epochs=n_epochs, seed=seed, log_freq=n_epochs, progress_bar=False)
    return model


def proba_to_labels(proba: np.ndarray, covered: np.ndarray, min_confidence: float = 0.5) -> np.ndarray:
    """Hard labels from P(class); ABSTAIN where no LF voted, on exact ties, or below ``min_confidence``.

    Args:
        proba: P(class) per item, shape (n, 2) (a label model's ``predict_proba``).
        covered: a boolean per item, True where at least one LF voted.
        min_confidence: the least max P(class) for a label to be kept, in [0.5, 1].

    Returns:
        An int array of shape (n,): 0, 1 or ``ABSTAIN`` (-1).
    """
    confident = proba.max(axis=1) >= min_confidence
    tie = proba[:, 0] == proba[:, 1]
    return np.where(np.asarray(covered) & confident & ~tie, proba.argmax(axis=1), ABSTAIN)


def scoreboard(predictions: dict[str, np.ndarray], y, reference: str = "majority vote") -> pd.DataFrame:
    """Accuracy and coverage of each labeler, and accuracy on the items both it and ``reference`` label.

    Args:
        predictions: ``{labeler name: labels}``, one label per item (``ABSTAIN`` allowed), each the shape of ``y``.
        y: the true labels, shape (n,).
        reference: the name of the labeler every other one is compared with on shared items.

    Returns:
        A DataFrame indexed by labeler: accuracy, coverage, accuracy on shared items, and ``reference``'s accuracy
        on those same items (column "<reference> on shared items").

    Raises:
        TypeError: if ``predictions`` is not a non-empty dict.
        ValueError: for an unknown ``reference``, or a labeler with another number of labels than ``y``.
    """
    if not isinstance(predictions, dict) or not predictions:
        raise TypeError("predictions must be a non-empty dict: {labeler name: one label per item}")
    choice(reference, predictions, "reference labeler")
    y = np.asarray(y)
    predictions = {name: np.asarray(pred) for name, pred in predictions.items()}  # lists as well as arrays
    if wrong := {name: len(p) for name, p in predictions.items() if p.shape != y.shape}:
        raise ValueError(f"{len(y)} true labels, but these labelers give another number of labels: {wrong}")
    ref = predictions[reference]
    rows = []
    for name, pred in predictions.items():
        acc, cov = covered_accuracy(pred, y)
        both = (pred != ABSTAIN) & (ref != ABSTAIN)
        rows.append({"labeler": name, "accuracy": acc, "coverage": cov,
                     "accuracy on shared items": float(np.mean(pred[both] == y[both])),
                     f"{reference} on shared items": float(np.mean(ref[both] == y[both]))})
    return pd.DataFrame(rows).set_index("labeler")


def rater_label_matrix(df: pd.DataFrame, n_raters: int = 3, seed: int = 0) -> np.ndarray:
    """Votes of ``n_raters`` real raters drawn at random per item (``labels.draw_raters``), as a label matrix (a 0
    rating abstains): independent noisy voters, the case the agreement equations assume.

    Args:
        df: the data table (``data.load()``), with ratings and n_raters columns.
        n_raters: raters drawn per item, at most the smallest panel.
        seed: seed of the draw.

    Returns:
        An int array of shape (items, n_raters), values -1 (abstain), 0 or 1.

    Raises:
        ValueError: if ``n_raters`` exceeds the smallest panel.
    """
    if n_raters > int(df["n_raters"].min()):
        raise ValueError(f"every item has at least {int(df['n_raters'].min())} raters; asked for {n_raters}")
    return vote(draw_raters(df["ratings"], n_raters, seed))


# ----------------------------------------------------------------------------------------------- quality vs quantity
def quality_vs_quantity(df: pd.DataFrame, X: np.ndarray, X_test: np.ndarray, y_test, *, budgets=(600,),
                        raters=(1, 3, 5), seeds=range(10), weak_labels=None) -> pd.DataFrame:
    """The lecture's trade-off on real raters: a fixed budget of rater judgements spent as ``budget // k`` random
    pool sentences with ``k`` real raters each (``labels.draw_raters``, majority vote; a 0 rating or a tie leaves the
    sentence unlabeled, its judgements still spent), or ``"all"``: every rater of as many sentences as the budget
    pays for (their consensus, the near-perfect label). The series' classifier is trained on each labeled set.

    Args:
        df: the pool's rows of the data table (ratings, n_raters, label columns).
        X: the pool's features, shape (len(df), d).
        X_test, y_test: the test set.
        budgets: budgets in rater judgements, each >= 1.
        raters: the designs: raters per sentence (1..the smallest panel) or "all".
        seeds: one random order of the pool per seed.
        weak_labels: one label per pool row (``ABSTAIN`` allowed), added as a design that costs no judgement
            (budget 0, one row); None to leave it out.

    Returns:
        A DataFrame, one row per budget, design and seed: budget, design, seed, sentences (paid for), labeled,
        label error (against the consensus, in [0, 1]) and accuracy (on test; NaN if one class only).

    Raises:
        ValueError: for an empty or misaligned pool, a bad design or budget, or ``weak_labels`` of the wrong length.
    """
    from helpers.features import classifier

    y_pool = df["label"].to_numpy()
    if len(df) != len(X) or len(df) == 0:
        raise ValueError(f"need a non-empty pool with one feature row per sentence; got {len(df)} and {len(X)}")
    for k in raters:
        if k != "all" and not (isinstance(k, int) and 1 <= k <= int(df["n_raters"].min())):
            raise ValueError(f"raters per sentence must be 1..{int(df['n_raters'].min())} or 'all', got {k!r}")
    if weak_labels is not None and len(weak_labels) != len(df):
        raise ValueError(f"weak_labels needs one label per pool sentence ({len(df)}), got {len(weak_labels)}")
    budgets = [whole(b, "a budget (rater judgements)", 1) for b in np.atleast_1d(np.asarray(budgets, dtype=object))]

    def row(budget, design, seed, items, labels):
        kept = labels != ABSTAIN
        fit_items, fit_labels = items[kept], labels[kept]
        accuracy = (classifier(seed or 0).fit(X[fit_items], fit_labels).score(X_test, y_test)
                    if len(set(fit_labels.tolist())) == 2 else float("nan"))
        return {"budget": budget, "design": design, "seed": seed, "sentences": len(items), "labeled": int(kept.sum()),
                "label error": float(np.mean(fit_labels != y_pool[fit_items])), "accuracy": float(accuracy)}

    panels, cost = df["ratings"].to_numpy(), df["n_raters"].to_numpy()
    rows = [] if weak_labels is None else [row(0, "weak labels", None, np.arange(len(df)), np.asarray(weak_labels))]
    for budget in budgets:
        for seed in seeds:
            order = np.random.default_rng(seed).permutation(len(df))
            for k in raters:
                n = int(np.searchsorted(np.cumsum(cost[order]), budget, side="right")) if k == "all" else budget // k
                votes = vote(draw_raters(panels[order[:n]], None if k == "all" else k, seed))
                design = "every rater (consensus)" if k == "all" else f"{k} rater{'s' if k != 1 else ''} each"
                rows.append(row(budget, design, seed, order[:n], majority_vote(votes)))
    return pd.DataFrame(rows)
