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


def readme_rows(heading: str) -> dict:
    """The rows of the README table right after the paragraph that starts with ``heading``: first cell -> cells."""
    text = (BENCHMARKS.parent / "README.md").read_text()
    lines = text[text.index(heading):].splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("|"))
    rows = {}
    for line in lines[start + 2:]:  # after the header and its |---| line
        if not line.startswith("|"):
            break
        cells = [c.strip().strip("*").strip() for c in line.strip().strip("|").split("|")]
        rows[cells[0]] = cells[1:]
    return rows


def test_the_readme_llm_tables_are_the_benchmarks_figures():
    threads = json.loads((BENCHMARKS / "results" / "llm_threads.json").read_text())
    table = readme_rows("**Threads and servers**")
    busy = {(r["threads"], r["servers"]): r["labels_per_s_other_core_busy"] for r in threads["loaded"]}
    for r in threads["configs"]:
        name = next(k for k in table if k.startswith(f"{r['threads']} thread") and f"{r['servers']} server" in k)
        assert table[name][0] == f"{r['labels_per_s']:.2f}"
        assert table[name][1] == (f"{busy[(r['threads'], r['servers'])]:.2f}" if (r["threads"], r["servers"]) in busy
                                  else "")
    models = json.loads((BENCHMARKS / "results" / "llm_models.json").read_text())["models"]
    table = readme_rows("Both bundled models on the series' recipe")
    for slot, name in (("A", "SmolLM2-135M-Instruct (Q4_1)"), ("B", "Gemma 3 270M (base, Q4_K_M)")):
        m = models[slot]
        assert table[name] == [f"{m['accuracy']:.3f}", f"{m['auroc']:.3f}", f"{m['labels_per_s']:.2f}",
                               f"{m['prompt_tokens_per_label']:.0f}"]


def test_helpers_use_what_was_chosen_on_dev():
    """The helpers hold the values the benchmarks chose on the dev split: C with many and with few labels, the
    prototype LF's threshold (dev_choices.py) and the Baal MLP's settings (baal_tuning.py)."""
    from helpers import active, features, weak

    chosen = json.loads((BENCHMARKS / "results" / "dev_choices.json").read_text())["chosen"]
    assert (features.C_MANY_LABELS, features.C_FEW_LABELS, weak.PROTOTYPE_THRESHOLD) == (
        chosen["C_many_labels"], chosen["C_few_labels"], chosen["prototype_threshold"])
    best = json.loads((BENCHMARKS / "results" / "baal_tuning.json").read_text())["best"]
    assert (active.BAAL_STEPS, active.BAAL_LR, active.BAAL_DROPOUT) == (best["steps"], best["lr"], best["dropout"])
