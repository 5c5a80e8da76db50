"""The bundled LLM server's life follows the kernel's (real signals, real processes), its replies do not depend on
what ran before, and the portable fallbacks work where the usual call is missing."""

import os
import signal
import subprocess
import sys
import time
import urllib.request

import pytest

from course import results
from helpers import data, llm
from helpers.internal import llm_server

KERNEL = r"""
import signal, sys, time
from helpers import llm
conn = llm.connect()
# what an interrupted cell does to a kernel: it goes on (a handler, not a try around the loop, so that a SIGINT
# arriving between two statements cannot end this stand-in kernel)
signal.signal(signal.SIGINT, lambda *_: print("interrupted", flush=True))
print(conn.server.port, conn.server.process.pid, flush=True)
while True:
    time.sleep(0.1)
"""


def answers(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as r:
            return r.status == 200
    except OSError:
        return False


def gone(pid: int, within: float) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.1)
    return False


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(os, "killpg"), reason="process groups and SIGKILL are POSIX")
def test_an_interrupt_leaves_the_server_running_and_a_killed_kernel_takes_it_along():
    kernel = subprocess.Popen([sys.executable, "-c", KERNEL], stdout=subprocess.PIPE, text=True,
                              start_new_session=True)  # a kernel in its own process group, as Jupyter starts it
    try:
        port, server_pid = map(int, kernel.stdout.readline().split())
        assert answers(port)
        os.killpg(kernel.pid, signal.SIGINT)  # Jupyter's interrupt: SIGINT to the kernel's whole group
        assert kernel.stdout.readline().strip() == "interrupted"
        time.sleep(0.5)
        assert kernel.poll() is None and answers(port)
        kernel.send_signal(signal.SIGKILL)  # a kernel that dies without cleaning up
        assert gone(server_pid, within=15), "the server outlived its kernel"
        assert not answers(port)
    finally:
        kernel.kill()
        kernel.wait()


@pytest.mark.slow
def test_connect_twice_reuses_the_running_server(monkeypatch):
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    first, second = llm.connect(), llm.connect()
    try:
        assert first.server is second.server and first.server.alive()
    finally:
        first.close()
    assert not first.server.alive()
    third = llm.connect()  # closed: the next connect starts a new one
    try:
        assert third.server is not first.server and third.server.alive()
    finally:
        third.close()


@pytest.mark.slow
def test_scores_and_generations_do_not_depend_on_what_ran_before(local_llm):
    """The failure this prevents: a notebook's compared output changed because the server's prompt cache held
    other requests (another order, a partly warm response cache, requests in flight at once)."""
    movies = data.binary(data.load())
    prompt, _ = llm.chosen_prompt(movies)
    texts = llm.clear_items(movies, "test", 8, seed=3)["text"].tolist()
    conn = local_llm
    lab = llm.Labeler(conn)
    forward = lab.score([prompt(t) for t in texts])
    lab.generate([llm.role_messages("Something else entirely.")])
    backward = lab.score([prompt(t) for t in texts[::-1]])[::-1]
    alone = lab.score([prompt(texts[5])])
    in_flight = llm.Labeler(conn, concurrency=4).score([prompt(t) for t in texts])
    assert (forward == backward).all() and (forward[5] == alone[0]).all() and (forward == in_flight).all()
    chats = [llm.role_messages(t) for t in texts[:3]]
    assert lab.generate(chats)["reply"].tolist() == lab.generate(chats[::-1])["reply"].tolist()[::-1]
    # by hand, without the labeler: the server's default is a reply computed from scratch
    by_hand = [conn.client.completions.create(model=conn.model, prompt=prompt(t), max_tokens=1, temperature=0,
                                              logprobs=5).choices[0].text for t in texts[:2]]
    assert by_hand == [conn.client.completions.create(model=conn.model, prompt=prompt(t), max_tokens=1,
                                                      temperature=0, logprobs=5).choices[0].text
                       for t in texts[:2]]


@pytest.mark.slow
def test_the_real_server_sends_llama_cpp_logprobs_and_the_labeler_reads_them(local_llm):
    conn = local_llm
    choice = conn.client.completions.create(model=conn.model, prompt="Review: A triumph.\nSentiment:",
                                            max_tokens=1, temperature=0, logprobs=5).model_dump()["choices"][0]
    assert choice["logprobs"]["content"][0]["top_logprobs"]  # llama.cpp's layout, as the issue says
    top = llm.read_top_logprobs(choice)
    assert len(top) >= 2 and all(v <= 0 for v in top.values())


def test_a_bad_thread_setting_is_refused_before_anything_starts(monkeypatch):
    monkeypatch.setenv("LABELING_LLM_THREADS", "two")
    with pytest.raises(llm.LLMError, match="LABELING_LLM_THREADS must be a whole number >= 1, got 'two'"):
        llm_server.setting("THREADS")
    with pytest.raises(ValueError, match="threads must be a whole number >= 1, got 0.5"):
        llm_server.LocalServer(model_path="unused.gguf", threads=0.5)


def test_the_default_set_up_is_the_one_the_benchmark_chose():
    chosen = results.benchmark("llm_threads")["chosen"]
    assert (llm_server.DEFAULT_THREADS, llm_server.DEFAULT_SERVERS) == (chosen["threads"], chosen["servers"])
