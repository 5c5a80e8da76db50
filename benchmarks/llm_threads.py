"""Threads and servers for the bundled LLM (issue: runs on a student's laptop): labels per second of the series'
recipe with 1 and 2 llama.cpp threads per server, and 1 and 2 servers, on this machine; and that the labels do not
change with either (the bundled server's replies do not depend on timing, threads or what ran before).

The recipe is `benchmarks/llm_models.py`'s for SmolLM2-135M: its four dev-chosen examples, the log-odds threshold
refitted on the same 100 dev sentences, scored on the same 300 clear test sentences, through `llm.Labeler` (two servers
take every other item). No response cache: every label is computed.
Run: .venv/bin/python benchmarks/llm_threads.py   (after `make data`; about 8 min on 2 cores). One line + JSON.
"""

import time

import numpy as np
from common import write_json

import helpers
from helpers import data, llm, results

CONFIGS = ((1, 1), (2, 1), (1, 2), (2, 2))  # (threads per server, servers)


def recipe(df):
    ids = results.benchmark("llm_models")["models"]["A"]["shot_ids"]
    by_id = df.set_index("id")
    prompt = llm.ScoringPrompt(tuple((by_id.at[i, "text"], int(by_id.at[i, "label"])) for i in ids))
    return prompt, llm.clear_items(df, "dev", 100, seed=0, exclude=ids), llm.clear_items(df, "test", 300, seed=0)


def main() -> None:
    helpers.seed_everything()
    df = data.binary(data.load())
    prompt, dev, test = recipe(df)
    conn = llm.connect()
    bias = llm.fit_bias(llm.Labeler(conn).score([prompt(t) for t in dev["text"]]), dev["label"].to_numpy())
    conn.close()
    texts, y = [prompt(t) for t in test["text"]], test["label"].to_numpy()
    rows, reference = [], None
    for threads, servers in CONFIGS:
        conn = llm.connect(timeout=120, threads=threads, servers=servers)
        labeler = llm.Labeler(conn)
        labeler.score([prompt("warm up")] * servers)  # computes and saves the examples' prefix: not in the rate
        start = time.perf_counter()
        logp = labeler.score(texts)
        seconds = time.perf_counter() - start
        conn.close()
        reference = logp if reference is None else reference
        quality = llm.score_quality(llm.proba_from_logprobs(logp, bias), y)
        rows.append({"threads": threads, "servers": servers, "labels_per_s": len(texts) / seconds, **quality,
                     "max_logprob_difference_to_first": float(np.abs(logp - reference).max())})
        print(rows[-1], flush=True)
    best = max(rows, key=lambda r: r["labels_per_s"])
    path = write_json("llm_threads", {"n_test": len(texts), "bias": bias, "configs": rows,
                                      "fastest": {"threads": best["threads"], "servers": best["servers"]},
                                      "before": {"engine": "llama-cpp-python 0.3.36 (compiled), 2 threads",
                                                 **{k: results.benchmark("llm_models")["models"]["A"][k]
                                                    for k in ("accuracy", "auroc", "labels_per_s")}}})
    print("bundled LLM, 300 clear test sentences: " + "; ".join(
        f"{r['threads']} thread(s) x {r['servers']} server(s) {r['labels_per_s']:.2f} labels/s" for r in rows)
        + f"; accuracy {rows[0]['accuracy']:.3f}, AUROC {rows[0]['auroc']:.3f} -> {path}")


if __name__ == "__main__":
    main()
