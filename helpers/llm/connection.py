"""``connect()``: the one way the series gets an LLM client, an official ``openai.OpenAI`` client and a model name.
Taught in notebook 04; used by deep dives 03a, 04a-04c and 06c and by notebook 06.

With ``OPENAI_BASE_URL`` set it starts nothing and the same code labels with OpenAI, Ollama or vLLM
(``OPENAI_API_KEY``, ``OPENAI_MODEL``). Otherwise it serves a bundled GGUF file (``smollm2``, the default, or
``gemma3``) on llama.cpp's own server, a child process on a free loopback port (:mod:`helpers.internal.llm_server`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

import httpx2  # the HTTP library of openai 3.x
import openai

from helpers.internal.llm_server import ENGINE, LocalServer, local_servers, release
from helpers.llm.errors import LLMError
from helpers.pricing import LOCAL_MODEL


class NoAnswer(openai.APITimeoutError):
    """The endpoint took the request (or the connection) and sent nothing back within the client's timeout."""


class _OneWait(openai.DefaultHttpxClient):
    """The HTTP client :func:`connect` gives its ``openai`` clients: a request that times out ends there, as
    :class:`NoAnswer`, instead of being retried (the client's retries would wait the whole timeout again, twice by
    default); connection errors, 408/409/429 and 5xx are still retried."""

    def send(self, request, **kwargs):
        try:
            return super().send(request, **kwargs)
        except httpx2.TimeoutException as e:  # ConnectTimeout, ReadTimeout, WriteTimeout, PoolTimeout
            raise NoAnswer(request=request) from e


def _client(base_url: str | None, api_key: str, timeout: float, max_retries: int) -> openai.OpenAI:
    return openai.OpenAI(base_url=base_url, api_key=api_key, timeout=timeout, max_retries=max_retries,
                         http_client=_OneWait(timeout=timeout))


@dataclass
class Connection:
    """A client, the model name it sends, and for the bundled model its servers (``server``: the first; a request
    goes to one of ``clients`` by its position in a run, see :meth:`route`). Made by :func:`connect`.

    Args:
        client: the ``openai.OpenAI`` client (``conn.client``; ``conn.base_url`` is its address).
        model: the model name every request sends (``conn.model``).
        server: the first bundled server, or None for an endpoint.
        servers: every bundled server (empty for an endpoint).
        clients: one client per bundled server.
    """
    client: openai.OpenAI
    model: str
    server: LocalServer | None = None  # set when connect() serves a bundled model
    servers: list[LocalServer] = field(default_factory=list)
    clients: list[openai.OpenAI] = field(default_factory=list)

    def __post_init__(self):
        if self.server is not None and not self.servers:
            self.servers, self.clients = [self.server], [self.client]

    @property
    def base_url(self) -> str:
        return str(self.client.base_url)

    @property
    def identity(self) -> str:
        """What a cached response is keyed by: the endpoint, or for a bundled model (whose port changes from run to
        run) the engine, the model file and the threads per server: replies do not depend on the number of servers
        or on what ran before, but a long generation can change with the thread count."""
        if self.server is None:
            return self.base_url
        return f"local:{ENGINE}:{self.server.model_path.name}:threads={self.server.threads}"

    def route(self, i: int) -> tuple[openai.OpenAI, LocalServer | None]:
        """The client (and bundled server) for the ``i``-th request of a run: fixed by position, never by which
        server is free, so which server computes an item does not depend on timing."""
        if not self.servers:
            return self.client, None
        return self.clients[i % len(self.clients)], self.servers[i % len(self.servers)]

    def close(self) -> None:
        """Stop the bundled servers (a later ``connect()`` starts new ones)."""
        for server in self.servers:
            release(server)

    def __enter__(self) -> "Connection":
        return self

    def __exit__(self, *exc) -> None:
        """``with llm.connect() as conn:`` stops the bundled servers at the end of the block, whatever happened."""
        self.close()


def connect(timeout: float = 30.0, max_retries: int = 2, model: str = "smollm2", threads: int | None = None,
            servers: int | None = None, n_ctx: int = 2048) -> Connection:
    """An ``openai.OpenAI`` client and a model name: the endpoint ``OPENAI_BASE_URL`` names (``OPENAI_API_KEY`` if
    it needs one, ``OPENAI_MODEL`` or its first listed model), else a bundled model on local llama.cpp servers,
    started once per kernel and reused. A request that times out is not retried, so an endpoint that accepts
    requests and never answers fails a request after ``timeout`` s (the error names the endpoint), and a run stops
    at its first failure.

    Args:
        timeout: seconds a request may wait for its answer, >= 0.
        max_retries: the client's own retries with backoff on connection errors, 408/409/429 and 5xx, >= 0.
        model: the bundled model, "smollm2" or "gemma3" (ignored with ``OPENAI_BASE_URL``).
        threads: llama.cpp threads per local server; None means ``LABELING_LLM_THREADS`` or
            ``internal.llm_server.DEFAULT_THREADS`` (1).
        servers: local servers; None means ``LABELING_LLM_SERVERS`` or ``DEFAULT_SERVERS`` (2, at most one per
            usable CPU).
        n_ctx: a local server's context in tokens, shared by prompt and reply.

    Returns:
        A :class:`Connection`; ``with llm.connect() as conn:`` stops the bundled servers at the end of the block.

    Raises:
        ValueError: for a negative or non-numeric ``timeout`` or ``max_retries``.
        LLMError: when the endpoint's models cannot be listed (and ``OPENAI_MODEL`` is not set), or a bundled server
            cannot start (its message says why).
    """
    for name, value in (("timeout", timeout), ("max_retries", max_retries)):
        if not isinstance(value, (int, float)) or isinstance(value, bool) or not value >= 0:
            raise ValueError(f"{name} must be a number >= 0, got {value!r}")
    if os.environ.get("OPENAI_BASE_URL") or os.environ.get("OPENAI_API_KEY"):
        client = _client(None, os.environ.get("OPENAI_API_KEY") or "none", timeout,
                         max_retries)  # reads OPENAI_BASE_URL itself
        name = os.environ.get("OPENAI_MODEL")
        if not name:
            try:
                name = client.with_options(timeout=min(timeout, 10.0), max_retries=0).models.list().data[0].id
            except (openai.APIError, IndexError, AttributeError, TypeError) as e:  # the last two: a reply not JSON
                raise LLMError(f"Could not list the models at {client.base_url} ({type(e).__name__}: {e}); is it "
                               "an OpenAI-compatible endpoint? Set OPENAI_MODEL, or OPENAI_BASE_URL to one.") from e
        return Connection(client, name)
    running = local_servers(model, threads, servers, n_ctx)
    clients = [_client(s.base_url, "local", timeout, max_retries) for s in running]
    return Connection(clients[0], LOCAL_MODEL, running[0], running, clients)
