"""Checks for the "your turn" exercises: each says what is right or what to look at, not just pass/fail.

A check prints a confirmation when the answer is right and raises ``AssertionError`` with a hint when it is not.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from helpers import cost
from helpers.labels import ABSTAIN, POSITIVE, confidence


def _ok(message: str) -> None:
    print(f"Correct: {message}")


def ex01_budget(answer: float, n_items: int, price: float = 0.30, annotators: int = 3) -> None:
    """Notebook 01, exercise 1: the price of ``annotators`` labels per item for ``n_items`` items."""
    expected = cost.LabelingCost(price_per_label=price, annotators_per_item=annotators).dollars(n_items)
    if answer is None:
        raise AssertionError("Your turn: replace None with your answer (a number of dollars).")
    if math.isclose(answer, expected / annotators, rel_tol=1e-6):
        raise AssertionError("That is the price of one label per item: every item gets "
                             f"{annotators} annotators, so multiply by {annotators}.")
    if not math.isclose(answer, expected, rel_tol=1e-6):
        raise AssertionError(f"Not quite: {n_items:,} items x {annotators} labels x ${price:.2f} "
                             f"is not {answer:,.2f}. Check each factor with LabelingCost.")
    _ok(f"${expected:,.2f} for {n_items * annotators:,} labels.")


def ex01_even_panels(gain_3_to_4: float, gain_3_to_5: float, summary: pd.DataFrame) -> None:
    """Notebook 01, exercise 2: what a 4th and a 5th annotator add over a 3-rater vote (``summary`` by k)."""
    if gain_3_to_4 is None or gain_3_to_5 is None:
        raise AssertionError("Your turn: compute both gains from the summary table (rows are k).")
    want4 = summary.loc[4, "mean"] - summary.loc[3, "mean"]
    want5 = summary.loc[5, "mean"] - summary.loc[3, "mean"]
    for got, want, name in ((gain_3_to_4, want4, "gain_3_to_4"), (gain_3_to_5, want5, "gain_3_to_5")):
        if not math.isclose(got, want, abs_tol=1e-9):
            raise AssertionError(f"{name} should be a difference of two 'mean' values of the summary "
                                 f"(accuracy at the larger k minus at k=3); got {got:.4f}.")
    _ok(f"a 4th rater adds {want4:+.4f}, a 5th {want5:+.4f}: with an even panel, ties are coin flips, "
        "so pay for odd panels.")


def ex01_most_disputed(answer_id: str, movies: pd.DataFrame, label3: str = "POSITIVE") -> None:
    """Notebook 01, exercise 3: the id of the ``label3`` sentence whose raters agree least with its label."""
    subset = movies[movies["label3"] == label3]
    lowest = subset["agreement"].min()
    winners = set(subset.loc[subset["agreement"] == lowest, "id"])
    if answer_id is None:
        raise AssertionError("Your turn: give the id (a string) of the sentence.")
    if answer_id not in set(movies["id"]):
        raise AssertionError(f"{answer_id!r} is not an id of the table; ids are strings such as '1'.")
    if answer_id not in set(subset["id"]):
        raise AssertionError(f"Sentence {answer_id} is not labeled {label3}: filter on label3 first.")
    if answer_id not in winners:
        got = subset.loc[subset["id"] == answer_id, "agreement"].item()
        raise AssertionError(f"Sentence {answer_id} has agreement {got:.2f}; one has {lowest:.2f}. "
                             "Sort by agreement, ascending.")
    _ok(f"sentence {answer_id}: only {lowest:.0%} of its raters are on the side of its {label3} label.")


def ex03_new_lf(lf, table: pd.DataFrame, dev_mask) -> None:
    """Notebook 03, exercise 1: a new labeling function, measured on the dev split."""
    from helpers import weak

    if lf is None:
        raise AssertionError("Your turn: define lf_recommend with @labeling_function().")
    votes = weak.apply_lfs(table[dev_mask], [lf])[:, 0]
    fired = votes != ABSTAIN
    if not fired.any():
        raise AssertionError("Your LF abstains on every dev sentence: check the words you look for (lower case?).")
    if set(np.unique(votes[fired])) - {POSITIVE}:
        raise AssertionError("lf_recommend should only ever vote POSITIVE (1) or ABSTAIN (-1).")
    accuracy = float(np.mean(table["label"].to_numpy()[dev_mask][fired] == votes[fired]))
    _ok(f"it labels {fired.mean():.1%} of dev at {accuracy:.2f} accuracy. "
        + ("Precise, but it covers little: a typical high-precision pattern LF."
           if accuracy >= 0.7 else "Is it better than the LFs you already have? Compare with LFAnalysis."))


def ex03_closed_form(alpha_1: float) -> None:
    """Notebook 03, exercise 2: the closed-form accuracy of LF 1 in the lecture's example."""
    if alpha_1 is None:
        raise AssertionError("Your turn: compute alpha_1 with the formula.")
    if math.isclose(alpha_1, 0.80, abs_tol=1e-3):
        raise AssertionError("0.80 is the lecture's stated answer, which does not satisfy its own equations.")
    if math.isclose(alpha_1, 0.5 - (0.862284 - 0.5), abs_tol=1e-3):
        raise AssertionError("That is the other root of the square: an LF worse than a coin. Take 1 + sqrt(...).")
    if not math.isclose(alpha_1, 0.862284, abs_tol=1e-4):
        raise AssertionError(f"{alpha_1:.4f} is not it: (2*0.85-1)*(2*0.80-1)/(2*0.90-1) = 0.525, "
                             "then alpha = (1 + sqrt(0.525)) / 2.")
    _ok(f"alpha_1 = {alpha_1:.3f}, as the torch solver found.")


def ex03_threshold(threshold: float, proba, covered, y, target: float = 0.80) -> None:
    """Notebook 03, exercise 3: the smallest confidence threshold reaching ``target`` accuracy."""
    from helpers import weak

    if threshold is None:
        raise AssertionError("Your turn: loop over thresholds 0.50, 0.51, ... and stop at the first that works.")
    grid = np.round(np.arange(0.50, 1.00, 0.01), 2)
    best = next(t for t in grid if weak.covered_accuracy(weak.proba_to_labels(proba, covered, t), y)[0] >= target)
    acc, cov = weak.covered_accuracy(weak.proba_to_labels(proba, covered, threshold), y)
    if acc < target:
        raise AssertionError(f"At {threshold:.2f} the labels are only {acc:.3f} accurate: go higher.")
    if threshold > best + 1e-9:
        raise AssertionError(f"{threshold:.2f} works, but a smaller threshold does too (and keeps more labels).")
    _ok(f"threshold {threshold:.2f}: {acc:.3f} accurate on {cov:.1%} of train.")


def ex05_budget(caught: int, scores, is_error, budget: int = 500) -> None:
    """Notebook 05, exercise 1: real errors caught by reviewing the ``budget`` lowest-quality labels."""
    if caught is None:
        raise AssertionError("Your turn: sort by label quality (ascending), take the first 500, count the errors.")
    order = np.argsort(scores, kind="stable")
    want = int(np.asarray(is_error)[order[:budget]].sum())
    if caught == int(np.asarray(is_error)[np.argsort(-np.asarray(scores), kind="stable")[:budget]].sum()):
        raise AssertionError("You reviewed the 500 *best* labels: low quality scores are the suspicious ones.")
    if caught != want:
        raise AssertionError(f"{caught} is not it. Count is_error over the 500 lowest-scored sentences.")
    share = want / int(np.sum(is_error))
    _ok(f"{want} errors, {share:.0%} of all of them, by reviewing {budget / len(order):.1%} of the labels; "
        f"a random review of as many would find about {budget / len(order):.1%} of them.")


def ex05_clearest_error(answer_id: str, table: pd.DataFrame, flags, is_error) -> None:
    """Notebook 05, exercise 2: the flagged, truly wrong label whose raters agreed most."""
    if answer_id is None:
        raise AssertionError("Your turn: filter the flagged sentences whose label is wrong, sort by agreement.")
    candidates = table[np.asarray(flags) & np.asarray(is_error)]
    best = candidates["agreement"].max()
    if answer_id not in set(candidates["id"]):
        raise AssertionError(f"Sentence {answer_id!r} is not a flagged real error: use flags & is_error.")
    got = candidates.loc[candidates["id"] == answer_id, "agreement"].item()
    if got < best:
        raise AssertionError(f"Its raters agreed {got:.0%}; another flagged error has {best:.0%}. Sort descending.")
    _ok(f"sentence {answer_id}: {best:.0%} of raters disagree with the single rater, and cleanlab flagged it.")


def ex02_entropy(entropy_bits: float) -> None:
    """Notebook 02, exercise 1: the entropy of [0.50, 0.49, 0.01] in bits."""
    p = np.array([0.50, 0.49, 0.01])
    bits, nats = float(-(p * np.log2(p)).sum()), float(-(p * np.log(p)).sum())
    if entropy_bits is None:
        raise AssertionError("Your turn: -(p * log2(p)).sum().")
    if math.isclose(entropy_bits, nats, abs_tol=1e-6):
        raise AssertionError(f"{nats:.3f} is in nats (natural log); the question asks for bits: use np.log2.")
    if not math.isclose(entropy_bits, bits, abs_tol=1e-6):
        raise AssertionError(f"{entropy_bits:.3f} is not it; mind the minus sign and the base.")
    _ok(f"{bits:.3f} bits: close to 1 bit, as for a coin flip between the two top classes.")


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
        curves = active.learning_curves(X_pool, y_pool, X_eval, y_eval, setups, seeds=seeds, progress=False,
                                        budget=budget, batch=batch)
    except (TypeError, ValueError, IndexError) as err:
        raise AssertionError(f"Your strategy failed inside the loop: {err}. It receives the learner (call "
                             "classifier.predict_proba(X_pool)), the unlabeled rows and n_instances, and must "
                             "return n_instances distinct row numbers of X_pool.") from None
    per_seed = curves.groupby(["setup", "seed"]).apply(
        lambda c: np.trapezoid(c["accuracy"], c["labels"]) / np.ptp(c["labels"]), include_groups=False).unstack(0)
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


def ex02_labels_to_reach(answer, curves: pd.DataFrame, setup: str, target: float) -> None:
    """Notebook 02, exercise 2: labels a set-up needs before its mean curve stays at or above ``target``."""
    from helpers.active import labels_to_reach

    want = labels_to_reach(curves[curves["setup"] == setup], target).item()
    if answer is None:
        raise AssertionError("Your turn: filter the curves to one set-up and call active.labels_to_reach.")
    if not (math.isclose(float(answer), want) or (math.isnan(float(answer)) and math.isnan(want))):
        raise AssertionError(f"{answer} is not it. Filter curves on setup == {setup!r} first.")
    _ok(f"{setup} needs {want:.0f} labels to stay at {target:.2f} or better.")


def ex04_threshold(threshold: float, proba, y, target: float = 0.95) -> None:
    """Notebook 04, exercise 1: the smallest confidence threshold (steps of 0.01 from 0.50) whose kept items reach
    ``target`` accuracy on the dev items."""
    if threshold is None:
        raise AssertionError("Your turn: set threshold to a number between 0.50 and 1.00.")
    proba, y = np.asarray(proba), np.asarray(y)
    conf, right = confidence(proba), (proba > 0.5) == y
    grid = np.round(np.arange(0.50, 1.00, 0.01), 2)
    ok = [t for t in grid if (conf >= t).any() and right[conf >= t].mean() >= target]
    if not ok:
        raise AssertionError(f"No threshold reaches {target:.0%} on these items; lower the target.")
    want = ok[0]
    kept = conf >= threshold
    if not kept.any():
        raise AssertionError(f"At {threshold} the LLM keeps nothing: every item would go to humans.")
    if right[kept].mean() < target:
        raise AssertionError(f"At {threshold} the kept items are only {right[kept].mean():.1%} right; go higher.")
    if threshold > want + 1e-9:
        raise AssertionError(f"{threshold} reaches {target:.0%}, but so does a lower one, which sends fewer items "
                             "to humans. Try smaller values.")
    _ok(f"threshold {want:.2f} keeps {kept.mean():.0%} of the items at {right[kept].mean():.1%} accuracy.")


def ex04_confident_mistake(answer_id, items: pd.DataFrame, proba, min_confidence: float = 0.9) -> None:
    """Notebook 04, exercise 2: a sentence the LLM labels with confidence >= ``min_confidence`` against the raters'
    consensus (``items``: the scored rows, in the order of ``proba``)."""
    if answer_id is None:
        raise AssertionError("Your turn: set answer_id to the id of a sentence from the scored items.")
    proba = np.asarray(proba)
    where = np.flatnonzero(items["id"].to_numpy() == answer_id)
    if not len(where):
        raise AssertionError(f"{answer_id} is not among the scored items; pick an id from their 'id' column.")
    i = where[0]
    conf, pred, truth = max(proba[i], 1 - proba[i]), int(proba[i] > 0.5), int(items["label"].iat[i])
    if pred == truth:
        raise AssertionError(f"The LLM got {answer_id} right (P(positive) = {proba[i]:.2f}); look for a mistake.")
    if conf < min_confidence:
        raise AssertionError(f"{answer_id} is a mistake, but a hesitant one (confidence {conf:.2f}); find one at "
                             f"{min_confidence} or more: the kind routing cannot catch.")
    _ok(f"the LLM is {conf:.0%} sure of the wrong side for: {items['text'].iat[i]!r} "
        f"(raters' mean {items['mean'].iat[i]:+.2f}).")


def ex04_cost(answer: float, ledger, n_labels: int, model: str = "gpt-3.5-turbo") -> None:
    """Notebook 04, exercise 3: what ``n_labels`` labels would cost at ``model``'s prices, with this run's tokens
    per label (``ledger``: the run's ``helpers.llm.Ledger``)."""
    from helpers.llm import PRICES
    if answer is None:
        raise AssertionError("Your turn: compute the dollars from the ledger's tokens per label and PRICES.")
    p_in, p_out = PRICES[model]
    per_label = (ledger.prompt_tokens * p_in + ledger.completion_tokens * p_out) / 1e6 / ledger.requests
    want = per_label * n_labels
    if math.isclose(answer, want * 1e6, rel_tol=1e-3):
        raise AssertionError("PRICES are dollars per million tokens: divide by 1,000,000.")
    if not math.isclose(answer, want, rel_tol=1e-3):
        raise AssertionError(f"Not quite: tokens per label (prompt and completion, priced separately) times "
                             f"{n_labels:,} labels is not ${answer:,.4f}.")
    _ok(f"${want:,.2f} for {n_labels:,} labels at {model} prices (${1000 * per_label:.3f} per 1,000).")


def ex06_cost_share(answer: float, ledger_table: pd.DataFrame, n_pool: int, price: float = 0.30) -> None:
    """Notebook 06, exercise 1: the hybrid's dollars as a share of one human label per pool sentence."""
    if answer is None:
        raise AssertionError("Your turn: divide the ledger's dollars by the all-human price.")
    want = ledger_table["dollars"].sum() / (n_pool * price)
    if math.isclose(answer, 100 * want, rel_tol=1e-6):
        raise AssertionError("That is a percentage; give the share as a fraction (0.05, not 5).")
    if math.isclose(answer, ledger_table["dollars"].sum(), rel_tol=1e-6):
        raise AssertionError("That is the hybrid's dollars; divide by the all-human price (pool size x price).")
    if not math.isclose(answer, want, rel_tol=1e-6):
        raise AssertionError(f"Not quite: sum the 'dollars' column (every stage, the dev labels included) and divide "
                             f"by {n_pool:,} x ${price:.2f}.")
    _ok(f"the hybrid costs {want:.1%} of labeling everything by hand ({1 / want:.0f}x cheaper).")


def ex06_dominated(answer, board: pd.DataFrame) -> None:
    """Notebook 06, exercise 2: the strategies another one beats or equals on both accuracy and dollars."""
    if answer is None:
        raise AssertionError("Your turn: make a list of names from board.index.")
    acc, usd = board["accuracy"], board["dollars"]
    want = {a for a in board.index for b in board.index
            if b != a and acc[b] >= acc[a] and usd[b] <= usd[a] and (acc[b] > acc[a] or usd[b] < usd[a])}
    got = set(answer)
    if unknown := got - set(board.index):
        raise AssertionError(f"{sorted(unknown)} are not strategies; use the names in board.index.")
    if missing := want - got:
        a = sorted(missing)[0]
        raise AssertionError(f"{a!r} is dominated too: look for a strategy at least as accurate for no more money.")
    if extra := got - want:
        a = sorted(extra)[0]
        raise AssertionError(f"Nothing beats {a!r} on both axes: every cheaper strategy is less accurate.")
    _ok(f"dominated: {', '.join(sorted(want)) or 'none'}; the rest form the Pareto front.")
