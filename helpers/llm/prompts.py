"""Prompts: the lecture's ladder for chat models (bare, definitions, few-shot, JSON), the batch prompt, and the
completion-style prompt whose next token is read with logprobs; and how their solved examples are picked.

Taught in notebook 04 (the ladder, the chosen scoring prompt); used by deep dives 04a-04c and 06c.
"""

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
    """The lecture's "bad prompt": no role, no labels, no format.

    Args:
        text: the review to classify.

    Returns:
        The chat messages, a list of ``{"role", "content"}`` dicts for ``chat.completions.create(messages=...)``.
    """
    return [{"role": "user", "content": f'Classify this: "{text}"'}]


def role_messages(text: str, labels: tuple[str, ...] = LABELS) -> list[dict]:
    """A system turn with the persona, the labels and their definitions; the review in the user turn.

    Args:
        text: the review to classify.
        labels: the label names offered, each a key of ``DEFINITIONS``; by default ``LABELS`` (NEGATIVE, POSITIVE).

    Returns:
        The chat messages, a list of ``{"role", "content"}`` dicts for ``chat.completions.create(messages=...)``.
    """
    defs = "\n".join(f"- {lab}: {DEFINITIONS[lab]}" for lab in labels)
    system = (f"You are an expert movie critic annotating reviews for sentiment.\nLabels:\n{defs}\n"
              "Respond with only the label.")
    return [{"role": "system", "content": system}, {"role": "user", "content": f'Review: "{text}"'}]


def few_shot_messages(text: str, shots: list[tuple[str, str]], labels: tuple[str, ...] = LABELS) -> list[dict]:
    """``role_messages`` preceded by solved examples as earlier user/assistant turns.

    Args:
        text: the review to classify.
        shots: the solved examples, ``(review, label name)`` pairs (names, not ids: ``LABELS[id]``).
        labels: the label names offered, as in ``role_messages``.

    Returns:
        The chat messages, a list of ``{"role", "content"}`` dicts for ``chat.completions.create(messages=...)``.
    """
    system, user = role_messages(text, labels)
    turns = [m for t, lab in shots for m in ({"role": "user", "content": f'Review: "{t}"'},
                                              {"role": "assistant", "content": lab})]
    return [system, *turns, user]


def json_messages(text: str, labels: tuple[str, ...] = LABELS) -> list[dict]:
    """The lecture's confidence prompt: a JSON object with the label and a self-reported confidence.

    Args:
        text: the review to classify.
        labels: the label names offered; by default ``LABELS`` (NEGATIVE, POSITIVE).

    Returns:
        The chat messages, a list of ``{"role", "content"}`` dicts for ``chat.completions.create(messages=...)``.
    """
    return [{"role": "user", "content": (
        f'Classify the sentiment of this movie review as {" or ".join(labels)} and give your confidence.\n'
        f'Review: "{text}"\nRespond in JSON: {{"label": "{"/".join(labels)}", "confidence": 0.0-1.0}}')}]


@dataclass(frozen=True)
class ScoringPrompt:
    """A completion-style few-shot prompt whose next token is one of ``words`` (read with logprobs).

    The solved examples form a fixed prefix, so a server with a prefix cache (llama.cpp's) only evaluates each
    item's own tokens. Call it on a review to get that review's prompt: ``prompt(text)`` returns one string (the
    review's whitespace collapsed) and raises ``TypeError`` unless ``text`` is one string.

    Args:
        shots: the solved examples, ``(review, label id)`` pairs; a label id indexes ``words``.
        words: the label words, one per class, with their leading space (the token the model writes next).
        head: the prompt's opening line(s).
        row: one item's template, with a ``{text}`` slot; a shot adds its label word after it.
    """
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
    """``k`` solved examples from the dev split, balanced and alternating (POS, NEG, ...): clear and short
    sentences, never one of the items being scored.

    Args:
        df: the movie table, ``data.load()``.
        k: how many examples; an odd ``k`` has one more positive than negative.
        seed: seed of the random draw within each class.
        min_strength: the least |mean rating| (on the raters' -4..4 scale) a shot may have.
        max_words: the most words a shot may have.
        exclude: ids of the items being scored, never used as shots.

    Returns:
        A list of ``(text, label id)`` pairs, 1 (POSITIVE) first, then 0, 1, 0, ...
    """
    pool = df[(df["split"] == "dev") & (df["mean"].abs() >= min_strength) & (df["label"] >= 0)
              & (df["text"].str.split().str.len() <= max_words) & ~df["id"].isin(list(exclude))]
    picks = [pool[pool["label"] == c].sample(k // 2 + k % 2, random_state=seed) for c in (1, 0)]
    shots = [(r.text, int(r.label)) for pair in zip(*(p.itertuples() for p in picks)) for r in pair]
    return shots[:k]


def class_shots(table: pd.DataFrame, classes, k_per_class: int, n_classes: int, seed: int = 0,
                max_words: int = 14) -> tuple[tuple[str, int], ...]:
    """Solved examples for a labeler with more classes: ``k_per_class`` short dev sentences of each class,
    interleaved class by class (0, 1, 2, 0, 1, 2, ...).

    Args:
        table: the full table, ``data.load()``, neutral sentences included.
        classes: a function from an array of mean ratings to class ids (``data.polarity3`` for
            NEGATIVE/NEUTRAL/POSITIVE).
        k_per_class: how many examples of each class.
        n_classes: how many classes, ids 0 to ``n_classes - 1``.
        seed: seed of the random draw within each class.
        max_words: the most words a shot may have.

    Returns:
        A tuple of ``k_per_class * n_classes`` pairs ``(text, class id)``, ready for ``ScoringPrompt(shots)``.
    """
    dev = table[table["split"] == "dev"]
    cls = classes(dev["mean"].to_numpy())
    short = dev["text"].str.split().str.len().to_numpy() <= max_words
    picks = [dev[(cls == c) & short].sample(k_per_class, random_state=seed) for c in range(n_classes)]
    return tuple((picks[c]["text"].iloc[i], c) for i in range(k_per_class) for c in range(n_classes))


def batch_messages(texts, labels: tuple[str, ...] = LABELS, shots: tuple[tuple[str, int], ...] = ()) -> list[dict]:
    """The lecture's ``batch_label``: several reviews in one request, numbered, one answer line per review.

    Args:
        texts: the reviews of one batch, a list of strings.
        labels: the label names offered; by default ``LABELS`` (NEGATIVE, POSITIVE).
        shots: ``(text, label id)`` pairs, shown as one solved batch in an earlier user/assistant turn; () for none.

    Returns:
        The chat messages, a list of ``{"role", "content"}`` dicts; the reply is parsed by ``parse_batch_reply``.

    Raises:
        TypeError: if ``texts`` is one string or a dict rather than a list.
        ValueError: if ``texts`` is empty.
    """
    texts = text_list(texts, "texts of one batch")

    def ask(batch):
        reviews = "\n".join(f"{i}. {' '.join(t.split())}" for i, t in enumerate(batch, 1))
        return {"role": "user", "content": (
            f"Classify the sentiment of each movie review as {' or '.join(labels)}.\n"
            f"Answer with exactly {len(batch)} lines, one per review, in the form '<number>. <LABEL>'.\n\n{reviews}")}

    solved = [ask([t for t, _ in shots]),
              {"role": "assistant", "content": "\n".join(f"{i}. {labels[y]}" for i, (_, y) in enumerate(shots, 1))}]
    return (solved if shots else []) + [ask(texts)]


def chosen_prompt(df):
    """The chosen logprob-scored prompt and its threshold (chosen on the dev split, ``helpers.chosen``).

    Args:
        df: the movie table, ``data.load()`` (or any table holding the chosen shots' ids, text and label).

    Returns:
        ``(prompt, bias)``: the ``ScoringPrompt`` with the chosen shots, and its log-odds threshold, a float for
        ``proba_from_logprobs(logp, bias)``.

    Raises:
        ValueError: if ``df`` lacks one of the chosen shots (it is not the movie table).
    """
    from helpers.chosen import LLM_BIAS, LLM_SHOT_IDS

    by_id = df.set_index("id")
    missing = [i for i in LLM_SHOT_IDS if i not in by_id.index]
    if missing:
        raise ValueError(f"the chosen shots {missing} are not in this table: pass the movie sentences, data.load()")
    shots = tuple((by_id.at[i, "text"], int(by_id.at[i, "label"])) for i in LLM_SHOT_IDS)
    return ScoringPrompt(shots), LLM_BIAS
