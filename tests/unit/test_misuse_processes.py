"""Misuse and faults around processes, servers and files (issue 42, findings 5-8 and 10): stopping only what this
project started, seeding that checks before it touches the environment, interrupts and stuck endpoints, requests
larger than the context, stale temporary files, a damaged ONNX export, an unreachable Ray address and an endpoint
that answers HTML. Every process a test signals is one the test started itself."""

import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import openai
import pytest

from helpers import llm
from helpers.internal import embeddings, labelstudio_server, llm_server, procs
from helpers.internal.downloads import DataError
from helpers.internal.seeding import seed_everything

POSIX = pytest.mark.skipif(not hasattr(os, "killpg"), reason="process groups are POSIX")
MSG = [[{"role": "user", "content": "A fine film."}]]
CHAT = {"id": "c", "object": "chat.completion", "created": 0, "model": "m",
        "choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": "POSITIVE"}}],
        "usage": {"prompt_tokens": 11, "completion_tokens": 2, "total_tokens": 13}}


class Endpoint(ThreadingHTTPServer):
    """A local HTTP server that answers every request the same way: ``"stuck"`` (takes it and says nothing for
    ``seconds``), ``"html"`` (a login page with HTTP 200), or ``"ok"`` (a chat reply)."""

    daemon_threads = True

    def __init__(self, mode, seconds=60.0):
        self.hits = 0

        class Handler(BaseHTTPRequestHandler):
            def answer(h):
                h.rfile.read(int(h.headers.get("Content-Length") or 0))
                self.hits += 1
                if mode == "stuck":
                    time.sleep(seconds)
                    return
                raw, kind = ((b"<html><body>Please log in</body></html>", "text/html") if mode == "html"
                             else (json.dumps(CHAT).encode(), "application/json"))
                h.send_response(200)
                h.send_header("Content-Type", kind)
                h.send_header("Content-Length", str(len(raw)))
                h.end_headers()
                h.wfile.write(raw)

            do_GET = do_POST = answer

            def log_message(h, *args):
                pass

        super().__init__(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.serve_forever, daemon=True).start()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server_port}/v1"


@pytest.fixture
def endpoint():
    servers = []

    def make(mode, seconds=60.0):
        servers.append(Endpoint(mode, seconds))
        return servers[-1]

    yield make
    for s in servers:
        s.shutdown()
        s.server_close()


@pytest.fixture
def remote(monkeypatch):
    """connect() pointed at an endpoint, as a student with OPENAI_BASE_URL set."""
    def point(url):
        monkeypatch.setenv("OPENAI_BASE_URL", url)
        monkeypatch.setenv("OPENAI_MODEL", "m")
    return point


# --- 5: stopping Label Studio signals only our own server ---

@POSIX
def test_stop_leaves_alone_a_process_whose_pid_sits_in_a_stale_pid_file(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(labelstudio_server, "HOME", tmp_path)
    monkeypatch.setenv("LABEL_STUDIO_VENV", str(tmp_path / "venv"))
    other = subprocess.Popen(["sleep", "60"], start_new_session=True)  # "unrelated", but started by this test
    try:
        (tmp_path / "server.pid").write_text(str(other.pid))
        time.sleep(0.3)  # until its command line is set
        labelstudio_server.stop()
        time.sleep(0.3)
        assert other.poll() is None, "stop() signalled a process that is not Label Studio"
        assert not (tmp_path / "server.pid").exists()
        assert "not signalled" in capsys.readouterr().out
    finally:
        other.kill()
        other.wait()


@POSIX
def test_stop_still_stops_our_own_label_studio(tmp_path, monkeypatch):
    monkeypatch.setattr(labelstudio_server, "HOME", tmp_path)
    monkeypatch.setenv("LABEL_STUDIO_VENV", str(tmp_path / "venv"))
    program = tmp_path / "venv" / "bin" / "label-studio"  # stands in for the real one: a shell that waits
    program.parent.mkdir(parents=True)
    program.write_text("#!/bin/sh\nsleep 60\n")
    program.chmod(0o755)
    ours = subprocess.Popen([str(program), "start", "--no-browser"], start_new_session=True)
    try:
        (tmp_path / "server.pid").write_text(f"{ours.pid}\n")
        time.sleep(0.3)
        labelstudio_server.stop()
        assert ours.wait(5) is not None and not (tmp_path / "server.pid").exists()
    finally:
        ours.kill()
        ours.wait()


@POSIX
def test_stop_group_refuses_a_pid_that_leads_no_group_of_its_own():
    child = subprocess.Popen(["sleep", "60"])  # in this process's group: killpg(pid) would not be about it
    try:
        with pytest.raises(RuntimeError, match="nothing was signalled"):
            procs.stop_group(child.pid)
        assert child.poll() is None
        for _ in range(50):  # right after the fork the child may not have exec'd sleep yet
            if "sleep 60" in (procs.command_line(child.pid) or ""):
                break
            time.sleep(0.1)
        assert "sleep 60" in procs.command_line(child.pid)
    finally:
        child.kill()
        child.wait()


# --- 6: seeding checks the seed before it touches the environment ---

@pytest.mark.parametrize("seed", [-1, 2**32, 1.5, "0", True])
def test_a_bad_seed_leaves_the_environment_as_it_was(seed, monkeypatch):
    monkeypatch.setenv("PYTHONHASHSEED", "0")
    with pytest.raises(ValueError, match="seed must be a whole number"):
        seed_everything(seed)
    assert os.environ["PYTHONHASHSEED"] == "0"
    assert subprocess.run([sys.executable, "-c", "pass"]).returncode == 0  # children still start


# --- 7a: an interrupt while the server starts leaves nothing behind ---

def test_an_interrupt_while_the_server_starts_leaves_no_process_and_no_file(tmp_path, monkeypatch):
    model = tmp_path / "model.gguf"
    model.write_bytes(b"GGUF not really")
    monkeypatch.setattr(llm_server, "local_model_path", lambda name="smollm2", data_dir=None: model)

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    started = []
    real_start = llm_server.LocalServer.start
    monkeypatch.setattr(llm_server.LocalServer, "start", lambda self: started.append(self) or real_start(self))
    monkeypatch.setattr(urllib.request, "urlopen", interrupted)  # Ctrl-C while it waits for /health
    before = dict(llm_server._RUNNING)
    with pytest.raises(KeyboardInterrupt):
        llm_server.local_servers(servers=1, threads=1)
    server = started[0]
    assert server.process.poll() is not None, "the half-started server is still running"
    assert not server.slot_dir.exists() and not server.log_path.exists()
    assert llm_server._RUNNING == before


# --- 7b: a never-answering endpoint fails after one timeout, naming the endpoint ---

def test_a_stuck_endpoint_fails_after_one_timeout_not_three(endpoint, remote):
    srv = endpoint("stuck", seconds=30)
    remote(srv.url)
    conn = llm.connect(timeout=1.0)  # the default max_retries
    began = time.monotonic()
    with pytest.raises(llm.LLMError, match=rf"LLM at {srv.url}/? took the request and sent nothing back within 1.0 s"):
        llm.Labeler(conn).generate(MSG)
    assert time.monotonic() - began < 2.5 and srv.hits == 1


# --- 7c: Ctrl-C while a request is stuck surfaces at once ---

@pytest.mark.skipif(not hasattr(signal, "pthread_kill"), reason="needs signal.pthread_kill")
def test_ctrl_c_on_a_stuck_endpoint_surfaces_within_2_s(endpoint):
    srv = endpoint("stuck", seconds=8)
    client = openai.OpenAI(base_url=srv.url, api_key="x", timeout=6, max_retries=0)
    labeler = llm.Labeler(llm.Connection(client, "m"))
    main = threading.main_thread().ident
    sent = []
    timer = threading.Timer(0.5, lambda: (sent.append(time.monotonic()), signal.pthread_kill(main, signal.SIGINT)))
    timer.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            labeler.generate(MSG)
        surfaced = time.monotonic() - sent[0]
    finally:
        timer.cancel()
    assert surfaced <= 2.0, f"Ctrl-C surfaced {surfaced:.1f} s after it was pressed"


# --- 7d: max_tokens beyond the bundled server's context fails at once ---

def test_max_tokens_beyond_the_context_is_refused_before_sending(endpoint, tmp_path):
    srv = endpoint("ok")
    model = tmp_path / "model.gguf"
    model.write_bytes(b"")
    server = llm_server.LocalServer(model_path=model, threads=1, n_ctx=2048, port=srv.server_port)  # not started
    client = openai.OpenAI(base_url=srv.url, api_key="local", max_retries=0)
    labeler = llm.Labeler(llm.Connection(client, "m", server))
    with pytest.raises(llm.LLMError, match="max_tokens=5000 does not fit the bundled server's context of 2048"):
        labeler.generate(MSG, max_tokens=5000)
    assert srv.hits == 0
    assert labeler.generate(MSG, max_tokens=12)["label"].tolist() == [1]  # within the context: sent as before


# --- 8: stale files ---

def test_the_next_start_removes_what_dead_kernels_left_in_the_temp_folder(tmp_path, monkeypatch):
    monkeypatch.setattr(llm_server.tempfile, "tempdir", str(tmp_path))
    dead = 4194305  # above Linux's largest pid: no such process
    (tmp_path / f"llama-server-{dead}-8080.log").write_text("log")
    (tmp_path / f"llama-slots-{dead}-abcd1234").mkdir()
    (tmp_path / f"llama-slots-{dead}-abcd1234" / "0123456789abcdef.bin").write_bytes(b"slot")
    (tmp_path / ("llama-slots-zzzz9999" + "0123456789abcdef.bin")).write_bytes(b"older version")  # its folder is gone
    live = [tmp_path / f"llama-slots-{os.getpid()}-efgh5678", tmp_path / f"llama-server-{os.getpid()}-1.log",
            tmp_path / "llama-slots-yyyy8888", tmp_path / ("llama-slots-yyyy8888" + "0123456789abcdef.bin"),
            tmp_path / "llama-notes.txt", tmp_path / "other.bin"]
    for path in live:
        path.mkdir() if "." not in path.name else path.write_text("keep")
    llm_server.remove_stale_files()
    assert sorted(tmp_path.iterdir()) == sorted(live)


def test_a_truncated_onnx_export_names_the_file_to_delete(tmp_path):
    broken = tmp_path / "all-mpnet-base-v2.onnx"
    broken.write_bytes(b"\x08\x07\x12\x07pytorch" + b"\0" * 100)  # the first bytes of an export, then nothing
    with pytest.raises(DataError, match=rf"{broken}.*delete it"):
        embeddings.mpnet_session(str(broken))


# --- 10: an unreachable Ray address, and an endpoint that answers HTML ---

@pytest.mark.parametrize("scheme", ["", "ray://"])
def test_an_unreachable_ray_address_fails_within_30_s_and_names_it(scheme):
    address = f"{scheme}127.0.0.1:{procs.free_port()}"
    code = f"from helpers import scale; scale.start(address={address!r})"
    began = time.monotonic()
    try:
        run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    except subprocess.TimeoutExpired:
        pytest.fail(f"scale.start(address={address!r}) still waited after 60 s")
    assert time.monotonic() - began < 30
    assert run.returncode != 0 and "ConnectionError" in run.stderr and address in run.stderr


def test_an_endpoint_answering_html_is_a_clear_error(endpoint, remote, monkeypatch):
    srv = endpoint("html")
    client = openai.OpenAI(base_url=srv.url, api_key="x", max_retries=0)
    with pytest.raises(llm.LLMError, match=rf"{srv.url}.*not an OpenAI-style JSON reply.*OpenAI-compatible"):
        llm.Labeler(llm.Connection(client, "m")).generate(MSG)
    remote(srv.url)
    monkeypatch.delenv("OPENAI_MODEL")
    with pytest.raises(llm.LLMError, match=rf"Could not list the models at {srv.url}.*OpenAI-compatible"):
        llm.connect()


@pytest.mark.slow
def test_with_default_settings_a_stuck_endpoint_fails_within_35_s(endpoint, remote):
    srv = endpoint("stuck", seconds=120)
    remote(srv.url)
    began = time.monotonic()
    with pytest.raises(llm.LLMError, match=rf"LLM at {srv.url}/? took the request and sent nothing back"):
        llm.Labeler(llm.connect()).generate(MSG)
    waited = time.monotonic() - began
    print(f"a stuck endpoint failed after {waited:.1f} s")
    assert waited <= 35 and srv.hits == 1
