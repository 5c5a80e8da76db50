"""Label Studio's process: started in the background from its own environment, stopped, and asked for its status
(``python -m helpers.internal.labelstudio_server start|stop|status``, which ``make labelstudio-start`` and
``make labelstudio-stop`` run). The client the deep dive 06b uses is :mod:`helpers.labelstudio`."""

from __future__ import annotations

import os
import subprocess
import sys
import time

from helpers.internal.procs import command_line, detached, stop_group, venv_program
from helpers.labelstudio import HOME, Client, LabelStudioError, settings
from helpers.validate import choice

# --- the server ----------------------------------------------------------------------------------------------------

# Label Studio's SSRF protection refuses to call any reserved network, loopback included, so by default it cannot
# reach an ML backend (or its webhook) on this machine. The server is given the same list without loopback: it may
# call 127.0.0.1 and ::1, and still no private, link-local (cloud metadata) or other reserved network. The list is
# Label Studio 1.23's own (core/utils/io.py, validate_ip).
BANNED_SUBNETS_BUT_LOOPBACK = (
    "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "169.254.0.0/16", "172.16.0.0/12", "192.0.0.0/24", "192.0.2.0/24",
    "192.88.99.0/24", "192.168.0.0/16", "198.18.0.0/15", "198.51.100.0/24", "203.0.113.0/24", "224.0.0.0/4",
    "233.252.0.0/24", "240.0.0.0/4", "255.255.255.255/32", "::/128", "::ffff:0:0/96", "::ffff:0:0:0/96",
    "64:ff9b::/96", "64:ff9b:1::/48", "100::/64", "2001:0000::/32", "2001:20::/28", "2001:db8::/32", "2002::/16",
    "fc00::/7", "fe80::/10", "ff00::/8")


def server_env() -> dict:
    """The server's environment: provisioned account and token, loopback only, nothing phoned home, and loopback
    the one reserved network it may call (the ML backend, see ``BANNED_SUBNETS_BUT_LOOPBACK``), with time to
    answer. Label Studio also reads unprefixed PORT, HOST, USERNAME and PASSWORD; they are removed so that a shell's
    own cannot leak in."""
    s = settings()
    env = {k: v for k, v in os.environ.items() if k not in ("PORT", "HOST", "USERNAME", "PASSWORD")}
    env.update(LABEL_STUDIO_BASE_DATA_DIR=str(HOME), LABEL_STUDIO_USERNAME=s.username,
               LABEL_STUDIO_PASSWORD=s.password, LABEL_STUDIO_USER_TOKEN=s.token,
               LABEL_STUDIO_LATEST_VERSION_CHECK="false", COLLECT_ANALYTICS="false", SENTRY_DSN="",
               FRONTEND_SENTRY_DSN="", LABEL_STUDIO_HOST=f"http://127.0.0.1:{s.port}",
               USE_DEFAULT_BANNED_SUBNETS="false", USER_ADDITIONAL_BANNED_SUBNETS=",".join(BANNED_SUBNETS_BUT_LOOPBACK),
               # it gives an ML backend 1 s to answer /health and 3 s for /setup: too little on a busy 2-core machine
               ML_TIMEOUT_HEALTH="10", ML_TIMEOUT_SETUP="30")
    return env


def _ours(pid: int) -> bool:
    """Whether the live process ``pid`` is Label Studio from this project's environment (its command line runs
    our ``label-studio start``) and leads its own process group, as :func:`start` starts it."""
    cmd = command_line(pid) or ""
    exe = str(venv_program(settings().venv, "label-studio"))
    try:
        leader = not hasattr(os, "getpgid") or os.getpgid(pid) == pid
    except OSError:
        return False
    return exe in cmd and " start" in cmd and leader


def _pid() -> int | None:
    """The pid in ``server.pid`` if that process is alive and provably ours (:func:`_ours`); a pid file alone is
    not proof (after a crash or a reboot its pid may belong to anything), so a stale file is removed, and said."""
    path = HOME / "server.pid"
    try:
        pid = int(path.read_text().split()[0])
    except (FileNotFoundError, ValueError, IndexError):
        return None
    if command_line(pid) is None:  # gone
        path.unlink(missing_ok=True)
        return None
    if not _ours(pid):
        print(f"{path} names pid {pid}, which is not the Label Studio this project started (its command line: "
              f"{(command_line(pid) or '?')[:100]!r}); it was not signalled, and the stale pid file was removed.")
        path.unlink(missing_ok=True)
        return None
    return pid


def start(wait: float = 300.0) -> None:
    """Start the server in the background (if it is not running) and wait until it answers, at most ``wait`` s."""
    s = settings()
    exe = venv_program(s.venv, "label-studio")
    if not exe.exists():
        raise LabelStudioError(f"Label Studio is not installed at {s.venv}: run `make labelstudio-setup`.")
    if Client().health():
        print(f"Label Studio already answers at {s.url}")
        return
    HOME.mkdir(parents=True, exist_ok=True)
    log = open(HOME / "server.log", "ab")
    proc = subprocess.Popen([str(exe), "start", "--no-browser", "--internal-host", "127.0.0.1", "--port", str(s.port),
                             "--enable-legacy-api-token"], env=server_env(), stdout=log, stderr=log,
                            **detached())
    (HOME / "server.pid").write_text(f"{proc.pid}\n")  # stop() checks the live process is this one
    began = time.monotonic()
    while time.monotonic() - began < wait:
        if proc.poll() is not None:
            raise LabelStudioError(f"Label Studio exited with code {proc.returncode}; see {HOME / 'server.log'}")
        if Client().health():
            print(f"Label Studio answers at {s.url} after {time.monotonic() - began:.0f} s "
                  f"(log in as {s.username} / {s.password})")
            return
        time.sleep(2)
    stop()
    raise LabelStudioError(f"Label Studio did not answer within {wait:.0f} s; see {HOME / 'server.log'}")


def stop() -> None:
    """Stop the server started by ``start`` (its whole process group), if it is still provably ours."""
    pid = _pid()
    if pid is None:
        print("Label Studio is not running (no live Label Studio pid in data/labelstudio/server.pid)")
        return
    stop_group(pid)
    for _ in range(50):
        if not command_line(pid):
            break
        time.sleep(0.2)
    else:
        if _ours(pid):  # checked again: a pid is only ever signalled while it is still our server
            stop_group(pid, force=True)
    (HOME / "server.pid").unlink(missing_ok=True)
    print(f"Label Studio (pid {pid}) stopped")


if __name__ == "__main__":
    action = sys.argv[1] if len(sys.argv) > 1 else "status"
    choice(action, ("start", "stop", "status"), "action")
    if action == "status":
        print(f"Label Studio at {settings().url}: {'answers' if Client().health() else 'not running'}")
    else:
        {"start": start, "stop": stop}[action]()
