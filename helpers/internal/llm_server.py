"""The bundled models on a local llama.cpp server, for ``helpers.llm.connect()`` (:mod:`helpers.llm.connection`).

A bundled GGUF file (``smollm2`` or ``gemma3``; fetched by ``make data``, see :mod:`helpers.internal.downloads`)
is served by llama.cpp's own server from the prebuilt ``xllamacpp`` wheel, as a child process on a free loopback port.

Why a child process and not the server inside the kernel (``xllamacpp.Server`` can do both): the kernel keeps
only a pipe to it, so a crash or an out-of-memory in llama.cpp cannot take the student's kernel with it; its OpenMP
runtime never meets torch's in one process (two of them in one process is what crashes on macOS); and its life
is tied to the kernel's by that pipe (see :mod:`~helpers.internal.llm_serve`): an interrupted cell leaves it running, a
kernel that exits or is killed takes it along, and ``connect()`` called again reuses it.
"""

from __future__ import annotations

import atexit
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

from helpers.internal.downloads import BUNDLED, DataError, bundled_file
from helpers.internal.procs import detached, free_port, usable_cpus
from helpers.llm.errors import LLMError
from helpers.validate import whole

LOCAL_MODELS = tuple(BUNDLED)  # ("smollm2", "gemma3")
# Two servers of one llama.cpp thread each (at most one server per usable CPU). On the 2-core machines the series
# is built on, that is close to one two-thread server on a quiet machine (9.4 against 10.1 labels/s), and with the
# other core busy it keeps 6.9 labels/s where the two-thread server falls to 0.4: llama.cpp's threads wait for each
# other by spinning (benchmarks/llm_threads.py). Settings: connect(threads=..., servers=...) or
# LABELING_LLM_THREADS / LABELING_LLM_SERVERS.
DEFAULT_THREADS, DEFAULT_SERVERS = 1, 2
ENGINE = "llama.cpp"  # part of the response-cache key: another engine's replies are not reused


def setting(name: str) -> int:
    """``LABELING_LLM_THREADS`` or ``LABELING_LLM_SERVERS`` if set, else the default; read when a server starts."""
    default = {"THREADS": DEFAULT_THREADS, "SERVERS": min(DEFAULT_SERVERS, usable_cpus())}[name]
    value = os.environ.get(f"LABELING_LLM_{name}", str(default))
    if not value.isdigit() or int(value) < 1:
        raise LLMError(f"LABELING_LLM_{name} must be a whole number >= 1, got {value!r}")
    return int(value)


TEMP_PREFIX = "llama-"  # this module's files in the temp folder: llama-server-<pid>-<port>.log, llama-slots-<pid>-*/


def remove_stale_files() -> None:
    """Remove what servers of kernels that have died left in the temp folder (their log and slot folder, named by
    the kernel's pid, see :meth:`LocalServer.start`), and the slot files older versions wrote beside their folder
    (``llama-slots-<8 characters><16 hex>.bin``) once that folder is gone. Only this user's files, and never those
    of a live kernel."""
    tmp = Path(tempfile.gettempdir())
    for path in tmp.glob(f"{TEMP_PREFIX}s*"):
        name = path.name
        parts = name.split("-")  # llama, slots or server, the kernel's pid, ...
        try:
            if hasattr(os, "getuid") and path.stat().st_uid != os.getuid():
                continue
            if name.startswith(f"{TEMP_PREFIX}slots-") and name.endswith(".bin") and len(name) == 40:
                stale = not (tmp / name[:-20]).exists()  # an older version's file: its folder was removed
            elif parts[1] in ("slots", "server") and len(parts) >= 4 and parts[2].isdigit():
                stale = not _alive(int(parts[2]))
            else:
                continue
            if stale:
                shutil.rmtree(path) if path.is_dir() else path.unlink()
        except OSError:
            continue


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # another user's process, or no such call: alive as far as we can tell
        return True
    return True


def local_model_path(name: str = "smollm2", data_dir: Path | None = None) -> Path:
    """The verified GGUF file of a bundled model (fetched by ``make data``; fetched here if it is missing)."""
    try:
        return bundled_file(name, data_dir)
    except DataError as e:
        raise LLMError(str(e)) from None


class LocalServer:
    """llama.cpp's server for one GGUF file, as a child process on loopback (see the module's docstring)."""

    def __init__(self, model_path: Path | None = None, threads: int | None = None, n_ctx: int = 2048,
                 startup_timeout: float = 120.0, model: str = "smollm2", port: int | None = None):
        self.model_path = Path(model_path) if model_path else local_model_path(model)
        self.threads = whole(threads or setting("THREADS"), "threads", 1)
        self.n_ctx, self.startup_timeout, self.port = n_ctx, startup_timeout, port or free_port()
        self.process: subprocess.Popen | None = None
        self.log_path = Path(tempfile.gettempdir()) / f"{TEMP_PREFIX}server-{os.getpid()}-{self.port}.log"
        self.slot_dir: Path | None = None
        self.pinned: set[str] = set()  # saved slot files, by name
        self.lock = threading.Lock()  # one slot: a restore and the request that follows it go together

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def start(self) -> "LocalServer":
        """Start the server and wait until it answers; on any failure or interrupt (Ctrl-C while the model loads)
        the half-started server is stopped and its files removed, so nothing is left running untracked."""
        remove_stale_files()
        self.slot_dir = Path(tempfile.mkdtemp(prefix=f"{TEMP_PREFIX}slots-{os.getpid()}-"))
        cmd = [sys.executable, "-m", "helpers.internal.llm_serve", str(self.model_path), str(self.port),
               str(self.threads),
               str(self.n_ctx), str(self.slot_dir)]
        try:
            with open(self.log_path, "wb") as log:
                self.process = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=log, stderr=subprocess.STDOUT,
                                                **detached())
            deadline = time.monotonic() + self.startup_timeout
            while time.monotonic() < deadline:
                if self.process.poll() is not None:
                    raise LLMError(f"The local LLM server exited with code {self.process.returncode}:\n"
                                   f"{self.log_tail()}")
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/health", timeout=2) as r:
                        if r.status == 200:
                            return self
                except OSError:  # not listening yet, or 503 while the model loads
                    time.sleep(0.1)
            raise LLMError(f"The local LLM server did not answer within {self.startup_timeout:.0f} s:\n"
                           f"{self.log_tail()}")
        except BaseException:
            self.stop(grace=0)
            raise

    def post(self, path: str, body: dict, timeout: float = 30.0) -> dict:
        """POST to one of llama.cpp's own endpoints (``/slots/0?action=...``); an ``LLMError`` if it fails or does
        not answer within ``timeout`` s (as long as ``connect()``'s requests wait by default)."""
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}", data=json.dumps(body).encode(),
                                         headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as r:
                return json.loads(r.read())
        except (OSError, ValueError) as e:
            raise LLMError(f"The local LLM server at {self.base_url} failed on {path}: {e}\n{self.log_tail()}") from e

    def pin(self, prefix: str) -> str:
        """Compute ``prefix`` once from an empty slot and save the slot; return the file's name, for
        :meth:`restore`. A request restored from it and sent with ``cache_prompt`` evaluates only its own tokens
        after the prefix, and gets the same logits whatever ran before (the prompt cache alone does not)."""
        name = hashlib.sha256(prefix.encode()).hexdigest()[:16] + ".bin"
        with self.lock:
            if name not in self.pinned:
                self.post("/slots/0?action=erase", {})
                self.post("/v1/completions", {"prompt": prefix, "max_tokens": 1, "temperature": 0,
                                              "cache_prompt": True})
                self.post("/slots/0?action=save", {"filename": name})
                self.pinned.add(name)
        return name

    def restore(self, name: str) -> None:
        """Put the slot back to a state saved by :meth:`pin` (call it holding :attr:`lock`)."""
        self.post("/slots/0?action=restore", {"filename": name})

    def log_tail(self, n: int = 15) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-n:])
        except OSError:
            return "(no log)"

    def stop(self, grace: float = 10.0) -> None:
        """Close the pipe (the server exits on its own), kill it if it has not within ``grace`` s, and remove its
        log and slot files."""
        if self.process is not None:
            if self.process.stdin and not self.process.stdin.closed:
                self.process.stdin.close()
            try:
                self.process.wait(grace)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log_path.unlink(missing_ok=True)
        if self.slot_dir is not None:
            shutil.rmtree(self.slot_dir, ignore_errors=True)


_RUNNING: dict[tuple, LocalServer] = {}  # servers this kernel started, by (model file, threads, n_ctx, index)


def local_servers(model: str = "smollm2", threads: int | None = None, servers: int | None = None,
                  n_ctx: int = 2048) -> list[LocalServer]:
    """The running servers for this model and settings, started on the first call and reused after."""
    path = local_model_path(model)
    threads, servers = threads or setting("THREADS"), servers or setting("SERVERS")
    out = []
    for k in range(servers):
        key = (str(path), threads, n_ctx, k)
        if key not in _RUNNING or not _RUNNING[key].alive():
            _RUNNING[key] = LocalServer(path, threads=threads, n_ctx=n_ctx).start()
        out.append(_RUNNING[key])
    return out


def release(server: LocalServer) -> None:
    """Stop one server and forget it (a later :func:`local_servers` starts a new one)."""
    for key, running in list(_RUNNING.items()):
        if running is server:
            del _RUNNING[key]
    server.stop()


@atexit.register
def stop_all() -> None:
    """Stop every server this interpreter started (also done by the pipe when the interpreter dies)."""
    while _RUNNING:
        _RUNNING.popitem()[1].stop()
