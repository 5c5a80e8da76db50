"""Reading replies: a label from free text or JSON, a batch reply aligned by number, and the top log-probabilities
of a completion in each of the layouts servers send. Taught in notebook 04 (``Labeler`` calls these on every
reply); deep dive 04b reads logprobs from its own async requests with :func:`read_top_logprobs`.
"""

from __future__ import annotations

import json
import math
import re

from helpers.labels import ABSTAIN, LABELS
from helpers.llm.errors import LLMError


def reply_dict(reply, endpoint: str) -> dict:
    """A reply of the ``openai`` client as a dict. The client hands back a plain string when the body was not JSON
    (a login or proxy page in HTML, with HTTP 200): an ``LLMError`` that names the endpoint."""
    if hasattr(reply, "model_dump"):
        return reply.model_dump()
    raise LLMError(f"The server at {endpoint} answered with something that is not an OpenAI-style JSON reply "
                   f"({str(reply)[:80]!r}); is it an OpenAI-compatible endpoint (its address usually ends in /v1)?")


def parse_label(reply: str | None, labels: tuple[str, ...] = LABELS) -> int:
    """The id (index in ``labels``: 0 NEGATIVE, 1 POSITIVE) of the one label a free-text reply names, or
    ``ABSTAIN`` when it names none, several, or is empty.

    Reads JSON replies too ({"label": ...}). Word-boundary matching, so "NEGATIVELY" does not count and
    "not POSITIVE" is read as POSITIVE only if no other label appears."""
    if not reply or not reply.strip():
        return ABSTAIN
    label, _ = parse_json_reply(reply, labels)
    if label != ABSTAIN:
        return label
    found = {i for i, lab in enumerate(labels) if re.search(rf"\b{lab}\b", reply, flags=re.IGNORECASE)}
    return found.pop() if len(found) == 1 else ABSTAIN


def parse_batch_reply(reply: str | None, n: int, labels: tuple[str, ...] = LABELS) -> tuple[list[int], dict]:
    """The labels of a batch reply, aligned by the number each line gives, never by its position: ``n`` label ids
    (``ABSTAIN`` for an item whose line is missing, unparseable or given twice), and counts of what went wrong:
    ``answered`` items, ``missing`` items, ``duplicate`` items (two lines for one number), ``out_of_range`` lines
    (a number outside 1..n), ``unparseable`` lines (no number, or not exactly one label) and ``out_of_order``
    lines (a number that is not the next one: a sign of misalignment even when every number is present)."""
    if n < 1:
        raise ValueError(f"a batch has at least one item, got n={n}")
    found: dict[int, list[int]] = {}
    counts = {"unparseable": 0, "out_of_range": 0, "out_of_order": 0}
    previous = 0
    for line in (reply or "").splitlines():
        if not line.strip():
            continue
        match = re.match(r"\s*(?:review\s*)?(\d+)\s*[.):\-]\s*(.*)", line, flags=re.IGNORECASE)
        label = parse_label(match.group(2), labels) if match else ABSTAIN
        if label == ABSTAIN:
            counts["unparseable"] += 1
            continue
        number = int(match.group(1))
        if not 1 <= number <= n:
            counts["out_of_range"] += 1
            continue
        counts["out_of_order"] += number != previous + 1
        previous = number
        found.setdefault(number, []).append(label)
    out = [found[i][0] if len(found.get(i, [])) == 1 else ABSTAIN for i in range(1, n + 1)]
    counts.update(answered=sum(lab != ABSTAIN for lab in out), missing=sum(i not in found for i in range(1, n + 1)),
                  duplicate=sum(len(v) > 1 for v in found.values()))
    return out, counts


def parse_json_reply(reply: str | None, labels: tuple[str, ...] = LABELS) -> tuple[int, float]:
    """(label id, confidence) from the first JSON object in a reply; (ABSTAIN, nan) when there is none or it is
    invalid. A missing or out-of-range confidence is nan."""
    match = re.search(r"\{.*?\}", reply or "", flags=re.DOTALL)
    try:
        obj = json.loads(match.group(0)) if match else None
    except json.JSONDecodeError:
        obj = None
    if not isinstance(obj, dict):
        return ABSTAIN, math.nan
    label = str(obj.get("label", "")).strip().upper()
    if label not in labels:
        return ABSTAIN, math.nan
    try:
        conf = float(obj.get("confidence"))
    except (TypeError, ValueError):
        conf = math.nan
    return labels.index(label), conf if 0.0 <= conf <= 1.0 else math.nan


def read_top_logprobs(choice: dict) -> dict[str, float]:
    """The first generated token's top log-probabilities, from one completion choice in any of the layouts servers
    send: llama.cpp's server and OpenAI's chat completions put them in ``logprobs.content[0].top_logprobs`` (a list
    of {token, logprob}); OpenAI's legacy completions and llama-cpp-python in ``logprobs.top_logprobs[0]`` (a dict).

    Args:
        choice: one choice of a reply as a dict, e.g. ``response.model_dump()["choices"][0]``.

    Returns:
        ``{token: logprob}`` (natural log), the likeliest first where a token string repeats; empty when the choice
        holds none.
    """
    logprobs = choice.get("logprobs") or {}
    if content := logprobs.get("content"):
        out: dict[str, float] = {}
        for entry in content[0].get("top_logprobs") or []:
            out.setdefault(entry["token"], entry["logprob"])  # the likeliest first, if a token string repeats
        return out
    legacy = logprobs.get("top_logprobs") or [None]
    return dict(legacy[0] or {})
