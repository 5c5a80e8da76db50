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
