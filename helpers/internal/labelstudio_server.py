"""Label Studio's process: started in the background from its own environment, stopped, and asked for its status
(``python -m helpers.internal.labelstudio_server start|stop|status``, which ``make labelstudio-start`` and
``make labelstudio-stop`` run). The client the deep dive 06b uses is :mod:`helpers.labelstudio`."""

from __future__ import annotations

import os
import subprocess
import sys
import time

from helpers.internal.procs import detached, stop_group, venv_program
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


def _pid() -> int | None:
    try:
        pid = int((HOME / "server.pid").read_text())
        os.kill(pid, 0)
        return pid
    except (FileNotFoundError, ValueError, ProcessLookupError):
        return None


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
    (HOME / "server.pid").write_text(str(proc.pid))
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
    """Stop the server started by ``start`` (its whole process group)."""
    pid = _pid()
    if pid is None:
        print("Label Studio is not running (no live pid in data/labelstudio/server.pid)")
        return
    stop_group(pid)
    for _ in range(50):
        if _pid() is None:
            break
        time.sleep(0.2)
    else:
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
