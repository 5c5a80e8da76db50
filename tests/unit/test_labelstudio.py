"""helpers.labelstudio: the label JSON both ways, bad input, and the REST calls against a real Label Studio server.

The server tests need the server `make labelstudio-start` starts (`make test` does). Without it they are skipped
with that hint, unless REQUIRE_LABEL_STUDIO=1 (set by .ci/run), which turns the skip into a failure.
"""

import time

import pytest

from helpers import labelstudio as ls
from helpers.internal import labelstudio_server
from helpers.labels import ABSTAIN, LABELS
from tests.servers import label_studio_or_skip


def test_choice_result_round_trip():
    for label in range(len(LABELS)):
        assert ls.read_choice(ls.choice_result(label)) == label
    assert ls.read_choice([]) == ABSTAIN  # a skipped task: no label, not a guess


@pytest.mark.parametrize("bad", [2, -1, "POSITIVE"])
def test_choice_result_refuses_unknown_labels(bad):
    with pytest.raises(ValueError, match="unknown label id"):
        ls.choice_result(bad)


@pytest.mark.parametrize("result", [
    {"choices": ["POSITIVE"]},  # not a list of regions
    [{"from_name": "sentiment", "value": {"choices": ["MAYBE"]}}],  # not a label of this project
    [{"from_name": "sentiment", "value": {"choices": ["POSITIVE", "NEGATIVE"]}}],  # two answers to one question
])
def test_read_choice_refuses_malformed_results(result):
    with pytest.raises(ls.LabelStudioError, match="malformed result"):
        ls.read_choice(result)


def test_annotations_takes_the_latest_kept_answer():
    export = [{"id": 1, "data": {}, "annotations": [{"id": 5, "result": ls.choice_result(0)},
                                                    {"id": 9, "result": ls.choice_result(1)}]},
              {"id": 2, "data": {}, "annotations": [{"id": 7, "result": ls.choice_result(1), "was_cancelled": True}]},
              {"id": 3, "data": {}, "annotations": []}]
    assert ls.annotations(export) == {1: 1}


def test_a_server_that_is_down_is_named_with_the_way_to_start_it():
    client = ls.Client(url="http://127.0.0.1:9")  # nothing listens on port 9
    assert not client.health()
    with pytest.raises(ls.LabelStudioError, match="make labelstudio-start"):
        client.whoami()


def test_server_environment_is_loopback_and_clean(monkeypatch):
    monkeypatch.setenv("USERNAME", "someone-else")
    monkeypatch.setenv("PORT", "1")
    env = labelstudio_server.server_env()
    assert "USERNAME" not in env and "PORT" not in env  # Label Studio would read these unprefixed names too
    assert env["LABEL_STUDIO_HOST"].startswith("http://127.0.0.1:")
    assert env["SENTRY_DSN"] == "" and env["COLLECT_ANALYTICS"] == "false"


# --- against the real server ---------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def client():
    label_studio_or_skip()
    c = ls.Client()
    yield c
    c.close()


@pytest.fixture()
def project(client):
    return client.create_project(f"test {time.time_ns()}")


@pytest.mark.slow  # the real Label Studio server
def test_whoami_is_the_provisioned_account(client):
    assert client.whoami() == ls.settings().username


@pytest.mark.slow  # the real Label Studio server
def test_a_wrong_token_is_refused_clearly(client):
    with pytest.raises(ls.LabelStudioError, match="refused the token"):
        ls.Client(token="not-the-token").whoami()


@pytest.mark.slow  # the real Label Studio server
def test_an_unknown_project_lists_the_known_ones(client, project):
    with pytest.raises(ls.LabelStudioError, match=rf"unknown project 987654.*{project}"):
        client.tasks(987654)


@pytest.mark.slow  # the real Label Studio server
def test_bad_tasks_are_refused_before_anything_is_sent(client, project):
    with pytest.raises(TypeError, match="not one string"):
        client.import_tasks(project, "a review")
    with pytest.raises(ValueError, match="'data' dict"):
        client.import_tasks(project, [{"text": "a review"}])
    assert client.tasks(project) == []


@pytest.mark.slow  # the real Label Studio server
def test_the_loop_round_trip(client, project):
    tasks = [{"data": {"text": f"review {i}", "row": i},
              "predictions": [{"model_version": "m1", "score": s, "result": ls.choice_result(i % 2)}]}
             for i, s in enumerate([0.9, 0.55, 0.7])]
    assert client.import_tasks(project, tasks) == 3
    client.set_model_version(project, "m1")
    order = [t["data"]["row"] for t in client.tasks(project, which="unlabeled", order="tasks:predictions_score")]
    assert order == [1, 2, 0]  # least certain first, in Label Studio's own order
    first = client.tasks(project, which="unlabeled", order="tasks:predictions_score", n=1)[0]
    client.annotate(first["id"], 0, lead_time=4.0)
    left = client.tasks(project, which="unlabeled")
    assert first["id"] not in {t["id"] for t in left} and len(left) == 2
    ls.wait_for_annotations(client, project, [first["id"]], timeout=5)  # answered: returns at once
    with pytest.raises(ls.LabelStudioError, match="1 of 1 tasks still have no answer"):
        ls.wait_for_annotations(client, project, [left[0]["id"]], timeout=0.5, every=0.1)
    # a new model version's predictions, all in one request, reorder the queue
    new = [{"task": t["id"], "score": 1 - t["data"]["row"] / 10, "model_version": "m2",
            "result": ls.choice_result(1)} for t in left]
    assert client.import_predictions(project, new) == 2
    client.set_model_version(project, "m2")
    assert [t["data"]["row"] for t in client.tasks(project, which="unlabeled", order="tasks:predictions_score")] \
        == [2, 0]
    assert ls.annotations(client.tasks(project, which="labeled")) == {first["id"]: 0}  # the answer flows back
    export = client.export(project)
    assert len(export) == 3 and ls.annotations(export) == {first["id"]: 0}
    with pytest.raises(ValueError, match="unknown task filter"):
        client.tasks(project, which="done")


@pytest.mark.slow  # the real Label Studio server
def test_pruning_keeps_the_newest_model_version_and_every_annotation(client, project):
    client.import_tasks(project, [{"data": {"text": f"review {i}"}} for i in range(4)])
    ids = sorted(t["id"] for t in client.tasks(project))
    for k in (1, 2, 3):
        client.import_predictions(project, ls.predictions(ids, [0.2, 0.4, 0.6, 0.8], f"round {k}"))
    client.annotate(ids[0], 1)
    assert client.model_versions(project) == {"round 3": 4, "round 2": 4, "round 1": 4}
    with pytest.raises(ValueError, match="whole number >= 1"):
        client.prune_predictions(project, keep=0)  # would delete every prediction: refused before any request
    assert client.prune_predictions(project, keep=1) == 8
    assert client.model_versions(project) == {"round 3": 4}
    assert client.prune_predictions(project) == 0  # run again: nothing left to delete
    tasks = client.tasks(project)
    assert all(len(t["predictions"]) == 1 for t in tasks)
    assert ls.annotations(tasks) == {ids[0]: 1}
    client.delete_project(project)
    with pytest.raises(ls.LabelStudioError, match="unknown project"):
        client.project(project)


def test_predictions_score_by_confidence_and_suggest_where_told():
    preds = ls.predictions([7, 8], [0.9, 0.45], "v1", suggestion=[0, 1])
    assert [p["task"] for p in preds] == [7, 8] and [round(p["score"], 2) for p in preds] == [0.9, 0.55]
    assert [ls.read_choice(p["result"]) for p in preds] == [0, 1]  # the suggestion, not the model's label
    assert [ls.read_choice(p["result"]) for p in ls.predictions([7, 8], [0.9, 0.45], "v1")] == [1, 0]


def test_predictions_need_one_value_per_task():
    with pytest.raises(ValueError, match="one task id, probability and suggestion per task"):
        ls.predictions([1, 2, 3], [0.5, 0.6], "v1")


def test_settings_are_read_when_used_not_at_import(monkeypatch):
    monkeypatch.setenv("LABEL_STUDIO_PORT", "8123")
    monkeypatch.delenv("LABEL_STUDIO_URL", raising=False)
    assert ls.settings().url == "http://127.0.0.1:8123" and ls.Client().url == "http://127.0.0.1:8123"
    assert labelstudio_server.server_env()["LABEL_STUDIO_HOST"] == "http://127.0.0.1:8123"
    monkeypatch.setenv("LABEL_STUDIO_USER_TOKEN", "another-token")
    assert ls.Client().http.headers["Authorization"] == "Token another-token"
    monkeypatch.setenv("LABEL_STUDIO_PORT", "80a")
    with pytest.raises(ls.LabelStudioError, match=r"LABEL_STUDIO_PORT must be a port number \(1-65535\), got '80a'"):
        ls.settings()
