"""Part 2 helpers: the three query scores against modAL, the experiment runner, metrics, stopping, the session."""

import numpy as np
import pandas as pd
import pytest
from modAL.uncertainty import classifier_entropy, classifier_margin, classifier_uncertainty

from helpers import active


class FixedProba:
    def __init__(self, proba):
        self.proba = np.asarray(proba)

    def predict_proba(self, X):
        return self.proba


PROBA = np.random.default_rng(0).dirichlet([1, 1, 1], size=200)


def test_scores_match_modal():
    stub = FixedProba(PROBA)
    assert np.allclose(active.least_confidence(PROBA), classifier_uncertainty(stub, None))
    assert np.allclose(active.margin(PROBA), classifier_margin(stub, None))
    assert np.allclose(active.entropy(PROBA), classifier_entropy(stub, None))


def test_lecture_examples_and_bases():
    assert active.entropy([[0.34, 0.33, 0.33]], base=2)[0] == pytest.approx(1.585, abs=1e-3)  # lecture's 1.58
    assert active.entropy([[0.98, 0.01, 0.01]])[0] == pytest.approx(0.112, abs=1e-3)  # lecture's 0.12 (nats)
    assert active.entropy([[1.0, 0.0, 0.0]])[0] == 0
    assert active.margin([[0.50, 0.49, 0.01]])[0] == pytest.approx(0.01)
    assert active.least_confidence([[0.34, 0.33, 0.33]])[0] == pytest.approx(0.66)


def test_binary_scores_rank_alike():
    p = np.random.default_rng(1).random(100)
    proba = np.column_stack([1 - p, p])
    r = [pd.Series(s).rank() for s in (active.least_confidence(proba), -active.margin(proba), active.entropy(proba))]
    assert r[0].equals(r[1]) and r[0].equals(r[2])


rng = np.random.default_rng(0)
y = rng.integers(0, 2, 600)
X = np.column_stack([y * 2.0 - 1 + rng.normal(0, 1.0, 600), rng.normal(size=(600, 3))])


@pytest.mark.parametrize("strategy", ["random", "uncertainty", "margin", "entropy", "ranked batch (modAL)",
                                      "cluster diversity"])
def test_every_strategy_runs_and_learns(strategy):
    curve = active.run_active_learning(X[:500], y[:500], X[500:], y[500:], strategy=strategy, budget=60, batch=10,
                                       n_start=10)
    assert curve["labels"].tolist() == [10, 20, 30, 40, 50, 60]
    assert curve["accuracy"].iloc[-1] > 0.7
    queried = np.concatenate(curve["queried"].to_list())
    assert len(queried) == 60 and len(set(queried.tolist())) == 60  # every label asked once
    assert [len(q) for q in curve["queried"]] == [10, 10, 10, 10, 10, 10]


def test_the_oracle_answers_exactly_what_was_queried():
    asked = []

    def oracle(idx):
        asked.extend(np.atleast_1d(idx).tolist())
        return y[:500][idx]

    curve = active.run_active_learning(X[:500], y[:500], X[500:], y[500:], budget=40, batch=10, n_start=10,
                                       oracle=oracle)
    assert sorted(set(asked)) == sorted(np.concatenate(curve["queried"].to_list()).tolist())


def test_uncertainty_queries_the_boundary():
    curve = active.run_active_learning(X[:500], y[:500], X[500:], y[500:], strategy="uncertainty", budget=60,
                                       n_start=10)
    later = np.concatenate(curve["queried"].iloc[1:].to_list())
    randomly = np.random.default_rng(0).choice(500, len(later), replace=False)
    assert np.abs(X[later, 0]).mean() < np.abs(X[randomly, 0]).mean()  # closer to the class boundary x0 = 0


def test_learning_curves_and_metrics():
    setups = {"random": dict(strategy="random"), "uncertainty": dict(strategy="uncertainty")}
    curves = active.learning_curves(X[:500], y[:500], X[500:], y[500:], setups, seeds=range(3),
                                    budget=60, batch=10, n_start=10)
    assert set(curves.columns) == {"setup", "seed", "labels", "accuracy"} and len(curves) == 2 * 3 * 6
    auc = active.area_under_curve(curves)
    assert ((auc > 0.6) & (auc < 1)).all()
    band = active.curve_band(curves)
    assert (band["low"] <= band["mean"]).all() and (band["mean"] <= band["high"]).all()
    table = active.savings(curves, at=60)
    assert table.loc["random", "labels to reach"] <= 60 and (table["saving"].dropna() > 0).all()


def test_labels_to_reach_needs_the_curve_to_stay_above():
    curves = pd.DataFrame({"setup": "a", "seed": 0, "labels": [10, 20, 30, 40], "accuracy": [0.6, 0.8, 0.7, 0.8]})
    assert active.labels_to_reach(curves, 0.75)["a"] == 40
    assert np.isnan(active.labels_to_reach(curves, 0.9)["a"])


def test_cold_start_by_clusters_is_spread_and_complete():
    idx = active.cold_start(X, 20, "clusters")
    assert len(idx) == 20 and len(set(idx)) == 20
    with pytest.raises(ValueError, match="unknown cold start 'magic'; choose one of"):
        active.cold_start(X, 5, "magic")
    with pytest.raises(ValueError, match="pool size"):
        active.cold_start(X[:3], 5)


def test_empty_pool_and_bad_budget_are_clear_errors():
    with pytest.raises(ValueError, match="empty"):
        active.run_active_learning(X[:0], y[:0], X, y)
    with pytest.raises(ValueError, match="budget"):
        active.run_active_learning(X[:50], y[:50], X, y, budget=100)
    with pytest.raises(ValueError, match="50 pool items but 49 labels"):
        active.run_active_learning(X[:50], y[:49], X, y, budget=30)


def test_unknown_names_are_clear_errors_before_any_run():
    with pytest.raises(ValueError, match=r"unknown strategy 'uncertanty'; choose one of \[.*'uncertainty'"):
        active.run_active_learning(X[:500], y[:500], X, y, strategy="uncertanty")
    with pytest.raises(ValueError, match="unknown cold start 'magic'"):
        active.run_active_learning(X[:500], y[:500], X, y, start="magic")
    with pytest.raises(ValueError, match="set-up 'b'"):
        active.learning_curves(X[:500], y[:500], X, y, {"a": {}, "b": {"strategy": "entropie"}})
    with pytest.raises(TypeError, match="non-empty dict"):
        active.learning_curves(X[:500], y[:500], X, y, ["uncertainty"])
    with pytest.raises(TypeError, match="takes 4 positional arguments but 5 were given"):
        active.run_active_learning(X[:500], y[:500], X, y, "uncertainty")  # the knobs are keyword-only


def test_a_click_on_a_stale_widget_labels_nothing_and_shows_the_current_sentence():
    """02b's session: the widget shows a sentence, another cell answers with the oracle (Run All does), and the next
    click must not label a sentence the student never saw."""
    texts = [f"sentence {i}" for i in range(500)]
    session = active.LabelingSession(texts, X[:500], X[500:], y[500:], start_labels={0: int(y[0]), 1: 1 - int(y[0])},
                                     batch=5)
    widget = session.widget()
    seen = session.queue[0]
    session.answer_with(lambda i: y[i], n_batches=2)  # the session moves on; the widget still shows `seen`
    assert texts[seen] in widget.children[0].value and session.queue[0] != seen
    labels_before = dict(session.labels)
    widget.children[1].children[1].click()  # POSITIVE, meant for the sentence on screen
    assert session.labels == labels_before  # nothing labelled
    assert texts[session.queue[0]] in widget.children[0].value  # now the current sentence is shown
    head = session.queue[0]
    widget.children[1].children[0].click()  # NEGATIVE, for the sentence now shown
    assert session.labels[head] == 0 and len(session.labels) == len(labels_before) + 1


def test_stopping_rule_fires_on_an_easy_problem():
    rows = active.stabilizing_predictions(X[:500], y[:500], X[500:], budget=400, n_start=10, threshold=0.98)
    assert rows["stop"].iloc[-1] and rows["labels"].iloc[-1] < 400


def test_labeling_session_with_an_oracle_and_bad_answers():
    texts = [f"sentence {i}" for i in range(500)]
    session = active.LabelingSession(texts, X[:500], X[500:], y[500:], start_labels={0: int(y[0]), 1: 1 - int(y[0])},
                                     batch=5)
    curve = session.answer_with(lambda i: y[i], n_batches=4)
    assert curve["labels"].tolist() == [2, 7, 12, 17, 22] and len(session.queue) == 5
    with pytest.raises(ValueError, match="0 .*or 1"):
        session.answer(2)
    widget = session.widget()
    assert "sentence" in widget.children[0].value and widget.children[3].value[:4] == b"\x89PNG"
    before, head = len(session.labels), session.queue[0]
    widget.children[1].children[1].click()  # the POSITIVE button, as a student would click it
    assert len(session.labels) == before + 1 and session.labels[head] == 1
    assert f"{before + 1} labels so far" in widget.children[2].value
    with pytest.raises(ValueError, match="both classes"):
        active.LabelingSession(texts, X[:500], X[500:], y[500:], start_labels={0: 1, 1: 1})


# ----------------------------------------------------------------------------------------------- Baal
@pytest.mark.slow  # real Baal training runs
@pytest.mark.parametrize("heuristic", active.BAAL_HEURISTICS)
def test_baal_runs_the_same_protocol_and_learns(heuristic):
    curve = active.run_baal(X[:500], y[:500], X[500:], y[500:], heuristic=heuristic, budget=50, batch=10,
                            n_start=10, candidates=200, steps=30)
    assert curve["labels"].tolist() == [10, 20, 30, 40, 50]
    assert curve["accuracy"].iloc[-1] > 0.7
    queried = np.concatenate(curve["queried"].to_list())
    assert len(set(queried.tolist())) == 50 and queried.max() < 500  # every label asked once, all from the pool


def test_the_bald_heuristic_is_mutual_information_and_prefers_disagreement():
    """The helpers' Baal heuristic against the lecture's formula written out with the helpers' own entropy:
    BALD = H(mean prediction) - mean H(each MC sample)."""
    agree = np.tile([[0.5], [0.5]], (1, 20))  # every sample says 50/50: unsure, but no disagreement
    disagree = np.tile([[0.1, 0.9], [0.9, 0.1]], (1, 10))  # samples sure, of opposite sides
    mixed = np.random.default_rng(0).dirichlet([2, 2], size=20).T  # [classes, samples]
    probs = np.stack([agree, disagree, mixed])  # [items, classes, samples], Baal's layout
    by_hand = active.entropy(probs.mean(axis=-1)) - np.mean(
        [active.entropy(probs[:, :, s]) for s in range(probs.shape[-1])], axis=0)
    bald = active.baal_heuristic("bald", batch=2)
    assert np.allclose(bald.get_uncertainties(probs), by_hand)
    assert by_hand[0] == pytest.approx(0, abs=1e-9) and list(bald.get_ranks(probs)[0][:1]) == [1]
    mean = probs.mean(axis=-1)
    assert active.least_confidence(mean)[0] == active.least_confidence(mean)[1] == pytest.approx(0.5)  # a tie


def test_baal_bad_input_is_a_clear_error_before_any_training():
    with pytest.raises(ValueError, match=r"unknown Baal heuristic 'bold'; choose one of \[.*'bald'"):
        active.run_baal(X[:500], y[:500], X, y, heuristic="bold")
    with pytest.raises(ValueError, match="empty"):
        active.run_baal(X[:0], y[:0], X, y)
    with pytest.raises(ValueError, match="budget"):
        active.run_baal(X[:50], y[:50], X, y, budget=100)
    with pytest.raises(ValueError, match="set-up 'b'"):
        active.learning_curves(X[:500], y[:500], X, y, {"a": {}, "b": {"heuristic": "batchbald"}})


@pytest.mark.parametrize("labels, message", [
    (np.zeros(60, int), "one class only"),  # never returned before: the start loop drew forever
    (np.where(np.arange(60) % 3, 1, -1), "label ids 0 and 1"),  # ABSTAIN rows ran silently
    (np.where(np.arange(60) % 2, "POSITIVE", "NEGATIVE"), "label ids 0 and 1"),  # names scored 0.0
])
def test_a_pool_active_learning_cannot_learn_from_is_refused(labels, message):
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match=message):
        active.run_active_learning(rng.normal(size=(60, 4)), labels, rng.normal(size=(5, 4)), np.ones(5, int),
                                   budget=30)


@pytest.mark.parametrize("kwargs, message", [({"batch": 0}, "batch must be a whole number >= 1, got 0"),
                                             ({"budget": 30.5}, "budget must be a whole number >= 1, got 30.5")])
def test_sizes_are_checked_before_anything_runs(kwargs, message):
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match=message):
        active.run_active_learning(rng.normal(size=(60, 4)), np.arange(60) % 2, rng.normal(size=(5, 4)),
                                   np.ones(5, int), **{"budget": 30, **kwargs})


def test_a_one_class_start_draws_new_items_only():
    rng = np.random.default_rng(0)
    y = (np.arange(60) < 3).astype(int)  # three positives: a random start of 2 is almost always one class
    curve = active.run_active_learning(rng.normal(size=(60, 4)), y, rng.normal(size=(5, 4)), np.ones(5, int),
                                       n_start=2, budget=10, batch=4, seed=1)
    start = curve["queried"].iloc[0]
    assert len(set(start.tolist())) == len(start) and len(set(y[start].tolist())) == 2


def test_quiet_baal_leaves_the_students_logging_as_it_was():
    import structlog

    before = structlog.get_config()["wrapper_class"]
    with active.quiet_baal():
        assert structlog.get_config()["wrapper_class"] is not before
    assert structlog.get_config()["wrapper_class"] is before


def test_the_stopping_rule_starts_like_every_run_and_checks_its_pool():
    rng = np.random.default_rng(0)
    rare = (np.arange(60) < 3).astype(int)  # a random start of 2 is one class: it raised in scikit-learn before
    rows = active.stabilizing_predictions(rng.normal(size=(60, 4)), rare, rng.normal(size=(20, 4)), n_start=2,
                                          budget=40, batch=2, seed=1)
    assert rows["labels"].iloc[0] > 4 and rows["labels"].diff().dropna().eq(2).all()
    with pytest.raises(ValueError, match="label ids 0 and 1"):
        active.stabilizing_predictions(X[:500], np.where(y[:500] == 1, 1, -1), X[500:], budget=40)
    with pytest.raises(ValueError, match="threshold must be a number from 0 to 1 .a share: 0.98"):
        active.stabilizing_predictions(X[:500], y[:500], X[500:], budget=40, threshold=98)


def test_one_query_step_for_every_loop():
    """run_active_learning, the stopping rule, the session and the hybrid's stage 3 all query through next_batch:
    a strategy that repeats an item or leaves the candidates is caught there, for each of them."""
    def repeats(classifier, X_pool, n_instances):
        return np.zeros(n_instances, int)

    with pytest.raises(ValueError, match="asked for 10 distinct items"):
        active.run_active_learning(X[:500], y[:500], X[500:], y[500:], strategy=repeats, budget=40, n_start=10)
    from modAL.uncertainty import uncertainty_sampling
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression().fit(X[:50], y[:50])
    rows = active.next_batch(model, X, np.arange(100, 200), 5, uncertainty_sampling)
    assert len(set(rows.tolist())) == 5 and rows.min() >= 100 and rows.max() < 200  # pool rows, not candidate rows
    for candidates, n in ((np.arange(0), 5), (np.arange(100, 103), 5)):  # an empty pool, or fewer items than asked
        with pytest.raises(ValueError, match=f"cannot query {n} items from {len(candidates)} unlabeled"):
            active.next_batch(model, X, candidates, n, uncertainty_sampling)
    with pytest.raises(ValueError, match="whole number >= 1"):
        active.LabelingSession([""] * 500, X[:500], X[500:], y[500:], start_labels={0: 0, 1: 1}, batch=0)
