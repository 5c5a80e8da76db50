"""Issue 42, findings 7 and 8 with the real bundled server: no file left in the temp folder after close(), and an
interrupted connect() leaves no server behind (the next one starts exactly the servers it needs)."""

import os
import signal
import tempfile
from pathlib import Path

import pytest

from helpers import llm
from helpers.internal import llm_server


@pytest.fixture
def private_tmp(tmp_path, monkeypatch):
    """The temp folder of this process, for the test alone (so another run's files do not count)."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def our_servers() -> list[int]:
    """Pids of the llm_serve processes this process started (Linux: read from /proc)."""
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            ppid = int(stat.read_text().rsplit(")", 1)[1].split()[1])
            cmd = (stat.parent / "cmdline").read_bytes()
        except (OSError, ValueError, IndexError):
            continue
        if ppid == os.getpid() and b"helpers.internal.llm_serve" in cmd:
            out.append(int(stat.parent.name))
    return out


@pytest.mark.slow
def test_no_file_is_left_in_the_temp_folder_after_close(private_tmp, local_llm):
    lab = llm.Labeler(local_llm)
    prompt = llm.ScoringPrompt(shots=(("A triumph.", 1), ("Dull and lifeless.", 0)))
    lab.score([prompt("Wonderful, moving and funny."), prompt("A tedious, boring mess.")])  # saves slot files
    for server in local_llm.servers:
        assert server.pinned and list(server.slot_dir.glob("*.bin")), "the slot files are not in the slot folder"
    local_llm.close()
    assert not list(private_tmp.iterdir())


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
def test_an_interrupted_connect_leaves_no_server_and_the_next_starts_only_what_it_needs(monkeypatch):
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    llm_server.stop_all()  # servers an earlier test of this process started (connect() reuses them by design)
    assert not our_servers()
    real_urlopen = llm_server.urllib.request.urlopen

    def ctrl_c_while_it_loads(*args, **kwargs):  # a real SIGINT, delivered while start() waits for /health
        signal.raise_signal(signal.SIGINT)
        return real_urlopen(*args, **kwargs)

    with monkeypatch.context() as patch:
        patch.setattr(llm_server.urllib.request, "urlopen", ctrl_c_while_it_loads)
        with pytest.raises(KeyboardInterrupt):
            llm.connect(servers=1)
    assert not our_servers(), "an interrupted connect() left a server running"
    conn = llm.connect(servers=1)
    try:
        assert our_servers() == [conn.server.process.pid]
    finally:
        conn.close()
    assert not our_servers()
