"""Numbers in prose that nothing checks (issue 31, section 3): nbval compares code outputs, not Markdown, so this test
holds the prose to the figures it quotes.

- Notebooks, one test each: every number of a markdown cell is computed by a code cell of the same notebook, in its
  source or its saved outputs (scripts/prose_numbers.py, the rule of ../shared/tools/numbers_in_prose.py); the
  opening cell's times are the measured ones (``HEADER``); what is typed on purpose (a citation's year, a lecture
  quote) is in ``TYPED``, each entry with its reason and bound to the words around the number.
- README.md: every number is generated (the reading map, scripts/reading_map.py, kept current by test_student.py),
  rebuilt here from ``benchmarks/results/`` and the pins (``README_MEASURED``), computed by the notebook it describes
  (``README_FROM_NOTEBOOKS``), or typed with its reason (``README_TYPED``).
"""

import importlib.util
import json
import re
import sys

import pytest

from tests.course import NOTEBOOKS, NOTEBOOKS_DIR

ROOT = NOTEBOOKS_DIR.parent
RESULTS = ROOT / "benchmarks" / "results"


def _script(name):
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


prose, reading_map = _script("prose_numbers"), _script("reading_map")

# --- notebooks -------------------------------------------------------------------------------------------------

CITATION = "a citation's year"
TYPED = [  # (notebook, the words around the number as the cell writes them, why the number is typed)
    ("01_labeling_cost.ipynb", "(Pang & Lee, 2004)", CITATION),
    ("01_labeling_cost.ipynb", "(Hutto & Gilbert, 2014)", CITATION),
    ("01_labeling_cost.ipynb", "is **150×** cheaper", "the lecture's claim, quoted: its cost cell's '150x cost "
                                                      "reduction' ($0.30 against $0.002)"),
    ("05_noisy_labels.ipynb", "among the sources of noise, at 5–15%", "the lecture's table of noise sources, quoted"),
    ("06_hybrid_pipeline.ipynb", "[100,000 reviews, past one machine]", "the lecture's 100,000 reviews, the title "
                                                                         "of the deep dive 06c"),
    ("deep-dives/02b_active_learning_in_practice.ipynb", "(Bloodgood & Vijay-Shanker, 2009)", CITATION),
    ("deep-dives/03a_raters_and_the_llm_as_lfs.ipynb", "with 10,000 or more very accurate (±0.5%)",
     "the lecture's table of sample sizes, quoted; the cells below measure it"),
    ("deep-dives/04c_models_shots_calibration_domains.ipynb", "(Zhao et al., 2021)", CITATION),
    ("deep-dives/06b_label_studio.ipynb", "(at the lecture's $0.30 each)", "the lecture's price of a label, quoted"),
]

# The opening cell's times, against benchmarks/lecture_mode.py's results and the reading map's time rule. "about N s"
# holds within 10% or 2.5 s of the measured full run (the README: single runs on a shared machine vary), "about N
# minutes" within 10% or half a minute; "under N s in lecture mode" is an upper bound, "**Takes:** about N minutes"
# the map's time to work through, exactly.
HEADER = {
    "run": re.compile(r"[Rr]uns in:?(?:\*\*)?:? about (?P<n>\d+|a) (?P<unit>s|minutes?)\b"),
    "run_seconds": re.compile(r"[Rr]uns in seconds"),
    "lecture": re.compile(r"(?P<how>under|about) (?P<n>\d+) s in lecture mode"),
    "takes": re.compile(r"\*\*Takes:\*\* about (?P<n>\d+) minutes"),
}


def measured_times(name: str) -> dict:
    """{"full": s, "lecture": s, "minutes": reading-map minutes} of a notebook (None where it was not timed)."""
    runs = reading_map.run_seconds()
    return {"full": runs["full"].get(name), "lecture": runs["lecture"].get(name),
            "minutes": reading_map.minutes(*reading_map.load(NOTEBOOKS_DIR / name))}


def about(stated: float, measured: float, granularity: float) -> bool:
    return abs(stated - measured) <= max(granularity / 2, 0.1 * measured)


def header_claims(text: str, times: dict) -> tuple[list[tuple[int, int]], list[str]]:
    """The spans of the opening cell's time claims (checked here, so not numbers to look up) and what is wrong."""
    spans, wrong = [], []

    def check(m, ok, measured):
        spans.append(m.span())
        if measured is None:
            wrong.append(f"'{m.group(0)}': no measured time (benchmarks/lecture_mode.py has not timed it)")
        elif not ok:
            wrong.append(f"'{m.group(0)}': measured {measured}")

    full, lecture = times["full"], times["lecture"]
    for m in HEADER["run"].finditer(text):
        n = 1 if m.group("n") == "a" else int(m.group("n"))
        seconds = m.group("unit") == "s"
        check(m, full is not None and about(n if seconds else 60 * n, full, 5 if seconds else 60),
              None if full is None else f"{full:.1f} s")
    for m in HEADER["run_seconds"].finditer(text):
        check(m, full is not None and full < 10, None if full is None else f"{full:.1f} s")
    for m in HEADER["lecture"].finditer(text):
        n = int(m.group("n"))
        ok = lecture is not None and (lecture < n if m.group("how") == "under" else about(n, lecture, 5))
        check(m, ok, None if lecture is None else f"{lecture:.1f} s in lecture mode")
    for m in HEADER["takes"].finditer(text):
        check(m, int(m.group("n")) == times["minutes"], f"{times['minutes']} min by the reading map's rule")
    return spans, wrong


def notebook_findings(nb: dict, name: str, times: dict, typed=TYPED) -> list[str]:
    """What the drift test reports for one notebook: numbers in prose no cell computes, opening times that are not
    the measured ones, and allow-list entries that no longer cover anything."""
    computed, found, used = prose.computed_values(nb), [], set()
    mine = [(k, prose.normalize(phrase)) for k, (where, phrase, _) in enumerate(typed) if where == name]
    first = True
    for i, text in prose.markdown_cells(nb):
        if "reading-map" in nb["cells"][i].get("metadata", {}).get("tags", []):
            continue  # generated by scripts/reading_map.py, kept current by tests/test_student.py
        checked = []
        if first:
            checked, wrong = header_claims(text, times)
            found += [f"cell {i}, the opening: {w}" for w in wrong]
            first = False
        quotes = [(k, m.start(), m.end()) for k, phrase in mine for m in re.finditer(re.escape(phrase), text)]
        for n in prose.stated(text):
            if any(s <= n.start and n.end <= e for s, e in checked) or prose.matches(n, computed):
                continue
            covering = [k for k, s, e in quotes if s <= n.start and n.end <= e]
            if covering:
                used.update(covering)
                continue
            found.append(f"cell {i}: {n.text} is computed by no cell: {prose.context(text, n)}")
    found += [f"TYPED entry {typed[k][1]!r} covers no number that needs it: remove it" for k, _ in mine
              if k not in used]
    return found


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_every_number_in_a_notebooks_prose_is_computed_or_typed_with_a_reason(name):
    nb = json.loads((NOTEBOOKS_DIR / name).read_text(encoding="utf-8"))
    found = notebook_findings(nb, name, measured_times(name))
    assert not found, f"{name}:\n  " + "\n  ".join(found)


def test_every_typed_number_names_a_notebook_and_a_reason():
    assert all(where in NOTEBOOKS and phrase and len(why) > 10 for where, phrase, why in TYPED)


def fake_notebook(*cells):
    """A notebook of ("md", text) and ("code", source, printed) cells."""
    out = []
    for kind, *parts in cells:
        if kind == "md":
            out.append({"cell_type": "markdown", "metadata": {}, "source": [parts[0]]})
        else:
            out.append({"cell_type": "code", "metadata": {}, "source": [parts[0]],
                        "outputs": [{"output_type": "stream", "name": "stdout", "text": [parts[1]]}]})
    return {"cells": out}


NO_TIMES = {"full": None, "lecture": None, "minutes": 0}


def test_a_drifted_number_in_prose_fails():
    """The cell printed 0.852; the text still says 0.861 from an earlier run: reported, with where it is."""
    printed = ("code", "print(f'accuracy {acc:.3f}')", "accuracy 0.852\n")
    drifted = fake_notebook(("md", "# Fake"), printed, ("md", "The model reaches 0.861 on test."))
    assert notebook_findings(drifted, "fake.ipynb", NO_TIMES) == [
        "cell 2: 0.861 is computed by no cell: …The model reaches 0.861 on test.…"]
    for same in ("0.852", "85.2%", "85%", "0.85"):  # as printed, as a share, rounded
        assert notebook_findings(fake_notebook(printed, ("md", f"It reaches {same}.")), "fake.ipynb", NO_TIMES) == []
    ignored = "Notebook 02, `budget=300`, [link](https://example.org/2,000), version 0.4.2.1, 7 seeds."
    assert notebook_findings(fake_notebook(("md", "# Fake"), ("md", ignored)), "fake.ipynb", NO_TIMES) == []


def test_a_typed_number_is_allowed_only_in_its_own_words():
    nb = fake_notebook(("md", "# Fake"), ("md", "As Zhao et al., 2021 show, 2021 items suffice."))
    typed = [("fake.ipynb", "Zhao et al., 2021", CITATION)]
    assert notebook_findings(nb, "fake.ipynb", NO_TIMES, typed) == [
        "cell 1: 2021 is computed by no cell: …As Zhao et al., 2021 show, 2021 items suffice.…"]
    stale = [("fake.ipynb", "(Bloodgood, 2009)", CITATION)]
    assert notebook_findings(fake_notebook(("md", "# Fake")), "fake.ipynb", NO_TIMES, stale) == [
        "TYPED entry '(Bloodgood, 2009)' covers no number that needs it: remove it"]


def test_an_opening_time_that_drifted_from_the_benchmark_fails():
    times = {"full": 70.5, "lecture": 28.6, "minutes": 18}
    header = "# Deep dive · Fake\n\n**Takes:** about {} minutes; runs in about {} s (under {} s in lecture\nmode)."
    assert notebook_findings(fake_notebook(("md", header.format(18, 70, 30))), "fake.ipynb", times) == []
    assert notebook_findings(fake_notebook(("md", header.format(20, 60, 25))), "fake.ipynb", times) == [
        "cell 0, the opening: 'runs in about 60 s': measured 70.5 s",
        "cell 0, the opening: 'under 25 s in lecture mode': measured 28.6 s in lecture mode",
        "cell 0, the opening: '**Takes:** about 20 minutes': measured 18 min by the reading map's rule"]
    core = "# 06 · Fake\n\n**Runs in** about a minute."
    assert notebook_findings(fake_notebook(("md", core)), "fake.ipynb", {**times, "full": 262.0}) == [
        "cell 0, the opening: 'Runs in** about a minute': measured 262.0 s"]


# --- README.md -------------------------------------------------------------------------------------------------

README = ROOT / "README.md"


def result(name: str) -> dict:
    return json.loads((RESULTS / f"{name}.json").read_text(encoding="utf-8"))


def pin(package: str, lock: str = "requirements.txt") -> str:
    """The version ``package`` is pinned to in ``lock`` (a line ``package==version``)."""
    text = (ROOT / lock).read_text(encoding="utf-8")
    return re.search(rf"^{re.escape(package)}==(\S+)", text, re.M).group(1)


def minor(version: str) -> str:
    return ".".join(version.split(".")[:2])


def min_s(seconds: int) -> tuple[str, str]:
    return str(seconds // 60), str(seconds % 60)


def movies_card() -> list[str]:
    """The movies row of data/README.md's summary table (tests/test_data.py asserts it against the data)."""
    row = next(line for line in (ROOT / "data" / "README.md").read_text(encoding="utf-8").splitlines()
               if line.startswith("| movies |"))
    return [c.strip() for c in row.strip("|").split("|")]


def model_mb(filename: str):
    path = ROOT / "data" / filename
    return (f"{path.stat().st_size / 1e6:.0f}",) if path.exists() else None  # None: `make data` has not run


def llm_threads_rows() -> tuple[str, ...]:
    t = result("llm_threads")
    busy = {(r["threads"], r["servers"]): f"{r['labels_per_s_other_core_busy']:.2f}" for r in t["loaded"]}
    chosen = (t["chosen"]["threads"], t["chosen"]["servers"])
    rows = []
    for r in t["configs"]:
        key = (r["threads"], r["servers"])
        name = f"{key[0]} thread{'s' * (key[0] > 1)}, {key[1]} server{'s' * (key[1] > 1)}"
        rows.append(f"| {f'**{name} (the default)**' if key == chosen else name} | {r['labels_per_s']:.2f} | "
                    f"{busy.get(key, '')} |".replace("|  |", "| |"))
    return (" ".join(rows),)


def llm_threads_same_scores() -> tuple[str, ...]:
    scores = {(f"{r['accuracy']:.3f}", f"{r['auroc']:.3f}") for r in result("llm_threads")["configs"]}
    return scores.pop() if len(scores) == 1 else ("(set-ups differ)", "")


def llm_threads_busy_ratio() -> tuple[str, ...]:
    """How many times as fast the default set-up labels as the fastest on a quiet machine (one two-thread server),
    while another core is busy."""
    t = result("llm_threads")
    busy = {(r["threads"], r["servers"]): r["labels_per_s_other_core_busy"] for r in t["loaded"]}
    chosen, fastest = ((t[k]["threads"], t[k]["servers"]) for k in ("chosen", "fastest"))
    return (f"{busy[chosen] / busy[fastest]:.0f}",)


def llm_threads_before() -> tuple[str, ...]:
    t = result("llm_threads")
    chosen = next(r for r in t["configs"] if (r["threads"], r["servers"]) == (t["chosen"]["threads"],
                                                                               t["chosen"]["servers"]))
    b = t["before"]
    engine = re.match(r"llama-cpp-python (\S+) \(compiled\), (\d+) threads", b["engine"])
    return (engine.group(1), engine.group(2), f"{b['labels_per_s']:.2f}",
            f"{chosen['labels_per_s'] / b['labels_per_s']:.1f}")


def llm_models_rows() -> tuple[str, ...]:
    models = result("llm_models")["models"]
    return (" ".join(f"| {name} | {m['accuracy']:.3f} | {m['auroc']:.3f} | {m['labels_per_s']:.2f} | "
                     f"{m['prompt_tokens_per_label']:.0f} |"
                     for name, m in (("SmolLM2-135M-Instruct (Q4_1)", models["A"]),
                                     ("Gemma 3 270M (base, Q4_K_M)", models["B"]))),)


def lecture_goal() -> tuple[str, ...]:
    lm = result("lecture_mode")
    over = [r["notebook"] for r in lm["notebooks"] if r["core"] and (r["error"] or r["seconds"] > lm["goal_seconds"])]
    return (str(lm["goal_seconds"]) if not over else f"(over the goal: {', '.join(over)})",)


def figures_06() -> tuple[str, ...]:
    h = result("hybrid_pipeline")["mean"]
    return (f"{h['all_human_dollars'] / h['hybrid_dollars']:.0f}",
            f"{100 * (h['all_human_accuracy'] - h['hybrid_accuracy']):.1f}")


def setup_cold() -> tuple[str, ...]:
    s = result("setup_time-cold")
    return (*min_s(s["setup_s"]), *min_s(s["data_s"]), str(s["cores"]), s["cpu"])


def growth_sizes() -> tuple[str, ...]:
    g = result("growth")
    return (f"{g['sizes'][0]:,}", f"{g['sizes'][-1]:,}", f"{g['llm_sizes'][0]:,}", f"{g['llm_sizes'][-1]:,}",
            f"{g['label_studio_sizes'][0]:,}", f"{g['label_studio_sizes'][-1]:,}")


def growth_targets() -> tuple[str, ...]:
    return tuple(f"{n:,}" for n in result("growth")["targets"])


WORDS = {10: "Ten", 20: "Twenty"}
# (the README's words, with {} where a figure goes; where the figures come from; the figures, as the README writes
# them; None: the source is not on this machine)
README_MEASURED = [
    ("**real data**: {} movie-review sentences, each rated by {} real people", "data/README.md, movies",
     lambda: (movies_card()[1], movies_card()[3].split(" (")[0])),
    ("`make setup` took {} min {} s (nothing compiles) and `make data` {} min {} s on a {}-core {},",
     "setup_time-cold.json", setup_cold),
    ("embedding the {} sentences once ({} min on the machine `benchmarks/encoder.py` ran on)", "encoder.json",
     lambda: (f"{result('encoder')['n_sentences']:,}",
              f"{result('encoder')['speed'][result('encoder')['chosen']]['minutes_all_sentences']:.1f}")),
    ("cleanlab's ranking finds real single-rater errors about {}× faster than chance", "noisy_labels.json",
     lambda: (f"{result('noisy_labels')['mean']['real_lift_at_10pct']:.0f}",)),
    ("the hybrid is {}× cheaper than all-human, {} points below it", "hybrid_pipeline.json", figures_06),
    ("so that each core notebook runs top to bottom in at most {} s (measured: the reading map above",
     "lecture_mode.json", lecture_goal),
    ("{} hand-ins took {} s on {} cores", "grading.json",
     lambda: (WORDS.get(len(result("grading")["handed_in"]), "?"), f"{result('grading')['seconds']:.0f}",
              str(result("grading")["nproc"]))),
    ("({} s, median of {} builds, when the series had {} notebooks, `benchmarks/site_build.py`)", "site_build.json",
     lambda: (f"{result('site_build')['median_wall_seconds']:.1f}", str(len(result("site_build")["runs"])),
              str(result("site_build")["notebooks"]))),
    ("5-fold CV, {} labels)", "ceiling.json",
     lambda: tuple(re.fullmatch(r"mpnet_(\d+)_labels_accuracy", k).group(1) for k in result("ceiling")
                   if re.fullmatch(r"mpnet_(\d+)_labels_accuracy", k))),
    ("ten reviews per request against one, {} sentences", "llm_batch.json",
     lambda: (f"{result('llm_batch')['runs'][0]['items']:,}",)),
    ("P(positive) on {} train sentences", "llm_lf.json", lambda: (f"{result('llm_lf')['n']:,}",)),
    ("extrapolated to {} and {} items", "growth.json", growth_targets),
    ("at growing sizes ({} to {} sentences of the four domains; the LLM {} to {}; Label Studio {} to {} tasks)",
     "growth.json", growth_sizes),
    ("and extrapolates to {} and {} items", "growth.json", growth_targets),
    ("## Past one machine: {} items", "growth.json", lambda: growth_targets()[:1]),
    ("answers the lecture's {} in dollars", "growth.json", lambda: growth_targets()[:1]),
    ("the series' recipe below for SmolLM2, {} clear test sentences, no response cache, {} cores of an {}; the "
     "other-core-busy runs label {} sentences", "llm_threads.json",
     lambda: (str(result("llm_threads")["n_test"]), str(result("llm_threads")["provenance"]["usable_cores"]),
              result("llm_threads")["provenance"]["cpu"], str(result("llm_threads")["n_loaded"]))),
    ("| llama.cpp set-up | labels/s | labels/s, other core busy | |---|---|---| {} Every set-up", "llm_threads.json",
     llm_threads_rows),
    ("so accuracy {} and AUROC {} in all of them", "llm_threads.json", llm_threads_same_scores),
    ("and {} times faster than it when another program keeps a core busy", "llm_threads.json", llm_threads_busy_ratio),
    ("the two-thread server is {} times slower, while two one-thread servers", "llm_threads.json",
     llm_threads_busy_ratio),
    ("as with llama-cpp-python {} (compiled on the machine, {} threads: {} labels/s, measured in an earlier session) "
     "before: the default labels {} times as fast", "llm_threads.json", llm_threads_before),
    ("shot search on dev, {} clear test sentences, {} cores", "llm_models.json",
     lambda: (str(result("llm_models")["n_test"]), str(result("llm_models")["provenance"]["usable_cores"]))),
    ("| model | accuracy | AUROC | labels/s | prompt tokens per label | |---|---|---|---|---| {} On llama-cpp-python",
     "llm_models.json", llm_models_rows),
    ("On llama-cpp-python {} SmolLM2 scored {} / {} at {} labels/s", "llm_threads.json, before",
     lambda: (llm_threads_before()[0], f"{result('llm_threads')['before']['accuracy']:.3f}",
              f"{result('llm_threads')['before']['auroc']:.3f}", llm_threads_before()[2])),
    ("(Q4_1 GGUF, {} MB)", "data/, the model file", lambda: model_mb("SmolLM2-135M-Instruct.Q4_1.gguf")),
    ("Q4_K_M GGUF, {} MB,", "data/, the model file", lambda: model_mb("gemma-3-270m-q4_k_m.gguf")),
    ("Python ≥ {}", "pyproject.toml",
     lambda: (re.search(r'requires-python = ">=([\d.]+)"', (ROOT / "pyproject.toml").read_text()).group(1),)),
    ("snorkel {} requires it", "requirements.txt", lambda: (minor(pin("snorkel")),)),
    ("scikit-learn {}.x:", "requirements.txt", lambda: (minor(pin("scikit-learn")),)),
    ("heuristics break when called as functions in {},", "requirements.txt", lambda: (minor(pin("baal")),)),
    ("the series pins openai {} and numpy {},", "requirements.txt",
     lambda: (pin("openai").split(".")[0], minor(pin("numpy")))),
    ("(`ray[data]` {},", "requirements.txt", lambda: (minor(pin("ray[data]")),)),
]

README_FROM_NOTEBOOKS = [  # (the README's words, the notebook that computes or sets every number in them)
    ("agrees with held-out raters on 97.5% of sentences", "01_labeling_cost.ipynb"),
    ("on the dev split with a 90% interval", "05_noisy_labels.ipynb"),
    ("beyond its 90% interval's noise", "05_noisy_labels.ipynb"),
    ("spend the same $150 differently", "06_hybrid_pipeline.ipynb"),
    ("04 labels 25 live sentences instead of 150", "04_llm_labeling.ipynb"),
    ("06 sends 5 sentences to the LLM instead of 100 and buys 100 active-learning labels instead of 300",
     "06_hybrid_pipeline.ipynb"),
    ("a pool of 400 sentences and 3 rounds instead of 1,200 and 8", "deep-dives/06b_label_studio.ipynb"),
    ("notebook 04 labels 25 sentences, whose accuracy is known only to about ±0.14", "04_llm_labeling.ipynb"),
    ("fetches the queue's next 50 tasks only", "deep-dives/06b_label_studio.ipynb"),
]

BENCH_TIME = "a benchmark's running time, noted when it ran; its result file does not record one"
BY_HAND = "timed by hand; no benchmark records it"
README_TYPED = [  # (the README's words, why the number is typed)
    ('from "active learning saves 2–10×" to "$0.30 and 5 minutes per label"',
     "the lecture's claims, quoted (its summary slide's '2-10x savings', its cost cell's $0.30 and 5 min a label)"),
    ("about 200 MB", "the size of torch's CPU wheel as download.pytorch.org lists it"),
    ("The environment takes about 2.8 GB", "du -sh .venv after make setup, " + BY_HAND),
    ("against MiniLM and TF-IDF; about 25 min", BENCH_TIME),
    ("the recommendation on Amazon; about 25 min", BENCH_TIME),
    ("`llm_labeling.py` (about 20 min)", BENCH_TIME),
    ("on one recipe; about 20 min", BENCH_TIME),
    ("three classes and five points; about 35 min", BENCH_TIME),
    ("the recipe redone there; about 10 min", BENCH_TIME),
    ("for the deep dives 03a and 06b; about 8 min", BENCH_TIME),
    ("`hybrid_pipeline.py` (about 15 min", BENCH_TIME),
    ("against one process; about 8 min", BENCH_TIME),
    ("items; about 25 min, with Label Studio running", BENCH_TIME),
    ("(ICWSM 2014)", CITATION),
    ("**SmolLM2-135M-Instruct**", "a model's name"),
    ("**Gemma 3 270M**", "a model's name"),
    ("a 12-minute compile", "llama-cpp-python's build on 2 cores, " + BY_HAND),
    ("Apache-2.0", "a licence's name"),
    ("by up to 0.2 in log-probability", "seen with llama.cpp's prompt cache on (helpers/llm/serve.py), " + BY_HAND),
    ("the install takes about 2.5–3 minutes (2 min 26 s with pip's cache), the first start about 60 s",
     "Label Studio's install and first start, " + BY_HAND),
    ("removed in scikit-learn 1.8", "the scikit-learn release that removed force_all_finite (its changelog)"),
    ("port 8888 is in use", "JupyterLab's default port"),
]


def phrase_spans(text: str, template: str) -> list[tuple[int, int]]:
    """Where the README has ``template``'s words, with a figure of any value where it has {} (one word at an end)."""
    pieces, pattern = template.split("{}"), ""
    for j, piece in enumerate(pieces):
        if j:
            at_an_end = (j == 1 and not pieces[0]) or (j == len(pieces) - 1 and not pieces[-1])
            pattern += r"\S+" if at_an_end else r"(.+?)"
        pattern += re.escape(re.sub(r"\s+", " ", piece))
    return [m.span() for m in re.finditer(pattern, text)]


def readme_text() -> str:
    return prose.normalize(README.read_text(encoding="utf-8"))


def readme_findings(text: str, measured=README_MEASURED, from_notebooks=README_FROM_NOTEBOOKS,
                    typed=README_TYPED) -> list[str]:
    """Numbers of the (normalized) README that no entry accounts for, and entries whose words it no longer has."""
    begin, end = text.find(reading_map.BEGIN), text.find(reading_map.END)
    masked = text if begin < 0 else text[:begin] + " " * (end - begin) + text[end:]  # the generated reading map
    spans, found = [], []
    for words in [m[0] for m in measured] + [f[0] for f in from_notebooks] + [t[0] for t in typed]:
        hits = phrase_spans(text, words)
        spans += hits
        if not hits:
            found.append(f"no longer in the README, remove or update its entry: {words!r}")
    found += [f"{n.text} is accounted for by no entry: {prose.context(masked, n)}" for n in prose.stated(masked)
              if not any(s <= n.start and n.end <= e for s, e in spans)]
    return found


def test_every_number_in_the_readme_is_generated_checked_or_typed_with_a_reason():
    found = readme_findings(readme_text())
    assert not found, "README.md:\n  " + "\n  ".join(found)


@pytest.mark.parametrize("words, source, figures", README_MEASURED, ids=[m[1] + ": " + m[0][:40]
                                                                        for m in README_MEASURED])
def test_a_readme_figure_is_the_one_its_source_holds(words, source, figures):
    values = figures()
    if values is None:
        pytest.skip(f"{source} is not on this machine (make data)")
    expected = prose.normalize(words.format(*values))
    assert expected in readme_text(), f"README.md should say {expected!r} ({source})"


@pytest.mark.parametrize("words, name", README_FROM_NOTEBOOKS)
def test_a_readme_setting_is_the_one_its_notebook_computes(words, name):
    computed = prose.computed_values(json.loads((NOTEBOOKS_DIR / name).read_text(encoding="utf-8")))
    missing = [n.text for n in prose.stated(prose.normalize(words)) if not prose.matches(n, computed)]
    assert not missing, f"README.md's {words!r}: {missing} computed by no cell of {name}"


def test_the_readme_check_fails_on_a_drifted_or_unaccounted_figure():
    measured = [("took {} s on {} cores", "fake.json", lambda: ("230", "2"))]
    typed = [("(ICWSM 2014)", CITATION)]
    assert readme_findings("Grading took 230 s on 2 cores (ICWSM 2014).", measured, [], typed) == []
    unaccounted = readme_findings("Grading took 230 s on 2 cores, 4.3 s for the site (ICWSM 2014).", measured, [],
                                  typed)
    assert len(unaccounted) == 1 and unaccounted[0].startswith("4.3 is accounted for by no entry: …")
    assert readme_findings("Grading took 230 s on 2 cores.", measured, [], typed) == [
        "no longer in the README, remove or update its entry: '(ICWSM 2014)'"]


def test_a_readme_figure_that_drifted_from_its_result_fails(monkeypatch):
    monkeypatch.setattr(sys.modules[__name__], "readme_text", lambda: "Grading took 200 s on 2 cores.")
    with pytest.raises(AssertionError, match="should say 'took 230 s on 2 cores'"):
        test_a_readme_figure_is_the_one_its_source_holds("took {} s on {} cores", "fake.json", lambda: ("230", "2"))
