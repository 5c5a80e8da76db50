"""Prompts: the lecture's ladder for chat models (bare, definitions, few-shot, JSON), the batch prompt, and the
completion-style prompt whose next token is read with logprobs; and how their solved examples are picked."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from helpers.labels import LABELS
from helpers.validate import one_text, text_list

DEFINITIONS = {
    "POSITIVE": "the reviewer liked the movie",
    "NEGATIVE": "the reviewer disliked the movie",
    "NEUTRAL": "mixed feelings or no clear opinion",
}


def bare_messages(text: str) -> list[dict]:
    """The lecture's "bad prompt": no role, no labels, no format."""
    return [{"role": "user", "content": f'Classify this: "{text}"'}]


def role_messages(text: str, labels: tuple[str, ...] = LABELS) -> list[dict]:
    """A system turn with the persona, the labels and their definitions; the review in the user turn."""
    defs = "\n".join(f"- {lab}: {DEFINITIONS[lab]}" for lab in labels)
    system = (f"You are an expert movie critic annotating reviews for sentiment.\nLabels:\n{defs}\n"
              "Respond with only the label.")
    return [{"role": "system", "content": system}, {"role": "user", "content": f'Review: "{text}"'}]


def few_shot_messages(text: str, shots: list[tuple[str, str]], labels: tuple[str, ...] = LABELS) -> list[dict]:
    """``role_messages`` preceded by solved examples as earlier user/assistant turns."""
    system, user = role_messages(text, labels)
    turns = [m for t, lab in shots for m in ({"role": "user", "content": f'Review: "{t}"'},
                                              {"role": "assistant", "content": lab})]
    return [system, *turns, user]


def json_messages(text: str, labels: tuple[str, ...] = LABELS) -> list[dict]:
    """The lecture's confidence prompt: a JSON object with the label and a self-reported confidence."""
    return [{"role": "user", "content": (
        f'Classify the sentiment of this movie review as {" or ".join(labels)} and give your confidence.\n'
        f'Review: "{text}"\nRespond in JSON: {{"label": "{"/".join(labels)}", "confidence": 0.0-1.0}}')}]


@dataclass(frozen=True)
class ScoringPrompt:
    """A completion-style few-shot prompt whose next token is one of ``words`` (read with logprobs).

    The solved examples form a fixed prefix, so a server with a prefix cache (llama.cpp's) only evaluates each
    item's own tokens."""
    shots: tuple[tuple[str, int], ...]
    words: tuple[str, ...] = (" negative", " positive")
    head: str = "Movie review sentiment.\n\n"
    row: str = "Review: {text}\nSentiment:"

    @property
    def prefix(self) -> str:
        return self.head + "".join(self.row.format(text=t) + self.words[y] + "\n\n" for t, y in self.shots)

    def __call__(self, text: str) -> str:
        return self.prefix + self.row.format(text=" ".join(one_text(text, "the review").split()))


def pick_shots(df: pd.DataFrame, k: int, seed: int = 0, min_strength: float = 2.0, max_words: int = 14,
               exclude=()) -> list[tuple[str, int]]:
    """``k`` solved examples from the dev split, balanced and alternating (POS, NEG, ...): clear (|mean| >=
    ``min_strength``) and short sentences, never one of the items being scored (``exclude``: their ids)."""
    pool = df[(df["split"] == "dev") & (df["mean"].abs() >= min_strength) & (df["label"] >= 0)
              & (df["text"].str.split().str.len() <= max_words) & ~df["id"].isin(list(exclude))]
    picks = [pool[pool["label"] == c].sample(k // 2 + k % 2, random_state=seed) for c in (1, 0)]
    shots = [(r.text, int(r.label)) for pair in zip(*(p.itertuples() for p in picks)) for r in pair]
    return shots[:k]


def class_shots(table: pd.DataFrame, classes, k_per_class: int, n_classes: int, seed: int = 0,
                max_words: int = 14) -> tuple[tuple[str, int], ...]:
    """Solved examples for a labeler with more classes: ``k_per_class`` short dev sentences of each class, where
    ``classes(mean ratings)`` gives the class ids (``data.polarity3`` for NEGATIVE/NEUTRAL/POSITIVE), interleaved
    class by class (0, 1, 2, 0, 1, 2, ...). ``table`` is the full table, neutral sentences included."""
    dev = table[table["split"] == "dev"]
    cls = classes(dev["mean"].to_numpy())
    short = dev["text"].str.split().str.len().to_numpy() <= max_words
    picks = [dev[(cls == c) & short].sample(k_per_class, random_state=seed) for c in range(n_classes)]
    return tuple((picks[c]["text"].iloc[i], c) for i in range(k_per_class) for c in range(n_classes))


def batch_messages(texts, labels: tuple[str, ...] = LABELS, shots: tuple[tuple[str, int], ...] = ()) -> list[dict]:
    """The lecture's ``batch_label``: several reviews in one request, numbered, one answer line per review.
    ``shots`` (text, label id) become one solved batch, an earlier user/assistant turn."""
    texts = text_list(texts, "texts of one batch")

    def ask(batch):
        reviews = "\n".join(f"{i}. {' '.join(t.split())}" for i, t in enumerate(batch, 1))
        return {"role": "user", "content": (
            f"Classify the sentiment of each movie review as {' or '.join(labels)}.\n"
            f"Answer with exactly {len(batch)} lines, one per review, in the form '<number>. <LABEL>'.\n\n{reviews}")}

    solved = [ask([t for t, _ in shots]),
              {"role": "assistant", "content": "\n".join(f"{i}. {labels[y]}" for i, (_, y) in enumerate(shots, 1))}]
    return (solved if shots else []) + [ask(texts)]
