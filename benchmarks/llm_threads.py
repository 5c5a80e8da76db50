"""Threads and servers for the bundled LLM (issue: runs on a student's laptop): labels per second of the series'
recipe with 1 and 2 llama.cpp threads per server, and 1 and 2 servers, on this machine; that the scores do not change
with either (the same log-probabilities to the last bit: they do not depend on timing, threads, servers or what ran
before; a long generation can change with the thread count, so the response cache is keyed by it); and the two
fastest set-ups again with the other core kept busy, as on a shared CI machine or a student's laptop.

The recipe is `benchmarks/llm_models.py`'s for SmolLM2-135M: its four dev-chosen examples, the log-odds threshold
refitted on the same 100 dev sentences, scored on the same 300 clear test sentences, through `llm.Labeler` (two
servers take every other item). No response cache: every label is computed.
Run: .venv/bin/python benchmarks/llm_threads.py   (after `make data`; about 8 min on 2 cores). One line + JSON.
"""

import subprocess
import sys
import time

import numpy as np
from common import write_json

import helpers
from course import results
from helpers import data, llm

CONFIGS = ((1, 1), (2, 1), (1, 2), (2, 2))  # (threads per server, servers)
LOADED = ((2, 1), (1, 2))  # the two fastest on a quiet machine, measured again with the other core kept busy
N_LOADED = 30
BUSY = "import time\nend = time.monotonic() + 600\nwhile time.monotonic() < end:\n    pass\n"


def rate(prompt, texts, threads, servers):
    """(labels per second, logprobs) of one set-up, its examples' prefix computed before the clock starts."""
    conn = llm.connect(timeout=600, threads=threads, servers=servers)
    try:
        labeler = llm.Labeler(conn)
        labeler.score([prompt("warm up")] * servers)  # computes and saves the examples' prefix: not in the rate
        start = time.perf_counter()
        logp = labeler.score(texts)
        return len(texts) / (time.perf_counter() - start), logp
    finally:
        conn.close()


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
        labels_per_s, logp = rate(prompt, texts, threads, servers)
        reference = logp if reference is None else reference
        quality = llm.score_quality(llm.proba_from_logprobs(logp, bias), y)
        rows.append({"threads": threads, "servers": servers, "labels_per_s": labels_per_s, **quality,
                     "max_logprob_difference_to_first": float(np.abs(logp - reference).max())})
        print(rows[-1], flush=True)
    loaded = []
    for threads, servers in LOADED:
        busy = subprocess.Popen([sys.executable, "-c", BUSY])
        try:
            labels_per_s, logp = rate(prompt, texts[:N_LOADED], threads, servers)
        finally:
            busy.kill()
            busy.wait()
        loaded.append({"threads": threads, "servers": servers, "labels_per_s_other_core_busy": labels_per_s,
                       "same_logprobs_as_quiet": bool((logp == reference[:N_LOADED]).all())})
        print(loaded[-1], flush=True)
    best = max(rows, key=lambda r: r["labels_per_s"])
    robust = max(loaded, key=lambda r: r["labels_per_s_other_core_busy"])
    path = write_json("llm_threads", {"n_test": len(texts), "bias": bias, "configs": rows,
                                      "n_loaded": N_LOADED, "loaded": loaded,
                                      "fastest": {"threads": best["threads"], "servers": best["servers"]},
                                      "chosen": {"threads": robust["threads"], "servers": robust["servers"],
                                                 "rule": "of the two fastest on a quiet machine, the faster with "
                                                         "the other core busy"},
                                      "before": {"engine": "llama-cpp-python 0.3.36 (compiled), 2 threads",
                                                 **{k: results.benchmark("llm_models")["models"]["A"][k]
                                                    for k in ("accuracy", "auroc", "labels_per_s")}}})
    print("bundled LLM, 300 clear test sentences: " + "; ".join(
        f"{r['threads']} thread(s) x {r['servers']} server(s) {r['labels_per_s']:.2f} labels/s" for r in rows)
        + f"; accuracy {rows[0]['accuracy']:.3f}, AUROC {rows[0]['auroc']:.3f}; other core busy: " + "; ".join(
            f"{r['threads']}x{r['servers']} {r['labels_per_s_other_core_busy']:.2f} labels/s" for r in loaded)
        + f" -> {path}")


if __name__ == "__main__":
    main()
