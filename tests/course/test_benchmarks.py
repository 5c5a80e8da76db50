"""The benchmarks write their results through one writer, which records what produced them."""

import ast
import json
import sys
from pathlib import Path

from helpers.internal.paths import ROOT

BENCHMARKS = ROOT / "benchmarks"


def test_every_result_is_written_by_the_one_writer():
    """No benchmark but common.py writes a file itself (write_text, json.dump, open for writing): each result then
    carries its provenance (commit, date, packages, CPU, cores, environment overrides)."""
    offenders = []
    for path in sorted(BENCHMARKS.glob("*.py")):
        if path.name == "common.py":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in (
                    "write_text", "write_bytes", "dump"):
                offenders.append(f"{path.name}:{node.lineno}")
    assert not offenders, f"write results with common.write_json instead: {offenders}"
    writes = [p.name for p in BENCHMARKS.glob("*.py") if "write_json(" in p.read_text() or "write_result(" in
              p.read_text()]
    assert len(writes) >= 15  # every benchmark script but common.py writes one result


def test_the_writer_records_what_produced_a_result(tmp_path, monkeypatch):
    monkeypatch.syspath_prepend(str(BENCHMARKS))
    import common

    monkeypatch.setattr(common, "RESULTS", tmp_path)
    monkeypatch.setenv("LABELING_LLM_THREADS", "1")
    path = common.write_json("probe", {"figure": 1.5})
    written = json.loads(Path(path).read_text())
    assert written["figure"] == 1.5 and sys.version.split()[0] == written["provenance"]["python"]
    prov = written["provenance"]
    assert len(prov["commit"]) >= 7 and prov["usable_cores"] >= 1 and prov["packages"]["xllamacpp"]
    assert prov["environment"]["LABELING_LLM_THREADS"] == "1" and "PATH" not in prov["environment"]


def test_helpers_use_what_was_chosen_on_dev():
    """The helpers hold the values the benchmarks chose on the dev split: C with many and with few labels, the
    prototype LF's threshold (dev_choices.py) and the Baal MLP's settings (baal_tuning.py)."""
    from helpers import active, features, weak

    chosen = json.loads((BENCHMARKS / "results" / "dev_choices.json").read_text())["chosen"]
    assert (features.C_MANY_LABELS, features.C_FEW_LABELS, weak.PROTOTYPE_THRESHOLD) == (
        chosen["C_many_labels"], chosen["C_few_labels"], chosen["prototype_threshold"])
    best = json.loads((BENCHMARKS / "results" / "baal_tuning.json").read_text())["best"]
    assert (active.BAAL_STEPS, active.BAAL_LR, active.BAAL_DROPOUT) == (best["steps"], best["lr"], best["dropout"])
