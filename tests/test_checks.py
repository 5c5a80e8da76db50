"""Exercise checks: they pass on the reference answers and explain what is wrong otherwise."""

import numpy as np
import pandas as pd
import pytest

from helpers import checks, data


@pytest.fixture(scope="module")
def movies():
    return data.load("movies")


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

    def least_sure(classifier, X_pool, n_instances=10):
        return np.argsort(np.abs(classifier.predict_proba(X_pool)[:, 1] - 0.5))[:n_instances]

    def most_sure(classifier, X_pool, n_instances=10):
        return np.argsort(-np.abs(classifier.predict_proba(X_pool)[:, 1] - 0.5))[:n_instances]

    def too_few(classifier, X_pool, n_instances=10):
        return [0]

    table = checks.ex02_query_strategy(least_sure, *data, seeds=(1, 2), budget=60)
    assert "beats random" in capsys.readouterr().out and list(table.index) == ["yours", "random", "uncertainty"]
    for answer, message in [(None, "Your turn"), ("uncertainty", "must be a function"),
                            (too_few, "failed inside the loop"), (most_sure, "does not beat random")]:
        with pytest.raises(AssertionError, match=message):
            checks.ex02_query_strategy(answer, *data, seeds=(1, 2), budget=60)


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

    out = checks.ex03_own_lfs([lf_good, lf_bad], table, L, y, split)
    assert "raise the label model's test accuracy" in capsys.readouterr().out
    assert out.loc["with yours", "test accuracy"] > out.loc["the notebook's LFs", "test accuracy"] + 0.1
    for answer, message in [(None, "Your turn"), ([lf_good], "two or more"), (lf_good, "two or more"),
                            ([lf_good, plain], "Decorate"), ([lf_good, lf_reads_a_column], "only the text"),
                            ([lf_good, lf_never], "never vote"), ([lf_coin, lf_other_coin], "did not improve")]:
        with pytest.raises(AssertionError, match=message):
            checks.ex03_own_lfs(answer, table, L, y, split)
    assert np.isin(L, (0, 1)).all()  # the check did not change the notebook's label matrix


class FakeScorer:
    """Stands in for llm.Labeler in the check's unit test: log-probabilities that follow the review's first word
    when the prompt carries the word 'Examples', and do not otherwise."""

    def __init__(self):
        self.calls = 0

    def score(self, prompts, words=(" negative", " positive")):
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
    items = pd.DataFrame({"text": [f"{w} film {i}" for i, w in enumerate(["good", "bad"] * 10)],
                          "label": [1, 0] * 10})
    scorer = FakeScorer()
    table = checks.ex04_prompt("Examples: ...\n\nReview: {text}\nSentiment:", scorer, items)
    assert "above the zero-shot" in capsys.readouterr().out and table.loc["yours", "AUROC"] == 1.0
    for answer, message in [(None, "Your turn"), (42, "must be a string"), ("Review: text", "contains {text}"),
                            ("{label} Review: {text}", "braces other than"),
                            ("Review: {text}\nSentiment:", "does not rank the sentences better")]:
        scorer.calls = 0
        with pytest.raises(AssertionError, match=message):
            checks.ex04_prompt(answer, scorer, items)
        assert scorer.calls == 0 or message.startswith("does not")  # a malformed template sends nothing
    quoted = checks.ex04_prompt("Examples: good film 0 is positive\nReview: {text}\nSentiment:", scorer, items)
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
    result = checks.ex05_remedy(350, "re-label", True, *data)  # about as many labels as were flipped
    assert "as you predicted" in capsys.readouterr().out and result["dollars"] == pytest.approx(105.0)
    checks.ex05_remedy(0, "do nothing", False, *data)
    assert "does not beat" in capsys.readouterr().out
    for args, message in [((None, "re-label", True), "Your turn"), ((5000, "re-label", True), "whole number"),
                          ((10.5, "re-label", True), "whole number"), ((100, "fix", True), "unknown remedy 'fix'"),
                          ((100, "remove", "yes"), "True or False"),
                          ((350, "re-label", False), "predicted the opposite")]:
        with pytest.raises(AssertionError, match=message):
            checks.ex05_remedy(*args, *data)


def test_ex06_allocation(capsys):
    from helpers.pipeline import CostLedger

    board = pd.DataFrame({"accuracy": [0.755, 0.70, 0.727], "± sd": [0.0, 0.01, 0.005],
                          "dollars": [2537.0, 0.0, 150.0]}, index=["all human", "llm only", "hybrid"])
    calls = []

    def run(n_dev, llm_items, human_labels):
        calls.append((n_dev, llm_items, human_labels))
        ledger = CostLedger()
        ledger.human("dev", n_dev)
        ledger.human("al", human_labels)
        return 0.74, ledger

    mine = checks.ex06_allocation({"dev labels": 300, "LLM items": 50, "active-learning labels": 200}, run, board)
    assert "more than twice the spread" in capsys.readouterr().out
    assert mine["dollars"] == pytest.approx(150.0) and calls == [(300, 50, 200)]
    bad = [(None, "Your turn"), ([300, 50, 200], "is a dict"),
           ({"dev labels": 300, "LLM items": 50, "AL labels": 200}, "unknown allocation key 'AL labels'"),
           ({"dev labels": 300, "LLM items": 50}, "needs a number"),
           ({"dev labels": 300, "LLM items": -5, "active-learning labels": 100}, "0 or more"),
           ({"dev labels": 10, "LLM items": 50, "active-learning labels": 100}, "at least 20 dev labels"),
           ({"dev labels": 200, "LLM items": 500, "active-learning labels": 100}, "at most 400"),
           ({"dev labels": 400, "LLM items": 0, "active-learning labels": 200}, "over the \\$150 budget")]
    for answer, message in bad:
        with pytest.raises(AssertionError, match=message):
            checks.ex06_allocation(answer, run, board)
    assert len(calls) == 1  # nothing ran for a bad allocation


def test_lecture_claims_every_row_has_a_value_a_verdict_and_a_source():
    from helpers import results

    claims = results.lecture_claims()
    assert list(claims.columns) == ["claim", "lecture", "measured", "spread", "verdict", "where"]
    assert len(claims) >= 12 and claims["claim"].is_unique
    assert claims["verdict"].str.match(r"^(holds|partly|does not hold|not testable|lower)").all()
    assert claims.loc[claims["verdict"] != "not testable here", "measured"].str.contains(r"\d").all()


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
