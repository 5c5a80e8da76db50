"""Batch prompting (the deep dive 04b, the lecture's ``batch_label``): ten reviews per chat request against one review
per request, with the bundled SmolLM2-135M (or OPENAI_BASE_URL's model), on clear test sentences. Both show the
model the four solved examples notebook 04's shot search chose (one per turn, or as one solved batch).

For each: the share of items answered, the misaligned lines (out of order, duplicated, out of range), accuracy
(an unanswered item counts as wrong) and accuracy on the answered items, prompt and completion tokens per label,
dollars per 1,000 labels at list prices, labels per second.
Run: .venv/bin/python benchmarks/llm_batch.py [--n 200]   (after `make data`). One summary line + JSON.
"""

import argparse

from common import write_json

import helpers
from helpers import data, llm
from helpers.labels import ABSTAIN, LABELS


def measure(labeler: llm.Labeler, texts, y, batch_size: int, shots) -> dict:
    labeler.ledger = llm.Ledger()
    if batch_size == 1:
        out = labeler.generate([llm.few_shot_messages(t, [(s, LABELS[c]) for s, c in shots]) for t in texts])
        misaligned = 0
    else:
        out = labeler.generate_batch(texts, batch_size=batch_size, shots=shots)
        per_batch = out.drop_duplicates("batch")
        misaligned = int(per_batch[["out_of_order", "duplicate", "out_of_range"]].sum().sum())
    label = out["label"].to_numpy()
    answered = label != ABSTAIN
    n, ledger = len(texts), labeler.ledger
    prices = ledger.table(n)["$ per 1,000 labels"]
    return {"batch_size": batch_size, "items": n, "requests": ledger.requests, "answered": float(answered.mean()),
            "misaligned_lines": misaligned, "accuracy": float((label == y).mean()),
            "accuracy_answered": float((label[answered] == y[answered]).mean()) if answered.any() else None,
            "prompt_tokens_per_label": ledger.prompt_tokens / n,
            "completion_tokens_per_label": ledger.completion_tokens / n,
            "usd_per_1000_labels": {m: round(float(v), 4) for m, v in prices.items()},
            "labels_per_s": n / ledger.seconds,
            "example_reply": out["reply"].iloc[0]}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=200)
    args = parser.parse_args()
    helpers.seed_everything()
    movies = data.binary(data.load())
    shots = llm.chosen_prompt(movies)[0].shots  # the four dev examples notebook 04's shot search chose
    items = llm.clear_items(movies, "test", args.n, seed=0)
    texts, y = items["text"].tolist(), items["label"].to_numpy()
    conn = llm.connect(timeout=120)
    labeler = llm.Labeler(conn)  # no response cache: the seconds are measured
    rows = [measure(labeler, texts, y, b, shots) for b in (1, 10)]
    conn.close()
    path = write_json("llm_batch", {"model": conn.model, "runs": rows})
    one, ten = rows
    print(f"batch prompting ({conn.model}, {args.n} clear test sentences): one per request answers "
          f"{one['answered']:.0%}, accuracy {one['accuracy']:.3f}, {one['prompt_tokens_per_label']:.0f}+"
          f"{one['completion_tokens_per_label']:.1f} tokens/label, {one['labels_per_s']:.2f} labels/s; ten per "
          f"request answers {ten['answered']:.0%} ({ten['misaligned_lines']} misaligned lines), accuracy "
          f"{ten['accuracy']:.3f}, {ten['prompt_tokens_per_label']:.0f}+{ten['completion_tokens_per_label']:.1f} "
          f"tokens/label, {ten['labels_per_s']:.2f} labels/s; $ per 1,000 labels at gpt-3.5-turbo "
          f"{one['usd_per_1000_labels']['gpt-3.5-turbo']:.3f} vs {ten['usd_per_1000_labels']['gpt-3.5-turbo']:.3f}"
          f" -> {path}")


if __name__ == "__main__":
    main()
