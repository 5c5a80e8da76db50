"""Label Studio's ML backend for the deep dive 06b: notebook 02's classifier as the web service Label Studio itself
calls, to pre-label tasks (``predict``) and to retrain when annotations arrive or training is asked for (``fit``).
Built on the official SDK, ``label-studio-ml`` 1.0.9 (Flask; served by ``_wsgi.py``), in its own environment
(``.venv-labelstudio-ml``, ``make labelstudio-ml-setup``): it cannot import the series' ``helpers``, whose numpy the
SDK's neighbours do not share, so the little it needs is here and in its environment variables, set by
``helpers.internal.labelstudio_ml.MLBackend``:

- ``EMBEDDINGS``: a ``.npy`` matrix of sentence embeddings; a task names its row as ``data.row`` (the deep dive's
  tasks already carry it), so the features travel once, bit for bit, and the tasks stay readable in the tool;
- ``LABEL_STUDIO_URL`` and ``LABEL_STUDIO_API_KEY``: where ``fit`` reads the project's annotations back (a webhook
  names the project and the event, not every answer so far).

The model is ``helpers.active.model()``: logistic regression, L2, C=10, lbfgs, ``max_iter=2000``, ``random_state=0``,
on label ids in the order of the project's choices (NEGATIVE = 0, POSITIVE = 1, as ``helpers.labels.LABELS``).
"""

import functools
import json
import os
from pathlib import Path

import joblib
import numpy as np
import requests
from label_studio_ml.model import LabelStudioMLBase
from sklearn.linear_model import LogisticRegression

C, MAX_ITER, SEED = 10.0, 2000, 0  # helpers.features.classifier(seed=0, C=C_FEW_LABELS), i.e. helpers.active.model()


@functools.lru_cache(maxsize=2)
def embeddings(path: str) -> np.ndarray:
    return np.load(path, mmap_mode="r")


def choices_tag(parsed_config: dict) -> tuple[str, str, list[str]]:
    """The one ``<Choices>`` of the project's labeling config: its name, the object it labels and its choices."""
    tags = [(name, tag) for name, tag in parsed_config.items() if tag.get("type") == "Choices"]
    if len(tags) != 1 or len(tags[0][1].get("to_name", [])) != 1 or len(tags[0][1].get("labels", [])) < 2:
        raise ValueError("this backend labels projects with one <Choices> (two or more choices) over one object; "
                         f"the project's config has {[name for name, _ in tags] or 'no <Choices>'}")
    name, tag = tags[0]
    return name, tag["to_name"][0], list(tag["labels"])


class SentimentModel(LabelStudioMLBase):
    # Label Studio 1.23's "train" button (POST /api/ml/<id>/train) sends START_TRAINING; SDK 1.0.9 predates it
    TRAIN_EVENTS = (*LabelStudioMLBase.TRAIN_EVENTS, "START_TRAINING")

    def __init__(self, label_config=None, train_output=None, **kwargs):
        super().__init__(label_config=label_config, train_output=train_output, **kwargs)
        self.from_name, self.to_name, self.labels = choices_tag(self.parsed_label_config)
        path = self.train_output.get("model_file")
        self.model = joblib.load(path) if path else None  # None until a first fit on both classes

    def rows(self, tasks) -> list[int]:
        """Each task's row in the embedding matrix: its ``data.row``."""
        X, rows = embeddings(os.environ["EMBEDDINGS"]), []
        for task in tasks:
            row = (task.get("data") or {}).get("row")
            if not isinstance(row, int) or isinstance(row, bool) or not 0 <= row < len(X):
                raise ValueError(f"task {task.get('id')}: data.row must be a row of the embedding matrix "
                                 f"(0 to {len(X) - 1}), got {row!r}; import tasks as "
                                 '{"data": {"text": ..., "row": <row>}}')
            rows.append(row)
        return rows

    def predict(self, tasks, **kwargs):
        """One prediction per task: the more likely choice, and as ``score`` the model's confidence max(p, 1 - p)
        (Label Studio sorts by it). No model yet: no predictions (Label Studio stores none)."""
        if self.model is None:
            return []
        rows = self.rows(tasks)
        proba = self.model.predict_proba(np.asarray(embeddings(os.environ["EMBEDDINGS"])[rows]))
        return [{"result": [{"from_name": self.from_name, "to_name": self.to_name, "type": "choices",
                             "value": {"choices": [self.labels[int(self.model.classes_[np.argmax(p)])]]}}],
                 "score": float(np.max(p))} for p in proba]

    def annotated(self, project: int) -> tuple[list[int], list[int]]:
        """The project's answers, read back from Label Studio: (rows, label ids) of every task whose latest kept
        annotation picks a choice, in task-id order (``helpers.labelstudio.annotations``'s rule)."""
        url, token = os.environ["LABEL_STUDIO_URL"].rstrip("/"), os.environ["LABEL_STUDIO_API_KEY"]
        query = {"filters": {"conjunction": "and", "items": [{"filter": "filter:tasks:total_annotations",
                                                              "operator": "greater", "type": "Number", "value": 0}]}}
        response = requests.get(f"{url}/api/tasks", headers={"Authorization": f"Token {token}"}, timeout=60,
                                params={"project": project, "page_size": 100_000, "fields": "all",
                                        "query": json.dumps(query)})
        response.raise_for_status()
        tasks = response.json()
        tasks = tasks["tasks"] if isinstance(tasks, dict) else tasks
        rows, labels = [], []
        for task in sorted(tasks, key=lambda t: t["id"]):
            kept = [a for a in task.get("annotations") or [] if not a.get("was_cancelled")]
            picked = [c for r in (max(kept, key=lambda a: a["id"])["result"] if kept else [])
                      if r.get("from_name") == self.from_name for c in r.get("value", {}).get("choices", [])]
            if len(picked) == 1 and picked[0] in self.labels:
                rows.append(self.rows([task])[0])
                labels.append(self.labels.index(picked[0]))
        return rows, labels

    def fit(self, tasks, workdir=None, **kwargs):
        """Retrain on every answer in the project (an event names the project; ``data.project.id``) and keep the
        model in this run's ``workdir``; fewer than two classes answered: no new model (the SDK keeps the last)."""
        project = ((kwargs.get("data") or {}).get("project") or {}).get("id")
        if project is None or workdir is None:
            return None
        rows, labels = self.annotated(project)
        if len(set(labels)) < 2:
            return None
        model = LogisticRegression(C=C, max_iter=MAX_ITER, random_state=SEED)
        model.fit(np.asarray(embeddings(os.environ["EMBEDDINGS"])[rows]), np.array(labels))
        path = Path(workdir) / "model.joblib"
        joblib.dump(model, path)
        return {"model_file": str(path), "project": project, "labels": len(labels)}
