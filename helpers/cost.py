"""Part 1 of the lecture, the labeling cost problem: a cost model, you as the annotator (timed labels scored against
the real raters), and how label quality grows with the number of annotators per item. Taught in notebook 01; its cost
model prices the human labels of notebook 06 and deep dive 06c.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import pandas as pd

from helpers.data import ratings_matrix
from helpers.internal.seeding import SEED
from helpers.labels import ABSTAIN, draw_raters, majority_vote, vote
from helpers.pricing import HUMAN_MINUTES, HUMAN_PRICE
from helpers.validate import choice, finite, share, whole

HOURS_PER_WORK_YEAR = 2_000  # 50 weeks x 40 hours


# ----------------------------------------------------------------------------------------------- the cost model
@dataclass(frozen=True)
class LabelingCost:
    """Price and time of human labels. Defaults: the lecture's $0.30 and 5 minutes per label, one annotator.

    Args:
        price_per_label: dollars per label, >= 0.
        minutes_per_label: an annotator's minutes per label, >= 0.
        annotators_per_item: people who label each item (each label is paid), >= 1.

    Raises:
        ValueError: for a negative or non-finite price or time, or fewer than one annotator.
    """

    price_per_label: float = HUMAN_PRICE
    minutes_per_label: float = HUMAN_MINUTES
    annotators_per_item: int = 1

    def __post_init__(self):
        try:
            finite(self.price_per_label, "price_per_label (dollars)", 0)
            finite(self.minutes_per_label, "minutes_per_label", 0)
            whole(self.annotators_per_item, "annotators_per_item (people per item)", 1)
        except ValueError as e:
            raise ValueError(f"prices and minutes must be >= 0 and annotators_per_item >= 1: {e}") from None

    def labels(self, n_items: int) -> int:
        return finite(n_items, "n_items", 0) * self.annotators_per_item  # a point of a budget curve may be fractional

    def dollars(self, n_items: int) -> float:
        """Dollars for labeling ``n_items`` items (every annotator paid).

        Args:
            n_items: how many items, >= 0.

        Returns:
            ``n_items * annotators_per_item * price_per_label``, a float.

        Raises:
            ValueError: for a negative ``n_items``.
        """
        return self.labels(n_items) * self.price_per_label

    def hours(self, n_items: int) -> float:
        return self.labels(n_items) * self.minutes_per_label / 60

    def summary(self, n_items: int) -> dict:
        """Everything labeling ``n_items`` items takes.

        Args:
            n_items: how many items, >= 0.

        Returns:
            A dict: items, labels (items x annotators), dollars, hours (annotator hours) and work_years (at
            ``HOURS_PER_WORK_YEAR``, 2,000 hours).

        Raises:
            ValueError: for a negative ``n_items``.
        """
        hours = self.hours(n_items)
        return {"items": n_items, "labels": self.labels(n_items), "dollars": self.dollars(n_items),
                "hours": hours, "work_years": hours / HOURS_PER_WORK_YEAR}


def remaining_cost(labeled: int, needed: int, cost: LabelingCost = LabelingCost()) -> dict:
    """What it costs to label the items still missing: ``needed - labeled`` of them.

    Args:
        labeled: items labeled already.
        needed: items needed in all.
        cost: the price and time per label (the lecture's by default).

    Returns:
        ``cost.summary(needed - labeled)``: a dict with items, labels, dollars, hours and work_years.

    Raises:
        ValueError: unless 0 <= labeled <= needed.
    """
    if not 0 <= labeled <= needed:
        raise ValueError(f"need 0 <= labeled <= needed, got labeled={labeled}, needed={needed}")
    return cost.summary(needed - labeled)


# ----------------------------------------------------------------------------------------------- you as the annotator
STAND_IN_SECONDS = 8.0  # the stand-in's seconds per label: an assumed figure for a one-line sentence, not measured


def annotation_sample(df: pd.DataFrame, n: int = 20, seed: int = SEED) -> pd.DataFrame:
    """Sentences of the train split for you to label: half clear-cut (at least 90% of their raters on one side), half
    disputed (at most 65%), in a random order.

    Args:
        df: the data table (``data.load()``), with split, label, agreement, text and ratings columns.
        n: how many sentences, an even number >= 2.
        seed: seed of the draw.

    Returns:
        ``n`` rows of ``df`` with a ``kind`` column ("clear" or "disputed").
    """
    n = whole(n, "n (sentences to label)", 2)
    if n % 2:
        raise ValueError(f"n must be even (half clear, half disputed), got {n}")
    pool = df[(df["split"] == "train") & (df["label"] != ABSTAIN)]
    rng = np.random.default_rng(seed)
    parts = [pool[pool["agreement"] >= 0.9].assign(kind="clear"),
             pool[pool["agreement"] <= 0.65].assign(kind="disputed")]
    picked = pd.concat([p.iloc[rng.choice(len(p), n // 2, replace=False)] for p in parts])
    return picked.iloc[rng.permutation(n)].reset_index(drop=True)


class Annotation:
    """You as the annotator: label sentences with two buttons (or type them), each label timed.

    Args:
        sample: the sentences, e.g. :func:`annotation_sample`'s rows (text and ratings columns).

    Attributes:
        labels: your labels so far, 0 (NEGATIVE) or 1 (POSITIVE), in the sample's order.
        seconds: the seconds each label took (from the previous click, the first from when the buttons appeared).
    """

    def __init__(self, sample: pd.DataFrame):
        if len(sample) == 0:
            raise ValueError("no sentences to label")
        self.sample = sample.reset_index(drop=True)
        self.labels, self.seconds = [], []
        self._since = time.monotonic()

    def answer(self, label: int) -> None:
        """Label the next sentence: 0 (NEGATIVE) or 1 (POSITIVE); its time is the time since the last answer."""
        if label not in (0, 1):
            raise ValueError(f"a label is 0 (NEGATIVE) or 1 (POSITIVE), got {label!r}")
        if len(self.labels) == len(self.sample):
            raise RuntimeError(f"all {len(self.sample)} sentences are labeled")
        now = time.monotonic()
        self.seconds.append(now - self._since)
        self.labels.append(label)
        self._since = now

    def widget(self):
        """The buttons: one sentence at a time, NEGATIVE or POSITIVE; the clock starts when they appear."""
        import ipywidgets as w

        sentence, status = w.HTML(), w.HTML()

        def refresh():
            done = len(self.labels)
            sentence.value = (f"<p style='font-size:1.2em'>{self.sample['text'][done]}</p>" if done < len(self.sample)
                              else "<p>Done: run the next cell.</p>")
            status.value = f"{done} of {len(self.sample)} labeled"

        buttons = [w.Button(description=name) for name in ("NEGATIVE", "POSITIVE")]
        for label, button in enumerate(buttons):
            button.on_click(lambda _b, label=label: (len(self.labels) < len(self.sample) and self.answer(label),
                                                     refresh()))
        refresh()
        self._since = time.monotonic()
        return w.VBox([sentence, w.HBox(buttons), status])

    def print_sentences(self) -> None:
        """The plain-cell way: print the sentences numbered, and start the clock for :meth:`result`'s ``typed``."""
        for i, text in enumerate(self.sample["text"], 1):
            print(f"{i:2d}. {text}")
        self._since = time.monotonic()

    def result(self, typed: str = "") -> tuple[np.ndarray, float, str]:
        """Your labels and your median seconds per label, or a stand-in's when you labeled nothing.

        Args:
            typed: the plain-cell way, one letter per sentence in printed order, N or P (spaces are ignored), timed
                from :meth:`print_sentences`; "" to use the buttons' answers.

        Returns:
            ``(labels, seconds per label, who)``. With no answers and nothing typed, the labels are a stand-in: for each
            sentence the first rater in the archive's list who took a side, at ``STAND_IN_SECONDS`` (an assumed
            time); ``who`` then starts with "STAND-IN".

        Raises:
            ValueError: for typed letters other than N and P, or of the wrong number; or for buttons half done.
        """
        n = len(self.sample)
        if typed.strip():
            letters = typed.upper().replace(" ", "").replace(",", "")
            if len(letters) != n or set(letters) - {"N", "P"}:
                raise ValueError(f"type one letter per sentence, N or P: {n} letters, got {len(letters)} ({typed!r})")
            seconds = (time.monotonic() - self._since) / n
            return np.array([int(c == "P") for c in letters]), seconds, "you (typed)"
        if len(self.labels) == n:
            return np.array(self.labels), float(np.median(self.seconds)), "you (buttons)"
        if self.labels:
            raise ValueError(f"you labeled {len(self.labels)} of {n} sentences: finish them with the buttons")
        first_side = [next(r for r in ratings if r != 0) for ratings in self.sample["ratings"]]
        return (np.array(first_side) > 0).astype(int), STAND_IN_SECONDS, (
            f"STAND-IN: one real rater per sentence at an assumed {STAND_IN_SECONDS:.0f} s a label (label them "
            "yourself to replace it)")


# ----------------------------------------------------------------------------------------------- k-rater majority vote
def majority_vote_curve(df: pd.DataFrame, ks=range(1, 16), n_resamples: int = 20, seed: int = SEED,
                        heldout_max_k: int = 7) -> pd.DataFrame:
    """Accuracy of a k-rater majority vote, for each k, over random draws of k raters per item.

    Raters are drawn with ``labels.draw_raters`` (a random order of each item's panel per resample; the first k
    vote). Each rater votes for the side of their rating (0 abstains); a tie is broken by a fair coin. Two
    references: ``acc_full``, the full-panel consensus (sign of the mean of all raters: the data set's own label),
    and, for k <= ``heldout_max_k``, ``acc_heldout``, the sign of the mean of the *other* raters of the same item,
    which does not share the k votes (every item has at least 15 raters, so 8 or more remain).
    Only items with a binary label are used.

    Args:
        df: the data table (``data.load()``), with ratings, n_raters and label columns.
        ks: the panel sizes k, each in 1..the smallest panel.
        n_resamples: random draws of raters per k.
        seed: seed of the draws and the coin.
        heldout_max_k: the largest k that also gets ``acc_heldout``.

    Returns:
        A DataFrame, one row per (k, resample): k, resample, acc_full and acc_heldout (in [0, 1]; NaN above
        ``heldout_max_k``).

    Raises:
        ValueError: if no item has a binary label, ``ks`` is empty, or a k is outside 1..the smallest panel.
    """
    df = df[df["label"] != ABSTAIN]
    if df.empty:
        raise ValueError("no items with a binary label")
    ks = list(ks)
    if not ks:
        raise ValueError("ks is empty: give at least one panel size, e.g. ks=range(1, 16)")
    smallest = int(df["n_raters"].min())
    if min(ks) < 1 or max(ks) > smallest:
        raise ValueError(f"every k must be in 1..{smallest} (the smallest panel), got {min(ks)}..{max(ks)}")
    truth = df["label"].to_numpy()
    rows = []
    for resample in range(n_resamples):
        order = draw_raters(df["ratings"], None, seed=(seed, resample))  # every rater, in a random order
        votes = vote(order)
        for k in ks:
            pred = majority_vote(votes[:, :k], ties="coin", seed=(seed, resample, k))
            row = {"k": k, "resample": resample, "acc_full": float(np.mean(pred == truth)), "acc_heldout": np.nan}
            if k <= heldout_max_k:
                rest_sum = np.nansum(order[:, k:], axis=1)  # its sign is the sign of the other raters' mean
                decided = rest_sum != 0
                if decided.any():
                    row["acc_heldout"] = float(np.mean(pred[decided] == (rest_sum[decided] > 0)))
            rows.append(row)
    return pd.DataFrame(rows)


def summarize_curve(curve: pd.DataFrame, value: str = "acc_full", by: str = "k") -> pd.DataFrame:
    """Mean and 5%/95% quantiles of ``value`` per ``by``.

    Args:
        curve: a tidy table, e.g. :func:`majority_vote_curve`'s or :func:`accuracy_vs_labels`'s.
        value: the column to summarise.
        by: the column to group by.

    Returns:
        A DataFrame indexed by ``by``: mean, low (5% quantile) and high (95% quantile).
    """
    g = curve.groupby(by)[value]
    return pd.DataFrame({"mean": g.mean(), "low": g.quantile(0.05), "high": g.quantile(0.95)})


def stop_paying_at(summary: pd.DataFrame, min_gain: float = 0.01) -> int:
    """The first odd panel size k after which two more annotators add less than ``min_gain`` accuracy.

    Odd sizes only: with an even panel a tie is a coin flip, so k+1 (even) adds nothing over k (odd).

    Args:
        summary: :func:`summarize_curve`'s output, indexed by k, with a mean column.
        min_gain: the least accuracy gain, in [0, 1], that two more annotators must add to be worth paying.

    Returns:
        That k as an int; the largest k in ``summary`` if the gain never falls below ``min_gain``.
    """
    share(min_gain, "min_gain (an accuracy gain)")
    odd = [k for k in summary.index if k % 2 == 1 and k + 2 in summary.index]
    for k in odd:
        if summary.loc[k + 2, "mean"] - summary.loc[k, "mean"] < min_gain:
            return int(k)
    return int(max(summary.index))


def krippendorff_alpha(df: pd.DataFrame, level: str = "interval") -> float:
    """Krippendorff's alpha of the raw ratings (interval) or of their 3 polarity classes (nominal).

    Uses the ``krippendorff`` package; alpha handles items with different numbers of raters.

    Args:
        df: the data table (``data.load()``), with a ratings column.
        level: "interval" (the ratings -4..4 as numbers) or "nominal" (negative, neutral, positive).

    Returns:
        Alpha as a float: 1 is perfect agreement, 0 what chance gives.

    Raises:
        ValueError: for an unknown ``level``.
    """
    import krippendorff

    from helpers.data import polarity3

    choice(level, ("interval", "nominal"), "level of measurement")
    values = ratings_matrix(df)
    if level == "nominal":
        values = np.where(np.isnan(values), np.nan, polarity3(np.nan_to_num(values)))
    return float(krippendorff.alpha(reliability_data=values.T, level_of_measurement=level))


# ----------------------------------------------------------------------------------------------- strategies
STRATEGIES = pd.DataFrame(
    [
        ("Active learning", 2, 10, "Limited budget for human labels", "active"),
        ("Weak supervision", 10, 100, "Patterns can be encoded as rules", "weak"),
        ("LLM labeling", 10, 50, "Task is well-defined, cost-sensitive", "llm"),
        ("Noisy label handling", 1.5, 2, "Labels already exist but noisy", "noise"),
    ],
    columns=["technique", "reduction_low", "reduction_high", "best_when", "key"],
).set_index("technique")
"""The lecture's claimed effort reductions (its 'Today's Mission' table); the later notebooks measure them."""

LLM_PRICE_PER_LABEL = 0.002  # the lecture's "roughly" for GPT-4 in Part 4


def strategy_costs(n_labels, cost: LabelingCost = LabelingCost()) -> pd.DataFrame:
    """Cost of ``n_labels`` labels by hand and, per strategy, within the lecture's claimed reduction range.

    Args:
        n_labels: one number of labels or several (array-like).
        cost: the price per human label (the lecture's by default).

    Returns:
        A DataFrame, one row per strategy and number: strategy ("All human", then each row of ``STRATEGIES``),
        n_labels, low and high (dollars).
    """
    n = np.asarray(n_labels, dtype=float)
    rows = [{"strategy": "All human", "n_labels": x, "low": cost.dollars(x), "high": cost.dollars(x)} for x in n]
    for name, r in STRATEGIES.iterrows():
        rows += [{"strategy": name, "n_labels": x, "low": cost.dollars(x) / r.reduction_high,
                  "high": cost.dollars(x) / r.reduction_low} for x in n]
    return pd.DataFrame(rows)


@dataclass
class Recommendation:
    first_choice: str
    add: list
    why: list

    def __str__(self):
        extra = f" + {' + '.join(self.add)}" if self.add else ""
        return f"{self.first_choice}{extra}\n" + "\n".join(f"  - {w}" for w in self.why)


def which_technique(n_items: int, can_write_heuristics: bool | None = None, llm_budget: bool | None = None,
                    high_precision: bool | None = None, have_noisy_labels: bool | None = None) -> Recommendation:
    """The lecture's decision guide (Part 6): data size first, then its yes/no questions.

    Each question left at ``None`` means "don't know" and is left out.

    Args:
        n_items: how many items need labels, >= 0.
        can_write_heuristics: whether labeling rules can be written down.
        llm_budget: whether there is money for an LLM API.
        high_precision: whether wrong labels are costly (keep humans on the uncertain items).
        have_noisy_labels: whether labels exist already but are noisy.

    Returns:
        A ``Recommendation`` (first_choice, add, why); printing it shows the advice and the reasons.

    Raises:
        ValueError: for a negative ``n_items``.
    """
    if n_items < 0:
        raise ValueError("n_items must be >= 0")
    add, why = [], []
    if n_items < 1_000:
        first = "Manual labeling"
        why.append(f"{n_items:,} items (< 1,000): just label them by hand")
    elif n_items <= 10_000:
        first = "Active learning"
        why.append(f"{n_items:,} items (1k-10k): let the model pick what humans label")
        if can_write_heuristics:
            add.append("Weak supervision")
            why.append("labeling heuristics exist: add weak supervision")
    else:
        why.append(f"{n_items:,} items (> 10k): too many for humans alone")
        if can_write_heuristics and not llm_budget:
            first = "Weak supervision"
            why.append("heuristics can be written" + (" and there is no LLM budget" if llm_budget is False else ""))
        elif llm_budget and not can_write_heuristics:
            first = "LLM labeling"
            why.append("budget for an LLM" + (" and no heuristics" if can_write_heuristics is False else ""))
        elif can_write_heuristics and llm_budget:
            first = "Weak supervision"
            add.append("LLM labeling")
            why.append("both heuristics and an LLM budget: rules for bulk, the LLM where rules abstain")
        else:
            first = "LLM labeling (open-source model, compute only)" if can_write_heuristics is False and \
                llm_budget is False else "Weak supervision or LLM labeling"
            why.append("no heuristics and no API budget: a local open model" if first.startswith("LLM")
                       else "answer the questions to choose between them")
        add.append("Active learning for the hard cases")
    if high_precision:
        add.append("human review of the uncertain items")
        why.append("high precision is critical: keep humans on what the cheap labelers are unsure about")
    if have_noisy_labels:
        add.append("noisy-label cleaning (cleanlab)")
        why.append("labels already exist but are noisy: find and fix the suspicious ones")
    return Recommendation(first, add, why)


# ----------------------------------------------------------------------------------------------- what labels buy
def accuracy_vs_labels(X_train, y_train, X_test, y_test, sizes, *, seeds=range(3), make_model=None) -> pd.DataFrame:
    """Test accuracy of a model trained on ``n`` randomly chosen labeled items, per n and seed (passive learning).

    Args:
        X_train, y_train: the features (n, d) and labels (n,) to draw from.
        X_test, y_test: the test set.
        sizes: the numbers of labels n, each in 2..len(y_train).
        seeds: one random order of the train items per seed; each size takes its first n.
        make_model: ``make_model(seed) -> unfitted model``; None means ``features.classifier``.

    Returns:
        A DataFrame, one row per seed and size: n_labels, seed and accuracy.

    Raises:
        ValueError: for a size outside 2..len(y_train).
    """
    from helpers.features import classifier

    make_model = make_model or classifier
    y_train = np.asarray(y_train)
    rows = []
    for seed in seeds:
        order = np.random.default_rng(seed).permutation(len(y_train))
        for n in sizes:
            if not 2 <= n <= len(y_train):
                raise ValueError(f"size {n} is outside 2..{len(y_train)}")
            idx = order[:n]
            model = make_model(seed).fit(X_train[idx], y_train[idx])
            rows.append({"n_labels": n, "seed": seed, "accuracy": float(model.score(X_test, y_test))})
    return pd.DataFrame(rows)
