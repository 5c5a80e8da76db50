"""How each stage of the hybrid pipeline grows with the work: time and peak memory at growing sizes, the growth
fitted (n, n log n, n^2; helpers.scale.fit_growth) and extrapolated to the lecture's 100,000 items and to 1,000,000.

Run: .venv/bin/python benchmarks/growth.py   (after `make data labelstudio-start`; about 25 min on 2 cores).
Writes benchmarks/results/growth.json. The sentences: all four domains of the archive together (23,703), in one
seeded random order; a size n takes the first n. Each stage is notebook 06's (helpers.pipeline):

- embedding: all-mpnet-base-v2 on ONNX Runtime (embeddings.mpnet_encode, nothing cached);
- weak supervision: the LFs' inputs, Snorkel's LF applier and its LabelModel (200 of the n are the paid dev rows);
- LLM: the logprob labeler on connect()'s two one-thread servers, no response cache. At 2 to 8 labels a second it
  is measured at 50 to 800 items only (more would take hours); its fit extrapolates from there;
- one active-learning round: the classifier fitted on 300 labels and modAL's uncertainty query over the n;
- cleanlab: 5-fold out-of-fold probabilities and find_label_issues over n labels;
- the final model: the series' logistic regression on n labels;
- Label Studio: import n tasks; with one stored prediction each, the first page of the queue (least sure first)
  and the export; sizes 500 to 10,000. Then its growth with stored predictions: 1,000 tasks, nine rounds of predictions
  (one model version each), the export and the task list timed after each, and again after pruning to the newest.

Times: the embedding and the LLM once per size; every other stage three times, the median
kept (they take seconds, and one run of a second is mostly noise), after a warm-up pass that pays the imports.
Peak memory: the stage's high-water resident memory above what the process held before it (Linux's VmHWM, reset
before each stage). The LLM's servers and Label Studio are other processes: their resident memory is recorded once.
"""

import ctypes
import gc
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
from common import write_json

from helpers import data, features, llm, scale, weak
from helpers.internal import embeddings
from helpers.internal.seeding import SEED
from helpers.labels import ABSTAIN

SIZES = (1_000, 2_000, 5_000, 10_000, 23_703)
LLM_SIZES = (50, 100, 200, 400, 800)
LS_SIZES = (500, 1_000, 2_000, 5_000, 10_000)
LS_ROUNDS, LS_TASKS = 9, 1_000
N_DEV, N_LABELED, BATCH = 200, 300, 25
REPEATS = 3  # the stages of a few seconds or less run 3 times (the median kept); the embedding and the LLM once
TARGETS = (100_000, 1_000_000)


def status(key: str, pid: str = "self") -> float:
    """A /proc/<pid>/status figure in MB (VmRSS, VmHWM)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1]) / 1024
    raise KeyError(key)


def measure(fn, *args, repeats: int = 1, **kwargs) -> dict:
    """Seconds (the median of ``repeats`` runs) and peak MB (the largest, above the resident memory before) of
    ``fn(*args, **kwargs)``; its result in ``"result"`` (left out of the JSON). Freed memory is handed back to the
    system before each run (glibc's malloc_trim), else a stage would reuse what an earlier one freed and its peak
    would read as nothing."""
    seconds, peaks = [], []
    for _ in range(repeats):
        gc.collect()
        ctypes.CDLL("libc.so.6").malloc_trim(0)
        with open("/proc/self/clear_refs", "w") as refs:  # resets VmHWM to the current resident size
            refs.write("5")
        before = status("VmRSS")
        began = time.perf_counter()
        result = fn(*args, **kwargs)
        seconds.append(time.perf_counter() - began)
        peaks.append(max(status("VmHWM") - before, 0.0))
    return {"seconds": float(np.median(seconds)), "peak_mb": max(peaks), "result": result}


def sentences() -> pd.DataFrame:
    table = pd.concat([data.load(d).assign(domain=d) for d in data.DOMAINS], ignore_index=True)
    order = np.random.default_rng(SEED).permutation(len(table))
    return table.iloc[order].reset_index(drop=True)


def weak_stage(table: pd.DataFrame, X: np.ndarray) -> None:
    dev = np.zeros(len(table), bool)
    dev[:N_DEV] = True
    inputs = weak.add_lf_inputs(table, X, dev_mask=dev)
    L = weak.apply_lfs(inputs, weak.make_lfs())[~dev]
    weak.fit_label_model(L, seed=0).predict_proba(L)


def active_round(X: np.ndarray, y: np.ndarray) -> None:
    from modAL.uncertainty import uncertainty_sampling

    from helpers.active import next_batch

    model = features.classifier(0, C=features.C_FEW_LABELS).fit(X[:N_LABELED], y[:N_LABELED])
    next_batch(model, X, np.arange(N_LABELED, len(X)), BATCH, uncertainty_sampling)


def cleanlab_stage(X: np.ndarray, y: np.ndarray) -> None:
    from helpers.noise import find_label_issues, out_of_fold

    find_label_issues(y, out_of_fold(features.classifier(0), X, y, seed=0))


def label_studio_stages(table: pd.DataFrame, rows: list) -> dict:
    from helpers import labelstudio as ls

    client = ls.Client()
    p = np.random.default_rng(SEED).random(max(LS_SIZES))  # a model's P(positive), only its sorting matters here
    for n in LS_SIZES:
        tasks = [{"data": {"text": t}} for t in table["text"].iloc[:n]]
        imports = []  # each import into a new project: the median of REPEATS, the other projects deleted
        for _ in range(REPEATS):
            project = client.create_project(f"growth {n}")
            imports.append(measure(client.import_tasks, project, tasks))
            if len(imports) < REPEATS:
                client.delete_project(project)
        rows.append({"stage": "Label Studio import", "n": n, "peak_mb": max(m["peak_mb"] for m in imports),
                     "seconds": float(np.median([m["seconds"] for m in imports]))})
        ids = sorted(t["id"] for t in client.tasks(project))
        client.import_predictions(project, ls.predictions(ids, p[:n], "v1"))
        rows.append({"stage": "Label Studio queue page", "n": n, **measure(
            client.tasks, project, "unlabeled", order="tasks:predictions_score", n=100, repeats=REPEATS)})
        rows.append({"stage": "Label Studio export", "n": n, **measure(client.export, project, repeats=REPEATS)})
        client.delete_project(project)
    # the same 1,000 tasks through nine rounds of stored predictions, then pruned to the newest
    project = client.create_project("growth: stored predictions")
    client.import_tasks(project, [{"data": {"text": t}} for t in table["text"].iloc[:LS_TASKS]])
    ids = sorted(t["id"] for t in client.tasks(project))
    rounds = []
    for k in range(1, LS_ROUNDS + 1):
        client.import_predictions(project, ls.predictions(ids, np.random.default_rng(k).random(LS_TASKS), f"v{k}"))
        rounds.append({"rounds": k, "export_seconds": measure(client.export, project)["seconds"],
                       "task_list_seconds": measure(client.tasks, project)["seconds"]})
    deleted = client.prune_predictions(project, keep=1)
    pruned = {"deleted": deleted, "export_seconds": measure(client.export, project)["seconds"],
              "task_list_seconds": measure(client.tasks, project)["seconds"]}
    client.delete_project(project)
    server_mb = status("VmRSS", str(ls._pid())) if ls._pid() else None
    return {"tasks": LS_TASKS, "rounds": rounds, "after_pruning": pruned, "server_rss_mb": server_mb}


def main() -> None:
    global SIZES, LLM_SIZES, LS_SIZES, LS_TASKS
    if "--quick" in sys.argv:  # a smoke run of every stage at small sizes, written to growth-quick.json
        SIZES, LLM_SIZES, LS_SIZES = (600, 700, 800, 900, 1_000), (8, 12, 16, 20, 24), (200, 300, 400, 500, 600)
        LS_TASKS = 300
    table = sentences()
    rows = []
    embeddings.mpnet_encode(table["text"].iloc[:64].tolist(), progress=False)  # the session and tokenizer, loaded once
    X = None
    for n in SIZES:
        texts = table["text"].iloc[:n].tolist()
        assert len(texts) == n, (n, len(table))
        rows.append({"stage": "embedding", "n": n, **measure(embeddings.mpnet_encode, texts, progress=False)})
        X = rows[-1]["result"]
        print({k: v for k, v in rows[-1].items() if k != "result"}, flush=True)
    sided = (table["label"] != ABSTAIN).to_numpy()
    for warm_up, n in [(True, SIZES[0])] + [(False, n) for n in SIZES]:  # the warm-up pays imports, first calls
        keep = np.flatnonzero(sided[:n])  # the binary stages use the n's sentences whose raters took a side
        part, Xn, y = table.iloc[keep].reset_index(drop=True), X[keep], table["single_label"].to_numpy()[keep]
        for stage, fn, args in (("weak supervision", weak_stage, (part, Xn)),
                                ("active-learning round", active_round, (Xn, y)),
                                ("cleanlab", cleanlab_stage, (Xn, y)),
                                ("final model", features.classifier(0).fit, (Xn, y))):
            m = measure(fn, *args, repeats=REPEATS)
            if not warm_up:
                rows.append({"stage": stage, "n": n, **m})
                print({k: v for k, v in rows[-1].items() if k != "result"}, flush=True)
    prompt, _ = llm.chosen_prompt(data.load("movies"))  # logprobs to P(positive) is not timed
    conn = llm.connect(timeout=120)
    llm.Labeler(conn).score([prompt(t) for t in table["text"].iloc[:8]])  # the servers' first requests, not kept
    for n in LLM_SIZES:
        prompts = [prompt(t) for t in table["text"].iloc[len(table) - n:]]  # rows no other size of it shares
        rows.append({"stage": "LLM labeling", "n": n, **measure(llm.Labeler(conn).score, prompts)})
        print({k: v for k, v in rows[-1].items() if k != "result"}, flush=True)
    llm_server_mb = [status("VmRSS", str(s.process.pid)) for s in conn.servers]
    conn.close()
    label_studio = label_studio_stages(table, rows)

    rows = [{k: v for k, v in r.items() if k != "result"} for r in rows]
    measured = pd.DataFrame(rows)
    fits = {}
    for stage, group in measured.groupby("stage", sort=False):
        fits[stage] = {"seconds": scale.fit_growth(group["n"], group["seconds"], TARGETS),
                       "peak_mb": scale.fit_growth(group["n"], np.maximum(group["peak_mb"], 1.0), TARGETS)}
    out = {"sizes": list(SIZES), "llm_sizes": list(LLM_SIZES), "label_studio_sizes": list(LS_SIZES),
           "targets": list(TARGETS), "measurements": [{k: (round(v, 3) if isinstance(v, float) else v)
                                                       for k, v in r.items()} for r in rows],
           "fits": fits, "llm_server_rss_mb": llm_server_mb, "label_studio_predictions": label_studio}
    path = write_json("growth-quick" if "--quick" in sys.argv else "growth", out)
    worst = scale.dominant_stage(fits, 100_000)
    print(f"at 100,000 items the slowest stage is {worst} ({fits[worst]['seconds']['at_100000'] / 3600:.1f} h, "
          f"{fits[worst]['seconds']['form']}) -> {path}")


if __name__ == "__main__":
    main()
