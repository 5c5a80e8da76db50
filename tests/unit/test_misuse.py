"""Misuse a careful new user would try (issue 42): re-run stage cells, inconsistent label words, a paid endpoint
without a price, half-right settings, NaN and percentages. Each must end in a clear error (or, for a re-run stage,
a refusal that leaves the pool and the ledger as they were), never in a silent wrong result. Quick tier: tiny
synthetic inputs, no data archive, no server, no model."""

import copy
import math
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from helpers import active, cost, features, labels, llm, noise, pipeline, scale, stats, weak
from helpers.internal.paths import ROOT

NAN = float("nan")


# ----------------------------------------------------------------------------------------------- 1. re-run stages
def tiny_pool(n=60, seed=0):
    rng = np.random.default_rng(seed)
    y = np.arange(n) % 2
    X = rng.normal(size=(n, 4)) + 1.5 * y[:, None]
    df = pd.DataFrame({"text": [f"s{seed}-{i}" for i in range(n)], "single_label": y, "label": y})
    return df, X


@pytest.fixture
def fast_stages(monkeypatch):
    """The stages' bookkeeping with quick stand-ins for the numerical parts (tested on real data in
    test_pipeline.py): LF inputs (lexicons, prototypes, dev model) from the features themselves, no data archive
    and no encoder; the LFs' share of positive votes for Snorkel's label model; one in-sample fit for the
    out-of-fold probabilities; a low probability of the given label for cleanlab's flags."""
    def add_lf_inputs(df, X, dev_mask=None):
        score = np.tanh(X[:, 0] - 0.75)
        out = df.copy()
        out["vader"], out["textblob"], out["prototype"] = score, score, score / 10
        out["keywords"] = np.where(score > 0.5, 1, np.where(score < -0.5, 0, -1))
        out["dev_model"] = 1 / (1 + np.exp(-3 * score))
        return out

    def fit_label_model(L, seed=0):
        def predict_proba(L):
            cast = (L != -1).sum(axis=1)
            p = np.where(cast > 0, (L == 1).sum(axis=1) / np.maximum(cast, 1), 0.5)
            return np.column_stack([1 - p, p])
        return SimpleNamespace(predict_proba=predict_proba)

    monkeypatch.setattr(weak, "add_lf_inputs", add_lf_inputs)
    monkeypatch.setattr(weak, "fit_label_model", fit_label_model)
    monkeypatch.setattr(noise, "out_of_fold", lambda model, X, y, seed=0: model.fit(X, y).predict_proba(X))
    monkeypatch.setattr(noise, "find_label_issues", lambda y, proba: proba[np.arange(len(y)), y] < 0.2)


STAGES = ("weak", "llm", "active", "clean")


def run_stage(name, pool, ledger, dev, state):
    if name == "weak":
        state["proba"] = pipeline.weak_stage(pool, dev[0], dev[1], ledger, min_confidence=0.6)
    elif name == "llm":
        rows = pipeline.least_sure(state.get("proba", np.full(len(pool.df), 0.5)), 12)
        p = np.where(pool.df["single_label"].to_numpy()[rows] == 1, 0.97, 0.03)
        pipeline.llm_stage(pool, rows, p, ledger, min_confidence=0.6, seconds=0.1)
    elif name == "active":
        pipeline.active_stage(pool, ledger, budget=6, batch=3)
    else:
        pipeline.clean_stage(pool, ledger)


def billed(ledger, source):
    return sum(r["labels"] for r in ledger.rows if r["source"] == source and not r["stage"].startswith("dev"))


def agree(pool, ledger):
    """The pool and the ledger tell one story: every human label in the pool is billed (once) and is the rater's
    answer; no source holds more labels than the ledger says it added."""
    human = pool.source == "human"
    assert human.sum() == billed(ledger, "human")
    assert (pool.labels[human] == pool.df["single_label"].to_numpy()[human]).all()
    for source in ("weak", "llm"):
        assert (pool.source == source).sum() <= billed(ledger, source)


def test_every_stage_in_every_order_and_again_keeps_pool_and_ledger_agreeing(fast_stages):
    """Notebook 06's stage cells run in every order, each then re-run: a second run is refused and changes nothing;
    a human label is never replaced. (Before: active twice gave 12 human labels in the pool and 6 on the ledger;
    weak after active replaced human labels with weak ones.)"""
    df, X = tiny_pool()
    dev = tiny_pool(20, seed=1)
    dev = (dev[0].reset_index(drop=True), dev[1])
    start = (pipeline.Pool(df, X), pipeline.CostLedger(), {})
    seen_orders = 0

    def walk(prefix, done, pool, ledger, state):
        nonlocal seen_orders
        if len(prefix) == len(STAGES):
            seen_orders += 1
        for name in STAGES:
            pool2, ledger2, state2 = copy.deepcopy((pool, ledger, state))
            humans_before = np.flatnonzero(pool2.source == "human")
            if name in done:  # a re-run cell: refused, nothing changed
                before = copy.deepcopy((pool2.labels, pool2.source, ledger2.rows))
                with pytest.raises(ValueError, match="already ran on this pool"):
                    run_stage(name, pool2, ledger2, dev, state2)
                assert np.array_equal(before[0], pool2.labels) and np.array_equal(before[1], pool2.source)
                assert before[2] == ledger2.rows
                continue
            if name in prefix:
                continue
            try:
                run_stage(name, pool2, ledger2, dev, state2)
                ran = {name}
            except ValueError as e:  # a stage that cannot run yet says so (active learning or cleanlab on no labels)
                assert "one class" in str(e)
                ran = set()
            assert (pool2.source[humans_before] == "human").all()
            agree(pool2, ledger2)
            walk(prefix + (name,), done | ran, pool2, ledger2, state2)

    walk((), set(), *start)
    assert seen_orders == math.factorial(len(STAGES))


def test_a_human_label_is_never_overwritten_by_a_machine_label():
    df, X = tiny_pool(10)
    pool = pipeline.Pool(df, X)
    pool.set([0, 1], [0, 1], 1.0, "human")
    with pytest.raises(ValueError, match="never replace"):
        pool.set([1, 2], [0, 0], 0.99, "weak")
    assert pool.source[1] == "human" and pool.labels[1] == 1


# ----------------------------------------------------------------------------------------------- 2. label words
class FakeCompletions:
    """A completions endpoint that answers with the next scripted top-logprob list; counts what it was sent."""

    def __init__(self, tops):
        self.tops, self.sent = tops, 0

    def create(self, **params):
        top = self.tops[self.sent % len(self.tops)]
        self.sent += 1
        body = {"choices": [{"index": 0, "finish_reason": "length", "text": " x",
                             "logprobs": {"tokens": [" x"], "token_logprobs": [-0.1], "text_offset": [0],
                                          "top_logprobs": [top]}}],
                "usage": {"prompt_tokens": 30, "completion_tokens": 1}}
        return SimpleNamespace(model_dump=lambda: body)


def fake_conn(tops, url="http://127.0.0.1:9/v1/"):
    endpoint = FakeCompletions(tops)
    client = SimpleNamespace(base_url=url, completions=endpoint, timeout=1.0, max_retries=0)
    return llm.Connection(client, "m"), endpoint


def test_label_words_with_mixed_leading_spaces_are_refused_before_sending():
    conn, endpoint = fake_conn([{" positive": -0.1, " negative": -2.0}])
    with pytest.raises(ValueError, match="mix a leading space"):
        llm.Labeler(conn).score(["Review: fine\nSentiment:"], words=("negative", " positive"))
    assert endpoint.sent == 0


def test_an_item_with_neither_word_in_its_top_list_is_not_a_coin_flip():
    tops = [{" positive": -0.2, " negative": -1.8}, {" the": -0.5, " a": -1.0}]  # item 2: neither word
    conn, _ = fake_conn(tops)
    with pytest.raises(llm.LLMError, match=r"1 of 2 items .* unknown, not 0\.5"):
        llm.Labeler(conn).score(["a", "b"])
    logp = llm.Labeler(fake_conn(tops)[0]).score(["a", "b"], missing="nan")
    assert np.isfinite(logp[0]).all() and np.isnan(logp[1]).all()


# ----------------------------------------------------------------------------------------------- 3. money
def test_a_paid_endpoint_without_a_price_sends_nothing_and_says_how_to_set_one(monkeypatch):
    monkeypatch.delenv("OPENAI_PRICE_AS", raising=False)
    conn, endpoint = fake_conn([{" positive": -0.1, " negative": -2.0}], url="https://api.openai.com/v1/")
    with pytest.raises(llm.BudgetExceeded, match=r"may cost money.*price_as=\"gpt-4\""):
        llm.Labeler(conn, budget_usd=0.5).score(["a"] * 2000)
    assert endpoint.sent == 0
    # with a price the budget guards it: 2,000 prompts at gpt-4 prices are over $0.50, nothing sent
    with pytest.raises(llm.BudgetExceeded, match="nothing was sent"):
        llm.Labeler(conn, budget_usd=0.5, price_as="gpt-4").score(["Review: a fine film.\nSentiment:"] * 2000)
    assert endpoint.sent == 0
    monkeypatch.setenv("OPENAI_PRICE_AS", "gpt-3.5-turbo")  # one setting for every labeler, Ray workers too
    assert llm.Labeler(conn).price == "gpt-3.5-turbo"


def test_the_budget_counts_what_the_labeler_already_spent():
    conn, endpoint = fake_conn([{" positive": -0.1, " negative": -2.0}], url="https://api.openai.com/v1/")
    lab = llm.Labeler(conn, budget_usd=0.5, price_as="gpt-4", ledger=llm.Ledger(prompt_tokens=20_000))  # $0.60
    with pytest.raises(llm.BudgetExceeded, match="spent"):
        lab.score(["a"])
    assert endpoint.sent == 0


def test_the_bundled_or_a_loopback_endpoint_is_free_by_default(monkeypatch):
    monkeypatch.delenv("OPENAI_PRICE_AS", raising=False)
    conn, endpoint = fake_conn([{" positive": -0.1, " negative": -2.0}])
    lab = llm.Labeler(conn)
    assert lab.score(["a"]).shape == (1, 2) and lab.price == "local" and endpoint.sent == 1


# ----------------------------------------------------------------------------------------------- 4. settings
@pytest.mark.parametrize("kwargs, message", [
    ({"llm_items": -5}, r"llm_items .* whole number >= 0, got -5"),
    ({"human_budget": 2.5}, "human_budget"),
    ({"n_dev": 0}, "n_dev"),
    ({"n_dev": "200"}, "n_dev"),
    ({"weak_confidence": 80}, "0.8, not 80"),
    ({"llm_confidence": NAN}, "llm_confidence"),
    ({"human_query": "margin"}, "unknown Settings.human_query 'margin'"),
    ({"seed": -1}, "seed"),
])
def test_settings_are_checked_when_made(kwargs, message):
    with pytest.raises(ValueError, match=message):
        pipeline.Settings(**kwargs)


def test_least_sure_refuses_a_negative_count():
    proba = np.linspace(0, 1, 100)
    with pytest.raises(ValueError, match=r"n \(rows to pick\) must be a whole number >= 0, got -5"):
        pipeline.least_sure(proba, -5)
    with pytest.raises(ValueError, match="only 100"):
        pipeline.least_sure(proba, 101)


# ----------------------------------------------------------------------------------------------- 9. NaN and percents
CURVES = pd.DataFrame({"setup": "a", "seed": 0, "labels": [10, 20, 30], "accuracy": [0.6, 0.7, 0.8]})
AGREEMENTS = {(0, 1): 0.7, (0, 2): 0.65, (1, 2): 0.6}
X6 = np.random.default_rng(0).normal(size=(6, 3))


def test_labeling_cost_refuses_nan_and_fractional_annotators():
    with pytest.raises(ValueError, match="price_per_label .* finite number >= 0, got nan"):
        cost.LabelingCost(price_per_label=NAN)
    with pytest.raises(ValueError, match="annotators_per_item .* whole number >= 1, got 1.5"):
        cost.LabelingCost(annotators_per_item=1.5)


def test_relabel_budget_as_a_percentage_is_refused():
    with pytest.raises(ValueError, match="0.8, not 80"):
        noise.relabel_budget_curve([0.1, 0.5, 0.9], [True, False, False], budgets=(80,))


def test_labels_to_reach_a_nan_target_is_refused():
    with pytest.raises(ValueError, match="target"):
        active.labels_to_reach(CURVES, NAN)


def test_interval_level_as_a_percentage_is_refused():
    with pytest.raises(ValueError, match="0.9, not 90"):
        stats.mean_interval([0.0, 1.0, 1.0, 0.0], level=90)


def test_lf_solver_refuses_a_nan_step_size():
    with pytest.raises(ValueError, match="lr"):
        weak.solve_lf_accuracies(AGREEMENTS, 3, lr=NAN)


def test_a_negative_prototype_threshold_is_refused():
    with pytest.raises(ValueError, match="prototype_threshold"):
        weak.make_lfs(prototype_threshold=-1)


def test_soft_labels_in_percent_are_refused():
    with pytest.raises(ValueError, match="0.8, not 80"):
        features.soft_label_fit(X6, [80, 20, 90, 10, 70, 30])


def test_scale_refuses_a_nan_bias_and_a_negative_size():
    with pytest.raises(ValueError, match="bias"):
        scale.llm_label(["a fine film"], str.upper, bias=NAN)
    with pytest.raises(ValueError, match=r"n \(items\) must be a whole number >= 1, got -5"):
        scale.hybrid_stages(-5, {}, 0.01)


def test_a_noise_matrix_from_rows_that_do_not_sum_to_one_is_refused():
    proba = np.array([[0.9, 0.3], [0.2, 0.6], [0.8, 0.1], [0.3, 0.9]])
    with pytest.raises(ValueError, match="summing to 1"):
        noise.estimated_noise_matrix([0, 1, 0, 1], proba)


@pytest.mark.parametrize("quality", [np.ones(39), np.array(["0.5"] * 40)])
def test_exercise_05_check_refuses_quality_scores_of_the_wrong_length_or_type(quality):
    try:
        from course import checks
    except ImportError:  # before the package reshape
        from helpers import checks
    rng = np.random.default_rng(0)
    y = np.arange(40) % 2
    X = rng.normal(size=(40, 3)) + y[:, None]
    with pytest.raises(AssertionError, match="one number per train label"):
        checks.ex05_remedy(10, "remove", 0.01, quality, y, y, X, X[:20], y[:20])


def test_draw_raters_refuses_more_raters_than_any_item_has_quickly():
    with pytest.raises(ValueError, match="largest panel has 3"):
        labels.draw_raters([[1, -1, 2], [3, 0]], k=10**9)


def test_baal_with_no_dropout_passes_is_refused_not_reported_as_out_of_memory():
    X, y = np.zeros((30, 3), np.float32), np.arange(30) % 2
    with pytest.raises(ValueError, match="iterations"):
        active.run_baal(X, y, X, y, iterations=0, budget=24, n_start=20)


# ----------------------------------------------------------------------------------------------- the sweep
FRACTIONS = [  # a share in [0, 1]: a percentage is refused with the share it probably meant
    ("Settings.weak_confidence", lambda v: pipeline.Settings(weak_confidence=v)),
    ("Settings.llm_confidence", lambda v: pipeline.Settings(llm_confidence=v)),
    ("relabel_budget_curve budgets", lambda v: noise.relabel_budget_curve([0.1, 0.5, 0.9], [1, 0, 0], (v,))),
    ("labels_to_reach target", lambda v: active.labels_to_reach(CURVES, v)),
    ("mean_interval level", lambda v: stats.mean_interval([0.0, 1.0, 1.0], level=v)),
    ("seed_interval level", lambda v: stats.seed_interval([0.0, 1.0, 1.0], level=v)),
    ("proportion_interval level", lambda v: stats.proportion_interval(0.5, 10, level=v)),
    ("soft_label_fit proba_pos", lambda v: features.soft_label_fit(X6, [v] * 6)),
    ("solve_lf_accuracies init", lambda v: weak.solve_lf_accuracies(AGREEMENTS, 3, init=v)),
    ("hybrid_stages llm_share", lambda v: scale.hybrid_stages(100, {}, v)),
]
SIZES = [  # a whole number of items, labels, passes
    ("Settings.n_dev", lambda v: pipeline.Settings(n_dev=v)),
    ("Settings.llm_items", lambda v: pipeline.Settings(llm_items=v)),
    ("Settings.human_budget", lambda v: pipeline.Settings(human_budget=v)),
    ("least_sure n", lambda v: pipeline.least_sure(np.linspace(0, 1, 10), v)),
    ("hybrid_stages n", lambda v: scale.hybrid_stages(v, {}, 0.01)),
    ("draw_raters k", lambda v: labels.draw_raters([[1, -1, 2]], v)),
    ("annotators_per_item", lambda v: cost.LabelingCost(annotators_per_item=v)),
    ("solve_lf_accuracies steps", lambda v: weak.solve_lf_accuracies(AGREEMENTS, 3, steps=v)),
    ("run_baal iterations", lambda v: active.run_baal(X6, [0, 1] * 3, X6, [0, 1] * 3, iterations=v)),
]
AMOUNTS = [  # a finite number >= 0 (or > 0)
    ("price_per_label", lambda v: cost.LabelingCost(price_per_label=v)),
    ("minutes_per_label", lambda v: cost.LabelingCost(minutes_per_label=v)),
    ("solve_lf_accuracies lr", lambda v: weak.solve_lf_accuracies(AGREEMENTS, 3, lr=v)),
    ("make_lfs prototype_threshold", lambda v: weak.make_lfs(prototype_threshold=v)),
    ("scale.llm_label bias", lambda v: scale.llm_label(["a"], str.upper, bias=v)),
]
ZERO_IS_FINE = ("Settings.llm_items", "Settings.human_budget", "least_sure n")  # a stage left out, no rows
# which bad values each kind must refuse (0 is a fine share and amount; a negative bias is a fine bias)
CASES = ([(name, call, v) for name, call in FRACTIONS for v in (NAN, -0.1, 80, "0.8")]
         + [(name, call, v) for name, call in SIZES for v in (NAN, -5, 2.5, "10")]
         + [(name, call, 0) for name, call in SIZES if name not in ZERO_IS_FINE]
         + [(name, call, v) for name, call in AMOUNTS if "bias" not in name for v in (NAN, -1, "1")]
         + [("scale.llm_label bias", AMOUNTS[-1][1], v) for v in (NAN, float("inf"), "0.5")]
         + [("solve_lf_accuracies lr", AMOUNTS[2][1], 0)])


@pytest.mark.parametrize("name, call, value", CASES, ids=[f"{n}={v!r}" for n, _, v in CASES])
def test_sweep_nan_negative_zero_percent_and_text_are_refused_with_a_message(name, call, value):
    with pytest.raises((ValueError, TypeError)) as error:
        call(value)
    message = str(error.value)
    assert len(message) > 20 and any(str(v).lower() in message.lower() for v in (value, repr(value))), message
    if value == 80:
        assert "0.8, not 80" in message, message


# ----------------------------------------------------------------------------------------------- the probe set
def test_the_misuse_probes_end_in_clear_errors_or_in_documented_results(monkeypatch):
    """benchmarks/misuse_probes.py: every probe ends in a clear error of the series' own, or returns one of the
    results its docstring documents (a fractional point of a budget curve is priced; k=None draws every rater; an
    unknown accuracy weighs 0; one class only is a valid set of labels); none ends in a library's raw error or hangs."""
    monkeypatch.syspath_prepend(str(ROOT / "benchmarks"))
    import misuse_probes

    outcomes = {(name, repr(value)[:30]): misuse_probes.outcome(call, value)[0]
                for name, call, kind in misuse_probes.PROBES for value in misuse_probes.BAD[kind]}
    assert "raw" not in outcomes.values() and "hang" not in outcomes.values()
    accepted = sorted(k for k, v in outcomes.items() if v == "accepted")
    assert accepted == [("LabelingCost.dollars n_items", "2.5"), ("draw_raters k", "None"),
                        ("label_quality labels", "array([0, 0, 0, 0, 0, 0, 0, 0,"), ("log_odds_weight accuracy", "nan")]
