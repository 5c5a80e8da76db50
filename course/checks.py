"""Checks for the "your turn" exercises: each says what is right or what to look at, not just pass/fail.

A check prints a confirmation when the answer is right and raises :class:`CheckFailed` (an ``AssertionError``) with
a hint when it is not, shown in the notebook as that one message rather than a traceback into this file.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from helpers import cost
from helpers.labels import ABSTAIN
from helpers.pricing import HUMAN_PRICE


class CheckFailed(AssertionError):
    """An exercise's answer is missing or wrong: the message says what to look at. IPython shows it as one line
    (``_render_traceback_``), not as a traceback into the check's code, which is not the student's to debug."""

    def _render_traceback_(self):
        return [f"\x1b[31m{type(self).__name__}\x1b[0m: {self}"]


def _ok(message: str) -> None:
    print(f"Correct: {message}")


def _number(answer, what: str = "a number") -> float:
    """The answer as a float, or a :class:`CheckFailed` with a hint (a string, a list or NaN is not an answer)."""
    if isinstance(answer, bool) or not isinstance(answer, (int, float, np.integer, np.floating)) \
            or not math.isfinite(answer):
        raise CheckFailed(f"Give {what} (a Python number such as 12.5), not {answer!r}.")
    return float(answer)


def _prediction(predicted, what: str) -> float:
    """A prediction of the measured effect, as a number (``None``: not answered yet)."""
    if predicted is None:
        raise CheckFailed(f"Your turn: set {what}, your prediction of the measured effect, before the check runs.")
    return _number(predicted, what)


def judged(effect: float, low: float, high: float, predicted: float, hint: str, *, unit: str = "") -> str:
    """The one rule every decision check applies: the prediction holds when the measured effect is beyond its noise
    (its 90% interval excludes 0) in the direction predicted, or when the prediction lies inside that interval.
    Returns the sentence that says which. Otherwise raises :class:`CheckFailed` with ``hint`` (where to look), and
    not the measurement, which would give the answer away."""
    measured = f"measured {effect:+.4f}{unit} (90% interval {low:+.4f} to {high:+.4f})"
    if (low > 0 or high < 0) and np.sign(predicted) == np.sign(effect):
        return f"{measured}, beyond its noise in the direction you predicted ({predicted:+.4f})"
    if low <= predicted <= high:
        return f"{measured}; your prediction {predicted:+.4f} lies inside the interval"
    raise CheckFailed(f"Not this time: your prediction ({predicted:+.4f}{unit}) is neither inside the interval of "
                         f"what the check measured nor beyond its noise on the same side. {hint}")


def ex01_panel(k, predicted_accuracy, movies: pd.DataFrame, *, target: float = 0.975, seed: int = 2027,
               n_resamples: int = 10, max_k: int = 7) -> pd.DataFrame:
    """Notebook 01's exercise: the cheapest panel size ``k`` whose majority vote agrees with the held-out raters on at
    least ``target`` of the sentences, and a prediction of that agreement. Judged on rater draws the notebook did not
    make (``seed``): passes when ``k`` is the smallest size whose mean agreement reaches the target there and the
    prediction is within a point of it. Returns the measured table (k, mean, min, max over the draws)."""
    if k is None or predicted_accuracy is None:
        raise CheckFailed("Your turn: set k (annotators per sentence) and predicted_accuracy (a share, e.g. 0.95).")
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)):
        raise CheckFailed(f"Give k as a whole number of annotators, not {k!r}.")
    if not 1 <= k <= max_k:
        raise CheckFailed(f"k must be between 1 and {max_k}: the held-out reference needs raters left over, and "
                             "every sentence has at least 15 (section 4).")
    predicted = _number(predicted_accuracy, "predicted_accuracy as a share between 0 and 1")
    if not 0 <= predicted <= 1:
        raise CheckFailed(f"predicted_accuracy is a share between 0 and 1, not {predicted}.")
    curve = cost.majority_vote_curve(movies, ks=range(1, max_k + 1), n_resamples=n_resamples, seed=seed)
    measured = curve.groupby("k")["acc_heldout"].agg(["mean", "min", "max"])
    if measured.loc[k, "mean"] < target:
        raise CheckFailed(f"On new draws of raters, a {k}-rater vote falls short of {target:.1%} agreement with the "
                             "held-out raters. Read the held-out curve of section 4, not the full-panel one.")
    cheapest = int(measured.index[measured["mean"] >= target][0])
    if k > cheapest:
        raise CheckFailed(f"A {k}-rater panel reaches {target:.1%}, but so does a smaller, cheaper one: every extra "
                             "annotator is another $0.30 per sentence (section 4's curve).")
    if abs(predicted - measured.loc[k, "mean"]) > 0.01:
        raise CheckFailed(f"k = {k} is the right panel, but your prediction is more than a point away from what new "
                             "draws measure: read the held-out curve of section 4 at your k.")
    _ok(f"{k} annotators per sentence: {measured.loc[k, 'mean']:.1%} agreement with the held-out raters on new draws "
        f"(range {measured.loc[k, 'min']:.1%} to {measured.loc[k, 'max']:.1%}), your prediction {predicted:.1%}; "
        f"{k - 1} would give {measured.loc[k - 1, 'mean']:.1%}." if k > 1 else f"one annotator: "
        f"{measured.loc[k, 'mean']:.1%}.")
    return measured


def _is_uncertainty_sampling(strategy, X_pool, y_pool, batch: int) -> bool:
    """Whether ``strategy`` picks exactly what uncertainty sampling picks (the notebook's own strategy; margin and
    entropy pick the same on two classes), from a learner trained on 20 random labels."""
    from modAL.uncertainty import uncertainty_sampling

    from helpers import active

    start = active.first_labels(X_pool, lambda rows: np.asarray(y_pool)[rows], 20, seed=0)
    learner = active.model(0).fit(X_pool[start], np.asarray(y_pool)[start])
    rest = np.setdiff1d(np.arange(len(X_pool)), start)
    theirs, ours = (set(active.next_batch(learner, X_pool, rest, batch, q).tolist())
                    for q in (strategy, uncertainty_sampling))
    return theirs == ours


def ex02_query_strategy(strategy, predicted_gain, X_pool, y_pool, X_eval, y_eval, *, seeds=(11, 12, 13),
                        budget: int = 150, batch: int = 10) -> pd.DataFrame:
    """Notebook 02, exercise 2: a query strategy of your own, with modAL's signature
    ``(classifier, X_pool, n_instances) -> indices`` (or ``(indices, scores)``), and a prediction of how far its
    mean accuracy over the run (the area under the learning curve) lies above random sampling's.

    Run over seeds the notebook did not use, on the evaluation items given (the dev split: the notebook's curves
    are on test), next to random and uncertainty sampling with the same seeds. Uncertainty sampling itself (or
    margin, or entropy) is not an answer: the notebook ran it. Judged by the rule of :func:`judged` on
    the per-seed differences from random. Returns the table it prints."""
    from helpers import active, stats

    if strategy is None:
        raise CheckFailed("Your turn: define my_strategy(classifier, X_pool, n_instances) and return the "
                             "indices of the pool items to label; set predicted_gain.")
    if not callable(strategy):
        raise CheckFailed(f"my_strategy must be a function, not {type(strategy).__name__}.")
    predicted = _prediction(predicted_gain, "predicted_gain (mean accuracy over the run minus random's, e.g. 0.01)")
    if len(seeds) < 2:
        raise ValueError("at least two seeds: one seed has no spread to judge a difference by")
    try:
        if _is_uncertainty_sampling(strategy, X_pool, y_pool, batch):
            raise CheckFailed("That is uncertainty sampling, which section 3 already ran: it picks the same "
                                 "batch. What should a batch contain besides the least sure? (section 3, and the "
                                 "practice deep dive, sections 1-2)")
        setups = {"yours": dict(strategy=strategy), "random": dict(strategy="random"),
                  "uncertainty": dict(strategy="uncertainty")}
        curves = active.learning_curves(X_pool, y_pool, X_eval, y_eval, setups, seeds=seeds, budget=budget,
                                        batch=batch)
    except (TypeError, ValueError, IndexError) as err:
        raise CheckFailed(f"Your strategy failed inside the loop: {err}. It receives the learner (call "
                             "classifier.predict_proba(X_pool)), the unlabeled rows and n_instances, and must "
                             "return n_instances distinct row numbers of X_pool.") from None
    per_seed = pd.DataFrame({s: active.area_under_curve(c) for s, c in curves.groupby("seed")}).T
    gain, low, high = stats.seed_interval(per_seed["yours"] - per_seed["random"])
    verdict = judged(gain, low, high, predicted, "Look again at the learning curves of section 3: how far apart "
                      "are random and uncertainty sampling, and how much do the seeds spread?")
    table = pd.DataFrame({"mean accuracy over the run (AULC)": per_seed.mean(), "sd over seeds": per_seed.std()})
    table = table.loc[list(setups)]
    print(table.round(4).to_string())
    _ok(f"yours minus random over {len(seeds)} new seeds on dev: {verdict}; uncertainty sampling minus random: "
        f"{(per_seed['uncertainty'] - per_seed['random']).mean():+.4f}.")
    return table


def _repeats(column: np.ndarray, others: np.ndarray, share: float = 0.95) -> int | None:
    """The first column of ``others`` that votes like ``column``: both fire on at least ``share`` of the rows where
    either does, and agree on at least ``share`` of those. ``None`` when there is none."""
    mine = column != ABSTAIN
    for k in range(others.shape[1]):
        theirs = others[:, k] != ABSTAIN
        both, either = mine & theirs, mine | theirs
        if either.any() and both.sum() >= share * either.sum() and \
                np.mean(column[both] == others[both, k]) >= share:
            return k
    return None


def ex03_own_lfs(my_lfs, predicted_gain, table: pd.DataFrame, L: np.ndarray, y, split, *,
                 max_coverage_drop: float = 0.03, seed: int = 0) -> pd.DataFrame:
    """Notebook 03, exercise 1: two or more labeling functions of your own, which read only the text, and a prediction
    of how much they move the label model's accuracy.

    They are added to the notebook's LFs (``L``: their label matrix on every row of ``table``); the LabelModel is
    refit on the train rows, as before, and judged there against the train labels, which no LF was built on and
    no label model saw (the LFs are built and checked on dev; test is for reporting). The effect is the change on
    the sentences labeled both times, with its interval, judged by the rule of :func:`judged`; coverage may fall by
    at most ``max_coverage_drop``. An LF that votes like one already there is not an answer. Returns the table it
    prints."""
    from snorkel.labeling import LabelingFunction, PandasLFApplier

    from helpers import stats, weak

    if my_lfs is None:
        raise CheckFailed("Your turn: write two or more LFs with @labeling_function() and list them in my_lfs; "
                             "set predicted_gain.")
    if not isinstance(my_lfs, (list, tuple)) or len(my_lfs) < 2:
        raise CheckFailed("my_lfs must be a list of two or more labeling functions, e.g. [lf_a, lf_b].")
    if not all(isinstance(lf, LabelingFunction) for lf in my_lfs):
        raise CheckFailed("Decorate each function with @labeling_function() so that Snorkel can apply it.")
    predicted = _prediction(predicted_gain, "predicted_gain (a change in the label model's accuracy, e.g. 0.01)")
    try:
        L_new = PandasLFApplier(lfs=list(my_lfs)).apply(table[["text"]], progress_bar=False)
    except AttributeError as err:
        raise CheckFailed(f"Your LFs receive only the text (x.text); {err}.") from None
    silent = [lf.name for lf, fires in zip(my_lfs, (L_new != ABSTAIN).any(axis=0)) if not fires]
    if silent:
        raise CheckFailed(f"{silent} never vote on any sentence: check the words you look for (lower case?).")
    for k, lf in enumerate(my_lfs):
        if _repeats(L_new[:, k], np.column_stack([L, L_new[:, :k]])) is not None:
            raise CheckFailed(f"{lf.name} votes like an LF already in the set, on the same sentences: it adds no "
                                 "evidence, only weight (the deep dive 03b, section 2). What do the others not know?")
    y, split = np.asarray(y), np.asarray(split)
    train = split == "train"
    correct, rows = {}, {}
    for name, matrix in (("the notebook's LFs", L), ("with yours", np.column_stack([L, L_new]))):
        model = weak.fit_label_model(matrix[train], seed=seed)
        covered = (matrix[train] != ABSTAIN).any(axis=1)
        labels = weak.proba_to_labels(model.predict_proba(matrix[train]), covered)
        accuracy, coverage = weak.covered_accuracy(labels, y[train])
        correct[name] = np.where(labels == ABSTAIN, np.nan, labels == y[train])
        rows[name] = {"LFs": matrix.shape[1], "train accuracy": accuracy, "train coverage": coverage}
    table_out = pd.DataFrame(rows).T.astype({"LFs": int})
    coverage_drop = rows["the notebook's LFs"]["train coverage"] - rows["with yours"]["train coverage"]
    if coverage_drop > max_coverage_drop:
        raise CheckFailed(f"Coverage fell by {coverage_drop:.1%}: more ties between votes leave more sentences "
                             "unlabeled. Do your LFs contradict the others where they fire? (section 4)")
    before, after = correct.values()
    both = ~np.isnan(before) & ~np.isnan(after)
    change, low, high = stats.mean_interval(after[both] - before[both])
    verdict = judged(change, low, high, predicted, "Measure each LF on dev with LFAnalysis before you predict "
                      "(section 2), and recall what section 4's label models did with the six.")
    print(table_out.round(3).to_string())
    _ok(f"on the {both.sum():,} train sentences labeled both times (their labels unseen by any LF or model), "
        f"{verdict}.")
    return table_out


def ex04_prompt(template, predicted_gain, labeler, items: pd.DataFrame, *, shown=(),
               words=(" negative", " positive")) -> pd.DataFrame:
    """Notebook 04, exercise 1: a labeling prompt of your own, a template around ``{text}`` after which the model's
    next word is read with logprobs, and a prediction of its AUROC minus the zero-shot prompt's. Scored on ``items``
    (dev sentences the notebook did not show; any that the template quotes are left out) against the zero-shot
    prompt, judged by the rule of :func:`judged` on the paired bootstrap interval over the sentences. The zero-shot
    prompt itself, or a prompt the notebook showed (``shown``: callables text -> prompt), is not an answer."""
    from sklearn.metrics import roc_auc_score

    from helpers import llm
    from helpers.stats import auroc_gap_interval

    if template is None:
        raise CheckFailed("Your turn: write my_template, a string with {text} where the review goes; set "
                             "predicted_gain.")
    if not isinstance(template, str) or "{text}" not in template:
        raise CheckFailed("my_template must be a string that contains {text}, where each review goes.")
    try:
        template.format(text="")
    except (KeyError, IndexError, ValueError):
        raise CheckFailed("my_template has braces other than {text}: write a literal brace as {{ or }}.") from None
    predicted = _prediction(predicted_gain, "predicted_gain (your AUROC minus the zero-shot prompt's, e.g. 0.03)")
    zero_shot = llm.ScoringPrompt(shots=())
    probe = "A probe sentence."
    if any(" ".join(template.format(text=probe).split()) == " ".join(p(probe).split()) for p in (zero_shot, *shown)):
        raise CheckFailed("That is a prompt this notebook already ran (sections 2-3). Write your own: what would "
                             "tell this small model more about the task?")
    items = items[[t not in template for t in items["text"]]]
    texts, y = [" ".join(t.split()) for t in items["text"]], items["label"].to_numpy()
    scores, log_odds, unanswered = {}, {}, {}
    for name, prompts in (("zero-shot", [zero_shot(t) for t in texts]),
                          ("yours", [template.format(text=t) for t in texts])):
        logp = labeler.score(prompts, words=words, missing="nan")
        d = logp[:, 1] - logp[:, 0]
        unanswered[name] = int(np.isnan(d).sum())  # neither word among the top tokens: no information, log-odds 0
        d = log_odds[name] = np.nan_to_num(d, nan=0.0)
        scores[name] = {"AUROC": roc_auc_score(y, d), "accuracy (threshold 0)": float(np.mean((d > 0) == y))}
    table = pd.DataFrame(scores).T
    gain = table.loc["yours", "AUROC"] - table.loc["zero-shot", "AUROC"]
    low, high = auroc_gap_interval(y, log_odds["yours"], log_odds["zero-shot"])  # paired, over the sentences
    verdict = judged(gain, low, high, predicted, "The check reads the next word's probabilities of "
                      f"{words}: does your template end where one of them comes next? Section 3 showed what moved "
                      "the AUROC most, and by how much on how many sentences.", unit=" AUROC")
    print(f"{len(texts)} dev sentences:")
    if any(unanswered.values()):
        print("neither label word among the top tokens (scored as no information, log-odds 0): "
              + ", ".join(f"{name} {n}" for name, n in unanswered.items()))
    print(table.round(3).to_string())
    _ok(f"your prompt against the zero-shot prompt on {len(texts)} unseen dev sentences: {verdict}.")
    return table


REMEDIES = ("re-label", "remove", "do nothing")


def ex05_remedy(relabel_budget, remedy, predicted_gain, quality, noisy, second, X_train, X_dev, y_dev,
                *, price: float = HUMAN_PRICE, seed: int = 0) -> dict:
    """Notebook 05, exercise 1: how many of the lowest-quality labels to review, what to do with them, and a
    prediction of what that does to accuracy on the **dev** split (the split choices are judged on; the notebook's
    remedies table is on test), as a change in accuracy against doing nothing.

    ``quality``: cleanlab's label-quality scores of the train labels ``noisy``; ``second``: another real rater's
    vote per train sentence (``ABSTAIN`` where there is none). Re-labeling pays ``price`` per reviewed label.
    Reviewing nothing, or doing nothing, is not an answer: it is the baseline."""
    from helpers import stats
    from helpers.features import classifier
    from helpers.validate import choice

    if relabel_budget is None or remedy is None:
        raise CheckFailed("Your turn: set relabel_budget (a number of labels), remedy and predicted_gain.")
    quality, noisy, second = np.asarray(quality), np.asarray(noisy), np.asarray(second)
    if quality.dtype.kind not in "iuf" or quality.shape != noisy.shape or second.shape != noisy.shape \
            or not np.isfinite(quality).all():
        raise CheckFailed(f"quality and second need one number per train label ({len(noisy):,}); got quality "
                             f"{quality.dtype} of shape {quality.shape}, second of shape {second.shape}. Pass "
                             "noise.label_quality(noisy, proba) of the same train labels, unchanged.")
    if isinstance(relabel_budget, bool) or not isinstance(relabel_budget, (int, np.integer)) \
            or not 0 <= relabel_budget <= len(noisy):
        raise CheckFailed(f"relabel_budget is a whole number of labels from 1 to {len(noisy):,}.")
    try:
        choice(remedy, REMEDIES, "remedy")
    except ValueError as err:
        raise CheckFailed(str(err)) from None
    if relabel_budget == 0 or remedy == "do nothing":
        raise CheckFailed("Reviewing nothing, or doing nothing with what you reviewed, is the baseline the check "
                             "compares with, not a choice: decide how much to review and what to do with it "
                             "(section 3's budget curve, section 5's remedies).")
    predicted = _prediction(predicted_gain, "predicted_gain (a change in dev accuracy, e.g. 0.01 or -0.005)")
    if not -1 <= predicted <= 1:
        raise CheckFailed(f"predicted_gain is a change in accuracy, between -1 and 1, not {predicted}.")
    reviewed = np.argsort(quality, kind="stable")[:relabel_budget]
    labels, keep = noisy.copy(), np.ones(len(noisy), bool)
    if remedy == "re-label":
        answered = reviewed[second[reviewed] != ABSTAIN]
        labels[answered] = second[answered]
    else:  # remove
        keep[reviewed] = False
    y_dev = np.asarray(y_dev)
    yours = classifier(seed).fit(X_train[keep], labels[keep]).predict(X_dev) == y_dev
    nothing = classifier(seed).fit(X_train, noisy).predict(X_dev) == y_dev
    gain, low, high = stats.mean_interval(yours.astype(float) - nothing)
    verdict = judged(gain, low, high, predicted, "Look again at how many of the labels you review were wrong in the "
                      "first place (section 3) and at what each remedy did on test (section 5).")
    dollars = price * relabel_budget if remedy == "re-label" else 0.0
    _ok(f"{remedy} on the {relabel_budget:,} lowest-quality labels (${dollars:,.2f}): dev accuracy {yours.mean():.3f} "
        f"against {nothing.mean():.3f} doing nothing, over {len(y_dev):,} dev sentences; {verdict}.")
    return {"accuracy": float(yours.mean()), "nothing": float(nothing.mean()), "gain": gain, "low": low, "high": high,
            "dollars": dollars}


ALLOCATION_KEYS = ("dev labels", "LLM items", "active-learning labels")


def _allocation(allocation, settings, budget: float, price: float) -> tuple[int, int, int]:
    """ex06_allocation's answer checked before anything runs: (dev labels, LLM items, active-learning labels)."""
    from helpers.validate import choice

    if allocation is None:
        raise CheckFailed("Your turn: set allocation to a dict with " + ", ".join(map(repr, ALLOCATION_KEYS))
                             + ", and predicted_gain.")
    if not isinstance(allocation, dict):
        raise CheckFailed(f"allocation is a dict with the keys {list(ALLOCATION_KEYS)}.")
    try:
        for key in allocation:
            choice(key, ALLOCATION_KEYS, "allocation key")
    except ValueError as err:
        raise CheckFailed(str(err)) from None
    if missing := [k for k in ALLOCATION_KEYS if k not in allocation]:
        raise CheckFailed(f"allocation needs a number for {missing}.")
    if not all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) and v >= 0 for v in allocation.values()):
        raise CheckFailed("every allocation value is a whole number, 0 or more.")
    n_dev, n_llm, n_human = (int(allocation[k]) for k in ALLOCATION_KEYS)
    if n_dev < 20:
        raise CheckFailed("at least 20 dev labels: the LFs are checked, and the dev-model LF trained, on them.")
    if n_llm > 400:
        raise CheckFailed("at most 400 LLM items, as in the benchmark: more would make one run long.")
    dollars = price * (n_dev + n_human)
    if dollars > budget + 1e-9:
        raise CheckFailed(f"{n_dev + n_human} human labels cost ${dollars:,.2f}, over the ${budget:,.0f} budget.")
    if (n_dev, n_llm, n_human) == (settings.n_dev, settings.llm_items, settings.human_budget):
        raise CheckFailed("That is the notebook's own allocation, the one the check compares with. Spread the "
                             "budget your way, from what each stage bought above (sections 1-4).")
    return n_dev, n_llm, n_human


def _draw_allocation(board: pd.DataFrame, dollars: float, accuracy: float) -> None:
    """ex06_allocation's figure: the student's allocation on the notebook's cost-accuracy board."""
    from helpers.plotting import COLORS, plt

    hybrid = board.loc["hybrid"]
    fig, ax = plt.subplots(figsize=(6.5, 4))
    for name, row in board.iterrows():
        ax.scatter(max(row["dollars"], 1), row["accuracy"], color=COLORS["random"], s=20)
        ax.annotate(name, (max(row["dollars"], 1), row["accuracy"]), textcoords="offset points", xytext=(4, 3),
                    fontsize=8)
    ax.errorbar(hybrid["dollars"], hybrid["accuracy"], yerr=float(hybrid["± sd"]), fmt="o", color=COLORS["hybrid"],
                label="the notebook's hybrid (sd over seeds)")
    ax.scatter(max(dollars, 1), accuracy, marker="*", s=180, color=COLORS["active"], zorder=3,
               label="your allocation")
    ax.set(xscale="log", xlabel="labeling cost, $ (log scale; $0 drawn at $1)", ylabel="test accuracy",
           title=f"Your allocation: {accuracy:.3f} on test for ${dollars:,.0f}")
    ax.legend(fontsize=8, loc="lower right")
    plt.show()


def ex06_allocation(allocation, predicted_gain, run, board: pd.DataFrame, settings, *, budget: float = 150.0,
                    price: float = HUMAN_PRICE) -> dict:
    """Notebook 06, exercise 1: the same budget spread differently over the stages, and a prediction of its dev
    accuracy minus the notebook's allocation's. ``run(n_dev, llm_items, human_labels, seed)`` is the notebook's
    ``hybrid_pipeline`` (it returns ``pipeline.run_hybrid``'s result); ``settings`` the notebook's own allocation
    (``pipeline.Settings``), which is run again with the same seed, so that both are compared like with like: on the
    dev sentences neither run paid for, paired, judged by the rule of :func:`judged`. Checks the allocation before
    anything runs, and draws the result (its test accuracy) on the cost-accuracy plot ``board``."""
    from helpers import stats

    n_dev, n_llm, n_human = _allocation(allocation, settings, budget, price)
    predicted = _prediction(predicted_gain, "predicted_gain (your dev accuracy minus the notebook's, e.g. -0.01)")
    yours = run(n_dev=n_dev, llm_items=n_llm, human_labels=n_human, seed=settings.seed)
    notebook = run(n_dev=settings.n_dev, llm_items=settings.llm_items, human_labels=settings.human_budget,
                   seed=settings.seed)
    unpaid = ~yours["dev_paid"] & ~notebook["dev_paid"]  # the same dev sentences for both, bought by neither
    gain, low, high = stats.mean_interval(yours["dev_right"][unpaid].astype(float) - notebook["dev_right"][unpaid])
    verdict = judged(gain, low, high, predicted, "Look again at what each stage added in sections 1-4 and at the "
                      "spread between seeds in the board of section 5.")
    accuracy, ledger = yours["accuracy"], yours["ledger"]
    _draw_allocation(board, ledger.dollars, accuracy)
    _ok(f"your allocation against the notebook's, same seed, on the {unpaid.sum()} dev sentences neither paid for: "
        f"{verdict}.")
    return {"accuracy": accuracy, "dollars": ledger.dollars, "gain": gain, "low": low, "high": high}


def ex06b_go_on(go_on, predicted_gain, X_pool, y_pool, X_dev, y_dev, *, budget: int, batch: int = 10,
               n_start: int = 20, more_rounds: int = 5) -> None:
    """The Label Studio deep dive (06b): are ``more_rounds`` more rounds of labeling worth it, and what will they do
    to accuracy? They are run (the same loop: uncertainty sampling from the same start, the same raters answering)
    and the gain is measured on the dev split, with a paired bootstrap interval over its sentences. Worth it = the
    interval lies above 0; the prediction is judged by the rule of :func:`judged`."""
    from helpers import active, stats

    if go_on not in (True, False):
        raise CheckFailed("Your turn: set go_on to True (label more) or False (stop here), and predicted_gain.")
    predicted = _prediction(predicted_gain, "predicted_gain (the change in accuracy the rounds bring, e.g. 0.01)")
    if go_on and predicted <= 0:
        raise CheckFailed("You would pay for more rounds that you predict gain nothing: make the decision and the "
                             "prediction agree.")
    run = active.run_active_learning(X_pool, y_pool, X_dev, y_dev, strategy="uncertainty",
                                     budget=budget + more_rounds * batch, batch=batch, n_start=n_start, seed=0)
    picked = np.concatenate(run["queried"].to_list())
    y_pool = np.asarray(y_pool)
    right = [active.model(seed=0).fit(X_pool[rows], y_pool[rows]).predict(X_dev) == y_dev
             for rows in (picked[:budget], picked)]
    gain, low, high = stats.mean_interval(right[1].astype(float) - right[0])
    hint = ("Compare the curve's last steps with its round-to-round wiggle (section 4) before you decide, and "
            "predict from that slope.")
    if bool(go_on) != bool(low > 0):
        raise CheckFailed(f"Not this time: the {more_rounds} rounds' gain on dev does not support that "
                             f"decision. {hint}")
    verdict = judged(gain, low, high, predicted, hint)
    dollars = HUMAN_PRICE * more_rounds * batch
    _ok(f"{more_rounds} more rounds ({more_rounds * batch} labels, ${dollars:.2f}) on {len(y_dev):,} dev sentences: "
        f"{verdict}; {'worth another batch' if go_on else 'stopping was the right call'}.")


def ex06c_a_million(first_to_move, machines, fits: dict, llm_share: float, gain: float, *, n: int = 1_000_000,
                    hours: float = 2.0) -> None:
    """Past one machine (06c): the hybrid recipe on ``n`` items within ``hours``. Which stage do you
    move to Ray workers first (the one with the most machine time on the fitted curves), and how many machines like
    this one finish it in time (``scale.machines_for``: enough, and at most twice what is needed)?"""
    from helpers import scale

    stages = scale.hybrid_stages(n, fits, llm_share)
    if not isinstance(first_to_move, str) or first_to_move not in stages:
        raise CheckFailed(f"Your turn: set first_to_move to one of the hybrid's stages: {sorted(stages)}.")
    need = scale.machines_for(stages, hours, gain)
    if need is None:
        raise CheckFailed("No number of machines finishes in time here: the stages Ray does not spread take longer "
                             "than that on their own. Say so to whoever set the deadline.")
    machines = _number(machines, "the number of machines")
    slowest = max(stages, key=stages.get)
    by_hours = ", ".join(f"{stage} {seconds / 3600:.1f} h" for stage, seconds in
                         sorted(stages.items(), key=lambda kv: -kv[1]))
    if first_to_move != slowest:
        share = stages[first_to_move] / 3600
        raise CheckFailed(f"Not this time: on one machine, {first_to_move} takes {share:.1f} h of the hybrid's "
                             f"{sum(stages.values()) / 3600:.1f} h. Which stage does the hybrid run "
                             "over every item with the most seconds per item? (scale.hybrid_stages shows each.)")
    if not need <= machines <= 2 * need:
        raise CheckFailed(f"Not this time: {machines:g} machines " + (
            "are not enough to finish in time. Spread the stage over more: scale.machines_for counts what each "
            "added machine adds." if machines < need else
            "would finish, but a cheaper cluster would too: count again with scale.machines_for."))
    _ok(f"{slowest} dominates the hybrid on {n:,} items ({by_hours}); {need} machine{'s' if need > 1 else ''} "
        f"finish{'es' if need == 1 else ''} it in {hours:g} h, each added machine adding {gain:.2f} of one.")
