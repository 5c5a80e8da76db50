"""Part 2 in a real annotation tool: Label Studio on loopback, and a small client for the REST calls of the Label
Studio deep dive (notebooks/deep-dives/06b_label_studio.ipynb), those that connect a project to the ML backend of
:mod:`helpers.internal.labelstudio_ml` included.

Label Studio runs from its own virtual environment (``.venv-labelstudio``; it needs ``openai<2`` and its SDK
``numpy<2.3``, which the series' environment cannot have), installed by ``make labelstudio-setup`` from
``labelstudio/requirements.lock`` and started and stopped by ``make labelstudio-start`` / ``make labelstudio-stop``
(:mod:`helpers.internal.labelstudio_server`). It listens on 127.0.0.1 only, keeps its database under
``data/labelstudio/``, and is provisioned with one account and an API token (:func:`settings`: defaults below, each
overridden by its ``LABEL_STUDIO_...`` environment variable, read when it is used, not at import).

Taught in deep dive 06b (the only notebook that uses it); also used by :mod:`helpers.internal.labelstudio_ml`.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import numpy as np

from helpers.internal.paths import DATA_DIR, ROOT
from helpers.labels import ABSTAIN, LABELS, confidence
from helpers.validate import choice, text_list, whole

HOME = DATA_DIR / "labelstudio"  # database, media, pid and log (git-ignored like all of data/)


START_HINT = "start it with `make labelstudio-start` (after `make labelstudio-setup`)"

FROM_NAME, TO_NAME = "sentiment", "text"
# A project's labeling interface, in Label Studio's XML: the sentence (task field "text") and one choice of LABELS.
LABEL_CONFIG = f"""<View>
  <Text name="{TO_NAME}" value="$text"/>
  <Choices name="{FROM_NAME}" toName="{TO_NAME}" choice="single" showInline="true">
{chr(10).join(f'    <Choice value="{name}"/>' for name in LABELS)}
  </Choices>
</View>"""


class LabelStudioError(RuntimeError):
    """A Label Studio call that failed, with what to do about it."""


@dataclass(frozen=True)
class Settings:
    venv: Path
    port: int
    url: str
    username: str
    password: str
    token: str


def settings() -> Settings:
    """Where Label Studio is installed and listens, and its account: ``LABEL_STUDIO_VENV``, ``_PORT``, ``_URL``,
    ``_USERNAME``, ``_PASSWORD`` and ``_USER_TOKEN`` if set, else the defaults; read on every call, so a variable set
    in a notebook takes effect without a restart."""
    env = os.environ.get
    port = env("LABEL_STUDIO_PORT", "8089")
    if not port.isdigit() or not 0 < int(port) < 65536:
        raise LabelStudioError(f"LABEL_STUDIO_PORT must be a port number (1-65535), got {port!r}")
    return Settings(venv=Path(env("LABEL_STUDIO_VENV", ROOT / ".venv-labelstudio")), port=int(port),
                    url=env("LABEL_STUDIO_URL", f"http://127.0.0.1:{port}"),
                    username=env("LABEL_STUDIO_USERNAME", "student@example.com"),
                    password=env("LABEL_STUDIO_PASSWORD", "labeling-course"),
                    token=env("LABEL_STUDIO_USER_TOKEN", "labeling-course-local-token-0000000000"))


# --- the labels in Label Studio's JSON -----------------------------------------------------------------------------

def choice_result(label: int) -> list[dict]:
    """The ``result`` of an annotation or prediction that picks one of ``LABELS`` (by label id)."""
    choice(label, range(len(LABELS)), "label id")
    return [{"from_name": FROM_NAME, "to_name": TO_NAME, "type": "choices",
             "value": {"choices": [LABELS[label]]}}]


def read_choice(result) -> int:
    """The label id an annotation's or prediction's ``result`` picks; ``ABSTAIN`` for an empty (skipped) one. A
    result this project's config cannot have produced is an error, never a guess.

    Args:
        result: the ``result`` list of one annotation or prediction, as Label Studio stores it.

    Returns:
        The label id, an index into ``LABELS`` (0 NEGATIVE, 1 POSITIVE), or ``ABSTAIN`` (-1) when nothing is picked.

    Raises:
        LabelStudioError: if ``result`` is not a list, picks several choices, or picks a name not in ``LABELS``.
    """
    if not isinstance(result, list):
        raise LabelStudioError(f"malformed result: expected a list of regions, got {type(result).__name__}")
    picked = [c for r in result if isinstance(r, dict) and r.get("from_name") == FROM_NAME
              for c in (r.get("value") or {}).get("choices", [])]
    if not picked:
        return ABSTAIN
    if len(picked) > 1 or picked[0] not in LABELS:
        raise LabelStudioError(f"malformed result: choices {picked}; expected one of {list(LABELS)}")
    return LABELS.index(picked[0])


# --- the client ----------------------------------------------------------------------------------------------------

class Client:
    """The REST calls the Label Studio deep dive makes, on ``httpx``, with token authentication
    (``Authorization: Token ...``).

    Args:
        url: the server's address; None means :func:`settings`' (``LABEL_STUDIO_URL``, http://127.0.0.1:8089).
        token: the account's API token; None means :func:`settings`' (``LABEL_STUDIO_USER_TOKEN``, the provisioned one).
        timeout: seconds one request may take before it fails.

    Attributes:
        url: the server's address, without a trailing slash (the deep dive builds browser links from it).

    Raises:
        LabelStudioError: from every call below when no server answers, the server refuses the token, a request
            fails (with Label Studio's reasons where it gives them), or a ``project`` id is unknown (the error
            lists the projects there are).
    """

    def __init__(self, url: str | None = None, token: str | None = None, timeout: float = 60.0):
        self.url = (url or settings().url).rstrip("/")
        self.http = httpx.Client(base_url=self.url, timeout=timeout,
                                 headers={"Authorization": f"Token {token or settings().token}"})

    def _call(self, method: str, path: str, **kwargs):
        try:
            response = self.http.request(method, path, **kwargs)
        except httpx.TransportError as e:
            raise LabelStudioError(f"No Label Studio server answers at {self.url} ({type(e).__name__}): "
                                   f"{START_HINT}.") from e
        if response.status_code == 403 and "reserved network address" in response.text:
            raise LabelStudioError(f"The Label Studio server at {self.url} refused to call that address (its SSRF "
                                   f"protection: {response.json().get('detail')}). Started with this series' settings "
                                   "(`make labelstudio-stop labelstudio-start`) it may call loopback, and no other.")
        if response.status_code in (401, 403):
            raise LabelStudioError(f"The Label Studio server at {self.url} refused the token (HTTP "
                                   f"{response.status_code}): pass the token of its account (LABEL_STUDIO_USER_TOKEN; "
                                   "the one `make labelstudio-start` provisioned is the default).")
        if response.is_error:
            try:  # a refused request's reasons, where Label Studio gives them (an ML backend it cannot reach, ...)
                reasons = "; ".join(str(m) for v in response.json()["validation_errors"].values()
                                    for m in (v if isinstance(v, list) else [v]))
            except (json.JSONDecodeError, AttributeError, KeyError, TypeError):
                reasons = None
            raise LabelStudioError(f"{method} {path} failed with HTTP {response.status_code}: "
                                   f"{reasons or response.text[:300]}")
        try:
            return response.json() if response.content else None
        except json.JSONDecodeError as e:
            raise LabelStudioError(f"{method} {path} answered with something other than JSON: "
                                   f"{response.text[:200]!r}") from e

    def health(self) -> bool:
        """True when the server answers its health check."""
        try:
            return self.http.get("/health", timeout=5).status_code == 200
        except httpx.TransportError:
            return False

    def whoami(self) -> str:
        """The account the token belongs to (checks the server and the token in one call).

        Returns:
            The account's e-mail address.
        """
        return self._call("GET", "/api/current-user/whoami")["email"]

    # projects
    def projects(self) -> dict[int, str]:
        answer = self._call("GET", "/api/projects", params={"page_size": 1000})
        return {p["id"]: p["title"] for p in (answer["results"] if isinstance(answer, dict) else answer)}

    def create_project(self, title: str, label_config: str = LABEL_CONFIG) -> int:
        """Create a project.

        Args:
            title: the project's name, as the browser lists it.
            label_config: its labeling interface (Label Studio's XML); by default ``LABEL_CONFIG``.

        Returns:
            The new project's id.
        """
        return self._call("POST", "/api/projects", json={"title": title, "label_config": label_config})["id"]

    def delete_project(self, project: int) -> None:
        """Delete a project with its tasks, annotations and predictions."""
        self.project(project)
        self._call("DELETE", f"/api/projects/{project}")

    def project(self, project: int) -> dict:
        """The project's settings and counts; an unknown id is an error that lists the projects there are."""
        try:
            return self._call("GET", f"/api/projects/{project}")
        except LabelStudioError as e:
            if "HTTP 404" not in str(e):
                raise
            raise LabelStudioError(f"unknown project {project!r}; the projects on {self.url}: {self.projects()}") \
                from None

    def set_model_version(self, project: int, version: str) -> None:
        """Which predictions the labeling page shows as pre-annotations (and the task list sorts by).

        Args:
            project: the project's id.
            version: the ``model_version`` of the predictions to show, as given to :func:`predictions`.
        """
        self.project(project)
        self._call("PATCH", f"/api/projects/{project}", json={"model_version": version})

    # tasks, predictions, annotations
    def import_tasks(self, project: int, tasks: list[dict]) -> int:
        """Import tasks into a project.

        Args:
            project: the project's id.
            tasks: a list of task dicts, ``{"data": {"text": ...}}`` each (other ``data`` keys are kept with the
                task), optionally with ``"predictions": [...]``.

        Returns:
            How many tasks were created.

        Raises:
            TypeError: if ``tasks`` is one string or a dict rather than a list.
            ValueError: if ``tasks`` is empty or a task is not a dict with a ``"data"`` dict.
        """
        tasks = text_list(tasks, "tasks")
        if not all(isinstance(t, dict) and isinstance(t.get("data"), dict) for t in tasks):
            raise ValueError("each task must be a dict with a 'data' dict, e.g. {'data': {'text': '...'}}")
        self.project(project)
        return self._call("POST", f"/api/projects/{project}/import", json=tasks)["task_count"]

    def import_predictions(self, project: int, predictions: list[dict]) -> int:
        """Many predictions in one request.

        Args:
            project: the project's id.
            predictions: a list of ``{"task", "result", "score", "model_version"}`` dicts, as :func:`predictions`
                makes them.

        Returns:
            How many predictions were created.
        """
        predictions = text_list(predictions, "predictions")
        self.project(project)
        return self._call("POST", f"/api/projects/{project}/import/predictions", json=predictions)["created"]

    def model_versions(self, project: int) -> dict[str, int]:
        """{model version: predictions stored}, newest first (Label Studio's ``/model-versions``)."""
        self.project(project)
        return self._call("GET", f"/api/projects/{project}/model-versions/")

    def prune_predictions(self, project: int, keep: int = 1) -> int:
        """Delete the stored predictions of every model version but the ``keep`` newest (a long-running project
        stores one prediction per task per round, and every task listing and export carries them all); returns how
        many were deleted. Annotations are never touched."""
        whole(keep, "keep (model versions)", 1)
        versions = list(self.model_versions(project))
        deleted = 0
        for version in versions[keep:]:
            answer = self._call("DELETE", f"/api/projects/{project}/model-versions/", json={"model_version": version})
            deleted += answer["deleted_predictions"]  # Label Studio 1.23's answer: {"deleted_predictions": n}
        return deleted

    def tasks(self, project: int, which: str = "all", order: str | None = None, n: int = 100_000) -> list:
        """Tasks with their annotations and predictions, in Label Studio's own order.

        Args:
            project: the project's id.
            which: "all", "unlabeled" or "labeled" (at least one annotation; how the answers flow back to the model).
            order: a Data Manager column to sort by, e.g. ``"tasks:predictions_score"`` (lowest score first: the
                least certain) or ``"-tasks:predictions_score"``; None keeps Label Studio's order.
            n: at most this many tasks.

        Returns:
            A list of task dicts (``"id"``, ``"data"``, ``"annotations"``, ``"predictions"``, ...).

        Raises:
            ValueError: for a ``which`` other than the three above.
        """
        choice(which, ("all", "unlabeled", "labeled"), "task filter (which)")
        self.project(project)
        count = {"unlabeled": ("equal", 0), "labeled": ("greater", 0)}.get(which)
        query = {"filters": {"conjunction": "and", "items": [] if count is None else [
            {"filter": "filter:tasks:total_annotations", "operator": count[0], "type": "Number", "value": count[1]}]},
            "ordering": [order] if order else []}
        answer = self._call("GET", "/api/tasks", params={"project": project, "page_size": n, "fields": "all",
                                                         "query": json.dumps(query)})
        return answer["tasks"] if isinstance(answer, dict) else answer

    def annotate(self, task: int, label: int, lead_time: float | None = None) -> int:
        """Answer a task, as an annotator in the browser would.

        Args:
            task: the task's id.
            label: the label id picked, an index into ``LABELS`` (0 NEGATIVE, 1 POSITIVE).
            lead_time: seconds the annotator spent on it, stored with the answer; None stores none.

        Returns:
            The new annotation's id.

        Raises:
            ValueError: for a label id outside ``LABELS``.
        """
        body = {"result": choice_result(label)}
        if lead_time is not None:
            body["lead_time"] = lead_time
        return self._call("POST", f"/api/tasks/{task}/annotations", json=body)["id"]

    def export(self, project: int) -> list[dict]:
        """Every task with its annotations (Label Studio's JSON export). A malformed export is an error.

        Args:
            project: the project's id.

        Returns:
            A list of task dicts, each with ``"id"``, ``"data"`` and ``"annotations"``.

        Raises:
            LabelStudioError: if the export is not a list of tasks with ``"id"`` and ``"data"``.
        """
        self.project(project)
        tasks = self._call("GET", f"/api/projects/{project}/export",
                           params={"exportType": "JSON", "download_all_tasks": "true"})
        if not isinstance(tasks, list) or not all(isinstance(t, dict) and "id" in t and "data" in t for t in tasks):
            raise LabelStudioError(f"malformed export from {self.url}: expected a list of tasks with 'id' and 'data'")
        return tasks

    # the ML backend (internal.labelstudio_ml): Label Studio calls it; these calls tell Label Studio where and when
    def connect_ml_backend(self, project: int, url: str, title: str = "ML backend") -> int:
        """Connect a project to the ML backend at ``url`` (``POST /api/ml``); Label Studio checks its ``/health`` and
        ``/setup`` first and creates the webhook (``url/webhook``) that sends it every event.

        Args:
            project: the project's id.
            url: the ML backend's address, reachable from the Label Studio server (loopback here).
            title: the connection's name in the project's settings.

        Returns:
            The connection's id (the ``backend`` of the calls below).
        """
        self.project(project)
        backend = self._call("POST", "/api/ml", json={"url": url, "project": project, "title": title,
                                                      "is_interactive": False})
        return backend["id"]

    def ml_backend(self, backend: int) -> dict:
        """The connection's ``state`` and ``model_version``, as Label Studio sees them now (it asks ``/setup``).

        Args:
            backend: the connection's id, from :meth:`connect_ml_backend`.

        Returns:
            Label Studio's record of the connection: a dict with ``"state"`` ("CO" connected, "TR" training,
            "PR" predicting, "ER" error, "DI" disconnected), ``"model_version"``, ``"url"``, ``"project"``, ...
        """
        return self._call("GET", f"/api/ml/{backend}")

    def train_ml_backend(self, backend: int, timeout: float = 60.0, every: float = 0.5) -> str:
        """Ask Label Studio to start the backend's training (its "Start training" button: ``POST
        /api/ml/<id>/train``, which Label Studio sends on as ``START_TRAINING`` to ``/webhook``) and wait, at most
        ``timeout`` s, for a model trained after the request: the backend names a model by the time its training
        began, in nanoseconds.

        Args:
            backend: the connection's id, from :meth:`connect_ml_backend`.
            timeout: seconds to wait for the new model.
            every: seconds between two looks at the connection's state.

        Returns:
            The new model's version, a string of digits (nanoseconds since the epoch).

        Raises:
            LabelStudioError: if the connection is in error or disconnected, or no new model comes within ``timeout``.
        """
        asked = time.time_ns()
        self._call("POST", f"/api/ml/{backend}/train")
        began = time.monotonic()
        while True:
            state = self.ml_backend(backend)
            version = state.get("model_version") or ""
            if state.get("state") in ("ER", "DI"):
                raise LabelStudioError(f"ML backend {backend} is {state.get('readable_state')}: "
                                       f"{state.get('error_message')}")
            if version.isdigit() and int(version) >= asked:
                return version
            if time.monotonic() - began > timeout:
                raise LabelStudioError(f"ML backend {backend} has no model trained after the request within "
                                       f"{timeout:.0f} s (its version: {version!r}); see the backend's log "
                                       "(MLBackend.log_tail())")
            time.sleep(every)

    def retrieve_predictions(self, project: int, task_ids=None, timeout: float = 300.0) -> int:
        """Have Label Studio fetch predictions for these tasks (all when None) from the project's ML backend and
        store them: the Data Manager's "Retrieve Predictions" action, ``POST /api/dm/actions?id=
        retrieve_tasks_predictions``, one request to the backend's ``/predict`` for all of them; storing them takes
        Label Studio about 25 ms a task, hence ``timeout``. A backend that does not answer is an error here (Label
        Studio itself only logs it); check what was stored with ``tasks``.

        Args:
            project: the project's id.
            task_ids: the ids of the tasks to predict; None for every task of the project.
            timeout: seconds the request may take.

        Returns:
            How many tasks Label Studio processed.

        Raises:
            LabelStudioError: if the project has no ML backend, or its backend is not connected.
        """
        connected = self._call("GET", "/api/ml", params={"project": project})  # Label Studio asks each /health
        if not connected:
            raise LabelStudioError(f"project {project} has no ML backend: connect one with connect_ml_backend")
        down = [b for b in connected if b["state"] not in ("CO", "TR", "PR")]
        if down:
            raise LabelStudioError(f"the ML backend at {down[0]['url']} is {down[0]['readable_state']}: "
                                   f"{down[0].get('error_message') or 'it does not answer'}")
        selected = {"all": True, "excluded": []} if task_ids is None else \
            {"all": False, "included": [int(t) for t in task_ids]}
        answer = self._call("POST", "/api/dm/actions", params={"id": "retrieve_tasks_predictions", "project": project},
                            json={"selectedItems": selected}, timeout=timeout)
        return answer["processed_items"]

    def disconnect_ml_backend(self, backend: int) -> None:
        """Remove the connection and the webhook Label Studio created for it.

        Args:
            backend: the connection's id, from :meth:`connect_ml_backend`.
        """
        state = self._call("GET", f"/api/ml/{backend}")
        hooks = self._call("GET", "/api/webhooks", params={"project": state["project"]})
        for hook in hooks:
            if hook["url"] == state["url"].rstrip("/") + "/webhook":
                self._call("DELETE", f"/api/webhooks/{hook['id']}")
        self._call("DELETE", f"/api/ml/{backend}")

    def close(self) -> None:
        self.http.close()


def annotations(tasks: list[dict]) -> dict[int, int]:
    """{task id: label id} of the latest non-cancelled annotation of every annotated task.

    Args:
        tasks: task dicts with their ``"annotations"``, from ``Client.export`` or ``Client.tasks``.

    Returns:
        A dict from task id to label id (0 NEGATIVE, 1 POSITIVE); tasks with no answer, or a skipped one, are left out.

    Raises:
        LabelStudioError: if an annotation's result is malformed (see :func:`read_choice`).
    """
    out = {}
    for task in tasks:
        kept = [a for a in task.get("annotations") or [] if not a.get("was_cancelled")]
        if kept:
            label = read_choice(max(kept, key=lambda a: a["id"])["result"])
            if label != ABSTAIN:
                out[task["id"]] = label
    return out


def predictions(task_ids, p_positive, version: str, suggestion=None) -> list[dict]:
    """One prediction per task for ``Client.import_predictions``: its ``score`` is the model's confidence
    max(p, 1 - p), which Label Studio sorts by (lowest first: the least certain task); its ``result``, the
    pre-annotation an annotator sees, is ``suggestion`` (label ids) where given, else the model's label.

    Args:
        task_ids: Label Studio's task ids, a 1-d sequence.
        p_positive: the model's P(positive) per task, shares in [0, 1], aligned with ``task_ids``.
        version: the model version the predictions are stored under (see ``Client.set_model_version``).
        suggestion: label ids to pre-annotate with, aligned with ``task_ids``; None uses ``p_positive > 0.5``.

    Returns:
        A list of prediction dicts, ``{"task", "score", "model_version", "result"}``, one per task.

    Raises:
        ValueError: if the three are not 1-d and of one length, or a suggestion is not a label id.
    """
    task_ids, p_positive = np.asarray(task_ids), np.asarray(p_positive, dtype=float)
    suggestion = (p_positive > 0.5).astype(int) if suggestion is None else np.asarray(suggestion)
    if not (task_ids.shape == p_positive.shape == suggestion.shape) or task_ids.ndim != 1:
        raise ValueError(f"one task id, probability and suggestion per task, got shapes {task_ids.shape}, "
                         f"{p_positive.shape} and {suggestion.shape}")
    return [{"task": int(t), "score": float(c), "model_version": version, "result": choice_result(int(s))}
            for t, c, s in zip(task_ids, confidence(p_positive), suggestion)]


def wait_for_annotations(client: Client, project: int, task_ids, timeout: float = 1800.0, every: float = 3.0) -> None:
    """Block until every task in ``task_ids`` has an annotation (a person answering in the browser), at most
    ``timeout`` seconds; then a clear error that says how many are still open.

    Args:
        client: a :class:`Client` of the server the project is on.
        project: the project's id.
        task_ids: the tasks to wait for.
        timeout: seconds to wait in all (30 minutes by default).
        every: seconds between two looks.

    Raises:
        LabelStudioError: if some tasks still have no annotation after ``timeout`` seconds.
    """
    wanted, began = {int(t) for t in task_ids}, time.monotonic()
    while True:
        open_ = wanted - {t["id"] for t in client.tasks(project, which="labeled")}
        if not open_:
            return
        if time.monotonic() - began > timeout:
            raise LabelStudioError(f"{len(open_)} of {len(wanted)} tasks still have no answer after {timeout:.0f} s")
        time.sleep(every)
