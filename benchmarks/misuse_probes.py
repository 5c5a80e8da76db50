"""Misuse probes (issue 42): the public functions a notebook calls, each given a wrong argument of every kind a
careful new user might pass (NaN, a negative, zero, a percentage where a share is meant, text where a number or a
list is meant, None, an empty list, one class only), on tiny inputs made here, offline. Every outcome is sorted:

- clear: an exception raised by the series' own code (its last frame in helpers/ or course/), with a message;
- raw: an exception raised inside a library (a traceback a student cannot act on);
- accepted: the call returned; each is listed for review (a harmless value, such as k=0 rows, is fine; a wrong
  result is a silent failure);
- hang: no answer within the probe's time limit.

Writes benchmarks/results/misuse_probes.json. Run: .venv/bin/python benchmarks/misuse_probes.py
"""

import signal
import traceback
from pathlib import Path

import numpy as np
import pandas as pd
from common import write_json

from helpers import active, cost, labels, noise, pipeline, stats, weak
from helpers.internal.paths import ROOT

LIMIT_S = 20
rng = np.random.default_rng(0)
Y = np.arange(40) % 2
X = rng.normal(size=(40, 4)) + Y[:, None]
PROBA = np.column_stack([1 - np.linspace(0.05, 0.95, 40), np.linspace(0.05, 0.95, 40)])
CURVES = pd.DataFrame({"setup": "s", "seed": 0, "labels": [10, 20, 30], "accuracy": [0.6, 0.7, 0.8]})
RATINGS = [[1, -1, 2], [3, 0, 1, 2], [-2, -3, -1]]
L = np.array([[0, 1, -1], [1, 1, 0], [-1, 0, 0], [1, -1, 1]] * 10)

# (name, a call taking the perturbed value, the kinds of bad value to try)
SHARE, SIZE, AMOUNT, ARRAY, LABELS = "share", "size", "amount", "array", "labels"
PROBES = [
    ("LabelingCost price_per_label", lambda v: cost.LabelingCost(price_per_label=v).dollars(10), AMOUNT),
    ("LabelingCost minutes_per_label", lambda v: cost.LabelingCost(minutes_per_label=v).hours(10), AMOUNT),
    ("LabelingCost annotators_per_item", lambda v: cost.LabelingCost(annotators_per_item=v).labels(10), SIZE),
    ("LabelingCost.dollars n_items", lambda v: cost.LabelingCost().dollars(v), SIZE),
    ("remaining_cost needed", lambda v: cost.remaining_cost(labeled=10, needed=v), SIZE),
    ("stop_paying_at min_gain", lambda v: cost.stop_paying_at(
        pd.DataFrame({"mean": [0.8, 0.9, 0.95]}, index=pd.Index([1, 3, 5], name="k")), v), SHARE),
    ("least_confidence proba", lambda v: active.least_confidence(v), ARRAY),
    ("entropy proba", lambda v: active.entropy(v), ARRAY),
    ("margin proba", lambda v: active.margin(v), ARRAY),
    ("labels_to_reach target", lambda v: active.labels_to_reach(CURVES, v), SHARE),
    ("run_active_learning budget", lambda v: active.run_active_learning(X, Y, X, Y, budget=v, n_start=4,
                                                                         batch=2), SIZE),
    ("run_active_learning y", lambda v: active.run_active_learning(X, v, X, Y, budget=10, n_start=4, batch=2),
     LABELS),
    ("cold_start n", lambda v: active.cold_start(X, v), SIZE),
    ("draw_raters k", lambda v: labels.draw_raters(RATINGS, v), SIZE),
    ("majority_vote votes", lambda v: labels.majority_vote(v), ARRAY),
    ("mean_interval level", lambda v: stats.mean_interval([0.0, 1.0, 1.0, 0.0], level=v), SHARE),
    ("mean_interval values", lambda v: stats.mean_interval(v), ARRAY),
    ("proportion_interval n", lambda v: stats.proportion_interval(0.5, v), SIZE),
    ("solve_lf_accuracies lr", lambda v: weak.solve_lf_accuracies(np.full((3, 3), 0.8), 3, lr=v), AMOUNT),
    ("solve_lf_accuracies steps", lambda v: weak.solve_lf_accuracies(np.full((3, 3), 0.8), 3, steps=v), SIZE),
    ("triplet_accuracy a12", lambda v: weak.triplet_accuracy(v, 0.8, 0.9), SHARE),
    ("log_odds_weight accuracy", lambda v: weak.log_odds_weight(v), SHARE),
    ("agreement_rates L", lambda v: weak.agreement_rates(v), ARRAY),
    ("make_lfs prototype_threshold", lambda v: weak.make_lfs(prototype_threshold=v), AMOUNT),
    ("label_quality proba", lambda v: noise.label_quality(Y, v), ARRAY),
    ("label_quality labels", lambda v: noise.label_quality(v, PROBA), LABELS),
    ("find_label_issues proba", lambda v: noise.find_label_issues(Y, v), ARRAY),
    ("relabel_budget_curve budgets", lambda v: noise.relabel_budget_curve(np.linspace(0, 1, 40), Y == 1, (v,)),
     SHARE),
    ("synthetic_noise rate", lambda v: noise.synthetic_noise(Y, v), SHARE),
    ("estimated_noise_matrix proba", lambda v: noise.estimated_noise_matrix(Y, v), ARRAY),
    ("Settings n_dev", lambda v: pipeline.Settings(n_dev=v), SIZE),
    ("Settings llm_items", lambda v: pipeline.Settings(llm_items=v), SIZE),
    ("Settings weak_confidence", lambda v: pipeline.Settings(weak_confidence=v), SHARE),
    ("least_sure n", lambda v: pipeline.least_sure(np.linspace(0, 1, 10), v), SIZE),
    ("least_sure proba", lambda v: pipeline.least_sure(v, 3), ARRAY),
]
BAD = {
    SHARE: [float("nan"), -0.1, 80, "0.8", None],
    SIZE: [float("nan"), -5, 2.5, "10", None],
    AMOUNT: [float("nan"), -1, float("inf"), "1", None],
    ARRAY: [[], "0.5", None, [[float("nan"), 1.0]], [[80.0, 20.0]]],
    LABELS: [np.zeros(40, int), ["pos"] * 40, [], None, np.full(40, 3)],
}
OURS = (str(ROOT / "helpers"), str(ROOT / "course"))


class Hang(Exception):
    pass


def _alarm(signum, frame):
    raise Hang


def outcome(call, value) -> tuple[str, str]:
    signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(LIMIT_S)
    try:
        result = call(value)
        return "accepted", repr(result)[:80]
    except Hang:
        return "hang", ""
    except Exception as e:  # noqa: BLE001 - sorting every kind of failure is the point
        frames = traceback.extract_tb(e.__traceback__)
        last = Path(frames[-1].filename).resolve() if frames else Path()
        ours = str(last).startswith(OURS) and len(str(e)) > 10
        return ("clear" if ours else "raw"), f"{type(e).__name__}: {str(e)[:100]}"
    finally:
        signal.alarm(0)


def main():
    rows = []
    for name, call, kind in PROBES:
        for value in BAD[kind]:
            verdict, detail = outcome(call, value)
            rows.append({"probe": name, "value": repr(value)[:30], "outcome": verdict, "detail": detail})
    table = pd.DataFrame(rows)
    counts = table["outcome"].value_counts().to_dict()
    print(counts)
    for _, r in table[table["outcome"] != "clear"].iterrows():
        print(f"{r['outcome']:9s} {r['probe']} = {r['value']}: {r['detail']}")
    print(write_json("misuse_probes", {"limit_seconds": LIMIT_S, "probes": len(table), "counts": counts,
                                       "not_clear": table[table["outcome"] != "clear"].to_dict("records")}))


if __name__ == "__main__":
    main()
