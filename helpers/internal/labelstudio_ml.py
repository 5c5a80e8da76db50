"""The lecture's ML backend for real: notebook 02's classifier as the web service Label Studio itself calls to
pre-label tasks and to retrain as annotations arrive (deep dive 06b, last section).

The backend is ``labelstudio/ml_backend/`` (``model.py``, ``_wsgi.py``) on the official SDK, ``label-studio-ml``, in
an environment of its own (``.venv-labelstudio-ml``, from ``labelstudio/ml-backend.lock`` by ``make
labelstudio-ml-setup``; ``LABEL_STUDIO_ML_VENV`` overrides where). :class:`MLBackend` starts it as a child process
on a free loopback port with the embedding matrix the tasks' ``data.row`` index, waits for its ``/health``, and
stops it; ``helpers.labelstudio.Client.connect_ml_backend`` and the calls after it make Label Studio use it.
"""

from __future__ import annotations

import atexit
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import httpx
import numpy as np

from helpers import labelstudio
from helpers.internal.procs import detached, free_port, stop_group, venv_program

BACKEND_DIR = labelstudio.ROOT / "labelstudio" / "ml_backend"
SETUP_HINT = "install it with `make labelstudio-ml-setup`"


def venv() -> Path:
    return Path(os.environ.get("LABEL_STUDIO_ML_VENV", labelstudio.ROOT / ".venv-labelstudio-ml"))


def python() -> Path:
    """The backend environment's interpreter; a clear error when it is not installed."""
    exe = venv_program(venv(), "python")
    if exe.exists():
        return exe
    raise labelstudio.LabelStudioError(f"The ML backend's environment is not installed at {venv()}: {SETUP_HINT}.")


class MLBackend:
    """The backend on ``127.0.0.1:<free port>``, serving predictions from ``embeddings`` (the matrix the tasks'
    ``data.row`` index) and reading annotations back from the Label Studio at ``labelstudio.settings()``. Use it as
    a context manager, or ``start()`` / ``stop()``; an interpreter that exits stops it too."""

    def __init__(self, embeddings, startup_timeout: float = 60.0):
        X = np.asarray(embeddings)
        if X.ndim != 2 or len(X) == 0 or not np.isfinite(X).all():
            raise ValueError(f"embeddings must be a non-empty 2-D matrix of finite numbers, got shape {X.shape}")
        self.embeddings, self.startup_timeout = X, startup_timeout
        self.port, self.process, self.workdir = free_port(), None, None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def health(self) -> bool:
        try:
            return httpx.get(f"{self.url}/health", timeout=2).status_code == 200
        except httpx.TransportError:
            return False

    def start(self) -> "MLBackend":
        exe = python()
        self.workdir = Path(tempfile.mkdtemp(prefix="labelstudio-ml-"))
        np.save(self.workdir / "embeddings.npy", self.embeddings)
        s = labelstudio.settings()
        env = {**os.environ, "MODEL_DIR": str(self.workdir / "runs"),
               "EMBEDDINGS": str(self.workdir / "embeddings.npy"),
               "LABEL_STUDIO_URL": s.url, "LABEL_STUDIO_API_KEY": s.token,  # where fit() reads the answers back
               "LABEL_STUDIO_ML_BACKEND_V2": "true",  # the SDK's protocol since Label Studio 1.5: setup + webhooks
               "PYTHONDONTWRITEBYTECODE": "1"}
        with open(self.workdir / "backend.log", "wb") as log:
            self.process = subprocess.Popen([str(exe), "_wsgi.py", str(self.port)], cwd=BACKEND_DIR, env=env,
                                            stdin=subprocess.PIPE, stdout=log, stderr=subprocess.STDOUT, **detached())
        _RUNNING.add(self)
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                tail = self.log_tail()
                self.stop()
                raise labelstudio.LabelStudioError(f"The ML backend exited with code {self.process.returncode}:\n"
                                                   f"{tail}")
            if self.health():
                return self
            time.sleep(0.2)
        tail = self.log_tail()
        self.stop()
        raise labelstudio.LabelStudioError(f"The ML backend did not answer within {self.startup_timeout:.0f} s:\n"
                                           f"{tail}")

    def log_tail(self, n: int = 20) -> str:
        try:
            return "\n".join((self.workdir / "backend.log").read_text(errors="replace").splitlines()[-n:])
        except (OSError, TypeError):
            return "(no log)"

    def stop(self) -> None:
        """Stop the server and the training runs it forked (its process group), and remove its files."""
        _RUNNING.discard(self)
        if self.process is not None and self.process.poll() is None:
            stop_group(self.process.pid)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                stop_group(self.process.pid, force=True)
                self.process.wait()
        if self.process is not None and self.process.stdin and not self.process.stdin.closed:
            self.process.stdin.close()
        if self.workdir is not None:
            shutil.rmtree(self.workdir, ignore_errors=True)

    def __enter__(self) -> "MLBackend":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


_RUNNING: set[MLBackend] = set()


@atexit.register
def stop_all() -> None:
    """Stop every backend this interpreter started (the closed pipe also ends one whose interpreter was killed)."""
    for backend in list(_RUNNING):
        backend.stop()
