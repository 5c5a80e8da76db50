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
