"""The request path every labeling run goes through: a bounded pool of threads over the official ``openai``
client (its own timeouts and retries with backoff), an on-disk response cache, a ledger fed by the ``usage`` the
server returns, and a budget guard that refuses a run before anything is sent. Taught in notebook 04 (the
generate-and-parse and logprob labelers, the ledger, the budget); used by deep dives 03a, 04a-04c and notebook 06.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import tempfile
import threading
import time
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import numpy as np
import openai
import pandas as pd
from tqdm.auto import tqdm

from helpers.internal.downloads import DATA_DIR
from helpers.labels import ABSTAIN, LABELS
from helpers.llm.connection import Connection, NoAnswer
from helpers.llm.errors import HOW_TO_START, BudgetExceeded, LLMError
from helpers.llm.parsing import parse_batch_reply, parse_json_reply, parse_label, read_top_logprobs, reply_dict
from helpers.llm.prompts import batch_messages
from helpers.pricing import LOCAL_MODEL, PRICES, token_cost
from helpers.validate import choice, text_list, whole

CHARS_PER_TOKEN = 4  # the usual rule of thumb for English, used only to estimate a run's cost before sending it


class ResponseCache:
    """Responses on disk, keyed by (endpoint or local model, model name, request parameters); written atomically.

    Pass one to ``Labeler(conn, cache=ResponseCache())``: a request answered before is read from disk, not sent.

    Args:
        directory: the cache folder; None means ``LABELING_LLM_CACHE`` (read when the cache is made), else
            ``data/llm-cache``.

    Raises:
        LLMError: (on a read) when a cached file is corrupt; the message says which file to delete.
    """

    def __init__(self, directory: Path | str | None = None):
        self.dir = Path(directory or os.environ.get("LABELING_LLM_CACHE") or DATA_DIR / "llm-cache")

    def key(self, source: str, endpoint: str, params: dict) -> str:
        """``source``: ``Connection.identity``, the endpoint or the bundled model's file."""
        blob = json.dumps({"source": source, "endpoint": endpoint, **params}, sort_keys=True)
        return hashlib.sha256(blob.encode()).hexdigest()

    def get(self, key: str) -> dict | None:
        path = self.dir / key[:2] / f"{key}.json"
        if not path.exists():
            return None
        try:
            return json.loads(path.read_text())
        except (json.JSONDecodeError, UnicodeDecodeError) as e:
            raise LLMError(f"The cached response {path} is corrupt ({e}); delete it (or the folder {self.dir}) and "
                           "run again: only that request is sent anew.") from None

    def put(self, key: str, response: dict) -> None:
        path = self.dir / key[:2] / f"{key}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        try:
            with os.fdopen(fd, "w") as f:
                json.dump(response, f)
            os.replace(tmp, path)  # readers see the old file or the whole new one, never a partial write
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise


@dataclass
class Ledger:
    """What a labeling run used: requests, tokens from the server's ``usage``, and wall-clock seconds.

    A labeler keeps one (``labeler.ledger``) and adds every request to it; read its fields after a run.

    Args:
        requests: requests made, cached ones included.
        cached: of those, the ones answered by the response cache.
        prompt_tokens: prompt tokens, from the servers' ``usage``.
        completion_tokens: completion tokens, from the servers' ``usage``.
        seconds: wall-clock seconds the runs took.
    """
    requests: int = 0
    cached: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    seconds: float = 0.0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def add(self, usage: dict | None, cached: bool) -> None:
        with self._lock:  # called from the labeler's pool threads
            self.requests += 1
            self.cached += cached
            self.prompt_tokens += (usage or {}).get("prompt_tokens") or 0
            self.completion_tokens += (usage or {}).get("completion_tokens") or 0

    def cost(self, model: str) -> float:
        """Dollars this run's tokens cost at ``PRICES[model]``."""
        return token_cost(self.prompt_tokens, self.completion_tokens, model)

    def table(self, labels: int | None = None) -> pd.DataFrame:
        """This run's tokens priced at every model in ``PRICES``, in total and per 1,000 labels.

        Args:
            labels: the number of labels the tokens bought; None means the number of requests.

        Returns:
            A DataFrame indexed by model (every ``pricing.PRICES`` row): cost $, $ per 1,000 labels, and for the local
            model also seconds per 1,000 labels (NaN for the others).
        """
        labels = labels or self.requests
        rows = [{"model": m, "cost $": self.cost(m), "$ per 1,000 labels": 1000 * self.cost(m) / max(labels, 1)}
                for m in PRICES]
        out = pd.DataFrame(rows).set_index("model")
        out.loc[LOCAL_MODEL, "seconds per 1,000 labels"] = 1000 * self.seconds / max(labels, 1)
        return out


def estimate_cost(prompts: list, model: str, max_tokens: int) -> float:
    """Dollars a run would cost at ``PRICES[model]``, from ~4 characters per token, before anything is sent."""
    chars = sum(len(json.dumps(p)) if not isinstance(p, str) else len(p) for p in prompts)
    return token_cost(chars / CHARS_PER_TOKEN, len(prompts) * max_tokens, model)


def shared_prefix(prompts: list[str]) -> str:
    """What every prompt begins with, up to and including its last blank line (the end of the last solved
    example): the part the bundled server computes once per prompt, not once per item. Cut at a blank line, so the
    same examples give the same prefix whichever items are scored with them; empty when there is none."""
    common = os.path.commonprefix(prompts)
    return common[: common.rfind("\n\n") + 2] if "\n\n" in common else ""


@dataclass
class Labeler:
    """Sends labeling requests through an ``openai.OpenAI`` client with a bounded pool of threads.

    Its two labelers are :meth:`generate` (generate-and-parse, the lecture's way, with :meth:`generate_json` and
    :meth:`generate_batch`) and :meth:`score` (logprob-scored). Every request goes on :attr:`ledger`.

    Args:
        conn: the connection from ``llm.connect()``.
        cache: a :class:`ResponseCache`, so a rerun sends nothing again; None turns the cache off.
        concurrency: requests in flight (at least one per bundled server is used anyway); raise it for a remote API.
        budget_usd: a cap in dollars on what the labeler's runs cost at ``price_as``: spent so far plus a run's
            estimate, checked before the run sends anything; None for no cap.
        price_as: the ``PRICES`` row the budget guard and the ledger use; None means ``OPENAI_PRICE_AS`` if set, else
            $0 for the bundled model and for an endpoint on this machine (such as Ollama). An endpoint elsewhere may
            charge, so without a price a run there is refused before anything is sent.
        progress: show a progress bar while a run goes (off by default: a saved notebook would show it at 0%).
        ledger: the ledger to add to; a new one by default.

    Raises:
        ValueError: for an unknown ``price_as``, a ``concurrency`` below 1, or a negative or non-finite
            ``budget_usd``.
    """
    conn: Connection
    cache: ResponseCache | None = None
    concurrency: int = 1  # requests in flight (at least one per bundled server); raise it for a remote API
    budget_usd: float | None = None
    price_as: str | None = None
    progress: bool = False
    ledger: Ledger = field(default_factory=Ledger)

    def __post_init__(self):
        self.price_as = self.price_as or os.environ.get("OPENAI_PRICE_AS") or None
        if self.price_as is not None:
            choice(self.price_as, PRICES, "model to price as (price_as)")
        whole(self.concurrency, "concurrency", 1)
        if self.budget_usd is not None and not (isinstance(self.budget_usd, (int, float))
                                                and math.isfinite(self.budget_usd) and self.budget_usd >= 0):
            raise ValueError(f"budget_usd must be a finite number of dollars >= 0 (or None), got {self.budget_usd!r}")

    @property
    def price(self) -> str:
        """The ``PRICES`` row this labeler's requests are priced at (see ``price_as``); refuses an endpoint that
        may charge when no price was given."""
        if self.price_as is not None:
            return self.price_as
        if self.conn.server is not None or urlparse(self.conn.base_url).hostname in ("localhost", "127.0.0.1", "::1"):
            return LOCAL_MODEL
        raise BudgetExceeded(
            f"{self.conn.base_url} is not the bundled model, so its requests may cost money, and no price was "
            f"given; nothing was sent. Say what it charges: llm.Labeler(conn, price_as=\"gpt-4\", budget_usd=1.0) "
            f"(price_as: one of {sorted(PRICES)}), or price_as=\"local\" if it is free (your own vLLM); or set "
            "OPENAI_PRICE_AS=<one of those> for every labeler.")

    def _request(self, endpoint: str, params: dict, pinned: str | None = None, position: int = 0) -> dict:
        """One request through the cache, sent to the server its ``position`` in the run routes it to; ``pinned``:
        a slot file of the bundled server to restore first (its prefix is then read from the cache of that slot,
        not computed again: see ``LocalServer.pin``)."""
        params = {"model": self.conn.model, "temperature": 0, **params}
        key = self.cache.key(self.conn.identity, endpoint, {**params, "pinned": pinned}) if self.cache else None
        if key and (hit := self.cache.get(key)) is not None:
            self.ledger.add(hit.get("usage"), cached=True)
            return hit
        client, server = self.conn.route(position)
        api = client.completions if endpoint == "completions" else client.chat.completions
        try:
            if pinned:
                with server.lock:
                    server.restore(pinned)
                    response = reply_dict(api.create(**params, extra_body={"cache_prompt": True}), client.base_url)
            else:
                response = reply_dict(api.create(**params), client.base_url)
        except NoAnswer as e:  # connect()'s clients: a timeout is not retried
            raise LLMError(f"The LLM at {client.base_url} took the request and sent nothing back within "
                           f"{client.timeout} s (not retried: a retry would wait as long again). Is the server "
                           "stuck or overloaded? connect(timeout=...) sets how long a request may wait.") from e
        except openai.APITimeoutError as e:
            raise LLMError(f"The LLM at {self.conn.base_url} did not answer within the client's timeout "
                           f"({self.conn.client.timeout} s), after {self.conn.client.max_retries} retries.") from e
        except openai.APIConnectionError as e:
            raise LLMError(f"No LLM server answers at {self.conn.base_url}. {HOW_TO_START}") from e
        except openai.APIStatusError as e:
            raise LLMError(f"The LLM at {self.conn.base_url} refused the request "
                           f"(HTTP {e.status_code}, after retries): {e.message}") from e
        except json.JSONDecodeError as e:
            raise LLMError(f"The server at {self.conn.base_url} sent a reply that is not JSON; is it an "
                           f"OpenAI-compatible endpoint? ({e.doc[:80]!r})") from e
        if not response.get("choices"):
            raise LLMError(f"The LLM at {self.conn.base_url} sent a reply with no choices: {str(response)[:200]}")
        self.ledger.add(response.get("usage"), cached=False)
        if key:
            self.cache.put(key, response)
        return response

    def _run(self, endpoint: str, requests: list[dict], max_tokens: int, what: str,
             pinned: str | None = None) -> list[dict]:
        whole(max_tokens, "max_tokens", 1)
        if self.conn.server is not None and max_tokens >= self.conn.server.n_ctx:
            raise LLMError(f"max_tokens={max_tokens} does not fit the bundled server's context of "
                           f"{self.conn.server.n_ctx} tokens, which the prompt and the reply share; ask for fewer "
                           "(or connect(n_ctx=...) for a larger context). Nothing was sent.")
        price = self.price  # refuses a paid endpoint without a price
        if self.budget_usd is not None:  # what this labeler spent so far (the servers' usage) counts too
            est = estimate_cost([r.get("prompt") or r.get("messages") for r in requests], price, max_tokens)
            spent = self.ledger.cost(price)
            if spent + est > self.budget_usd:
                raise BudgetExceeded(f"{len(requests)} requests would cost about ${est:,.2f} at {price} "
                                     f"prices{f' on top of ${spent:,.2f} spent' if spent else ''}, above the cap of "
                                     f"${self.budget_usd:,.2f}; nothing was sent.")
        start = time.perf_counter()
        pool = ThreadPoolExecutor(max_workers=max(self.concurrency, len(self.conn.servers)))
        try:
            jobs = [pool.submit(self._request, endpoint, {**r, "max_tokens": max_tokens}, pinned, i)
                    for i, r in enumerate(requests)]
            pending = set(jobs)
            with tqdm(total=len(jobs), desc=what, disable=not self.progress) as bar:
                while pending:  # waited on in short steps: Ctrl-C is seen at once, not when a stuck request ends
                    done, pending = wait(pending, timeout=0.25, return_when=FIRST_EXCEPTION)
                    bar.update(len(done))
                    for job in jobs:  # the run stops at its first failure (the first in order, if several)
                        if job in done and job.exception() is not None:
                            raise job.exception()
            return [job.result() for job in jobs]
        finally:  # after a failure or an interrupt, nothing waits for the requests still in flight
            pool.shutdown(wait=False, cancel_futures=True)
            self.ledger.seconds += time.perf_counter() - start

    def generate(self, messages: list[list[dict]], labels: tuple[str, ...] = LABELS,
                 max_tokens: int = 12) -> pd.DataFrame:
        """Generate-and-parse: one chat request per item, each reply parsed for the one label it names.

        Args:
            messages: a list of conversations, one per item, each a list of ``{"role": ..., "content": ...}`` dicts
                (e.g. from ``llm.few_shot_messages``); for one item pass ``[conversation]``.
            labels: the label names, their index being the label id (``LABELS``: NEGATIVE 0, POSITIVE 1).
            max_tokens: the longest reply, in tokens.

        Returns:
            A DataFrame, one row per item: reply (the raw text) and label (its id, ``ABSTAIN`` when the reply names no
            single label).

        Raises:
            TypeError: if ``messages`` is not a list of conversations.
            BudgetExceeded: if the run's estimate is above ``budget_usd``, or a paid endpoint has no price.
            LLMError: when the server cannot be reached, refuses, times out, or sends something that is not a reply.
        """
        messages = text_list(messages, "messages")
        if not all(isinstance(m, list) and m and all(isinstance(t, dict) for t in m) for m in messages):
            raise TypeError("messages must be a list of conversations, each a list of {'role': ..., 'content': ...} "
                            "dicts; for one item pass [conversation]")
        out = self._run("chat", [{"messages": m} for m in messages], max_tokens, "generate")
        replies = [r["choices"][0]["message"]["content"] or "" for r in out]
        return pd.DataFrame({"reply": replies, "label": [parse_label(r, labels) for r in replies]})

    def generate_json(self, messages: list[list[dict]], labels: tuple[str, ...] = LABELS,
                      max_tokens: int = 40) -> pd.DataFrame:
        """Like ``generate`` for the JSON prompt (``llm.json_messages``), which asks for a label and a confidence.

        Args:
            messages: a list of conversations, one per item, as for :meth:`generate`.
            labels: the label names, their index being the label id.
            max_tokens: the longest reply, in tokens.

        Returns:
            :meth:`generate`'s DataFrame plus json_ok (whether the reply held a valid JSON object with a known label)
            and confidence (the model's self-reported confidence in [0, 1], NaN without one). label is read from the
            JSON, else from the text.

        Raises:
            TypeError, BudgetExceeded, LLMError: as :meth:`generate`.
        """
        out = self.generate(messages, labels, max_tokens)
        parsed = [parse_json_reply(r, labels) for r in out["reply"]]
        out["json_ok"] = [lab != ABSTAIN for lab, _ in parsed]
        out["confidence"] = [conf for _, conf in parsed]
        return out

    def generate_batch(self, texts, batch_size: int = 10, labels: tuple[str, ...] = LABELS,
                       tokens_per_item: int = 6, shots: tuple[tuple[str, int], ...] = ()) -> pd.DataFrame:
        """The lecture's batch prompting: ``batch_size`` texts per chat request (``batch_messages``), each reply parsed
        by ``parse_batch_reply``, which aligns the answers by their numbers.

        Args:
            texts: the sentences, a list (not one string).
            batch_size: texts per request, >= 1.
            labels: the label names, their index being the label id.
            tokens_per_item: reply tokens allowed per text (plus 8 per request).
            shots: ``((text, label id), ...)``, given as one solved batch before the question; empty for none.

        Returns:
            A DataFrame, one row per text: batch (its request's number), label (``ABSTAIN`` where the reply gave no
            single answer for its number), reply (the batch's raw text) and the batch's counts (unparseable,
            out_of_range, out_of_order, answered, missing, duplicate).

        Raises:
            ValueError: for a ``batch_size`` below 1.
            TypeError, BudgetExceeded, LLMError: as :meth:`generate`.
        """
        texts = text_list(texts, "texts")
        if batch_size < 1:
            raise ValueError(f"batch_size must be at least 1, got {batch_size}")
        batches = [texts[i: i + batch_size] for i in range(0, len(texts), batch_size)]
        out = self._run("chat", [{"messages": batch_messages(b, labels, shots)} for b in batches],
                        tokens_per_item * batch_size + 8, "batch")
        rows = []
        for b, (batch, response) in enumerate(zip(batches, out)):
            reply = response["choices"][0]["message"]["content"] or ""
            parsed, counts = parse_batch_reply(reply, len(batch), labels)
            rows += [{"batch": b, "label": lab, "reply": reply, **counts} for lab in parsed]
        return pd.DataFrame(rows)

    def score(self, prompts: list[str], words: tuple[str, ...] = (" negative", " positive"),
              top_logprobs: int | None = None, missing: str = "raise") -> np.ndarray:
        """Logprob-scored labeling: one completion token per item, read as the log-probability of each label word.

        A word outside the returned top list gets the lowest returned logprob as an upper bound. An item with *none*
        of the words in its top list has no answer (both bounds alike would read as P = 0.5), so ``missing`` decides.
        Turn the result into P(positive) with ``llm.proba_from_logprobs``.

        Args:
            prompts: one completion prompt per item, a list of strings (e.g. ``[scoring(t) for t in texts]``).
            words: the label words, distinct, all with a leading space or all without (``" positive"`` and
                ``"positive"`` are different tokens); their order is the columns' order.
            top_logprobs: how many top tokens to ask for; None means 20 on the bundled server and 5 elsewhere
                (OpenAI's cap).
            missing: "raise" refuses a run where an item has none of the words; "nan" gives NaN in that item's row.

        Returns:
            A float array of shape (len(prompts), len(words)): log P(word) per item (natural log, <= 0).

        Raises:
            TypeError: if ``prompts`` is not a list of strings.
            ValueError: for bad ``words``, ``missing`` or ``top_logprobs``; nothing is sent.
            BudgetExceeded: if the run's estimate is above ``budget_usd``, or a paid endpoint has no price.
            LLMError: when the server fails (as :meth:`generate`), returns no logprobs, or (``missing="raise"``) an item
                has none of the words among its top tokens.
        """
        prompts = text_list(prompts, "prompts")
        if not all(isinstance(p, str) for p in prompts):
            raise TypeError("prompts must be a list of strings (one completion prompt per item)")
        words = _label_words(words)
        choice(missing, ("raise", "nan"), "missing (what an item with none of the words in its top list gets)")
        if top_logprobs is not None:
            whole(top_logprobs, "top_logprobs", 1)
        top_logprobs_n = top_logprobs or (20 if self.conn.server is not None else 5)
        prefix = shared_prefix(prompts) if self.conn.server is not None else ""
        pinned = None
        for server in self.conn.servers if prefix else ():  # every server computes and saves the same prefix
            pinned = server.pin(prefix)
        out = self._run("completions", [{"prompt": p, "logprobs": top_logprobs_n} for p in prompts], 1, "score",
                        pinned)
        tops = [read_top_logprobs(r["choices"][0]) for r in out]
        if not all(tops):
            raise LLMError(f"The LLM at {self.conn.base_url} returned no logprobs; the logprob labeler needs "
                           "a completions endpoint with logprobs (llama.cpp, vLLM, or OpenAI's *-instruct models).")
        if not any(w in top for top in tops for w in words):
            seen = sorted({t for top in tops[:3] for t in top}, key=str)[:8]
            raise LLMError(f"None of the label words {words} is among the top {top_logprobs_n} tokens of any reply "
                           f"(the replies' top tokens include {seen}); mind the leading space: ' positive' is one "
                           "token, 'positive' another.")
        none = [i for i, top in enumerate(tops) if not any(w in top for w in words)]
        if none and missing == "raise":
            raise LLMError(f"{len(none)} of {len(tops)} items (rows {none[:5]}{'...' if len(none) > 5 else ''}) have "
                           f"none of the label words {words} among their top {top_logprobs_n} tokens, so their "
                           "P(positive) is unknown, not 0.5. Ask for more (top_logprobs=), end the prompt where the "
                           "label word comes next, or pass missing=\"nan\" to get NaN for those items.")
        logp = np.array([[top.get(w, min(top.values())) for w in words] for top in tops], dtype=float)
        logp[none] = np.nan
        return logp


def _label_words(words) -> list[str]:
    """The label words of :meth:`Labeler.score`, checked before anything is sent: distinct non-empty strings that
    share one leading-space convention."""
    words = text_list(words, "words")
    if not all(isinstance(w, str) and w.strip() for w in words) or len(set(words)) < len(words):
        raise ValueError(f"words must be distinct label words (non-empty strings), got {words}")
    if len({w.startswith(" ") for w in words}) > 1:
        raise ValueError(f"the label words {words} mix a leading space and none: ' positive' and 'positive' are "
                         "different tokens, and the form the model does not use scores far lower, so one word "
                         f"would win nearly every item. Give one form: {[' ' + w.lstrip() for w in words]} "
                         f"(what follows 'Sentiment:') or {[w.lstrip() for w in words]}; nothing was sent.")
    return words
