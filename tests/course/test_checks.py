"""Exercise checks: they pass on the reference answers and explain what is wrong otherwise."""

import numpy as np
import pandas as pd
import pytest

from course import checks
from helpers import data


@pytest.fixture(scope="module")
def movies():
    return data.load("movies")


@pytest.mark.data
def test_ex01_panel_passes_the_reference_and_fails_its_non_answers(movies, capsys):
    """The cheapest panel that reaches 97.5% agreement with held-out raters, on draws the notebook did not make."""
    checks.ex01_panel(5, 0.977, movies)
    assert capsys.readouterr().out.startswith("Correct: 5 annotators")
    for k, predicted, message in [
            (None, None, "Your turn"),
            (7, 0.98, "so does a smaller, cheaper one"),  # reaches the target, but pays for two more
            (15, 0.99, "between 1 and 7"),  # the notebook's largest panel: no held-out reference there
            (4, 0.97, "falls short"),  # the full-panel curve's answer, not the held-out one
            (3, 0.97, "falls short"),  # the "odd panels" rule of thumb
            (5, 0.95, "more than a point away"),  # the right panel, a guessed prediction
            ("5", 0.977, "whole number"), (5, "0.977", "predicted_accuracy as a share"), (5, 97.7, "between 0 and 1")]:
        with pytest.raises(AssertionError, match=message):
            checks.ex01_panel(k, predicted, movies)


def _al_data():
    import numpy as np

    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 700)
    X = np.column_stack([y * 2.0 - 1 + rng.normal(0, 1.0, 700), rng.normal(size=(700, 3))])
    return X[:500], y[:500], X[500:], y[500:]


def test_ex02_query_strategy(capsys):
    import numpy as np

    data = _al_data()

    def least_sure(classifier, X_pool, n_instances=10):  # uncertainty sampling, written out: not an answer
        return np.argsort(np.abs(classifier.predict_proba(X_pool)[:, 1] - 0.5))[:n_instances]

    def least_sure_spread(classifier, X_pool, n_instances=10):  # every other of the least sure
        return np.argsort(np.abs(classifier.predict_proba(X_pool)[:, 1] - 0.5))[: 2 * n_instances: 2]

    def most_sure(classifier, X_pool, n_instances=10):
        return np.argsort(-np.abs(classifier.predict_proba(X_pool)[:, 1] - 0.5))[:n_instances]

    def too_few(classifier, X_pool, n_instances=10):
        return [0]

    table = checks.ex02_query_strategy(least_sure_spread, 0.015, *data, seeds=(1, 2), budget=60)
    assert "Correct" in capsys.readouterr().out and list(table.index) == ["yours", "random", "uncertainty"]
    for answer, predicted, message in [
            (None, None, "Your turn"), ("uncertainty", 0.01, "must be a function"), (least_sure, 0.0, "That is "
            "uncertainty sampling"), (too_few, 0.0, "failed inside the loop"), (least_sure_spread, None, "Your turn"),
            (least_sure_spread, "0.01", "predicted_gain"),
            (most_sure, 0.05, "Not this time")]:  # most-sure loses to random: a gain of 5 points is far off
        with pytest.raises(AssertionError, match=message):
            checks.ex02_query_strategy(answer, predicted, *data, seeds=(1, 2), budget=60)


def _lf_data():
    import numpy as np

    rng = np.random.default_rng(0)
    n = 1200
    y = rng.integers(0, 2, n)
    word = np.where(rng.random(n) < 0.9, y, 1 - y)  # a word that gives the label away 90% of the time
    table = pd.DataFrame({"text": [f"{'good' if w else 'bad'} film number {i}" for i, w in enumerate(word)]})
    L = np.column_stack([np.where(rng.random(n) < a, y, 1 - y) for a in (0.62, 0.6, 0.58)])
    split = np.array(["train"] * 800 + ["test"] * 400)
    return table, L, y, split


def test_ex03_own_lfs(capsys):
    import numpy as np
    from snorkel.labeling import labeling_function

    from helpers.labels import ABSTAIN, NEGATIVE, POSITIVE

    table, L, y, split = _lf_data()

    @labeling_function()
    def lf_good(x):
        return POSITIVE if x.text.startswith("good") else ABSTAIN

    @labeling_function()
    def lf_bad(x):
        return NEGATIVE if x.text.startswith("bad") else ABSTAIN

    @labeling_function()
    def lf_coin(x):
        return int(x.text.endswith(("1", "3", "5", "7", "9")))

    @labeling_function()
    def lf_other_coin(x):
        return int(x.text.endswith(("0", "2", "4", "6", "8")))

    @labeling_function()
    def lf_never(x):
        return ABSTAIN

    @labeling_function()
    def lf_reads_a_column(x):
        return POSITIVE if x.vader > 0 else ABSTAIN

    def plain(x):
        return POSITIVE

    @labeling_function()
    def lf_good_again(x):  # lf_good under another name
        return POSITIVE if "good" in x.text else ABSTAIN

    @labeling_function()
    def lf_copies_column_0(x):  # the notebook's first LF, read back from the table
        return int(L[int(x.text.rsplit(" ", 1)[1]), 0])

    out = checks.ex03_own_lfs([lf_good, lf_bad], 0.2, table, L, y, split)
    assert "beyond its noise in the direction you predicted" in capsys.readouterr().out
    assert out.loc["with yours", "train accuracy"] > out.loc["the notebook's LFs", "train accuracy"] + 0.1
    for answer, predicted, message in [
            (None, None, "Your turn"), ([lf_good], 0.1, "two or more"), (lf_good, 0.1, "two or more"),
            ([lf_good, plain], 0.1, "Decorate"), ([lf_good, lf_bad], None, "Your turn"),
            ([lf_good, lf_bad], [0.1], "predicted_gain"), ([lf_good, lf_reads_a_column], 0.1, "only the text"),
            ([lf_good, lf_never], 0.1, "never vote"), ([lf_good, lf_good_again], 0.1, "votes like an LF"),
            ([lf_bad, lf_copies_column_0], 0.1, "votes like an LF"),
            ([lf_coin, lf_other_coin], 0.05, "Not this time"),  # coin flips: no gain, whatever one predicts
            ([lf_good, lf_bad], -0.05, "Not this time")]:  # the right LFs, the wrong direction
        with pytest.raises(AssertionError, match=message):
            checks.ex03_own_lfs(answer, predicted, table, L, y, split)
    assert np.isin(L, (0, 1)).all()  # the check did not change the notebook's label matrix


class FakeScorer:
    """Stands in for llm.Labeler in the check's unit test: log-probabilities that follow the review's first word
    when the prompt carries the word 'Examples', and do not otherwise."""

    def __init__(self):
        self.calls = 0

    def score(self, prompts, words=(" negative", " positive"), missing="raise"):
        import numpy as np

        self.calls += len(prompts)
        out = []
        for p in prompts:
            review = p.rsplit("Review:", 1)[-1]
            sign = 1.0 if "good" in review else -1.0
            number = int(next(w for w in review.split() if w.isdigit()))
            uninformative = 1.0 if number % 3 == 0 else -1.0
            d = sign if "Examples" in p else uninformative
            out.append([-1.0 - d / 2, -1.0 + d / 2])
        return np.array(out)


def test_ex04_prompt(capsys):
    from helpers import llm

    items = pd.DataFrame({"text": [f"{w} film {i}" for i, w in enumerate(["good", "bad"] * 10)],
                          "label": [1, 0] * 10})
    scorer = FakeScorer()
    table = checks.ex04_prompt("Examples: ...\n\nReview: {text}\nSentiment:", 0.4, scorer, items)
    assert "Correct" in capsys.readouterr().out and table.loc["yours", "AUROC"] == 1.0
    zero_shot = llm.ScoringPrompt(shots=())("{text}")
    for answer, predicted, message in [
            (None, None, "Your turn"), (42, 0.1, "must be a string"), ("Review: text", 0.1, "contains {text}"),
            ("{label} Review: {text}", 0.1, "braces other than"), ("Examples: {text}", None, "Your turn"),
            ("Examples: {text}", "high", "predicted_gain"), (zero_shot, 0.0, "already ran"),
            ("Review: {text}\nSentiment:", 0.3, "Not this time"),  # uninformative: no gain
            ("Examples: ...\n\nReview: {text}\nSentiment:", -0.1, "Not this time")]:  # the wrong direction
        scorer.calls = 0
        with pytest.raises(AssertionError, match=message):
            checks.ex04_prompt(answer, predicted, scorer, items)
        assert scorer.calls == 0 or message == "Not this time"  # nothing is sent before the answer is checked
    quoted = checks.ex04_prompt("Examples: good film 0 is positive\nReview: {text}\nSentiment:", 0.4, scorer, items)
    assert "19 dev sentences" in capsys.readouterr().out and len(quoted) == 2  # the quoted sentence is left out


def _remedy_data():
    import numpy as np

    rng = np.random.default_rng(0)
    truth = rng.integers(0, 2, 1500)
    X = np.column_stack([truth * 2.0 - 1 + rng.normal(0, 0.8, 1500), rng.normal(size=1500)])
    noisy = truth.copy()
    flipped = (truth == 1) & (rng.random(1500) < 0.6)  # one-sided noise: it moves the decision boundary
    noisy[flipped] = 0
    quality = np.where(flipped, rng.random(1500) * 0.5, 0.5 + rng.random(1500) * 0.5)  # a clairvoyant ranking
    second = truth.copy()  # a second rater who is always right
    return quality[:1000], noisy[:1000], second[:1000], X[:1000], X[1000:], truth[1000:]


def test_ex05_remedy(capsys):
    data = _remedy_data()
    result = checks.ex05_remedy(350, "re-label", 0.1, *data)  # about as many labels as were flipped
    assert "Correct" in capsys.readouterr().out and result["dollars"] == pytest.approx(105.0)
    assert result["low"] > 0
    for args, message in [((None, "re-label", 0.1), "Your turn"), ((5000, "re-label", 0.1), "whole number"),
                          ((10.5, "re-label", 0.1), "whole number"), ((True, "re-label", 0.1), "whole number"),
                          ((100, "fix", 0.1), "unknown remedy 'fix'"), ((100, "remove", None), "Your turn"),
                          ((100, "remove", "yes"), "predicted_gain"), ((100, "remove", 5), "between -1 and 1"),
                          ((0, "re-label", 0.0), "the baseline"),  # review nothing: a non-answer
                          ((350, "do nothing", 0.0), "the baseline"),  # do nothing: a non-answer
                          ((350, "re-label", -0.05), "Not this time")]:  # the right remedy, the wrong direction
        with pytest.raises(AssertionError, match=message):
            checks.ex05_remedy(*args, *data)


def test_ex06_allocation(capsys):
    from helpers.pipeline import CostLedger, Settings

    board = pd.DataFrame({"accuracy": [0.755, 0.70, 0.727], "± sd": [0.0, 0.01, 0.005],
                          "dollars": [2537.0, 0.0, 150.0]}, index=["all human", "llm only", "hybrid"])
    calls = []
    truth = np.random.default_rng(0).random(1000) < 0.75  # the notebook's allocation: right on 75% of dev

    def run(n_dev, llm_items, human_labels, seed):
        """Made-up runs: more dev labels flip 10% of the dev sentences to right."""
        calls.append((n_dev, llm_items, human_labels, seed))
        ledger = CostLedger()
        ledger.human("dev", n_dev)
        ledger.human("al", human_labels)
        right = truth | (np.arange(1000) % 10 == 0) if n_dev > 200 else truth
        return {"accuracy": 0.74, "ledger": ledger, "dev_right": right, "dev_paid": np.arange(1000) < n_dev}

    settings = Settings()
    mine = checks.ex06_allocation({"dev labels": 300, "LLM items": 50, "active-learning labels": 200}, 0.03, run,
                                  board, settings)
    assert "beyond its noise" in capsys.readouterr().out and mine["low"] > 0
    assert mine["dollars"] == pytest.approx(150.0) and calls == [(300, 50, 200, 0), (200, 100, 300, 0)]
    bad = [(None, 0.0, "Your turn"), ([300, 50, 200], 0.0, "is a dict"),
           ({"dev labels": 300, "LLM items": 50, "AL labels": 200}, 0.0, "unknown allocation key 'AL labels'"),
           ({"dev labels": 300, "LLM items": 50}, 0.0, "needs a number"),
           ({"dev labels": 300, "LLM items": -5, "active-learning labels": 100}, 0.0, "0 or more"),
           ({"dev labels": 300, "LLM items": 5.0, "active-learning labels": 100}, 0.0, "0 or more"),
           ({"dev labels": 10, "LLM items": 50, "active-learning labels": 100}, 0.0, "at least 20 dev labels"),
           ({"dev labels": 200, "LLM items": 500, "active-learning labels": 100}, 0.0, "at most 400"),
           ({"dev labels": 400, "LLM items": 0, "active-learning labels": 200}, 0.0, "over the \\$150 budget"),
           ({"dev labels": 200, "LLM items": 100, "active-learning labels": 300}, 0.0, "the notebook's own"),
           ({"dev labels": 300, "LLM items": 50, "active-learning labels": 200}, None, "Your turn")]
    for answer, predicted, message in bad:
        with pytest.raises(AssertionError, match=message):
            checks.ex06_allocation(answer, predicted, run, board, settings)
    assert len(calls) == 2  # nothing ran for a bad allocation
    with pytest.raises(AssertionError, match="Not this time"):  # the right allocation, the wrong direction
        checks.ex06_allocation({"dev labels": 300, "LLM items": 50, "active-learning labels": 200}, -0.03, run,
                               board, settings)


@pytest.mark.parametrize("call, message", [
    (lambda: checks.ex01_panel(5.0, 0.977, None), r"Give k as a whole number of annotators, not 5\.0"),
    (lambda: checks.ex01_panel(5, float("nan"), None), r"Give predicted_accuracy as a share"),
])
def test_a_wrong_type_gets_a_hint_not_a_traceback(call, message):
    with pytest.raises(AssertionError, match=message):
        call()


def test_ex06c_a_million_passes_the_fewest_machines_and_fails_its_non_answers(capsys):
    """Made-up linear curves: the hybrid spends 1e-2 s per item embedding, the LLM 0.2 s per item on 1% of them."""
    from helpers import scale

    n = np.array([1_000, 2_000, 5_000, 10_000, 23_703], dtype=float)
    per_item = {"embedding": 1e-2, "weak supervision": 1e-5, "LLM labeling": 0.2, "active-learning round": 1e-7,
                "cleanlab": 1e-5, "final model": 1e-6}
    fits = {stage: {"seconds": scale.fit_growth(n, 0.1 + per * n)} for stage, per in per_item.items()}
    stages = scale.hybrid_stages(1_000_000, fits, 0.01)
    assert max(stages, key=stages.get) == "embedding"  # 10,000 s against the LLM's 2,000 s
    need = scale.machines_for(stages, 2, 0.8)
    assert need > 1
    checks.ex06c_a_million("embedding", need, fits, 0.01, 0.8)
    assert "Correct" in capsys.readouterr().out
    checks.ex06c_a_million("embedding", 2 * need, fits, 0.01, 0.8)  # generous, but not wasteful
    for first, machines, hint in (("LLM labeling", need, "Not this time: on one machine, LLM labeling"),
                                  ("embedding", need - 1, "are not enough"),
                                  ("embedding", 2 * need + 1, "a cheaper cluster would too"),
                                  ("the LLM", need, "one of the hybrid's stages"),
                                  (None, need, "one of the hybrid's stages"),
                                  (["embedding"], need, "one of the hybrid's stages"),
                                  ("embedding", "4", "Give the number of machines")):
        with pytest.raises(AssertionError, match=hint):
            checks.ex06c_a_million(first, machines, fits, 0.01, 0.8)


@pytest.mark.parametrize("effect, low, high, predicted, holds", [
    (0.02, 0.01, 0.03, 0.10, True),  # beyond the noise, in the predicted direction (however far the number)
    (0.02, 0.01, 0.03, -0.01, False),  # beyond the noise, the other way
    (0.00, -0.01, 0.01, 0.005, True),  # within the noise, the prediction inside the interval
    (0.00, -0.01, 0.01, 0.05, False),  # within the noise, a confident prediction
    (0.00, -0.01, 0.01, -0.02, False),
    # an interval that straddles 0 with the effect off centre: only a prediction inside it holds, on either side
    (0.01, -0.01, 0.03, 0.10, False),  # same side as the effect, beyond the interval
    (0.01, -0.01, 0.03, -0.05, False),  # the other side, beyond the interval
    (0.01, -0.01, 0.03, 0.02, True),
    (0.01, -0.01, 0.03, -0.005, True),
    (0.01, -0.01, 0.03, 0.03, True),  # on its edge
    (-0.02, -0.03, -0.01, -0.25, True),  # beyond the noise below 0, predicted below 0
])
def test_the_one_rule_for_predictions(effect, low, high, predicted, holds):
    if holds:
        assert "measured" in checks.judged(effect, low, high, predicted, "hint")
    else:
        with pytest.raises(AssertionError, match="Not this time.*hint") as err:
            checks.judged(effect, low, high, predicted, "hint")
        assert f"{effect:+.4f}" not in str(err.value)  # the failure does not give the measurement away


def test_ex06b_go_on(capsys):
    X_pool, y_pool, X_dev, y_dev = _al_data()
    kwargs = dict(budget=30, batch=10, n_start=20, more_rounds=5)
    checks.ex06b_go_on(True, 0.1, X_pool, y_pool, X_dev, y_dev, **kwargs)  # 30 labels is early on this data
    assert "worth another batch" in capsys.readouterr().out
    for go_on, predicted, message in [(None, 0.1, "Your turn"), ("yes", 0.1, "Your turn"), (True, None, "Your turn"),
                                      (True, "a lot", "predicted_gain"), (True, 0.0, "decision and the prediction"),
                                      (False, 0.0, "does not support that decision"),
                                      (True, -0.2, "decision and the prediction")]:
        with pytest.raises(AssertionError, match=message):
            checks.ex06b_go_on(go_on, predicted, X_pool, y_pool, X_dev, y_dev, **kwargs)


def test_a_failed_check_is_one_short_message_not_a_traceback():
    """In the notebook, IPython renders a check's failure through ``_render_traceback_``: one line, the message."""
    with pytest.raises(checks.CheckFailed) as err:
        checks.ex01_panel(None, None, movies=None)
    lines = err.value._render_traceback_()
    assert len(lines) == 1 and "CheckFailed" in lines[0] and "Your turn: set k" in lines[0]
    assert isinstance(err.value, AssertionError)  # nbgrader and the tests still see a failed assertion
