"""LLM labeling (notebook 04) on the real sentences, with the bundled SmolLM2-135M (or OPENAI_BASE_URL's model).

Run: .venv/bin/python benchmarks/llm_labeling.py   (after `make data`; about 25 min on 2 cores).
Prints one summary line and writes benchmarks/results/llm_labeling.json (ids and numbers only, no sentences).

1. Shot search on the dev split: 8 random 4-shot sets, each scored on the same 150 dev sentences; keep the best AUROC.
2. That logprob labeler on N_TEST clear test sentences (|mean| >= 0.5): accuracy at the dev-fitted threshold and at 0,
   AUROC, labels/s; hybrid routing with a confidence threshold fitted on dev for 96 % accuracy.
3. The trade-off of per-item shots (the 4 most similar dev sentences by embedding, which defeats the prefix cache).
4. Generate-and-parse chat prompts (bare, definitions, few-shot, JSON with confidence): parse rate, accuracy, rate.
5. Three classes and five points, measured the same way on all test sentences (neutral ones included).

``--knn-only`` re-runs part 3 alone, the one part that reads the sentence embeddings, on the test items and with the
prompt the last full run recorded, and updates its figures in the result (about 2 min; after the encoder changes).
"""

import argparse
import json
import os

import numpy as np
import pandas as pd
from common import RESULTS, write_json, write_result
from sklearn.metrics import roc_auc_score

import helpers
from helpers import data, features, llm
from helpers.labels import ABSTAIN, LABELS, LABELS3, confidence

N_TEST, N_DEV_ROUTE, N_GEN, N_MULTI = (int(v) for v in os.environ.get("LLM_BENCH_SIZES", "600,300,100,300").split(","))
TARGET = 0.96


def search_shots(labeler: llm.Labeler, df: pd.DataFrame, k: int = 4, candidates: int = 8, n_eval: int = 150,
                 seed: int = 0, **prompt_args) -> pd.DataFrame:
    """Model selection on the dev split: score ``candidates`` random shot sets on the same dev items and rank them
    by AUROC. The test split is never touched. Returns one row per candidate (best first): its shot ids (in
    prompt order), its prompt, and the accuracy of the decision threshold fitted on those dev items."""
    id_of = dict(zip(df["text"], df["id"]))
    rows = []
    for c in range(candidates):
        shots = llm.pick_shots(df, k, seed=seed + c)
        ids = [id_of[t] for t, _ in shots]  # in prompt order: the order of the examples matters
        dev = llm.clear_items(df, "dev", n_eval, seed=seed, exclude=ids)
        prompt = llm.ScoringPrompt(tuple(shots), **prompt_args)
        logp = labeler.score([prompt(t) for t in dev["text"].to_numpy()])
        y = dev["label"].to_numpy()
        bias = llm.fit_bias(logp, y)
        rows.append({"candidate": c, "shot_ids": ids, "auroc": roc_auc_score(y, logp[:, 1] - logp[:, 0]),
                     "accuracy": float(((llm.proba_from_logprobs(logp, bias) > 0.5) == y).mean()), "bias": bias,
                     "prompt": prompt})
    return pd.DataFrame(rows).sort_values("auroc", ascending=False, ignore_index=True)


def threshold_for(proba: np.ndarray, y: np.ndarray, target: float) -> float:
    """The lowest confidence threshold whose kept items reach ``target`` accuracy (fit it on dev items)."""
    curve = llm.accuracy_coverage(proba, y, np.unique(confidence(proba)))
    ok = curve[curve["accuracy"] >= target]
    if ok.empty:
        raise ValueError(f"No threshold reaches {target:.0%} accuracy on these items.")
    return float(ok["threshold"].min())


def knn_prompts(df, X, items, k=4):
    """Per-item shots: the k most similar clear dev sentences (balanced), most similar last."""
    pos = np.flatnonzero((df["split"] == "dev").to_numpy() & (df["mean"] >= 2).to_numpy())
    neg = np.flatnonzero((df["split"] == "dev").to_numpy() & (df["mean"] <= -2).to_numpy())
    row_of = {i: r for r, i in enumerate(df["id"].to_numpy())}
    prompts = []
    for item in items.itertuples():
        x = X[row_of[item.id]]
        best = [pool[np.argsort(-(X[pool] @ x))[: k // 2]] for pool in (pos, neg)]
        order = sorted([(float(X[j] @ x), j) for group in best for j in group])  # most similar last
        shots = tuple((df["text"].iat[j], int(df["label"].iat[j])) for _, j in order)
        prompts.append(llm.ScoringPrompt(shots)(item.text))
    return prompts


def knn_part(conn, df, test, p, n_sub: int = 150) -> dict:
    """Part 3: the first ``n_sub`` test items with per-item similar shots, against the fixed prompt's ``p``."""
    _, X = features.binary_movies()
    sub, y = test.iloc[:n_sub], test["label"].to_numpy()[:n_sub]
    knn = llm.Labeler(conn, progress=True)
    p_knn = llm.proba_from_logprobs(knn.score(knn_prompts(df, X, sub)))
    quality = llm.score_quality(p_knn, y)
    return dict(knn_accuracy=quality["accuracy"], knn_auroc=quality["auroc"],
                knn_labels_per_s=len(sub) / knn.ledger.seconds, fixed_on_same_150=llm.score_quality(p[:n_sub], y))


def knn_only() -> None:
    """Part 3 again on the recorded test items and prompt probabilities; the other parts' figures are kept."""
    path = RESULTS / "llm_labeling.json"
    result = json.loads(path.read_text())
    df = data.binary(data.load())
    test = df.set_index("id").loc[result["test_ids"]].reset_index()
    conn = llm.connect(timeout=120)
    part = knn_part(conn, df, test, np.asarray(result["test_p"]))
    conn.close()
    result["mean"].update({k: round(v, 4) for k, v in part.items() if isinstance(v, float)})
    result["fixed_on_same_150"] = part["fixed_on_same_150"]
    result["knn_rerun"] = {"encoder": "all-mpnet-base-v2", "previous_provenance": result.pop("provenance")}
    write_json("llm_labeling", result)
    print(f"LLM labeling, part 3 again: per-item shots {part['knn_accuracy']:.3f} (AUROC {part['knn_auroc']:.3f}) at "
          f"{part['knn_labels_per_s']:.2f}/s on the first 150 test items -> {path}")


def multiclass(labeler, df, prompt_shots, classes, words, name):
    """Logprob labeling over more classes: exact accuracy against the consensus class, and chance."""
    items = df[df["split"] == "test"].sample(N_MULTI, random_state=0)
    prompt = llm.ScoringPrompt(prompt_shots, words=words)
    logp = labeler.score([prompt(t) for t in items["text"].to_numpy()], words=words)
    truth = classes(items["mean"].to_numpy())
    pred = logp.argmax(1)
    return {f"{name}_accuracy": float((pred == truth).mean()),
            f"{name}_majority_class": float(np.bincount(truth).max() / len(truth))}


def five_point(mean):
    return np.digitize(mean, [-2, -1, 1, 2], right=False)  # <-2, [-2,-1), [-1,1), [1,2), >=2


def main() -> None:
    helpers.seed_everything()
    full = data.load()
    df = data.binary(full)
    conn = llm.connect(timeout=120)
    lab = llm.Labeler(conn)
    out = {"model": conn.model, "base_url": conn.base_url if conn.server is None else f"local {conn.identity}"}

    # 1. shot search on dev
    search = search_shots(lab, df, k=4, candidates=int(os.environ.get("LLM_BENCH_CANDIDATES", 8)), n_eval=150)
    best = search.iloc[0]
    out["shot_search"] = search[["candidate", "shot_ids", "auroc", "accuracy", "bias"]].round(4).to_dict("records")
    prompt = best["prompt"]

    # 2. the chosen labeler on test, and routing fitted on dev
    test = llm.clear_items(df, "test", N_TEST, seed=0)
    y = test["label"].to_numpy()
    lab.ledger = llm.Ledger()
    logp = lab.score([prompt(t) for t in test["text"].to_numpy()])
    rate = len(test) / lab.ledger.seconds
    p = llm.proba_from_logprobs(logp, best["bias"])
    q = llm.score_quality(p, y)
    out.update(n_test=len(test), test_accuracy=q["accuracy"], test_auroc=q["auroc"], labels_per_s=rate,
               test_accuracy_bias0=llm.score_quality(llm.proba_from_logprobs(logp), y)["accuracy"],
               bias=float(best["bias"]), prompt_tokens_per_label=lab.ledger.prompt_tokens / len(test),
               ledger={k: v for k, v in vars(lab.ledger).items() if not k.startswith("_")})
    route_dev = llm.clear_items(df, "dev", N_DEV_ROUTE, seed=1, exclude=best["shot_ids"])
    p_dev = llm.proba_from_logprobs(lab.score([prompt(t) for t in route_dev["text"].to_numpy()]), best["bias"])
    thr = threshold_for(p_dev, route_dev["label"].to_numpy(), TARGET)
    kept, human = llm.hybrid_labeling(p, thr)
    out.update(route_threshold=thr, route_kept_accuracy=float(((p[kept] > 0.5) == y[kept]).mean()),
               route_to_humans=len(human) / len(test))
    out["logprob_confidence_auroc"] = llm.confidence_auroc(confidence(p), (p > 0.5) == y)
    out["test_ids"] = test["id"].tolist()
    out["test_p"] = np.round(p, 4).tolist()

    # 3. per-item similar shots vs the fixed prefix, on the first 150 test items
    out.update(knn_part(conn, df, test, p))

    # 4. generate-and-parse chat prompts
    gen_items = test.iloc[:N_GEN]
    shots = [(t, LABELS[c]) for t, c in prompt.shots]
    builders = {"bare": llm.bare_messages, "definitions": llm.role_messages,
                "few-shot": lambda t: llm.few_shot_messages(t, shots), "json": llm.json_messages}
    gen = {}
    for name, build in builders.items():
        g = llm.Labeler(conn)
        msgs = [build(t) for t in gen_items["text"].to_numpy()]
        res = g.generate_json(msgs) if name == "json" else g.generate(msgs)
        truth = gen_items["label"].to_numpy()
        parsed = (res["label"] != ABSTAIN).to_numpy()
        gen[name] = {"parse_rate": float(parsed.mean()),
                     "accuracy_parsed": float((res["label"][parsed] == truth[parsed]).mean()) if parsed.any() else None,
                     "accuracy_abstain_wrong": float((res["label"].to_numpy() == truth).mean()),
                     "labels_per_s": len(gen_items) / g.ledger.seconds,
                     "completion_tokens_per_label": g.ledger.completion_tokens / len(gen_items)}
        if name == "json":
            c = res["confidence"].to_numpy(dtype=float)
            right = (res["label"].to_numpy() == truth)
            gen[name]["json_rate"] = float(res["json_ok"].mean())
            gen[name]["confidence_auroc"] = llm.confidence_auroc(np.where(parsed, c, np.nan), right)
            gen[name]["distinct_confidences"] = sorted(set(np.round(c[~np.isnan(c)], 2).tolist()))
    out["generate"] = gen

    # 5. more classes: shots per class from dev, same scoring
    out.update(multiclass(lab, full, llm.class_shots(full, data.polarity3, 2, 3), data.polarity3,
                          (" negative", " neutral", " positive"), "three_class"))
    out.update(multiclass(lab, full, llm.class_shots(full, five_point, 1, 5), five_point,
                          (" terrible", " bad", " okay", " good", " great"), "five_point"))
    out["three_class_names"] = list(LABELS3)
    conn.close()

    mean = {k: round(v, 4) for k, v in out.items() if isinstance(v, float)}
    path = write_result("llm_labeling", [0], [], mean, **{k: v for k, v in out.items() if not isinstance(v, float)})
    print(f"LLM labeling ({conn.model}, {len(test)} clear test sentences): logprob 4-shot accuracy "
          f"{mean['test_accuracy']:.3f} (threshold 0: {mean['test_accuracy_bias0']:.3f}), "
          f"AUROC {mean['test_auroc']:.3f}, "
          f"{mean['labels_per_s']:.2f} labels/s; per-item shots {mean['knn_accuracy']:.3f} at "
          f"{mean['knn_labels_per_s']:.2f}/s; routing keeps {1 - mean['route_to_humans']:.0%} at "
          f"{mean['route_kept_accuracy']:.3f}; chat parse rates "
          + ", ".join(f"{k} {v['parse_rate']:.0%}" for k, v in gen.items())
          + f"; 3-class {mean['three_class_accuracy']:.3f}, 5-point {mean['five_point_accuracy']:.3f} -> {path}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--knn-only", action="store_true", help="re-run part 3 only (see the docstring)")
    knn_only() if parser.parse_args().knn_only else main()
