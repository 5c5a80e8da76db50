"""The figures the scripts in ``benchmarks/`` measured (``benchmarks/results/<name>.json``), for the notebooks that
quote them: each number has one source, the benchmark that computed it."""

from __future__ import annotations

import json
from pathlib import Path

RESULTS_DIR = Path(__file__).resolve().parent.parent / "benchmarks" / "results"


def benchmark(name: str) -> dict:
    """One benchmark's result, its means (where it has them) flattened to the top level."""
    path = RESULTS_DIR / f"{name}.json"
    if not path.is_file():
        known = sorted(p.stem for p in RESULTS_DIR.glob("*.json"))
        raise ValueError(f"unknown benchmark {name!r}; choose one of {known} (or run benchmarks/{name}.py)")
    raw = json.loads(path.read_text())
    return {**raw, **raw.get("mean", {})}


def chosen_prompt(df):
    """The prompt and decision threshold that ``benchmarks/llm_labeling.py``'s shot search chose on the dev split
    (its best candidate), rebuilt from the sentence ids it recorded (``df``: the movie table)."""
    from helpers.llm import ScoringPrompt

    best = benchmark("llm_labeling")["shot_search"][0]
    by_id = df.set_index("id")
    shots = tuple((by_id.at[i, "text"], int(by_id.at[i, "label"])) for i in best["shot_ids"])
    return ScoringPrompt(shots), best["bias"]


def lecture_claims():
    """The lecture's quantitative claims against what this series measured (the scoreboard of the deep dive 06a): one
    row per claim with the value measured, its spread or interval where the benchmark keeps one, a verdict computed
    from the numbers, and where it is shown ("03 §4": notebook 03, section 4; "03a §3": the deep dive 03a, section
    3). Every figure is read from ``benchmarks/results/``."""
    import pandas as pd

    from helpers.pricing import HUMAN_PRICE, token_cost

    al, ws, nl = benchmark("active_learning"), benchmark("weak_supervision"), benchmark("noisy_labels")
    lab, hy, qq = benchmark("llm_labeling"), benchmark("hybrid_pipeline"), benchmark("quality_quantity")
    rec = al["recommended"]
    saving = {split: next(s for s in al[split]["setups"] if s["setup"] == rec)["saving"] for split in ("dev", "test")}
    led = lab["ledger"]

    def usd_per_label(model):
        return token_cost(led["prompt_tokens"], led["completion_tokens"], model) / led["requests"]

    human = HUMAN_PRICE
    gpt35, gpt4 = usd_per_label("gpt-3.5-turbo"), usd_per_label("gpt-4")
    q600 = {r["design"]: r for r in qq["summary"] if r["budget"] == 600}
    one, three = q600["1 rater each"], q600["3 raters each"]
    runs = pd.DataFrame(hy["runs"])
    remedies = {k.removeprefix("remedy: "): v for k, v in nl.items() if k.startswith("remedy: ")}
    best_remedy = max((k for k in remedies if k != "do nothing"), key=remedies.get)
    few, bare = lab["generate"]["few-shot"], lab["generate"]["bare"]

    def se(p, n):
        return (p * (1 - p) / n) ** 0.5

    def verdict(holds: bool, partly: bool = False) -> str:
        return "holds" if holds else "partly" if partly else "does not hold"

    rows = [
        ("Active learning saves 2-10x labels", "2-10x", f"{saving['test']:.2f}x on test ({saving['dev']:.2f}x on dev)",
         f"10 seeds; chosen on dev ({rec})", verdict(saving["test"] >= 2, saving["dev"] >= 2), "02 §3"),
        ("AL reaches 90% with 200 labels; random needs 400+", "90% at 200 labels",
         f"ceiling {hy['all_human_accuracy']:.3f} with all 8,457 labels", "3 seeds (ceiling)",
         "does not hold" if hy["all_human_accuracy"] < 0.9 else "testable", "02 §4, 01"),
        ("Weak supervision saves 10-100x", "10-100x",
         f"weak labels + 1,051 dev labels {ws['downstream_test_accuracy']:.3f}; dev labels alone "
         f"{ws['dev_labels_only_test_accuracy']:.3f}; LFs alone {ws['downstream_no_gold_test_accuracy']:.3f}",
         "5 seeds; 03 §5 gives the paired interval",
         "holds" if ws["downstream_test_accuracy"] - ws["dev_labels_only_test_accuracy"] > 0.02
         else "does not hold: the dev labels alone do about as well", "03 §5"),
        ("Label model beats majority vote", "better combiner",
         f"{ws['label_model_on_shared']:.3f} vs {ws['majority_vote_on_shared']:.3f} on shared items",
         "5 seeds", verdict(ws["label_model_on_shared"] > ws["majority_vote_on_shared"]), "03 §4"),
        ("More noisy labels beat fewer perfect ones", "quantity wins",
         f"600 judgements: 1 rater {one['accuracy']:.3f}, 3 raters {three['accuracy']:.3f}",
         f"seed ranges {one['low']:.3f}-{one['high']:.3f} and {three['low']:.3f}-{three['high']:.3f}",
         verdict(one["accuracy"] > three["accuracy"]), "03a §3"),
        ("LLM labeling cuts cost 10-50x", "10-50x",
         f"{human / gpt35:,.0f}x at GPT-3.5 prices; accuracy {lab['test_accuracy']:.3f} vs one rater "
         f"{1 - nl['real_noise_rate']:.3f}", f"accuracy ± {se(lab['test_accuracy'], lab['n_test']):.3f} (SE)",
         "holds for cost, not at equal quality", "04 §3, §7"),
        ("10,000 labels: $3,000 by hand, $20 by GPT-3.5 (150x)", "150x",
         f"${10_000 * gpt35:.2f} at GPT-3.5 prices for our prompt ({human / gpt35:,.0f}x)",
         "measured tokens", verdict(human / gpt35 >= 150), "04 §7"),
        ("GPT-4: $20-50 per 1,000 labels", "$20-50", f"${1000 * gpt4:.2f} per 1,000 (one output token per label)",
         "measured tokens", "lower: a logprob labeler asks for one token", "04 §7"),
        ("Few-shot examples add 10-20% accuracy", "+10-20%",
         f"chat prompt {bare['accuracy_abstain_wrong']:.2f} -> {few['accuracy_abstain_wrong']:.2f} with examples",
         "100 test sentences", "holds, and more: the examples fix the answer's format"
         if few["accuracy_abstain_wrong"] - bare["accuracy_abstain_wrong"] > 0.20
         else verdict(few["accuracy_abstain_wrong"] - bare["accuracy_abstain_wrong"] >= 0.10), "04 §2"),
        ("More categories lower LLM accuracy", "a drop",
         f"2 classes {lab['test_accuracy']:.3f}, 3 classes {lab['three_class_accuracy']:.3f} (majority "
         f"{lab['three_class_majority_class']:.3f}), 5 points {lab['five_point_accuracy']:.3f}", "300 test sentences",
         verdict(lab["three_class_accuracy"] < lab["test_accuracy"]), "04a §2"),
        ("Real data has 5-20% label noise", "5-20%", f"one rater: {nl['real_noise_rate']:.1%} wrong (binary)",
         "5 seeds", verdict(0.05 <= nl["real_noise_rate"] <= 0.20), "05 §1"),
        ("Handling noisy labels saves 1.5-2x", "1.5-2x",
         f"review lift {nl['real_lift_at_10pct']:.1f}x at a 10% budget; best remedy {best_remedy} "
         f"{remedies[best_remedy] - remedies['do nothing']:+.3f} test accuracy",
         f"5 seeds; test standard error about {se(remedies['do nothing'], benchmark('ceiling')['n_test']):.3f}",
         "holds for finding errors; accuracy gain within noise",
         "05 §3, §5 (one run; these figures: the benchmark's 5 seeds)"),
        ("Hybrid pipelines cut cost 5-20x", "5-20x",
         f"{1 / hy['hybrid_cost_share']:.0f}x cheaper; accuracy {hy['hybrid_accuracy']:.3f} vs "
         f"{hy['all_human_accuracy']:.3f} all-human", f"3 seeds, sd {runs['hybrid_accuracy'].std():.3f}",
         verdict(5 <= 1 / hy["hybrid_cost_share"]) + f", {hy['all_human_accuracy'] - hy['hybrid_accuracy']:.3f} "
         "below all-human", "06"),
        ("A label costs $0.30 and 5 minutes", "$0.30, 5 min", "not measured: the archive has ratings, not times or pay",
         "", "not testable here", "01 (used as the cost model)"),
    ]
    return pd.DataFrame(rows, columns=["claim", "lecture", "measured", "spread", "verdict", "where"])
