"""The ML backend (labelstudio/ml_backend/, internal.labelstudio_ml): its predictions' format and scores in its own
environment, bad input, and the whole loop through a real Label Studio server: connect, train, Label Studio fetching
and storing the predictions, retraining when an annotation arrives, disconnect.

The backend's environment is installed by `make labelstudio-ml-setup` (`make test` does, through
`make labelstudio-start`); without it, or without the server, these tests are skipped with the hint, unless
REQUIRE_LABEL_STUDIO=1 (set by .ci/run), which turns the skip into a failure.
"""

import json
import os
import re
import socket
import subprocess
import time

import numpy as np
import pytest

from helpers import active
from helpers import labelstudio as ls
from helpers.internal import labelstudio_ml, labelstudio_server
from helpers.labels import LABELS, confidence
from tests.servers import label_studio_or_skip


def backend_python_or_skip():
    try:
        return labelstudio_ml.python()
    except ls.LabelStudioError as e:
        if os.environ.get("REQUIRE_LABEL_STUDIO") == "1":
            pytest.fail(str(e))
        pytest.skip(str(e))


def separable(n=40, d=16, seed=0):
    """Embedding-like rows whose first coordinate says the label (with some noise), and those labels."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d)).astype(np.float32)
    return X, (X[:, 0] + 0.5 * rng.normal(size=n) > 0).astype(int)


def reference(X, rows, labels, predict_rows):
    """What the notebook's model (helpers.active.model) says for ``predict_rows`` after training on the answers."""
    p = active.model(seed=0).fit(X[rows], np.asarray(labels)).predict_proba(X[predict_rows])[:, 1]
    return confidence(p), (p > 0.5).astype(int)


# --- the backend's model, in its own environment, without a server --------------------------------------------------

IN_BACKEND = r"""
import json, sys
from model import SentimentModel
config, workdir, rows, labels = sys.argv[1], sys.argv[2], json.loads(sys.argv[3]), json.loads(sys.argv[4])
SentimentModel.annotated = lambda self, project: (rows, labels)  # the answers Label Studio would send back
tasks = [{"id": 100 + r, "data": {"text": "...", "row": r}} for r in range(len(rows), len(rows) + 6)]
out = {"untrained": SentimentModel(label_config=config).predict(tasks)}
out["train_output"] = SentimentModel(label_config=config).fit((), workdir=workdir, data={"project": {"id": 1}})
out["predictions"] = SentimentModel(label_config=config, train_output=out["train_output"]).predict(tasks)
trained = SentimentModel(label_config=config, train_output=out["train_output"])
bad = {"bad_row": lambda: trained.predict([{"id": 7, "data": {"text": "no row"}}]),
       "bad_config": lambda: SentimentModel(label_config="<View><Text name='t' value='$text'/></View>")}
for name, call in bad.items():
    try:
        call()
    except ValueError as e:
        out[name] = str(e)
print(json.dumps(out))
"""


def run_in_backend(tmp_path, X, rows, labels):
    np.save(tmp_path / "X.npy", X)
    done = subprocess.run([str(backend_python_or_skip()), "-c", IN_BACKEND, ls.LABEL_CONFIG, str(tmp_path),
                           json.dumps(rows), json.dumps(labels)], cwd=labelstudio_ml.BACKEND_DIR,
                          env={**os.environ, "EMBEDDINGS": str(tmp_path / "X.npy")}, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.splitlines()[-1])


def test_predictions_are_label_studio_choices_scored_by_the_notebooks_model(tmp_path):
    X, y = separable()
    rows = list(range(12))
    out = run_in_backend(tmp_path, X, rows, y[rows].tolist())
    assert out["untrained"] == []  # no model yet: no predictions, not a guess
    assert out["train_output"]["labels"] == 12
    predictions = out["predictions"]
    assert len(predictions) == 6 and all(set(p) == {"result", "score"} for p in predictions)
    for p in predictions:
        (region,) = p["result"]
        assert {k: region[k] for k in ("from_name", "to_name", "type")} == \
            {"from_name": ls.FROM_NAME, "to_name": ls.TO_NAME, "type": "choices"}
        assert region["value"]["choices"][0] in LABELS
    score, label = reference(X, rows, y[rows], list(range(12, 18)))
    assert np.allclose([p["score"] for p in predictions], score, rtol=0, atol=1e-9)  # max(p, 1 - p), the same model
    assert [ls.read_choice(p["result"]) for p in predictions] == label.tolist()


def test_the_backend_names_what_is_wrong_with_its_input(tmp_path):
    X, y = separable()
    out = run_in_backend(tmp_path, X, list(range(12)), y[:12].tolist())
    assert "task 7: data.row must be a row of the embedding matrix (0 to 39), got None" in out["bad_row"]
    assert "one <Choices>" in out["bad_config"] and "no <Choices>" in out["bad_config"]


def test_an_answer_of_one_class_trains_no_model(tmp_path):
    X, _ = separable()
    out = run_in_backend(tmp_path, X, [0, 1, 2], [1, 1, 1])
    assert out["train_output"] is None and out["predictions"] == []


def test_bad_embeddings_and_a_missing_environment_are_named(tmp_path, monkeypatch):
    for bad in (np.zeros(5), np.zeros((0, 3)), np.full((2, 2), np.nan)):
        with pytest.raises(ValueError, match="non-empty 2-D matrix of finite numbers"):
            labelstudio_ml.MLBackend(bad)
    monkeypatch.setenv("LABEL_STUDIO_ML_VENV", str(tmp_path / "none"))
    with pytest.raises(ls.LabelStudioError, match="make labelstudio-ml-setup"):
        labelstudio_ml.MLBackend(np.zeros((2, 2))).start()


def test_label_studio_may_call_loopback_and_no_other_reserved_network():
    env = labelstudio_server.server_env()
    banned = env["USER_ADDITIONAL_BANNED_SUBNETS"].split(",")
    assert env["USE_DEFAULT_BANNED_SUBNETS"] == "false" and "127.0.0.0/8" not in banned and "::1/128" not in banned
    assert {"10.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7"} <= set(banned)
    # the same list as the installed Label Studio's own, loopback aside (a new release that adds one is noticed)
    source = next(iter(ls.settings().venv.glob("*/*/site-packages/label_studio/core/utils/io.py")), None) or \
        next(iter(ls.settings().venv.glob("Lib/site-packages/label_studio/core/utils/io.py")), None)
    if source is None:
        pytest.skip(f"Label Studio is not installed at {ls.settings().venv}")
    block = re.search(r"default_banned_subnets = \[(.*?)\]", source.read_text(), re.S).group(1)
    assert set(re.findall(r"'([^']+)'", block)) - {"127.0.0.0/8", "::1/128"} == set(banned)


def test_a_label_studio_that_is_down_is_named_before_any_backend_call():
    client = ls.Client(url="http://127.0.0.1:9")
    with pytest.raises(ls.LabelStudioError, match="make labelstudio-start"):
        client.connect_ml_backend(1, "http://127.0.0.1:9")


@pytest.mark.slow  # starts the backend server
def test_a_backend_that_cannot_start_says_why():
    backend_python_or_skip()
    backend = labelstudio_ml.MLBackend(np.zeros((2, 2)), startup_timeout=30)
    with socket.socket() as taken:  # the port it was given is taken before it binds
        taken.bind(("127.0.0.1", backend.port))
        taken.listen()
        with pytest.raises(ls.LabelStudioError, match="(?s)exited with code 1.*in use"):
            backend.start()
    assert backend.workdir is not None and not backend.workdir.exists()  # its files are gone too


# --- through a real Label Studio server ------------------------------------------------------------------------------

def wait_for_new_version(client, ml, old, timeout=60.0):
    began = time.monotonic()
    while time.monotonic() - began < timeout:
        version = client.ml_backend(ml)["model_version"]
        if version not in (old, "INITIAL"):
            return version
        time.sleep(0.5)
    pytest.fail(f"the backend did not retrain within {timeout:.0f} s after an annotation arrived")


def stored(client, project, version):
    """{task id: the prediction of model ``version``} as Label Studio stored them."""
    return {t["id"]: p for t in client.tasks(project) for p in t["predictions"] if p["model_version"] == version}


@pytest.mark.slow  # the real Label Studio server and the backend server
def test_label_studio_fetches_stores_and_retrains_through_the_backend():
    label_studio_or_skip()
    backend_python_or_skip()
    X, y = separable()
    client = ls.Client()
    project = client.create_project(f"test ml backend {time.time_ns()}")
    client.import_tasks(project, [{"data": {"text": f"sentence {r}", "row": r}} for r in range(30)]
                        + [{"data": {"text": "a task without its row"}}])
    task_of_row = {t["data"].get("row"): t["id"] for t in client.tasks(project)}
    answered = list(range(10))
    for r in answered:  # answered before the backend is connected: no webhook, the train call trains
        client.annotate(task_of_row[r], int(y[r]))
    open_rows = list(range(11, 30))
    with labelstudio_ml.MLBackend(X) as backend:
        ml = client.connect_ml_backend(project, backend.url)
        assert (client.ml_backend(ml)["state"], client.ml_backend(ml)["model_version"]) == ("CO", "INITIAL")
        hooks = client.http.get("/api/webhooks", params={"project": project}).json()
        assert [h["url"] for h in hooks] == [f"{backend.url}/webhook"]  # loopback allowed: server_env

        client.retrieve_predictions(project, [task_of_row[r] for r in open_rows])
        assert stored(client, project, "INITIAL") == {}  # untrained: nothing stored

        version = client.train_ml_backend(ml)
        assert client.retrieve_predictions(project, [task_of_row[r] for r in open_rows]) == len(open_rows)
        got = stored(client, project, version)
        score, label = reference(X, answered, y[answered], open_rows)
        assert [round(got[task_of_row[r]]["score"], 9) for r in open_rows] == [round(s, 9) for s in score]
        assert [ls.read_choice(got[task_of_row[r]]["result"]) for r in open_rows] == label.tolist()

        client.retrieve_predictions(project, [task_of_row[None]])  # the backend refuses it; Label Studio stores none
        assert task_of_row[None] not in stored(client, project, version)
        assert "data.row must be a row of the embedding matrix" in backend.log_tail(200)

        client.annotate(task_of_row[10], int(y[10]))  # an annotation arrives: the webhook retrains the backend
        newer = wait_for_new_version(client, ml, version)
        client.retrieve_predictions(project, [task_of_row[r] for r in open_rows])
        got = stored(client, project, newer)
        score, _ = reference(X, answered + [10], y[answered + [10]], open_rows)
        assert np.allclose([got[task_of_row[r]]["score"] for r in open_rows], score, rtol=0, atol=1e-9)

        client.disconnect_ml_backend(ml)
        assert client.http.get("/api/webhooks", params={"project": project}).json() == []
        with pytest.raises(ls.LabelStudioError, match="has no ML backend"):
            client.retrieve_predictions(project)

        ml = client.connect_ml_backend(project, backend.url)
    with pytest.raises(ls.LabelStudioError, match="Disconnected"):  # the backend stopped: named, not a silent no-op
        client.retrieve_predictions(project)
    client.disconnect_ml_backend(ml)


@pytest.mark.slow  # the real Label Studio server
def test_connecting_a_backend_that_does_not_answer_says_so():
    label_studio_or_skip()
    client = ls.Client()
    project = client.create_project(f"test ml backend down {time.time_ns()}")
    with pytest.raises(ls.LabelStudioError, match="Can't connect to ML backend http://127.0.0.1:9, health check"):
        client.connect_ml_backend(project, "http://127.0.0.1:9")
    with pytest.raises(ls.LabelStudioError, match=r"refused to call that address .*169\.254\.0\.0/16"):
        client.connect_ml_backend(project, "http://169.254.169.254")  # loopback yes, cloud metadata no
    with pytest.raises(ls.LabelStudioError, match="has no ML backend"):
        client.retrieve_predictions(project)
