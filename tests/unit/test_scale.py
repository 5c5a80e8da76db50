"""helpers.scale: the growth fits on curves whose form is known, bad input refused before Ray is asked for anything,
and the Ray Data pipelines on a local Ray instance this module starts and stops, against the single-process path."""

import numpy as np
import pandas as pd
import pytest

from helpers import scale
from helpers.internal import embeddings

SIZES = [1_000, 2_000, 5_000, 10_000, 23_703]


@pytest.mark.parametrize("form, a, b", [("n", 2.0, 3e-3), ("n log n", 0.5, 4e-4), ("n^2", 1.0, 2e-7)])
def test_the_fit_finds_the_form_that_made_the_numbers(form, a, b):
    n = np.array(SIZES, dtype=float)
    values = scale.predict(form, (a, b), n)
    fit = scale.fit_growth(n, values)
    assert fit["form"] == form
    assert abs(fit["held_out_error"]) < 1e-6
    assert fit["coefficients"] == pytest.approx((a, b), rel=1e-6)
    assert fit["at_100000"] == pytest.approx(a + b * scale.GROWTH_FORMS[form](1e5), rel=1e-6)


def test_the_held_out_error_is_that_of_a_fit_that_never_saw_the_largest_size():
    n = np.array(SIZES, dtype=float)
    values = 1.0 + 1e-3 * n
    values[-1] *= 1.5  # the largest size is slower than the small ones say
    fit = scale.fit_growth(n, values)
    assert fit["form"] == "n"
    assert fit["held_out_error"] == pytest.approx(1 / 1.5 - 1, rel=1e-3)


@pytest.mark.parametrize("sizes, values", [
    ([1_000, 2_000, 5_000, 10_000], [1, 2, 5, 10]),  # four sizes: nothing left to choose the form on
    ([1_000, 2_000, 5_000, 10_000, 20_000], [1, 2, float("nan"), 10, 20]),
    ([1_000, 2_000, 5_000, 10_000, 20_000], [1, 2, 0, 10, 20]),  # a zero time cannot be a relative error's base
])
def test_a_growth_fit_refuses_too_few_or_broken_measurements(sizes, values):
    with pytest.raises(ValueError):
        scale.fit_growth(sizes, values)


def linear_fits(seconds_per_item: dict) -> dict:
    """growth.json's fits for stages that take a fixed number of seconds per item."""
    n = np.array(SIZES, dtype=float)
    return {stage: {"seconds": scale.fit_growth(n, 0.5 + per * n)} for stage, per in seconds_per_item.items()}


STAGES = {"embedding": 0.02, "final model": 1e-5, "weak supervision": 1e-4, "LLM labeling": 0.25,
          "active-learning round": 1e-5, "cleanlab": 1e-4}


def test_strategy_costs_add_the_stages_each_strategy_runs():
    from helpers.pipeline import Settings
    from helpers.pricing import HUMAN_PRICE

    n = 100_000
    costs = scale.strategy_costs(n, linear_fits(STAGES), prompt_tokens_per_label=100, llm_share=0.01)
    s = Settings()
    assert costs.loc["all human", "dollars"] == pytest.approx(n * HUMAN_PRICE)
    assert costs.loc["hybrid (notebook 06)", "human labels"] == s.n_dev + s.human_budget
    common = (0.5 + STAGES["embedding"] * n) + (0.5 + STAGES["final model"] * n)
    assert costs.loc["all human", "machine hours"] == pytest.approx(common / 3600)
    assert costs.loc["LLM on this machine", "machine hours"] == pytest.approx(
        (common + 0.5 + STAGES["LLM labeling"] * n) / 3600)
    llm_hybrid = 0.5 + STAGES["LLM labeling"] * 0.01 * n  # the hybrid sends the LLM 1% of the items
    assert costs.loc["hybrid (notebook 06)", "machine hours"] < costs.loc["LLM on this machine", "machine hours"]
    assert costs.loc["hybrid (notebook 06)", "machine hours"] > (common + llm_hybrid) / 3600
    assert costs.loc["LLM API (gpt-4)", "dollars"] == pytest.approx((100 * n * 30 + n * 60) / 1e6)
    assert np.isnan(costs.loc["LLM API (gpt-4)", "machine hours"])
    assert scale.dominant_stage(linear_fits(STAGES), n) == "LLM labeling"
    with_machines = scale.strategy_costs(n, linear_fits(STAGES), 100, 0.01, gain=0.5, hours=8)
    assert pd.isna(with_machines.loc["LLM API (gpt-4)", "machines for 8 h"])
    assert with_machines.loc["LLM on this machine", "machines for 8 h"] == scale.machines_for(
        {"embedding": 0.5 + 0.02 * n, "final model": 0.5 + 1e-5 * n, "LLM labeling": 0.5 + 0.25 * n}, 8, 0.5)


@pytest.mark.parametrize("stages, hours, gain, machines", [
    ({"embedding": 3600.0, "cleanlab": 3600.0}, 2, 0.5, 1),  # it fits on one machine
    ({"embedding": 7200.0, "cleanlab": 1800.0}, 2, 0.5, 2),  # 2 h of embedding in 1.5 h: 1.5 machines
    ({"LLM labeling": 36000.0}, 1, 1.0, 10),  # perfect scaling: ten machines for ten hours' work in one
    ({"LLM labeling": 60.0, "cleanlab": 7200.0}, 1, 0.9, None),  # the serial stage alone is too long
])
def test_machines_spread_only_the_ray_stages(stages, hours, gain, machines):
    assert scale.machines_for(stages, hours, gain) == machines


@pytest.mark.parametrize("gain, hours", [(0, 8), (1.5, 8), (float("nan"), 8), (0.5, 0), ("0.5", 8)])
def test_machines_refuse_a_gain_or_a_day_that_cannot_be(gain, hours):
    with pytest.raises(ValueError, match="gain must be in"):
        scale.machines_for({"embedding": 1.0}, hours, gain)


@pytest.mark.parametrize("kwargs, error", [({"n": 0}, "whole number >= 1"), ({"llm_share": 0}, "llm_share"),
                                           ({"llm_share": float("nan")}, "llm_share"), ({"n": "1e5"}, "whole")])
def test_strategy_costs_refuse_impossible_sizes(kwargs, error):
    args = {"n": 100_000, "fits": linear_fits(STAGES), "prompt_tokens_per_label": 100, "llm_share": 0.01, **kwargs}
    with pytest.raises((TypeError, ValueError), match=error):
        scale.strategy_costs(**args)


def test_an_unknown_form_names_the_choices():
    with pytest.raises(ValueError, match="n log n"):
        scale.fit_form([1, 2, 3], [1, 2, 3], "exponential")


def test_the_pipelines_refuse_bad_input_before_ray_is_asked():
    with pytest.raises(TypeError, match="not one string"):
        scale.embed("one sentence")
    with pytest.raises(ValueError, match="empty"):
        scale.llm_label([], lambda t: t, 0.0)
    with pytest.raises(TypeError, match="prompt"):
        scale.llm_label(["a sentence"], "not a prompt", 0.0)


def test_without_ray_running_the_error_says_how_to_start_it():
    scale.stop()
    with pytest.raises(RuntimeError, match="scale.start"):
        scale.embed(["a sentence"], workers=1)


def test_the_workers_get_the_drivers_endpoint_and_a_cluster_takes_no_cpu_count(monkeypatch):
    import ray

    seen = {}
    monkeypatch.setattr(ray, "is_initialized", lambda: False)
    monkeypatch.setattr(ray, "init", lambda **kwargs: seen.update(kwargs))
    monkeypatch.setattr(ray, "cluster_resources", lambda: {"CPU": 16.0})
    monkeypatch.setattr(ray, "nodes", lambda: [{}, {}])
    monkeypatch.setenv("OPENAI_BASE_URL", "http://vllm.example:8000/v1")
    assert scale.start("ray://head:10001") == {"cpus": 16, "nodes": 2, "seconds": pytest.approx(0, abs=5)}
    assert seen["address"] == "ray://head:10001"
    assert seen["runtime_env"]["env_vars"]["OPENAI_BASE_URL"] == "http://vllm.example:8000/v1"
    with pytest.raises(ValueError, match="cpus is for a local Ray instance"):
        scale.start("ray://head:10001", cpus=4)


@pytest.fixture(scope="module")
def local_ray():
    info = scale.start(cpus=2)
    yield info
    scale.stop()
    import ray

    assert not ray.is_initialized()


@pytest.mark.slow
def test_a_local_instance_reports_its_cpus(local_ray):
    assert local_ray["cpus"] == 2 and local_ray["nodes"] == 1
    assert scale.start()["cpus"] == 2  # started again while it runs: the same instance


@pytest.mark.slow
@pytest.mark.parametrize("workers, batch", [(0, 8), (3, 8), (1, 0), (1.5, 8)])
def test_impossible_sizes_are_refused_instead_of_waiting_forever(local_ray, workers, batch):
    with pytest.raises(ValueError):  # 3 workers of one CPU on 2 CPUs would wait for a CPU that never comes
        scale.embed(["a sentence"], workers=workers, batch=batch)


@pytest.mark.slow
def test_ray_embeddings_equal_the_single_process_ones(local_ray):
    from helpers import data, features

    texts = data.load("movies")["text"].tolist()[:40]
    vectors = scale.embed(texts, workers=2, batch=8)
    assert vectors.shape == (40, features.EMBEDDING_DIM) and vectors.dtype == np.float32
    np.testing.assert_allclose(vectors, embeddings.mpnet_encode(texts, progress=False), atol=1e-5)


@pytest.mark.slow
def test_ray_llm_labels_equal_the_single_process_ones(local_ray):
    from helpers import data, llm

    movies = data.load("movies")
    texts = movies["text"].tolist()[:12]
    prompt, bias = llm.chosen_prompt(movies)
    p, timing = scale.llm_label(texts, prompt, bias, workers=2, batch=4, timings=True)
    conn = llm.connect(timeout=120)
    single = llm.proba_from_logprobs(llm.Labeler(conn).score([prompt(t) for t in texts]), bias)
    np.testing.assert_allclose(p, single, atol=1e-9)
    assert timing["last_batch_ended"] > timing["first_batch_began"]
