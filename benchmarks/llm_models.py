"""Two models, one recipe (the deep dive 04c; the lecture's lab: "compare GPT-3.5 vs GPT-4 quality"): the series'
logprob labeler, its four examples chosen by a shot search on dev (4 candidates x 100 dev sentences), then scored on 300
clear test sentences: accuracy at the dev-fitted threshold, AUROC, labels per second, prompt tokens per label and
dollars per 1,000 labels at list prices.

By default the two bundled models, SmolLM2-135M-Instruct and Gemma 3 270M, each on its own local server. Any two
OpenAI-compatible endpoints instead, unchanged: set MODEL_A_BASE_URL, MODEL_A_NAME, MODEL_A_API_KEY (and MODEL_B_...).
Run: .venv/bin/python benchmarks/llm_models.py   (after `make data`; about 20 min on 2 cores). One line + JSON.
"""

import os

import openai
from common import write_json
from llm_labeling import search_shots

import helpers
from helpers import data, llm


def connection(slot: str, bundled: str) -> llm.Connection:
    base_url = os.environ.get(f"MODEL_{slot}_BASE_URL")
    if not base_url:
        return llm.connect(timeout=120, model=bundled)
    client = openai.OpenAI(base_url=base_url, api_key=os.environ.get(f"MODEL_{slot}_API_KEY", "EMPTY"), timeout=120)
    return llm.Connection(client, os.environ[f"MODEL_{slot}_NAME"])


def evaluate(conn: llm.Connection, df, test) -> dict:
    labeler = llm.Labeler(conn)
    search = search_shots(labeler, df, k=4, candidates=4, n_eval=100)
    best = search.iloc[0]
    labeler.ledger = llm.Ledger()
    logp = labeler.score([best["prompt"](t) for t in test["text"].to_numpy()])
    quality = llm.score_quality(llm.proba_from_logprobs(logp, best["bias"]), test["label"].to_numpy())
    prices = labeler.ledger.table(len(test))["$ per 1,000 labels"]
    return {"model_file": conn.identity, "dev_auroc_best": float(best["auroc"]), "shot_ids": best["shot_ids"],
            "accuracy": quality["accuracy"], "auroc": quality["auroc"],
            "labels_per_s": len(test) / labeler.ledger.seconds,
            "prompt_tokens_per_label": labeler.ledger.prompt_tokens / len(test),
            "usd_per_1000_labels": {m: round(float(v), 4) for m, v in prices.items()}}


def main() -> None:
    helpers.seed_everything()
    df = data.binary(data.load())
    test = llm.clear_items(df, "test", 300, seed=0)
    rows = {}
    for slot, bundled in (("A", "smollm2"), ("B", "gemma3")):
        conn = connection(slot, bundled)
        try:
            rows[slot] = evaluate(conn, df, test)
        finally:
            conn.close()
    path = write_json("llm_models", {"n_test": len(test), "models": rows})
    print("two models, one recipe (300 clear test sentences): " + "; ".join(
        f"{r['model_file']}: accuracy {r['accuracy']:.3f}, AUROC {r['auroc']:.3f}, {r['labels_per_s']:.2f} labels/s, "
        f"{r['prompt_tokens_per_label']:.0f} prompt tokens/label" for r in rows.values())
        + f" -> {path}")


if __name__ == "__main__":
    main()
