"""Part 4 helpers: parsing, routing, cache, ledger and budget; failure paths against a real local HTTP server that
misbehaves on purpose; and one round trip through the bundled SmolLM2 server."""

import json
import math
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import numpy as np
import openai
import pytest

from helpers import llm
from helpers.internal import llm_server
from helpers.labels import ABSTAIN, NEGATIVE, POSITIVE


def chat_body(content):
    return {"id": "c", "object": "chat.completion", "created": 0, "model": "m",
            "choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": content}}],
            "usage": {"prompt_tokens": 11, "completion_tokens": 2, "total_tokens": 13}}


def completion_body(top, layout="legacy"):
    """A completion reply with the first token's top logprobs ``top`` ({token: logprob}) in one of the layouts
    servers send: ``legacy`` (OpenAI's completions, llama-cpp-python: a dict per position) or ``llama.cpp`` (its
    server, and OpenAI's chat completions: a list of {token, logprob} under ``content``), recorded from each."""
    if layout == "legacy":
        logprobs = {"tokens": [" positive"], "token_logprobs": [-0.1], "text_offset": [0], "top_logprobs": [top]}
    else:
        entries = [{"id": i, "token": t, "bytes": list(t.encode()), "logprob": v} for i, (t, v) in
                   enumerate((top or {}).items())]
        logprobs = {"content": [{"id": 0, "token": " positive", "bytes": [], "logprob": -0.1,
                                 "top_logprobs": entries}]} if top else {"content": []}
    return {"id": "c", "object": "text_completion", "created": 0, "model": "m",
            "choices": [{"index": 0, "finish_reason": "length", "text": " positive", "logprobs": logprobs}],
            "usage": {"prompt_tokens": 30, "completion_tokens": 1, "total_tokens": 31}}


class Scripted(ThreadingHTTPServer):
    """An HTTP server that answers each POST with the next scripted step: (status, body) or ("sleep", s)."""

    def __init__(self, steps):
        self.steps, self.hits = list(steps), 0

        class Handler(BaseHTTPRequestHandler):
            def do_POST(h):
                h.rfile.read(int(h.headers["Content-Length"]))
                self.hits += 1
                step = self.steps.pop(0) if len(self.steps) > 1 else self.steps[0]
                if step[0] == "sleep":
                    time.sleep(step[1])
                    step = (200, chat_body("POSITIVE"))
                status, body = step
                raw = body if isinstance(body, bytes) else json.dumps(body).encode()
                h.send_response(status)
                h.send_header("Content-Type", "application/json")
                h.send_header("Content-Length", str(len(raw)))
                h.send_header("retry-after-ms", "10")  # keep the client's backoff short in tests
                h.end_headers()
                h.wfile.write(raw)

            def log_message(h, *args):
                pass

        super().__init__(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.serve_forever, daemon=True).start()

    def labeler(self, tmp_path=None, timeout=5.0, max_retries=2, **kw):
        client = openai.OpenAI(base_url=f"http://127.0.0.1:{self.server_port}/v1", api_key="x",
                               timeout=timeout, max_retries=max_retries)
        cache = llm.ResponseCache(tmp_path) if tmp_path else None
        return llm.Labeler(llm.Connection(client, "m"), cache=cache, **kw)


@pytest.fixture
def scripted():
    servers = []

    def make(*steps):
        servers.append(Scripted(steps))
        return servers[-1]

    yield make
    for s in servers:
        s.shutdown()
        s.server_close()


MSG = [llm.role_messages("A fine film.")]


# --- parsing ---

@pytest.mark.parametrize("reply, label", [
    ("POSITIVE", POSITIVE), (" negative.\n", NEGATIVE), ("Classification: Positive", POSITIVE),
    ('{"label": "NEGATIVE", "confidence": 0.9}', NEGATIVE), ("POSITIVE or NEGATIVE", ABSTAIN), ("", ABSTAIN),
    (None, ABSTAIN), ("I cannot tell", ABSTAIN), ("NEGATIVELY", ABSTAIN), ('{"label": "MAYBE"}', ABSTAIN),
])
def test_parse_label(reply, label):
    assert llm.parse_label(reply) == label


def test_parse_json_reply():
    assert llm.parse_json_reply('Sure! {"label": "positive", "confidence": 0.8} done') == (POSITIVE, 0.8)
    label, conf = llm.parse_json_reply('{"label": "POSITIVE", "confidence": "very"}')
    assert label == POSITIVE and math.isnan(conf)
    assert math.isnan(llm.parse_json_reply('{"label": "POSITIVE", "confidence": 7}')[1])  # out of range
    assert llm.parse_json_reply('{"label": "POSITIVE", "confidence": 0.8')[0] == ABSTAIN  # truncated
    assert llm.parse_label("NEUTRAL, mostly", labels=("NEGATIVE", "NEUTRAL", "POSITIVE")) == 1  # ids follow labels


# --- scores to labels, routing ---

def test_fit_bias_and_proba():
    logp = np.log(np.array([[0.9, 0.1], [0.6, 0.4], [0.3, 0.7], [0.2, 0.8]]))
    y = np.array([0, 1, 1, 1])
    bias = llm.fit_bias(logp, y)
    p = llm.proba_from_logprobs(logp, bias)
    assert ((p > 0.5) == y).all()
    assert llm.proba_from_logprobs(logp)[0] == pytest.approx(0.1)  # renormalised over the two words


def test_hybrid_routing():
    p = np.array([0.99, 0.02, 0.6, 0.45, 0.9])
    y = np.array([1, 0, 0, 1, 1])
    kept, human = llm.hybrid_labeling(p, 0.8)
    assert kept.tolist() == [0, 1, 4] and human.tolist() == [2, 3]
    curve = llm.accuracy_coverage(p, y, [0.5, 0.8])
    assert curve["coverage"].tolist() == [1.0, 0.6] and curve["accuracy"].tolist() == [0.6, 1.0]


def test_confidence_auroc_and_reliability():
    conf = np.array([0.55, 0.6, 0.9, 0.95, np.nan])
    right = np.array([False, False, True, True, True])
    assert llm.confidence_auroc(conf, right) == 1.0  # the NaN is left out
    assert llm.confidence_auroc(conf[::-1], right) == 0.0
    assert math.isnan(llm.confidence_auroc(conf, np.ones(5, bool)))  # nothing wrong to separate
    table = llm.reliability(np.array([0.52, 0.58, 0.91, 0.99, 1.0]), np.array([1, 0, 1, 1, 0]), bins=5)
    assert table["n"].tolist() == [2, 3] and table["accuracy"].tolist() == [0.5, pytest.approx(2 / 3)]
    assert table["confidence"].tolist() == [pytest.approx(0.55), pytest.approx(2.9 / 3)]


@pytest.mark.data
def test_chosen_prompt_is_the_benchmarks_best_candidate():
    from course.results import benchmark
    from helpers import data

    movies = data.binary(data.load())
    prompt, bias = llm.chosen_prompt(movies)
    best = benchmark("llm_labeling")["shot_search"][0]
    texts = movies.set_index("id").loc[best["shot_ids"], "text"].tolist()
    assert [t for t, _ in prompt.shots] == texts and bias == best["bias"]
    assert prompt("A fine film.").endswith("Review: A fine film.\nSentiment:")
    with pytest.raises(TypeError, match="one string"):
        prompt(["A fine film.", "A dull one."])


def test_pick_shots_are_dev_balanced_and_exclude():
    import pandas as pd
    df = pd.DataFrame({"id": range(8), "text": [f"t{i}" for i in range(8)], "mean": [3, -3, 3, -3, 3, -3, 3, -3],
                       "label": [1, 0] * 4, "split": ["dev"] * 6 + ["test"] * 2})
    shots = llm.pick_shots(df, 4, exclude=[0])
    assert [y for _, y in shots] == [1, 0, 1, 0]
    assert "t0" not in [t for t, _ in shots] and not {"t6", "t7"} & {t for t, _ in shots}


# --- request path against a misbehaving HTTP server ---

def test_server_down_says_how_to_start(tmp_path):
    lab = Scripted([(200, chat_body("x"))])
    port = lab.server_port
    lab.shutdown()
    lab.server_close()
    client = openai.OpenAI(base_url=f"http://127.0.0.1:{port}/v1", api_key="x", timeout=2, max_retries=0)
    labeler = llm.Labeler(llm.Connection(client, "m"), cache=llm.ResponseCache(tmp_path))
    with pytest.raises(llm.LLMError, match="No LLM server answers.*OPENAI_BASE_URL"):
        labeler.generate(MSG)
    assert not any(tmp_path.rglob("*"))  # nothing written


def test_timeout_is_clear(scripted, tmp_path):
    srv = scripted(("sleep", 1.0))
    with pytest.raises(llm.LLMError, match="did not answer within"):
        srv.labeler(tmp_path, timeout=0.2, max_retries=0).generate(MSG)
    assert not any(tmp_path.rglob("*.json"))


def test_a_run_stops_at_its_first_timeout_instead_of_waiting_out_every_item(scripted):
    """An endpoint that never answers in time: 40 items, two in flight, 0.3 s per attempt and one retry. The run
    fails once the items in flight have had their two attempts, not after 40 items of them."""
    srv = scripted(("sleep", 2.0))
    started = time.monotonic()
    with pytest.raises(llm.LLMError, match=r"did not answer within the client's timeout \(0.3 s\), after 1 retries"):
        srv.labeler(timeout=0.3, max_retries=1, concurrency=2).generate([MSG[0]] * 40)
    assert time.monotonic() - started < 6 and srv.hits < 10  # the items in flight, not 40 x 2 attempts


def test_429_then_success_is_retried(scripted, tmp_path):
    srv = scripted((429, {"error": {"message": "slow down"}}), (200, chat_body("POSITIVE")))
    lab = srv.labeler(tmp_path)
    assert lab.generate(MSG)["label"].tolist() == [POSITIVE]
    assert srv.hits == 2 and lab.ledger.requests == 1 and lab.ledger.prompt_tokens == 11


def test_5xx_after_retries_is_clear(scripted):
    srv = scripted((503, {"error": {"message": "overloaded"}}))
    with pytest.raises(llm.LLMError, match="HTTP 503"):
        srv.labeler(max_retries=1).generate(MSG)
    assert srv.hits == 2


def test_malformed_and_empty_replies_abstain(scripted):
    srv = scripted((200, chat_body("I think it is good")), (200, chat_body("")), (200, chat_body("NEGATIVE")))
    out = srv.labeler().generate(MSG * 3)
    assert out["label"].tolist() == [ABSTAIN, ABSTAIN, NEGATIVE]


def test_generate_json_reads_label_and_confidence(scripted):
    srv = scripted((200, chat_body('{"label": "POSITIVE", "confidence": 0.7}')),
                   (200, chat_body("NEGATIVE, I am sure")), (200, chat_body('{"label": "POSITIVE", "conf')))
    out = srv.labeler().generate_json(MSG * 3)
    assert out["label"].tolist() == [POSITIVE, NEGATIVE, POSITIVE]  # the third: named in the text, invalid JSON
    assert out["json_ok"].tolist() == [True, False, False]
    assert out["confidence"][0] == 0.7 and out["confidence"][1:].isna().all()


@pytest.mark.parametrize("call, message", [
    (lambda lab: lab.score("Review: fine\nSentiment:"), "not one string"),
    (lambda lab: lab.score([]), "empty"),
    (lambda lab: lab.score([["Review: fine"]]), "list of strings"),
    (lambda lab: lab.generate(MSG[0]), "list of conversations"),
    (lambda lab: lab.generate("Classify: fine"), "not one string"),
    (lambda lab: lab.generate_json([]), "empty"),
    (lambda lab: lab.generate_batch("A fine film."), "not one string"),
    (lambda lab: lab.generate_batch(["A fine film."], batch_size=0), "batch_size"),
])
def test_wrong_input_shape_sends_nothing(scripted, call, message):
    srv = scripted((200, chat_body("POSITIVE")))
    lab = srv.labeler()
    with pytest.raises((TypeError, ValueError), match=message):
        call(lab)
    assert srv.hits == 0 and lab.ledger.requests == 0


def test_unknown_price_names_the_choices(scripted):
    with pytest.raises(ValueError, match=r"unknown model to price as 'gpt4'; choose one of \[.*'gpt-4'"):
        llm.Ledger().cost("gpt4")
    with pytest.raises(ValueError, match="price_as"):
        scripted((200, chat_body("x"))).labeler(price_as="gpt4")


def test_body_that_is_not_json_is_a_clear_error(scripted, tmp_path):
    srv = scripted((200, b"<html>proxy error</html>"))
    with pytest.raises(llm.LLMError, match="not JSON; is it an OpenAI-compatible endpoint"):
        srv.labeler(tmp_path).generate(MSG)
    assert not any(tmp_path.rglob("*.json"))


@pytest.mark.parametrize("layout", ["legacy", "llama.cpp"])
def test_missing_logprobs_is_a_clear_error(scripted, layout):
    srv = scripted((200, completion_body(None, layout)))
    with pytest.raises(llm.LLMError, match="no logprobs"):
        srv.labeler().score(["Review: x\nSentiment:"])


@pytest.mark.parametrize("layout", ["legacy", "llama.cpp"])
def test_score_reads_label_words_in_either_layout(scripted, layout):
    srv = scripted((200, completion_body({" positive": -0.2, " negative": -1.8, " the": -4.0}, layout)),
                   (200, completion_body({" negative": -0.1, " bad": -3.0}, layout)))
    logp = srv.labeler().score(["a", "b"])
    assert logp.tolist() == [[-1.8, -0.2], [-0.1, -3.0]]  # a word outside the top list gets the lowest returned


def test_a_repeated_token_keeps_its_likeliest_logprob():
    choice = completion_body({" positive": -0.2}, "llama.cpp")["choices"][0]
    choice["logprobs"]["content"][0]["top_logprobs"].append({"token": " positive", "logprob": -5.0})
    assert llm.read_top_logprobs(choice) == {" positive": -0.2}


def test_label_words_that_are_never_returned_are_an_error_not_a_coin_flip(scripted):
    """Without the leading space, 'positive' is not the token the model gives: every item would get P = 0.5."""
    srv = scripted((200, completion_body({" positive": -0.2, " negative": -1.8}, "llama.cpp")))
    with pytest.raises(llm.LLMError, match=r"None of the label words \['negative', 'positive'\] .*top tokens "
                                           r"include \[' negative', ' positive'\]\); mind the leading space"):
        srv.labeler().score(["a", "b"], words=("negative", "positive"))


def test_cache_hits_skip_the_server_and_write_atomically(scripted, tmp_path):
    srv = scripted((200, chat_body("POSITIVE")))
    lab = srv.labeler(tmp_path)
    lab.generate(MSG)
    lab.generate(MSG)
    assert srv.hits == 1 and lab.ledger.cached == 1 and lab.ledger.requests == 2
    assert len(list(tmp_path.rglob("*.json"))) == 1 and not list(tmp_path.rglob("*.tmp"))


def test_cache_key_of_the_bundled_model_survives_a_new_port():
    from pathlib import Path
    from types import SimpleNamespace

    def conn(port):
        client = openai.OpenAI(base_url=f"http://127.0.0.1:{port}/v1", api_key="x")
        return llm.Connection(client, "local", SimpleNamespace(model_path=Path("/m/SmolLM2.gguf"), threads=1))

    assert conn(1111).identity == conn(2222).identity == "local:llama.cpp:SmolLM2.gguf:threads=1"
    remote = llm.Connection(openai.OpenAI(base_url="http://127.0.0.1:3333/v1", api_key="x"), "m")
    assert remote.identity == "http://127.0.0.1:3333/v1/"


def test_budget_guard_sends_nothing(scripted, tmp_path):
    srv = scripted((200, chat_body("POSITIVE")))
    lab = srv.labeler(tmp_path, budget_usd=0.01, price_as="gpt-4")
    with pytest.raises(llm.BudgetExceeded, match="nothing was sent"):
        lab.generate(MSG * 1000)
    assert srv.hits == 0 and lab.ledger.requests == 0 and not any(tmp_path.rglob("*"))
    assert lab.generate(MSG)["label"].tolist() == [POSITIVE]  # a run under the cap goes through


def test_ledger_prices():
    led = llm.Ledger(requests=1000, prompt_tokens=1_000_000, completion_tokens=1000, seconds=400)
    assert led.cost("gpt-4") == pytest.approx(30.06)
    table = led.table()
    assert table.loc["local", "cost $"] == 0 and table.loc["local", "seconds per 1,000 labels"] == 400


def test_remote_endpoint_starts_nothing(monkeypatch, scripted):
    srv = scripted((200, chat_body("x")))
    monkeypatch.setenv("OPENAI_BASE_URL", f"http://127.0.0.1:{srv.server_port}/v1")
    monkeypatch.setenv("OPENAI_API_KEY", "x")
    monkeypatch.setenv("OPENAI_MODEL", "some-model")
    conn = llm.connect()
    assert conn.server is None and conn.model == "some-model" and str(srv.server_port) in conn.base_url


def test_a_base_url_alone_is_enough(monkeypatch, scripted):
    """Ollama and vLLM need no key: OPENAI_BASE_URL alone must connect (the openai client itself insists on one)."""
    srv = scripted((200, chat_body("x")))
    monkeypatch.setenv("OPENAI_BASE_URL", f"http://127.0.0.1:{srv.server_port}/v1")
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.setenv("OPENAI_MODEL", "llama3")
    conn = llm.connect()
    assert conn.server is None and conn.model == "llama3"


# --- the real bundled model ---

@pytest.mark.slow
def test_local_server_round_trip(local_llm):
    lab = llm.Labeler(local_llm)
    prompt = llm.ScoringPrompt(shots=(("A triumph.", 1), ("Dull and lifeless.", 0)))
    logp = lab.score([prompt("Wonderful, moving and funny."), prompt("A tedious, boring mess.")])
    p = llm.proba_from_logprobs(logp)
    assert p[0] > 0.5 > p[1]
    assert lab.ledger.prompt_tokens > 0 and lab.ledger.completion_tokens == 2
    assert isinstance(lab.generate([llm.role_messages("Great!")])["reply"][0], str)


def test_validate_llm_labels():
    agreement, idx = llm.validate_llm_labels(np.array([1, 0, 1, 1]), np.array([1, 0, 0, 1]), sample_size=4)
    assert agreement == 0.75 and idx.tolist() == [0, 1, 2, 3]
    with pytest.raises(ValueError, match="4 LLM labels but 3"):
        llm.validate_llm_labels(np.ones(4), np.ones(3), 2)
    with pytest.raises(ValueError, match="Cannot sample"):
        llm.validate_llm_labels(np.ones(4), np.ones(4), 5)


@pytest.mark.slow
def test_local_server_that_cannot_start_says_why(tmp_path):
    bad = tmp_path / "not-a-model.gguf"
    bad.write_text("this is not a GGUF file")
    with pytest.raises(llm.LLMError, match="exited with code"):
        llm_server.LocalServer(model_path=bad, startup_timeout=60).start()


# --- batch prompting ---

@pytest.mark.parametrize("reply, labels, counts", [
    ("1. POSITIVE\n2. NEGATIVE\n3. POSITIVE", [POSITIVE, NEGATIVE, POSITIVE], {"answered": 3, "out_of_order": 0}),
    ("1. POSITIVE\n3. NEGATIVE", [POSITIVE, ABSTAIN, NEGATIVE], {"missing": 1, "out_of_order": 1}),  # no shift
    ("2. NEGATIVE\n1. POSITIVE\n3. POSITIVE", [POSITIVE, NEGATIVE, POSITIVE], {"out_of_order": 3}),  # by number
    ("1. POSITIVE\n2. NEGATIVE\n2. POSITIVE\n3. NEGATIVE\n4. NEGATIVE", [POSITIVE, ABSTAIN, NEGATIVE],
     {"duplicate": 1, "out_of_range": 1}),
    ("POSITIVE\nNEGATIVE\nPOSITIVE", [ABSTAIN] * 3, {"unparseable": 3, "missing": 3}),  # no numbers: no guessing
    ("1. POSITIVE or NEGATIVE\n2) negative\nReview 3: Positive", [ABSTAIN, NEGATIVE, POSITIVE], {"unparseable": 1}),
    ("", [ABSTAIN] * 3, {"missing": 3, "answered": 0}),
])
def test_batch_replies_align_by_number_and_count_what_went_wrong(reply, labels, counts):
    parsed, got = llm.parse_batch_reply(reply, 3)
    assert parsed == labels
    assert {k: got[k] for k in counts} == counts


def test_generate_batch_sends_one_request_per_batch(scripted):
    srv = scripted((200, chat_body("1. POSITIVE\n2. NEGATIVE")), (200, chat_body("1. NEGATIVE\n3. POSITIVE")))
    out = srv.labeler().generate_batch(["a", "b", "c", "d"], batch_size=2)
    assert srv.hits == 2 and out["batch"].tolist() == [0, 0, 1, 1]
    assert out["label"].tolist() == [POSITIVE, NEGATIVE, NEGATIVE, ABSTAIN]  # "3." is outside a batch of 2
    assert out["out_of_range"].tolist() == [0, 0, 1, 1]
    assert "1. a" in llm.batch_messages(["a", "b"])[0]["content"]


def test_content_free_logp_is_the_prompts_lean(scripted):
    """Contextual calibration's measurement: three content-free requests, their label-word probabilities averaged
    (renormalised over the words) and logged; its log-odds is a threshold found without labels."""
    server = scripted((200, completion_body({" positive": math.log(0.6), " negative": math.log(0.2)})),
                      (200, completion_body({" positive": math.log(0.3), " negative": math.log(0.3)})),
                      (200, completion_body({" positive": math.log(0.45), " negative": math.log(0.05)})))
    cf = llm.content_free_logp(server.labeler(), llm.ScoringPrompt(()))
    assert server.hits == 3
    p_pos = np.mean([0.6 / 0.8, 0.5, 0.45 / 0.5])
    assert np.allclose(np.exp(cf), [1 - p_pos, p_pos])
    logp = np.log([[0.2, 0.8]])
    assert llm.proba_from_logprobs(logp, cf[1] - cf[0])[0] < 0.8  # the lean is taken out


def test_content_free_logp_refuses_one_string(scripted):
    server = scripted((200, completion_body({" positive": -1.0})))
    with pytest.raises(TypeError, match="not one string"):
        llm.content_free_logp(server.labeler(), llm.ScoringPrompt(()), inputs="N/A")
    assert server.hits == 0


def test_class_shots_interleave_the_classes():
    import pandas as pd

    from helpers import data

    table = pd.DataFrame({"split": ["dev"] * 6 + ["test"], "mean": [-2.0, -1.5, 0.2, 0.0, 1.5, 3.0, 2.0],
                          "text": ["bad", "poor", "fine", "ok", "good", "great", "test only"]})
    shots = llm.class_shots(table, data.polarity3, 1, 3)
    assert [c for _, c in shots] == [0, 1, 2]
    assert all(t != "test only" for t, _ in shots)


def test_a_corrupt_cached_response_names_the_file_and_the_fix(scripted, tmp_path):
    srv = scripted((200, chat_body("POSITIVE")))
    lab = srv.labeler(tmp_path)
    lab.generate(MSG)
    cached = next(tmp_path.rglob("*.json"))
    cached.write_text('{"choices": [')  # truncated
    with pytest.raises(llm.LLMError, match=rf"{cached.name} is corrupt .*delete it"):
        srv.labeler(tmp_path).generate(MSG)
