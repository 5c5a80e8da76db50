"""Each Linux-only call on a path students run has a fallback, tested here by simulating its absence: the CPU count
(macOS and Windows have no ``sched_getaffinity``), process groups and signals (Windows), the venv layout (``bin/`` or
``Scripts\\``), and where the browser for the browser test is."""

import os
import subprocess
from pathlib import Path

from helpers.internal import procs
from tests.servers import find_browser


def test_cpu_count_without_the_linux_only_calls(monkeypatch):
    monkeypatch.delattr(os, "process_cpu_count", raising=False)
    monkeypatch.delattr(os, "sched_getaffinity", raising=False)  # as on macOS and Windows
    monkeypatch.setattr(os, "cpu_count", lambda: 6)
    assert procs.usable_cpus() == 6
    monkeypatch.setattr(os, "cpu_count", lambda: None)
    assert procs.usable_cpus() == 1


def test_detached_children_without_posix_sessions(monkeypatch):
    if hasattr(os, "setsid"):
        assert procs.detached() == {"start_new_session": True}
    monkeypatch.delattr(os, "setsid", raising=False)  # as on Windows
    monkeypatch.setattr(subprocess, "CREATE_NEW_PROCESS_GROUP", 0x200, raising=False)
    assert procs.detached() == {"creationflags": 0x200}


def test_stopping_a_group_without_killpg_uses_taskkill(monkeypatch):
    calls = []
    monkeypatch.delattr(os, "killpg", raising=False)  # as on Windows
    monkeypatch.setattr(subprocess, "run", lambda cmd, **kw: calls.append(cmd))
    procs.stop_group(4242, force=True)
    assert calls == [["taskkill", "/PID", "4242", "/T", "/F"]]


def test_venv_programs_in_either_layout(tmp_path):
    (tmp_path / "win" / "Scripts").mkdir(parents=True)
    (tmp_path / "win" / "Scripts" / "label-studio.exe").touch()
    (tmp_path / "posix" / "bin").mkdir(parents=True)
    (tmp_path / "posix" / "bin" / "label-studio").touch()
    assert procs.venv_program(tmp_path / "win", "label-studio") == tmp_path / "win" / "Scripts" / "label-studio.exe"
    assert procs.venv_program(tmp_path / "posix", "label-studio") == tmp_path / "posix" / "bin" / "label-studio"


def test_the_browser_is_found_by_name_or_setting(monkeypatch):
    on_path = {"chromium-browser": "/opt/bin/chromium-browser", "chromedriver": "/opt/bin/chromedriver"}
    monkeypatch.delenv("CHROMIUM", raising=False)
    monkeypatch.delenv("CHROMEDRIVER", raising=False)
    assert find_browser(on_path.get) == (Path("/opt/bin/chromium-browser"), Path("/opt/bin/chromedriver"))
    assert find_browser({}.get) == (None, None)
    monkeypatch.setenv("CHROMIUM", "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome")
    assert find_browser({}.get)[0] == Path("/Applications/Google Chrome.app/Contents/MacOS/Google Chrome")
