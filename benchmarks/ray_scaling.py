"""The embedding and LLM-labeling stages as Ray Data pipelines (helpers.scale) with 1 and 2 workers, against the
single-process path of the series, on the same sentences: throughput, identical results, and what starting Ray
costs.

Run: .venv/bin/python benchmarks/ray_scaling.py   (after `make data`; about 8 min on 2 cores).
Writes benchmarks/results/ray_scaling.json. Throughput is counted two ways: over the whole call (Ray's start of the
workers included) and over the workers' own batches (from the first batch begun to the last ended), the rate a
long run settles at. The single-process paths are the series' own: embeddings.mpnet_encode (one ONNX Runtime session
of 2 threads) and the Labeler on connect()'s two one-thread servers.
"""

import statistics
import time

import numpy as np
from common import write_json

from helpers import data, llm, scale
from helpers.internal import embeddings

LLM_ITEMS, EMBED_ITEMS, STARTS = 400, 1_000, 3


def timed(fn, *args, **kwargs):
    began = time.perf_counter()
    out = fn(*args, **kwargs)
    return out, time.perf_counter() - began


def rates(n: int, wall: float, timing: dict) -> dict:
    steady = timing["last_batch_ended"] - timing["first_batch_began"]
    return {"seconds": round(wall, 2), "per_second": round(n / wall, 2),
            "steady_seconds": round(steady, 2), "steady_per_second": round(n / steady, 2)}


def main() -> None:
    movies = data.load("movies")
    test = movies[movies["split"] == "test"]
    llm_texts = test["text"].tolist()[:LLM_ITEMS]
    embed_texts = movies["text"].tolist()[:EMBED_ITEMS]
    prompt, bias = llm.chosen_prompt(movies)

    # starting Ray: a local instance started and stopped STARTS times (the first start also imports Ray)
    starts = []
    for _ in range(STARTS):
        starts.append(scale.start()["seconds"])
        scale.stop()
    out = {"ray_start_seconds": [round(s, 2) for s in starts],
           "ray_start_median_seconds": round(statistics.median(starts), 2)}

    # the single-process paths first (their servers and session are stopped or idle before Ray starts)
    conn = llm.connect(timeout=120)
    labeler = llm.Labeler(conn)
    p_single, llm_single = timed(lambda: llm.proba_from_logprobs(labeler.score([prompt(t) for t in llm_texts]), bias))
    conn.close()
    e_single, embed_single = timed(lambda: embeddings.mpnet_encode(embed_texts, progress=False))
    out["llm"] = {"items": LLM_ITEMS, "single_process": {"seconds": round(llm_single, 2),
                                                          "per_second": round(LLM_ITEMS / llm_single, 2)}}
    out["embedding"] = {"items": EMBED_ITEMS, "single_process": {"seconds": round(embed_single, 2),
                                                                  "per_second": round(EMBED_ITEMS / embed_single, 2)}}

    scale.start()
    for workers in (1, 2):
        (p, timing), wall = timed(scale.llm_label, llm_texts, prompt, bias, workers=workers, timings=True)
        out["llm"][f"workers_{workers}"] = {**rates(LLM_ITEMS, wall, timing),
                                            "max_abs_diff_vs_single": float(np.abs(p - p_single).max()),
                                            "same_labels": bool(((p > 0.5) == (p_single > 0.5)).all())}
        (e, timing), wall = timed(scale.embed, embed_texts, workers=workers, timings=True)
        out["embedding"][f"workers_{workers}"] = {**rates(EMBED_ITEMS, wall, timing),
                                                  "max_abs_diff_vs_single": float(np.abs(e - e_single).max())}
    scale.stop()
    for stage in ("llm", "embedding"):
        one, two = out[stage]["workers_1"], out[stage]["workers_2"]
        out[stage]["speedup_2_vs_1"] = round(one["seconds"] / two["seconds"], 2)
        out[stage]["steady_speedup_2_vs_1"] = round(one["steady_seconds"] / two["steady_seconds"], 2)
    path = write_json("ray_scaling", out)
    llm_, emb = out["llm"], out["embedding"]
    print(f"Ray start {out['ray_start_median_seconds']} s; LLM {llm_['workers_1']['steady_per_second']} -> "
          f"{llm_['workers_2']['steady_per_second']} labels/s with 2 workers ({llm_['steady_speedup_2_vs_1']}x steady, "
          f"{llm_['speedup_2_vs_1']}x whole call; single process {llm_['single_process']['per_second']}/s); "
          f"embedding {emb['steady_speedup_2_vs_1']}x steady -> {path}")


if __name__ == "__main__":
    main()
