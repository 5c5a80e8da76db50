"""Checks for the "your turn" exercises: each says what is right or what to look at, not just pass/fail.

A check prints a confirmation when the answer is right and raises ``AssertionError`` with a hint when it is not.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from helpers import cost
from helpers.labels import ABSTAIN
from helpers.pricing import HUMAN_PRICE


def _ok(message: str) -> None:
    print(f"Correct: {message}")


def _number(answer, what: str = "a number") -> float:
    """The answer as a float, or an ``AssertionError`` with a hint (a string, a list or NaN is not an answer)."""
    if isinstance(answer, bool) or not isinstance(answer, (int, float, np.integer, np.floating)) \
            or not math.isfinite(answer):
        raise AssertionError(f"Give {what} (a Python number such as 12.5), not {answer!r}.")
    return float(answer)


def ex01_panel(k, predicted_accuracy, movies: pd.DataFrame, *, target: float = 0.975, seed: int = 2027,
               n_resamples: int = 10, max_k: int = 7) -> pd.DataFrame:
    """Notebook 01's exercise: the cheapest panel size ``k`` whose majority vote agrees with the held-out raters on at
    least ``target`` of the sentences, and a prediction of that agreement. Judged on rater draws the notebook did not
    make (``seed``): passes when ``k`` is the smallest size whose mean agreement reaches the target there and the
    prediction is within a point of it. Returns the measured table (k, mean, min, max over the draws)."""
    if k is None or predicted_accuracy is None:
        raise AssertionError("Your turn: set k (annotators per sentence) and predicted_accuracy (a share, e.g. 0.95).")
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)):
        raise AssertionError(f"Give k as a whole number of annotators, not {k!r}.")
    if not 1 <= k <= max_k:
        raise AssertionError(f"k must be between 1 and {max_k}: the held-out reference needs raters left over, and "
                             "every sentence has at least 15 (section 4).")
    predicted = _number(predicted_accuracy, "predicted_accuracy as a share between 0 and 1")
    if not 0 <= predicted <= 1:
        raise AssertionError(f"predicted_accuracy is a share between 0 and 1, not {predicted}.")
    curve = cost.majority_vote_curve(movies, ks=range(1, max_k + 1), n_resamples=n_resamples, seed=seed)
    measured = curve.groupby("k")["acc_heldout"].agg(["mean", "min", "max"])
    if measured.loc[k, "mean"] < target:
        raise AssertionError(f"On new draws of raters, a {k}-rater vote falls short of {target:.1%} agreement with the "
                             "held-out raters. Read the held-out curve of section 4, not the full-panel one.")
    cheapest = int(measured.index[measured["mean"] >= target][0])
    if k > cheapest:
        raise AssertionError(f"A {k}-rater panel reaches {target:.1%}, but so does a smaller, cheaper one: every extra "
                             "annotator is another $0.30 per sentence (section 4's curve).")
    if abs(predicted - measured.loc[k, "mean"]) > 0.01:
        raise AssertionError(f"k = {k} is the right panel, but your prediction is more than a point away from what new "
                             "draws measure: read the held-out curve of section 4 at your k.")
    _ok(f"{k} annotators per sentence: {measured.loc[k, 'mean']:.1%} agreement with the held-out raters on new draws "
        f"(range {measured.loc[k, 'min']:.1%} to {measured.loc[k, 'max']:.1%}), your prediction {predicted:.1%}; "
        f"{k - 1} would give {measured.loc[k - 1, 'mean']:.1%}." if k > 1 else f"one annotator: "
        f"{measured.loc[k, 'mean']:.1%}.")
    return measured


def ex02_query_strategy(strategy, X_pool, y_pool, X_eval, y_eval, *, seeds=(11, 12, 13), budget: int = 150,
                        batch: int = 10) -> pd.DataFrame:
    """Notebook 02, exercise 2: a query strategy of your own, with modAL's signature
    ``(classifier, X_pool, n_instances) -> indices`` (or ``(indices, scores)``).

    Run over seeds the notebook did not use, on the evaluation items given (the dev split: the notebook's curves
    are on test), next to random and uncertainty sampling; judged by the area under the learning curve (mean
    accuracy over the run). Passes when its mean beats random's. Returns the table it prints."""
    from helpers import active

    if strategy is None:
        raise AssertionError("Your turn: define my_strategy(classifier, X_pool, n_instances) and return the "
                             "indices of the pool items to label.")
    if not callable(strategy):
        raise AssertionError(f"my_strategy must be a function, not {type(strategy).__name__}.")
    setups = {"yours": dict(strategy=strategy), "random": dict(strategy="random"),
              "uncertainty": dict(strategy="uncertainty")}
    try:
        curves = active.learning_curves(X_pool, y_pool, X_eval, y_eval, setups, seeds=seeds, budget=budget,
                                        batch=batch)
    except (TypeError, ValueError, IndexError) as err:
        raise AssertionError(f"Your strategy failed inside the loop: {err}. It receives the learner (call "
                             "classifier.predict_proba(X_pool)), the unlabeled rows and n_instances, and must "
                             "return n_instances distinct row numbers of X_pool.") from None
    per_seed = pd.DataFrame({s: active.area_under_curve(c) for s, c in curves.groupby("seed")}).T
    table = pd.DataFrame({"mean accuracy over the run (AULC)": per_seed.mean(), "sd over seeds": per_seed.std()})
    table = table.loc[list(setups)]
    print(table.round(4).to_string())
    gap = per_seed["yours"] - per_seed["random"]
    print(f"yours minus random, per seed: {', '.join(f'{g:+.4f}' for g in gap)}")
    if gap.mean() <= 0:
        raise AssertionError("Your strategy does not beat random sampling on these seeds. Look again at what the "
                             "learning curves of section 3 and the benchmark table say about how the first "
                             "labels and each batch are chosen.")
    _ok(f"your strategy beats random by {gap.mean():+.4f} mean accuracy over the run "
        f"({(gap > 0).sum()} of {len(gap)} seeds); uncertainty sampling: "
        f"{(per_seed['uncertainty'] - per_seed['random']).mean():+.4f}.")
    return table


def ex03_own_lfs(my_lfs, table: pd.DataFrame, L: np.ndarray, y, split, *, max_coverage_drop: float = 0.03,
                 seed: int = 0) -> pd.DataFrame:
    """Notebook 03, exercise 1: two or more labeling functions of your own, which read only the text.

    They are added to the notebook's LFs (``L``: their label matrix on every row of ``table``); the LabelModel is
    refit on the train rows and judged on the test rows, which no LF was built on. Passes when the label model's
    test accuracy rises and its coverage falls by at most ``max_coverage_drop``. Returns the table it prints."""
    from snorkel.labeling import LabelingFunction, PandasLFApplier

    from helpers import stats, weak

    if my_lfs is None:
        raise AssertionError("Your turn: write two or more LFs with @labeling_function() and list them in my_lfs.")
    if not isinstance(my_lfs, (list, tuple)) or len(my_lfs) < 2:
        raise AssertionError("my_lfs must be a list of two or more labeling functions, e.g. [lf_a, lf_b].")
    if not all(isinstance(lf, LabelingFunction) for lf in my_lfs):
        raise AssertionError("Decorate each function with @labeling_function() so that Snorkel can apply it.")
    try:
        L_new = PandasLFApplier(lfs=list(my_lfs)).apply(table[["text"]], progress_bar=False)
    except AttributeError as err:
        raise AssertionError(f"Your LFs receive only the text (x.text); {err}.") from None
    silent = [lf.name for lf, fires in zip(my_lfs, (L_new != ABSTAIN).any(axis=0)) if not fires]
    if silent:
        raise AssertionError(f"{silent} never vote on any sentence: check the words you look for (lower case?).")
    y, split = np.asarray(y), np.asarray(split)
    train, test = split == "train", split == "test"
    correct, rows = {}, {}
    for name, matrix in (("the notebook's LFs", L), ("with yours", np.column_stack([L, L_new]))):
        model = weak.fit_label_model(matrix[train], seed=seed)
        covered = (matrix[test] != ABSTAIN).any(axis=1)
        labels = weak.proba_to_labels(model.predict_proba(matrix[test]), covered)
        accuracy, coverage = weak.covered_accuracy(labels, y[test])
        correct[name] = np.where(labels == ABSTAIN, np.nan, labels == y[test])
        rows[name] = {"LFs": matrix.shape[1], "test accuracy": accuracy, "test coverage": coverage}
    table_out = pd.DataFrame(rows).T.astype({"LFs": int})
    print(table_out.round(3).to_string())
    before, after = correct.values()
    both = ~np.isnan(before) & ~np.isnan(after)
    change, low, high = stats.mean_interval(after[both] - before[both])
    print(f"change on the {both.sum()} test sentences labeled both times: {change:+.3f} (90% interval {low:+.3f} to "
          f"{high:+.3f})")
    gain = rows["with yours"]["test accuracy"] - rows["the notebook's LFs"]["test accuracy"]
    coverage_drop = rows["the notebook's LFs"]["test coverage"] - rows["with yours"]["test coverage"]
    if coverage_drop > max_coverage_drop:
        raise AssertionError(f"Coverage fell by {coverage_drop:.1%}: more ties between votes leave more sentences "
                             "unlabeled. Do your LFs contradict the others where they fire?")
    if gain <= 0:
        raise AssertionError(f"The label model did not improve ({gain:+.3f} on test). Section 6 showed what it does "
                             "with LFs that repeat what other LFs already say: what evidence do yours add that the "
                             "notebook's six lack? Measure each on dev with LFAnalysis before you add it.")
    noise = "beyond" if low > 0 else "but within"
    _ok(f"your LFs raise the label model's test accuracy by {gain:+.3f}, {noise} the noise of "
        f"{both.sum()} test sentences.")
    return table_out


def ex04_prompt(template, labeler, items: pd.DataFrame, *, words=(" negative", " positive")) -> pd.DataFrame:
    """Notebook 04, exercise 1: a labeling prompt of your own, a template around ``{text}`` after which the model's
    next word is read with logprobs. Scored on ``items`` (dev sentences the notebook did not show; any that the
    template quotes are left out) against the zero-shot prompt; passes when its AUROC is higher."""
    from sklearn.metrics import roc_auc_score

    from helpers import llm
    from helpers.stats import auroc_gap_interval

    if template is None:
        raise AssertionError("Your turn: write my_template, a string with {text} where the review goes.")
    if not isinstance(template, str) or "{text}" not in template:
        raise AssertionError("my_template must be a string that contains {text}, where each review goes.")
    try:
        template.format(text="")
    except (KeyError, IndexError, ValueError):
        raise AssertionError("my_template has braces other than {text}: write a literal brace as {{ or }}.") from None
    items = items[[t not in template for t in items["text"]]]
    texts, y = [" ".join(t.split()) for t in items["text"]], items["label"].to_numpy()
    zero_shot = llm.ScoringPrompt(shots=())
    scores, log_odds = {}, {}
    for name, prompts in (("zero-shot", [zero_shot(t) for t in texts]),
                          ("yours", [template.format(text=t) for t in texts])):
        logp = labeler.score(prompts, words=words)
        d = log_odds[name] = logp[:, 1] - logp[:, 0]
        scores[name] = {"AUROC": roc_auc_score(y, d), "accuracy (threshold 0)": float(np.mean((d > 0) == y))}
    table = pd.DataFrame(scores).T
    print(f"{len(texts)} dev sentences:")
    print(table.round(3).to_string())
    low, high = auroc_gap_interval(y, log_odds["yours"], log_odds["zero-shot"])  # paired, over the sentences
    print(f"AUROC difference, 90% interval over the sentences: {low:+.3f} to {high:+.3f}")
    if table.loc["yours", "AUROC"] <= table.loc["zero-shot", "AUROC"]:
        raise AssertionError("Your prompt does not rank the sentences better than the zero-shot prompt. The check "
                             f"reads the next word's probabilities of {words}: does your template end where one of "
                             "them comes next? Section 3 showed what moved the AUROC most.")
    gain = table.loc["yours", "AUROC"] - table.loc["zero-shot", "AUROC"]
    noise = "beyond" if low > 0 else "but within"
    _ok(f"your prompt's AUROC is {gain:+.3f} above the zero-shot prompt's on {len(texts)} unseen dev sentences, "
        f"{noise} their noise.")
    return table


REMEDIES = ("re-label", "remove", "do nothing")


def ex05_remedy(relabel_budget, remedy, expect_better, quality, noisy, second, X_train, X_test, y_test,
                *, price: float = HUMAN_PRICE, seed: int = 0) -> dict:
    """Notebook 05, exercise 1: how many of the lowest-quality labels to review, what to do with them, and whether
    that will beat doing nothing on the test split by more than the noise.

    ``quality``: cleanlab's label-quality scores of the train labels ``noisy``; ``second``: another real rater's
    vote per train sentence (``ABSTAIN`` where there is none). Re-labeling pays ``price`` per reviewed label."""
    from helpers import stats
    from helpers.features import classifier
    from helpers.validate import choice

    if relabel_budget is None or remedy is None or expect_better is None:
        raise AssertionError("Your turn: set relabel_budget (a number of labels), remedy and expect_better.")
    quality, noisy, second = np.asarray(quality), np.asarray(noisy), np.asarray(second)
    if not isinstance(relabel_budget, (int, np.integer)) or not 0 <= relabel_budget <= len(noisy):
        raise AssertionError(f"relabel_budget is a whole number of labels from 0 to {len(noisy):,}.")
    try:
        choice(remedy, REMEDIES, "remedy")
    except ValueError as err:
        raise AssertionError(str(err)) from None
    if not isinstance(expect_better, (bool, np.bool_)):
        raise AssertionError("expect_better is True or False: your prediction, made before you run the check.")
    reviewed = np.argsort(quality, kind="stable")[:relabel_budget]
    labels, keep = noisy.copy(), np.ones(len(noisy), bool)
    if remedy == "re-label":
        answered = reviewed[second[reviewed] != ABSTAIN]
        labels[answered] = second[answered]
    elif remedy == "remove":
        keep[reviewed] = False
    y_test = np.asarray(y_test)
    yours = classifier(seed).fit(X_train[keep], labels[keep]).predict(X_test) == y_test
    nothing = classifier(seed).fit(X_train, noisy).predict(X_test) == y_test
    gain, low, high = stats.mean_interval(yours.astype(float) - nothing)
    dollars = price * relabel_budget if remedy == "re-label" else 0.0
    print(f"{remedy} on the {relabel_budget:,} lowest-quality labels (${dollars:,.2f}): test accuracy "
          f"{yours.mean():.3f}, doing nothing {nothing.mean():.3f}")
    print(f"difference {gain:+.3f}, 90% interval {low:+.3f} to {high:+.3f} over {len(y_test):,} test sentences")
    better = bool(low > 0)
    verdict = "beats doing nothing by more than the noise" if better else "does not beat doing nothing beyond the noise"
    if better != bool(expect_better):
        raise AssertionError(f"Your choice {verdict}, and you predicted the opposite. Look again at the remedies "
                             "table and at how many of the reviewed labels were wrong in the first place (section on "
                             "the review budget) before you choose again.")
    _ok(f"your choice {verdict}, as you predicted.")
    return {"accuracy": float(yours.mean()), "nothing": float(nothing.mean()), "gain": gain, "low": low, "high": high,
            "dollars": dollars}


ALLOCATION_KEYS = ("dev labels", "LLM items", "active-learning labels")


def ex06_allocation(allocation, run, board: pd.DataFrame, *, budget: float = 150.0, price: float = HUMAN_PRICE,
                    seed_spread: float | None = None) -> dict:
    """Notebook 06, exercise 1: the same budget spread differently over the stages. ``run(n_dev, llm_items,
    human_labels)`` is the notebook's five-step ``hybrid_pipeline``; ``board`` the strategies' accuracy and dollars
    (with the hybrid's spread over seeds in ``± sd``). Checks the allocation before anything runs, runs it, and
    draws it on the cost-accuracy plot."""
    from helpers.plotting import COLORS, plt
    from helpers.validate import choice

    if allocation is None:
        raise AssertionError("Your turn: set allocation to a dict with " + ", ".join(map(repr, ALLOCATION_KEYS)) + ".")
    if not isinstance(allocation, dict):
        raise AssertionError(f"allocation is a dict with the keys {list(ALLOCATION_KEYS)}.")
    try:
        for key in allocation:
            choice(key, ALLOCATION_KEYS, "allocation key")
    except ValueError as err:
        raise AssertionError(str(err)) from None
    if missing := [k for k in ALLOCATION_KEYS if k not in allocation]:
        raise AssertionError(f"allocation needs a number for {missing}.")
    if not all(isinstance(v, (int, np.integer)) and v >= 0 for v in allocation.values()):
        raise AssertionError("every allocation value is a whole number, 0 or more.")
    n_dev, n_llm, n_human = (int(allocation[k]) for k in ALLOCATION_KEYS)
    if n_dev < 20:
        raise AssertionError("at least 20 dev labels: the LFs are checked, and the dev-model LF trained, on them.")
    if n_llm > 400:
        raise AssertionError("at most 400 LLM items, as in the benchmark: more would make one run long.")
    dollars = price * (n_dev + n_human)
    if dollars > budget + 1e-9:
        raise AssertionError(f"{n_dev + n_human} human labels cost ${dollars:,.2f}, over the ${budget:,.0f} budget.")
    accuracy, ledger = run(n_dev=n_dev, llm_items=n_llm, human_labels=n_human)
    hybrid = board.loc["hybrid"]
    spread = float(hybrid["± sd"]) if seed_spread is None else seed_spread
    fig, ax = plt.subplots(figsize=(6.5, 4))
    for name, row in board.iterrows():
        ax.scatter(max(row["dollars"], 1), row["accuracy"], color=COLORS["random"], s=20)
        ax.annotate(name, (max(row["dollars"], 1), row["accuracy"]), textcoords="offset points", xytext=(4, 3),
                    fontsize=8)
    ax.errorbar(hybrid["dollars"], hybrid["accuracy"], yerr=spread, fmt="o", color=COLORS["hybrid"],
                label="the notebook's hybrid (sd over seeds)")
    ax.scatter(max(ledger.dollars, 1), accuracy, marker="*", s=180, color=COLORS["active"], zorder=3,
               label="your allocation")
    ax.set(xscale="log", xlabel="labeling cost, $ (log scale; $0 drawn at $1)", ylabel="test accuracy",
           title=f"Your allocation: {accuracy:.3f} for ${ledger.dollars:,.0f}")
    ax.legend(fontsize=8, loc="lower right")
    plt.show()
    gap = accuracy - float(hybrid["accuracy"])
    within = abs(gap) <= 2 * spread
    print(f"your allocation: {accuracy:.3f} for ${ledger.dollars:,.2f}; the notebook's hybrid: "
          f"{hybrid['accuracy']:.3f} ± {spread:.3f} (sd over seeds) for ${hybrid['dollars']:,.0f}")
    _ok(f"a gap of {gap:+.3f}, " + ("within twice the spread between seeds: no measurable difference."
                                     if within else "more than twice the spread between seeds."))
    return {"accuracy": accuracy, "dollars": ledger.dollars, "gap": gap, "within_noise": within}


def ex06b_go_on(go_on, X_pool, y_pool, X_test, y_test, *, budget: int, batch: int = 10, n_start: int = 20,
               more_rounds: int = 5) -> None:
    """The Label Studio deep dive (06b): are ``more_rounds`` more rounds of labeling worth it? They are run (the same
    loop: uncertainty sampling from the same start, the same raters answering) and the test gain is measured, with a
    paired bootstrap interval over the test sentences. Worth it = the interval lies above 0."""
    from helpers import active, stats

    if go_on not in (True, False):
        raise AssertionError("Your turn: set go_on to True (label more) or False (stop here).")
    run = active.run_active_learning(X_pool, y_pool, X_test, y_test, strategy="uncertainty",
                                     budget=budget + more_rounds * batch, batch=batch, n_start=n_start, seed=0)
    picked = np.concatenate(run["queried"].to_list())
    y_pool = np.asarray(y_pool)
    right = [active.model(seed=0).fit(X_pool[rows], y_pool[rows]).predict(X_test) == y_test
             for rows in (picked[:budget], picked)]
    gain, low, high = stats.mean_interval(right[1].astype(float) - right[0])
    worth = low > 0
    dollars = HUMAN_PRICE * more_rounds * batch
    what = (f"{more_rounds} more rounds ({more_rounds * batch} labels, ${dollars:.2f}) moved test "
            f"accuracy by {gain:+.3f} (90% interval {low:+.3f} to {high:+.3f})")
    if go_on != worth:
        raise AssertionError(f"Not this time: {what}. " + (
            "The interval lies above 0: the curve had not flattened yet. Look at its last rounds' slope."
            if worth else "The interval includes 0: the gain is within noise. A rising curve of one run is not yet "
                          "evidence; compare its last steps with the round-to-round wiggle."))
    _ok(f"{what}: {'worth another batch' if worth else 'within noise, so stopping was the right call'}.")


def ex06c_a_million(first_to_move, machines, fits: dict, llm_share: float, gain: float, *, n: int = 1_000_000,
                    hours: float = 2.0) -> None:
    """Past one machine (06c): the hybrid recipe on ``n`` items within ``hours``. Which stage do you
    move to Ray workers first (the one with the most machine time on the fitted curves), and how many machines like
    this one finish it in time (``scale.machines_for``: enough, and at most twice what is needed)?"""
    from helpers import scale

    stages = scale.hybrid_stages(n, fits, llm_share)
    if not isinstance(first_to_move, str) or first_to_move not in stages:
        raise AssertionError(f"Your turn: set first_to_move to one of the hybrid's stages: {sorted(stages)}.")
    need = scale.machines_for(stages, hours, gain)
    if need is None:
        raise AssertionError("No number of machines finishes in time here: the stages Ray does not spread take longer "
                             "than that on their own. Say so to whoever set the deadline.")
    machines = _number(machines, "the number of machines")
    slowest = max(stages, key=stages.get)
    by_hours = ", ".join(f"{stage} {seconds / 3600:.1f} h" for stage, seconds in
                         sorted(stages.items(), key=lambda kv: -kv[1]))
    if first_to_move != slowest:
        share = stages[first_to_move] / 3600
        raise AssertionError(f"Not this time: on one machine, {first_to_move} takes {share:.1f} h of the hybrid's "
                             f"{sum(stages.values()) / 3600:.1f} h. Which stage does the hybrid run "
                             "over every item with the most seconds per item? (scale.hybrid_stages shows each.)")
    if not need <= machines <= 2 * need:
        raise AssertionError(f"Not this time: {machines:g} machines " + (
            "are not enough to finish in time. Spread the stage over more: scale.machines_for counts what each "
            "added machine adds." if machines < need else
            "would finish, but a cheaper cluster would too: count again with scale.machines_for."))
    _ok(f"{slowest} dominates the hybrid on {n:,} items ({by_hours}); {need} machine{'s' if need > 1 else ''} "
        f"finish{'es' if need == 1 else ''} it in {hours:g} h, each added machine adding {gain:.2f} of one.")
