"""Part 1 helpers: the cost model, you as the annotator, the k-rater curve and the decision guide."""

import numpy as np
import pandas as pd
import pytest

from helpers import cost, data, labels


def test_lecture_arithmetic():
    c = cost.LabelingCost()  # $0.30, 5 min
    remaining = cost.remaining_cost(labeled=1_000, needed=100_000)
    assert remaining["items"] == 99_000
    assert remaining["dollars"] == pytest.approx(29_700)
    assert remaining["hours"] == pytest.approx(8_250)
    # the lecture's "$30,000 and 8,333 hours" is the price of all 100,000 labels
    assert c.dollars(100_000) == pytest.approx(30_000)
    assert round(c.hours(100_000)) == 8_333


def test_annotators_per_item_multiply():
    c = cost.LabelingCost(price_per_label=0.1, minutes_per_label=1, annotators_per_item=3)
    assert c.labels(10) == 30 and c.dollars(10) == pytest.approx(3.0) and c.hours(60) == pytest.approx(3.0)


@pytest.mark.parametrize("kwargs", [{"price_per_label": -1}, {"annotators_per_item": 0}])
def test_bad_cost_parameters(kwargs):
    with pytest.raises(ValueError, match="prices and minutes must be >= 0 and annotators_per_item >= 1"):
        cost.LabelingCost(**kwargs)


def test_bad_counts():
    with pytest.raises(ValueError, match="need 0 <= labeled <= needed, got labeled=10, needed=5"):
        cost.remaining_cost(labeled=10, needed=5)
    with pytest.raises(ValueError, match="n_items must be a finite number >= 0, got -1"):
        cost.LabelingCost().dollars(-1)


def _toy(ratings):
    df = pd.DataFrame({"ratings": ratings})
    df["n_raters"] = df["ratings"].map(len)
    df["mean"] = df["ratings"].map(np.mean)
    df["label"] = labels.vote(df["mean"])
    return df


def test_majority_vote_of_unanimous_raters_is_always_right():
    df = _toy([[2, 3, 1], [-1, -2, -4], [1, 1, 1]])
    curve = cost.majority_vote_curve(df, ks=[1, 2, 3], n_resamples=5, heldout_max_k=2)
    assert (curve["acc_full"] == 1).all()
    assert (curve.dropna()["acc_heldout"] == 1).all()


def test_majority_vote_full_panel_matches_consensus_when_votes_decide():
    df = _toy([[2, 2, -1], [-3, 1, -1], [0, 0, 4]])
    curve = cost.majority_vote_curve(df, ks=[3], n_resamples=3)
    assert (curve["acc_full"] == 1).all()


def test_majority_vote_rejects_bad_k():
    with pytest.raises(ValueError, match="k must be in 1..3"):
        cost.majority_vote_curve(_toy([[1, 2, 3]]), ks=[4])
    with pytest.raises(ValueError, match="ks is empty"):
        cost.majority_vote_curve(_toy([[1, 2, 3]]), ks=[])
    with pytest.raises(ValueError, match="no items"):
        cost.majority_vote_curve(_toy([[1, -1]]), ks=[1])


def test_stop_paying_at():
    summary = pd.DataFrame({"mean": [0.70, 0.70, 0.80, 0.80, 0.805, 0.805, 0.81]}, index=range(1, 8))
    assert cost.stop_paying_at(summary, min_gain=0.01) == 3


def test_krippendorff_alpha_extremes():
    perfect = _toy([[2, 2, 2], [-3, -3, -3], [0, 0, 0]])
    assert cost.krippendorff_alpha(perfect) == pytest.approx(1.0)
    assert cost.krippendorff_alpha(perfect, level="nominal") == pytest.approx(1.0)


def test_strategy_costs_bands():
    table = cost.strategy_costs([1_000])
    human = table[table.strategy == "All human"].iloc[0]
    weak = table[table.strategy == "Weak supervision"].iloc[0]
    assert human["low"] == human["high"] == pytest.approx(300)
    assert weak["low"] == pytest.approx(3) and weak["high"] == pytest.approx(30)


@pytest.mark.parametrize("args, first", [
    (dict(n_items=500), "Manual labeling"),
    (dict(n_items=5_000), "Active learning"),
    (dict(n_items=50_000, can_write_heuristics=True, llm_budget=False), "Weak supervision"),
    (dict(n_items=50_000, can_write_heuristics=False, llm_budget=True), "LLM labeling"),
    (dict(n_items=50_000, can_write_heuristics=False, llm_budget=False),
     "LLM labeling (open-source model, compute only)"),
])
def test_which_technique(args, first):
    rec = cost.which_technique(**args)
    assert rec.first_choice == first
    assert str(rec).startswith(first)


def test_which_technique_adds():
    rec = cost.which_technique(5_000, can_write_heuristics=True, high_precision=True, have_noisy_labels=True)
    assert rec.add == ["Weak supervision", "human review of the uncertain items", "noisy-label cleaning (cleanlab)"]


def test_accuracy_vs_labels_shape_and_errors():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 3))
    y = (X[:, 0] > 0).astype(int)
    curve = cost.accuracy_vs_labels(X[:150], y[:150], X[150:], y[150:], sizes=[10, 100], seeds=[0, 1])
    assert len(curve) == 4 and curve.groupby("n_labels")["accuracy"].mean()[100] > 0.9
    with pytest.raises(ValueError, match="size 1000 is outside 2..150"):
        cost.accuracy_vs_labels(X[:150], y[:150], X[150:], y[150:], sizes=[1_000])


# --- you as the annotator (notebook 01, section 2)
def annotation_table():
    return pd.DataFrame({"text": ["good", "bad", "meh", "fine"], "ratings": [[3, 2], [0, -2, 1], [1, -1], [-1, 2]],
                         "label": [1, 0, 1, 1]})


def test_a_stand_in_answers_when_nobody_labels_and_says_so():
    labels_, seconds, who = cost.Annotation(annotation_table()).result()
    assert labels_.tolist() == [1, 0, 1, 0]  # the first rater who took a side (a 0 is passed over)
    assert seconds == cost.STAND_IN_SECONDS and who.startswith("STAND-IN")


def test_button_answers_are_timed_and_used_once_all_are_given():
    task = cost.Annotation(annotation_table())
    for label in (1, 0, 0):
        task.answer(label)
    with pytest.raises(ValueError, match="you labeled 3 of 4"):
        task.result()
    task.answer(1)
    labels_, seconds, who = task.result()
    assert labels_.tolist() == [1, 0, 0, 1] and who == "you (buttons)" and 0 <= seconds < 5
    with pytest.raises(RuntimeError, match="all 4 sentences are labeled"):
        task.answer(1)
    with pytest.raises(ValueError, match="0 .NEGATIVE. or 1"):
        cost.Annotation(annotation_table()).answer("POSITIVE")


@pytest.mark.parametrize("typed", ["PNP", "PNPX", "PNPNP", "1010"])
def test_typed_labels_need_one_n_or_p_per_sentence(typed):
    with pytest.raises(ValueError, match="one letter per sentence, N or P: 4 letters"):
        cost.Annotation(annotation_table()).result(typed)


def test_typed_labels_are_read_in_order():
    labels_, _, who = cost.Annotation(annotation_table()).result("p n, n p")
    assert labels_.tolist() == [1, 0, 0, 1] and who == "you (typed)"


@pytest.mark.data
def test_the_sample_mixes_clear_and_disputed_train_sentences():
    movies = data.load("movies")
    sample = cost.annotation_sample(movies, n=20)
    assert (sample["kind"] == "clear").sum() == 10 and set(sample["split"]) == {"train"}
    assert sample.loc[sample["kind"] == "clear", "agreement"].min() >= 0.9
    assert sample.loc[sample["kind"] == "disputed", "agreement"].max() <= 0.65
    with pytest.raises(ValueError, match="even"):
        cost.annotation_sample(movies, n=5)
