"""The shape of the series: every deep dive says what it builds on and how long it takes, and is linked from a core
notebook; the scoreboard cites sections that exist; the lab fits its budget (course/reading_map.py counts it)."""

import json
import re

import pytest

from course import reading_map, scoreboard
from tests.notebook_list import CORE, DEEP_DIVES, NOTEBOOKS_DIR


def cells(name):
    return json.loads((NOTEBOOKS_DIR / name).read_text(encoding="utf-8"))["cells"]


def markdown(name):
    return ["".join(c["source"]) for c in cells(name) if c["cell_type"] == "markdown"]


@pytest.mark.parametrize("name", DEEP_DIVES)
def test_deep_dive_opens_with_what_it_builds_on_and_how_long_it_takes(name):
    first = markdown(name)[0]
    assert first.startswith("# Deep dive · ") and "**Builds on:**" in first and "**Takes:**" in first


@pytest.mark.parametrize("name", DEEP_DIVES)
def test_deep_dive_is_linked_from_a_core_notebook(name):
    assert any(name in text for core in CORE for text in markdown(core)), f"no core notebook links to {name}"


@pytest.mark.data
def test_the_scoreboard_cites_sections_that_exist():
    """Each "where" of scoreboard.lecture_claims() ("03 §4", "03a §3") names a notebook with that numbered section."""
    by_prefix = {n.split("/")[-1].split("_")[0]: n for n in CORE + DEEP_DIVES}
    for where in scoreboard.lecture_claims()["where"]:
        for prefix, sections in re.findall(r"\b(0\d[a-z]?)((?: ?§\d+,?)*)", where):
            assert prefix in by_prefix, f"{where!r}: no notebook {prefix}"
            headings = [line for text in markdown(by_prefix[prefix]) for line in text.splitlines()
                        if line.startswith("## ")]
            for number in re.findall(r"§(\d+)", sections):
                assert any(h.startswith(f"## {number}.") for h in headings), f"{where!r}: no section {number}"


@pytest.mark.data
def test_the_check_of_cited_sections_can_fail(monkeypatch):
    rows = scoreboard.lecture_claims().assign(where="03 §42")
    monkeypatch.setattr(scoreboard, "lecture_claims", lambda: rows)
    with pytest.raises(AssertionError, match="no section 42"):
        test_the_scoreboard_cites_sections_that_exist()


def test_the_lab_fits_its_budget():
    """The issue's budget for the core path: <= 8,000 words and <= 120 code cells in all, no notebook above 1,600
    words, and a 3-hour lab session by the map's time rule (words as course/reading_map.py counts them)."""
    counts = {name: reading_map.load(NOTEBOOKS_DIR / name) for name in CORE}
    assert max(w for w, _ in counts.values()) <= 1600, counts
    words, cells = sum(w for w, _ in counts.values()), sum(c for _, c in counts.values())
    assert words <= 8000 and cells <= 120, (words, cells)
    assert reading_map.minutes(words, cells) <= 180
