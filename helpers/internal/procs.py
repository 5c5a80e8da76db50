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


def command_line(pid: int) -> str | None:
    """The command line of the live process ``pid``, its arguments joined by spaces; None when there is no such
    process (or it cannot be read), "" for one that has exited but not been reaped. Linux reads
    ``/proc/<pid>/cmdline``; elsewhere ``ps`` (macOS) or ``wmic`` (Windows) is asked."""
    if Path("/proc/self/cmdline").exists():
        try:
            return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
        except OSError:
            return None
    if os.name == "nt":
        cmd = ["wmic", "process", "where", f"ProcessId={int(pid)}", "get", "CommandLine", "/value"]
    else:
        cmd = ["ps", "-o", "command=", "-p", str(int(pid))]
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return None
    text = out.stdout.strip().removeprefix("CommandLine=")
    return text if out.returncode == 0 and text else None


def stop_group(pid: int, force: bool = False) -> None:
    """Ask the process group led by ``pid`` (started with :func:`detached`) to stop, or kill it with ``force``: its
    whole tree on Windows (``taskkill /T``), where there is no ``killpg``. Nothing is signalled unless ``pid`` still
    leads a group of its own (a pid alone is not proof: the caller checks whose process it is, see
    :func:`command_line`)."""
    if hasattr(os, "killpg"):
        try:
            if os.getpgid(pid) != pid:
                raise RuntimeError(f"process {pid} does not lead a process group of its own, so it is not a server "
                                   "this project started; nothing was signalled")
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
