"""Exercise checks: they pass on the reference answers and explain what is wrong otherwise."""

import pandas as pd
import pytest

from helpers import checks, data

SUMMARY = pd.DataFrame({"mean": [0.92, 0.94, 0.97, 0.975, 0.98]}, index=range(1, 6))


def test_budget(capsys):
    checks.ex01_budget(9_544.5, n_items=10_605)
    assert capsys.readouterr().out.startswith("Correct")
    with pytest.raises(AssertionError, match="Your turn"):
        checks.ex01_budget(None, n_items=10_605)
    with pytest.raises(AssertionError, match="multiply by 3"):
        checks.ex01_budget(10_605 * 0.30, n_items=10_605)
    with pytest.raises(AssertionError, match="Not quite"):
        checks.ex01_budget(1.0, n_items=10_605)


def test_even_panels(capsys):
    checks.ex01_even_panels(0.975 - 0.97, 0.98 - 0.97, SUMMARY)
    assert "coin flips" in capsys.readouterr().out
    with pytest.raises(AssertionError, match="Your turn"):
        checks.ex01_even_panels(None, None, SUMMARY)
    with pytest.raises(AssertionError, match="gain_3_to_4"):
        checks.ex01_even_panels(0.975, 0.98 - 0.97, SUMMARY)


def test_most_disputed(capsys):
    movies = data.load("movies")
    positive = movies[movies["label3"] == "POSITIVE"]
    best = positive.sort_values(["agreement", "id"]).iloc[0]["id"]
    checks.ex01_most_disputed(best, movies)
    assert capsys.readouterr().out.startswith("Correct")
    negative_id = movies.loc[movies["label3"] == "NEGATIVE", "id"].iloc[0]
    for answer, message in [(None, "Your turn"), ("no-such-id", "not an id"), (negative_id, "not labeled POSITIVE"),
                            (positive["id"].iloc[0], "Sort by agreement")]:
        with pytest.raises(AssertionError, match=message):
            checks.ex01_most_disputed(answer, movies)


def test_ex04_threshold(capsys):
    import numpy as np
    p = np.array([0.99, 0.02, 0.6, 0.45, 0.9, 0.97])
    y = np.array([1, 0, 0, 1, 1, 1])
    checks.ex04_threshold(0.61, p, y, target=0.95)  # at 0.60 the wrong 0.6 item is still kept
    assert capsys.readouterr().out.startswith("Correct")
    with pytest.raises(AssertionError, match="Your turn"):
        checks.ex04_threshold(None, p, y)
    with pytest.raises(AssertionError, match="go higher"):
        checks.ex04_threshold(0.5, p, y, target=0.95)
    with pytest.raises(AssertionError, match="lower one"):
        checks.ex04_threshold(0.95, p, y, target=0.95)


def test_ex04_confident_mistake(capsys):
    import numpy as np
    items = pd.DataFrame({"id": [1, 2, 3], "text": ["a", "b", "c"], "label": [1, 0, 1], "mean": [2.0, -2.0, 1.0]})
    p = np.array([0.95, 0.03, 0.3])
    items.loc[1, "label"] = 1
    checks.ex04_confident_mistake(2, items, p)
    assert "sure of the wrong side" in capsys.readouterr().out
    with pytest.raises(AssertionError, match="got 1 right"):
        checks.ex04_confident_mistake(1, items, p)
    with pytest.raises(AssertionError, match="hesitant"):
        checks.ex04_confident_mistake(3, items, p)
    with pytest.raises(AssertionError, match="not among"):
        checks.ex04_confident_mistake(9, items, p)


def test_ex04_cost(capsys):
    from helpers import llm
    led = llm.Ledger(requests=100, prompt_tokens=3000, completion_tokens=100)
    want = (3000 * 0.50 + 100 * 1.50) / 1e6 / 100 * 10_000
    checks.ex04_cost(want, led, 10_000)
    assert capsys.readouterr().out.startswith("Correct")
    with pytest.raises(AssertionError, match="per million"):
        checks.ex04_cost(want * 1e6, led, 10_000)
    with pytest.raises(AssertionError, match="Not quite"):
        checks.ex04_cost(1.0, led, 10_000)


def test_ex06_checks(capsys):
    table = pd.DataFrame({"dollars": [60.0, 0.0, 90.0]})
    checks.ex06_cost_share(150 / 3000, table, n_pool=10_000)
    assert "20x cheaper" in capsys.readouterr().out
    with pytest.raises(AssertionError, match="percentage"):
        checks.ex06_cost_share(5.0, table, n_pool=10_000)
    with pytest.raises(AssertionError, match="divide"):
        checks.ex06_cost_share(150.0, table, n_pool=10_000)
    board = pd.DataFrame({"accuracy": [0.75, 0.70, 0.74, 0.69], "dollars": [2500, 200, 150, 0]},
                         index=["all", "random", "hybrid", "weak"])
    checks.ex06_dominated(["random"], board)
    assert "dominated: random" in capsys.readouterr().out
    with pytest.raises(AssertionError, match="'random' is dominated"):
        checks.ex06_dominated([], board)
    with pytest.raises(AssertionError, match="Nothing beats 'weak'"):
        checks.ex06_dominated(["random", "weak"], board)
    with pytest.raises(AssertionError, match="not strategies"):
        checks.ex06_dominated(["magic"], board)


def test_ex02_checks(capsys):
    import numpy as np

    checks.ex02_entropy(float(-(np.array([0.5, 0.49, 0.01]) * np.log2([0.5, 0.49, 0.01])).sum()))
    assert "bits" in capsys.readouterr().out
    nats = float(-(np.array([0.5, 0.49, 0.01]) * np.log([0.5, 0.49, 0.01])).sum())
    for answer, message in [(None, "Your turn"), (nats, "in nats"), (-1.071, "minus sign")]:
        with pytest.raises(AssertionError, match=message):
            checks.ex02_entropy(answer)
    curves = pd.DataFrame({"setup": ["random"] * 4 + ["uncertainty"] * 4, "seed": 0,
                           "labels": [10, 20, 30, 40] * 2, "accuracy": [0.6, 0.7, 0.65, 0.71, 0.7, 0.72, 0.73, 0.74]})
    checks.ex02_labels_to_reach(40.0, curves, "random", 0.68)
    assert "needs 40 labels" in capsys.readouterr().out
    for answer, message in [(None, "Your turn"), (20.0, "Filter curves on setup == 'random'")]:
        with pytest.raises(AssertionError, match=message):
            checks.ex02_labels_to_reach(answer, curves, "random", 0.68)


def test_ex03_checks(capsys):
    import numpy as np
    from snorkel.labeling import labeling_function

    from helpers.labels import ABSTAIN, NEGATIVE, POSITIVE

    table = pd.DataFrame({"text": ["I recommend it", "dull", "recommend skipping it", "fine"], "label": [1, 0, 0, 1]})
    dev = np.ones(4, bool)

    @labeling_function()
    def lf_recommend(x):
        return POSITIVE if "recommend" in x.text else ABSTAIN

    @labeling_function()
    def lf_never(x):
        return ABSTAIN

    @labeling_function()
    def lf_negative(x):
        return NEGATIVE if "recommend" in x.text else ABSTAIN

    checks.ex03_new_lf(lf_recommend, table, dev)
    assert "0.50 accuracy" in capsys.readouterr().out
    for lf, message in [(None, "Your turn"), (lf_never, "abstains on every dev sentence"),
                        (lf_negative, "only ever vote POSITIVE")]:
        with pytest.raises(AssertionError, match=message):
            checks.ex03_new_lf(lf, table, dev)
    checks.ex03_closed_form(0.862284)
    assert "0.862" in capsys.readouterr().out
    for answer, message in [(None, "Your turn"), (0.80, "lecture's stated answer"), (0.137716, "other root"),
                            (0.7, "is not it")]:
        with pytest.raises(AssertionError, match=message):
            checks.ex03_closed_form(answer)
    proba = np.array([[0.1, 0.9], [0.45, 0.55], [0.3, 0.7], [0.6, 0.4]])
    covered, y = np.ones(4, bool), np.array([1, 0, 1, 0])
    checks.ex03_threshold(0.56, proba, covered, y, target=0.99)
    assert capsys.readouterr().out.startswith("Correct")
    for answer, message in [(None, "Your turn"), (0.5, "go higher"), (0.8, "smaller threshold")]:
        with pytest.raises(AssertionError, match=message):
            checks.ex03_threshold(answer, proba, covered, y, target=0.99)


def test_ex05_checks(capsys):
    import numpy as np

    scores = np.array([0.1, 0.9, 0.2, 0.8, 0.3, 0.95])
    is_error = np.array([1, 0, 1, 0, 0, 1], bool)
    checks.ex05_budget(2, scores, is_error, budget=3)
    assert "2 errors" in capsys.readouterr().out
    for answer, message in [(None, "Your turn"), (1, "best"), (3, "is not it")]:
        with pytest.raises(AssertionError, match=message):
            checks.ex05_budget(answer, scores, is_error, budget=3)
    table = pd.DataFrame({"id": ["a", "b", "c"], "agreement": [0.6, 0.9, 0.95]})
    flags, errors = np.array([1, 1, 1], bool), np.array([1, 1, 0], bool)
    checks.ex05_clearest_error("b", table, flags, errors)
    assert "sentence b" in capsys.readouterr().out
    for answer, message in [(None, "Your turn"), ("c", "not a flagged real error"), ("a", "Sort descending")]:
        with pytest.raises(AssertionError, match=message):
            checks.ex05_clearest_error(answer, table, flags, errors)
