"""The logprob labeler pushed further (the deep dives 04a, section 2, and 04c, section 3): more candidate shot sets,
four or eight examples, contextual calibration (Zhao et al. 2021) against the dev-fitted threshold, and ensembles of the
best shot sets; then three classes (NEUTRAL) and five points with and without contextual calibration, with confusion
matrices.

Everything is chosen on N_DEV clear dev sentences; the chosen labeler (and, for the record, the best single set and
the ensembles) is then scored once on the same N_TEST clear test sentences as benchmarks/llm_labeling.py.
Choice rule, fixed before the test split is read: the highest dev AUROC among configurations that send at most
MAX_PROMPTS prompts per label (a cost that does not depend on the machine: an ensemble of n shot sets costs n times a
single set; the measured labels per second are recorded, never used to choose); its threshold is the rule (0,
contextual, or dev-fitted, judged out of fold on dev) with the best dev accuracy.
Run: .venv/bin/python benchmarks/llm_recipe.py   (after `make data`; about 35 min on 2 cores). One line + JSON.
"""

import os

import numpy as np
from common import write_result
from llm_labeling import five_point
from sklearn.metrics import confusion_matrix, roc_auc_score

import helpers
from helpers import data, llm

N_DEV, N_TEST, N_MULTI = (int(v) for v in os.environ.get("LLM_RECIPE_SIZES", "300,600,300").split(","))
SHOTS, SEEDS, MAX_PROMPTS = (4, 8), range(int(os.environ.get("LLM_RECIPE_SEEDS", 5))), 1


def log_odds(logp: np.ndarray) -> np.ndarray:
    return logp[:, 1] - logp[:, 0]


def fit_threshold(d: np.ndarray, y: np.ndarray) -> float:
    """``llm.fit_bias`` for log-odds that are already computed (an ensemble's mean, say)."""
    return llm.fit_bias(np.column_stack([np.zeros_like(d), d]), y)


def out_of_fold_accuracy(d: np.ndarray, y: np.ndarray) -> float:
    """Accuracy of a threshold fitted on one half of the dev items and applied to the other, both ways."""
    half = np.arange(len(y)) % 2 == 0
    right = np.empty(len(y), dtype=bool)
    for fit, use in ((half, ~half), (~half, half)):
        right[use] = (d[use] > fit_threshold(d[fit], y[fit])) == y[use]
    return float(right.mean())


def thresholds(d: np.ndarray, y: np.ndarray, cf_bias: float) -> dict:
    return {"threshold 0": float(((d > 0) == y).mean()), "contextual": float(((d > cf_bias) == y).mean()),
            "dev-fitted (out of fold)": out_of_fold_accuracy(d, y)}


def main() -> None:
    helpers.seed_everything()
    full = data.load()
    df = data.binary(full)
    conn = llm.connect(timeout=120)
    lab = llm.Labeler(conn)
    id_of = dict(zip(df["text"], df["id"]))

    # 1. candidates on dev
    cands = [(k, s, tuple(llm.pick_shots(df, k, seed=s))) for k in SHOTS for s in SEEDS]
    used = {id_of[t] for _, _, shots in cands for t, _ in shots}
    dev = llm.clear_items(df, "dev", N_DEV, seed=2, exclude=used)
    y_dev = dev["label"].to_numpy()
    rows, dev_logp = [], {}
    for k, s, shots in cands:
        prompt = llm.ScoringPrompt(shots)
        lab.ledger = llm.Ledger()
        logp = lab.score([prompt(t) for t in dev["text"].to_numpy()])
        rate = len(dev) / lab.ledger.seconds
        cf = llm.content_free_logp(lab, prompt)
        name = f"{k} shots, seed {s}"
        dev_logp[name] = logp
        rows.append({"config": name, "members": [name], "shots": k, "seed": s,
                     "shot_ids": [id_of[t] for t, _ in shots], "dev_auroc": roc_auc_score(y_dev, log_odds(logp)),
                     "labels_per_s": rate, "cf_bias": float(cf[1] - cf[0]),
                     "dev_accuracy": thresholds(log_odds(logp), y_dev, cf[1] - cf[0])})
    singles = sorted(rows, key=lambda r: -r["dev_auroc"])
    for n in (2, 3):  # ensembles: the mean log-odds of the n best single sets (chosen on the same dev items)
        members = [r["config"] for r in singles[:n]]
        d = np.mean([log_odds(dev_logp[m]) for m in members], axis=0)
        cf_bias = float(np.mean([r["cf_bias"] for r in singles[:n]]))
        rows.append({"config": f"ensemble of the best {n}", "members": members, "dev_auroc": roc_auc_score(y_dev, d),
                     "labels_per_s": 1 / sum(1 / r["labels_per_s"] for r in singles[:n]), "cf_bias": cf_bias,
                     "dev_accuracy": thresholds(d, y_dev, cf_bias)})
    chosen = max((r for r in rows if len(r["members"]) <= MAX_PROMPTS), key=lambda r: r["dev_auroc"])
    rule = max(chosen["dev_accuracy"], key=chosen["dev_accuracy"].get)

    # 2. test: the members of the largest ensemble (which include the best single set and the chosen one)
    by_name = {r["config"]: r for r in rows}
    test = llm.clear_items(df, "test", N_TEST, seed=0)
    y = test["label"].to_numpy()
    test_d, rates = {}, {}
    for name in dict.fromkeys([r["config"] for r in singles[:3]] + chosen["members"]):
        prompt = llm.ScoringPrompt(next(shots for k, s, shots in cands if f"{k} shots, seed {s}" == name))
        lab.ledger = llm.Ledger()
        test_d[name] = log_odds(lab.score([prompt(t) for t in test["text"].to_numpy()]))
        rates[name] = len(test) / lab.ledger.seconds
    dev_d_all = {r["config"]: (np.mean([log_odds(dev_logp[m]) for m in r["members"]], axis=0)) for r in rows}
    report = {}
    for name in dict.fromkeys([chosen["config"], singles[0]["config"], "ensemble of the best 2",
                               "ensemble of the best 3"]):
        r = by_name[name]
        d = np.mean([test_d[m] for m in r["members"]], axis=0)
        bias = {"threshold 0": 0.0, "contextual": r["cf_bias"],
                "dev-fitted (out of fold)": fit_threshold(dev_d_all[name], y_dev)}
        report[name] = {"accuracy": {k: float(((d > b) == y).mean()) for k, b in bias.items()},
                        "accuracy_chosen_rule": float(((d > bias[rule]) == y).mean()),
                        "auroc": float(roc_auc_score(y, d)),
                        "labels_per_s": 1 / sum(1 / rates[m] for m in r["members"]),
                        "test_logodds": np.round(d, 4).tolist(), "bias": bias}

    # 3. three classes and five points: raw argmax and contextually calibrated, on the same random test items
    items = full[full["split"] == "test"].sample(N_MULTI, random_state=0)
    multi = {}
    for name, classes, k_per, words in (
            ("three_class", data.polarity3, 2, (" negative", " neutral", " positive")),
            ("five_point", five_point, 1, (" terrible", " bad", " okay", " good", " great"))):
        prompt = llm.ScoringPrompt(llm.class_shots(full, classes, k_per, len(words)), words=words)
        logp = lab.score([prompt(t) for t in items["text"].to_numpy()], words=words)
        cf = llm.content_free_logp(lab, prompt)
        truth = classes(items["mean"].to_numpy())
        raw, cal = logp.argmax(1), (logp - cf).argmax(1)
        labels = list(range(len(words)))
        multi[name] = {"words": list(words), "accuracy_raw": float((raw == truth).mean()),
                       "accuracy_contextual": float((cal == truth).mean()),
                       "majority_class": float(np.bincount(truth).max() / len(truth)),
                       "confusion_raw": confusion_matrix(truth, raw, labels=labels).tolist(),
                       "confusion_contextual": confusion_matrix(truth, cal, labels=labels).tolist(),
                       "content_free_p": np.round(np.exp(cf), 4).tolist()}
    conn.close()

    for r in rows:
        r["dev_auroc"] = round(r["dev_auroc"], 4)
    path = write_result("llm_recipe", [0], [], {}, n_dev=len(dev), n_test=len(test), max_prompts_per_label=MAX_PROMPTS,
                        candidates=rows, chosen=chosen["config"], chosen_rule=rule, test_ids=test["id"].tolist(),
                        test=report, multiclass=multi, multiclass_ids=items["id"].tolist())
    c = report[chosen["config"]]
    print(f"LLM recipe ({len(rows)} configurations on {len(dev)} dev sentences): chosen {chosen['config']} with "
          f"threshold rule '{rule}' -> test accuracy {c['accuracy_chosen_rule']:.3f}, AUROC {c['auroc']:.3f}, "
          f"{c['labels_per_s']:.2f} labels/s; " + "; ".join(
              f"{n}: {v['accuracy_chosen_rule']:.3f} / {v['auroc']:.3f} / {v['labels_per_s']:.2f}/s"
              for n, v in report.items() if n != chosen["config"])
          + "; " + "; ".join(f"{n} {m['accuracy_raw']:.3f} -> contextual {m['accuracy_contextual']:.3f} "
                             f"(majority {m['majority_class']:.3f})" for n, m in multi.items()) + f" -> {path}")


if __name__ == "__main__":
    main()
