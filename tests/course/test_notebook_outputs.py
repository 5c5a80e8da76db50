"""The committed outputs nbval compares hold nothing that depends on timing: a cell that measures time live prints
its times only in the form the sanitize file replaces ("took 1.2 s"), and no sentence built on them ("four in flight
are faster than one" flipped with machine load and turned CI red)."""

import configparser
import re

import nbformat
import pytest

from helpers.internal.paths import ROOT
from tests.notebook_list import NOTEBOOKS

LIVE_TIMING = re.compile(r"perf_counter|time\.time\(|\.seconds\b|elapsed")
TIMING_TEXT = re.compile(r"\b(faster|slower|quicker)\b|\d(\.\d+)? ?(s|sec|seconds|ms|labels/s)\b", re.IGNORECASE)


def sanitize(text: str) -> str:
    cfg = configparser.ConfigParser(interpolation=None)
    cfg.read(ROOT / "tests" / "nbval_sanitize.cfg")
    for section in cfg.sections():
        text = re.sub(cfg[section]["regex"], cfg[section]["replace"], text)
    return text


def printed(cell) -> str:
    return "".join(o.get("text", "") if o.get("output_type") == "stream" else
                   "".join(o.get("data", {}).get("text/plain", "")) for o in cell.get("outputs", []))


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_cells_that_time_something_print_only_sanitized_times(name):
    nb = nbformat.read(ROOT / "notebooks" / name, as_version=4)
    offenders = [(i, line) for i, cell in enumerate(nb.cells)
                 if cell.cell_type == "code" and LIVE_TIMING.search(cell.source)
                 and "nbval-ignore-output" not in cell.metadata.get("tags", [])
                 for line in sanitize(printed(cell)).splitlines() if TIMING_TEXT.search(line)]
    assert offenders == [], f"timing-dependent text compared by nbval in {name}: {offenders[:3]}"


MACHINE_PATH = re.compile(r"site-packages/|/\.venv[^/\s]*/|" + re.escape(str(ROOT)))


def all_text(cell) -> str:
    return "".join(o.get("text", "") + "".join(o.get("data", {}).get("text/plain", "")) + o.get("evalue", "")
                   for o in cell.get("outputs", []))


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_outputs_name_no_path_of_this_machine(name):
    """A committed output that names where the checkout or its venv lives differs on every other machine (a scipy
    warning that printed its site-packages path turned a clean clone's nbval red): silence the warning, or print a
    relative path."""
    nb = nbformat.read(ROOT / "notebooks" / name, as_version=4)
    offenders = [(i, m.group(0)) for i, cell in enumerate(nb.cells) if cell.cell_type == "code"
                 for m in MACHINE_PATH.finditer(all_text(cell))]
    assert offenders == [], f"machine-specific paths in {name}'s outputs: {offenders[:3]}"


def test_the_path_check_can_fail():
    assert MACHINE_PATH.search("/tmp/ci/.venv/lib/python3.11/site-packages/scipy/sparse/_construct.py:543: Warning")
    assert not MACHINE_PATH.search("data/README.md")


TIMING_ASSERT = re.compile(r"^\s*assert\b.*\b\w*(seconds|elapsed|_time)\w*\b", re.MULTILINE)


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_no_assert_compares_a_live_timing(name):
    """A timing measured live holds on no other machine, or on this one under load: it is printed, never asserted
    (an assert that BALD's dropout passes are 5x slower than a logistic regression failed on a loaded machine)."""
    nb = nbformat.read(ROOT / "notebooks" / name, as_version=4)
    offenders = [(i, m.group(0).strip()) for i, cell in enumerate(nb.cells)
                 if cell.cell_type == "code" and LIVE_TIMING.search(cell.source)
                 for m in TIMING_ASSERT.finditer(cell.source)]
    assert offenders == [], f"timing asserted in {name}: {offenders}"


def test_the_timing_assert_check_can_fail():
    assert TIMING_ASSERT.search("x = 1\nassert mc_seconds > 5 * lr_seconds")
    assert not TIMING_ASSERT.search("assert quality['accuracy'] > 0.8")


def test_the_check_catches_the_sentence_that_turned_ci_red():
    assert TIMING_TEXT.search(sanitize("four in flight are no faster than one against the bundled server"))
    assert not TIMING_TEXT.search(sanitize("4 in flight: 6 labels took 4.82 s"))
