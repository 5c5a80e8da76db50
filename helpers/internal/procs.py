"""Processes on any OS, for the servers the series starts (the bundled LLM, Label Studio, its ML backend): how many
CPUs this process may use, a free loopback port, a child in a process group of its own, stopping such a group, and a
virtual environment's programs. Each has a fallback for where the usual call does not exist (macOS has no
``sched_getaffinity``, Windows no process groups in the POSIX sense, and its venvs keep programs in ``Scripts\\``,
not ``bin/``)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
from pathlib import Path


def usable_cpus() -> int:
    """CPUs this process may run on: ``os.process_cpu_count`` (Python 3.13+), else the Linux affinity mask, else
    ``os.cpu_count()``."""
    if hasattr(os, "process_cpu_count"):
        return os.process_cpu_count() or 1
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def free_port() -> int:
    """A TCP port nothing listens on at 127.0.0.1 now (the OS picks it), for a child server to bind."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def detached() -> dict:
    """``Popen`` arguments that put a child in a process group of its own, so a signal to the kernel's group (an
    interrupt) does not reach it: a new session on POSIX, a new process group on Windows."""
    if hasattr(os, "setsid"):
        return {"start_new_session": True}
    return {"creationflags": getattr(subprocess, "CREATE_NEW_PROCESS_GROUP", 0)}


def stop_group(pid: int, force: bool = False) -> None:
    """Ask the process group led by ``pid`` (started with :func:`detached`) to stop, or kill it with ``force``: its
    whole tree on Windows (``taskkill /T``), where there is no ``killpg``."""
    if hasattr(os, "killpg"):
        try:
            os.killpg(pid, signal.SIGKILL if force else signal.SIGTERM)
        except ProcessLookupError:
            pass
        return
    subprocess.run(["taskkill", "/PID", str(pid), "/T", *(["/F"] if force else [])], capture_output=True)


def venv_program(venv: Path, name: str) -> Path:
    """A program inside a virtual environment: ``bin/<name>`` on POSIX, ``Scripts\\<name>.exe`` on Windows."""
    for candidate in (Path(venv) / "bin" / name, Path(venv) / "Scripts" / f"{name}.exe"):
        if candidate.exists():
            return candidate
    return Path(venv) / ("Scripts" if os.name == "nt" else "bin") / (f"{name}.exe" if os.name == "nt" else name)
