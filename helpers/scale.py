"""Past one machine: the two stages that outgrow a laptop first, embedding and LLM labeling, as Ray Data pipelines.
Taught in the deep dive 06c; measured by ``benchmarks/growth.py`` (how every stage's cost grows) and
``benchmarks/ray_scaling.py`` (1 and 2 workers against the single-process path).

Ray does the scheduling: ``map_batches`` with a fixed pool of actors (``ActorPoolStrategy``), each actor holding its
own model (an ONNX Runtime session of all-mpnet-base-v2, or its own llama.cpp server of one thread), fed batches of
sentences by Ray Data. Nothing here decides which worker gets which batch. ``start()`` starts a local Ray instance,
or joins the cluster that ``address`` (or ``RAY_ADDRESS``) names, and the same pipeline runs there unchanged, on
nodes set up as this one is (README: on a Ray cluster). The results do not depend on how Ray splits the work: an
embedding is the same whatever batch it is in (within float rounding), and the LLM's prompt prefix is restored from
a saved slot before every item (``LocalServer.pin``), so its scores do not depend on what the server computed
before.
"""

from __future__ import annotations

import os
import time

import numpy as np
import pandas as pd

from helpers.validate import choice, finite, share, text_list, whole

BATCH = 64  # sentences per batch Ray hands a worker: small enough to spread 1,000 sentences over workers evenly


def _quiet_data_context():
    import logging
    import warnings

    import ray.data

    logging.getLogger("ray.data").setLevel(logging.ERROR)  # its INFO lines name temporary paths and timings
    with warnings.catch_warnings():  # Ray 2.60's own context warns about its own deprecated defaults
        warnings.simplefilter("ignore", DeprecationWarning)
        ctx = ray.data.DataContext.get_current()
    ctx.enable_progress_bars = False  # a progress bar saved in a notebook shows the moment it was drawn
    ctx.print_on_execution_start = False
    ctx.enable_auto_log_stats = False
    return ctx


def start(address: str | None = None, cpus: int | None = None) -> dict:
    """Start a local Ray instance, or join the cluster at ``address``. Calling it again while Ray runs returns the
    running instance. Every node of a cluster needs this repository set up (``make setup data``: the package, its
    pins and the checked models); the driver's ``OPENAI_*`` settings are passed to the workers (``runtime_env``), so
    they label against the same endpoint.

    Args:
        address: a Ray cluster's address; None means ``RAY_ADDRESS`` if set, else a local instance; ``"auto"`` joins
            a cluster started on this machine with ``ray start``.
        cpus: CPUs of a local instance, >= 1; None means all usable ones.

    Returns:
        A dict: cpus and nodes (what Ray reports) and seconds (how long starting took).

    Raises:
        ValueError: for ``cpus`` with an ``address``, or a bad ``cpus``.
        ConnectionError: when nothing answers at ``address``.
    """
    import ray

    address = address or os.environ.get("RAY_ADDRESS") or None
    if cpus is not None:
        whole(cpus, "cpus", 1)
        if address:
            raise ValueError("cpus is for a local Ray instance; a cluster has the CPUs its nodes declare")
    began = time.perf_counter()
    if not ray.is_initialized():
        options = dict(include_dashboard=False, log_to_driver=False, logging_level="ERROR",
                       configure_logging=True)
        endpoint = {k: v for k, v in os.environ.items() if k.startswith("OPENAI_")}
        if endpoint:
            options["runtime_env"] = {"env_vars": endpoint}
        if address:
            import socket

            host, _, port = address.removeprefix("ray://").rpartition(":")
            if port.isdigit():  # Ray itself would retry an address where nothing listens for ever
                try:
                    socket.create_connection((host.strip("[]"), int(port)), timeout=10).close()
                except socket.gaierror:  # a name this machine cannot resolve (yet): left to Ray
                    pass
                except OSError as e:
                    raise ConnectionError(f"Nothing answers at the Ray address {address} ({e}); start the cluster "
                                          "there (`ray start --head` on its head node), or call "
                                          "helpers.scale.start() without an address for a local instance.") from None
            ray.init(address=address, **options)
        else:
            from helpers.internal.procs import usable_cpus

            ray.init(num_cpus=cpus or usable_cpus(), **options)
    _quiet_data_context()
    seconds = time.perf_counter() - began
    resources = ray.cluster_resources()
    return {"cpus": int(resources.get("CPU", 0)), "nodes": len(ray.nodes()), "seconds": seconds}


def stop() -> None:
    """Stop the local Ray instance (or leave the cluster); nothing happens when Ray is not running."""
    import ray

    if ray.is_initialized():
        ray.shutdown()


def _blocks(texts, batch: int) -> list[pd.DataFrame]:
    """The sentences with their row numbers, one block per batch: Ray Data hands blocks to workers, and one block
    would keep all but one worker idle (cut here: from_pandas's own override_num_blocks splits with numpy, which
    pandas 3's frames do not survive)."""
    table = pd.DataFrame({"row": np.arange(len(texts)), "text": texts})
    return [table.iloc[i: i + batch] for i in range(0, len(table), batch)]


def _check_sizes(workers: int, batch: int, cpus_per_worker: int) -> None:
    """Whole numbers >= 1, and no more CPUs asked for than Ray has (else it would wait for them forever)."""
    import ray

    for value, name in ((workers, "workers"), (batch, "batch"), (cpus_per_worker, "threads per worker")):
        whole(value, name, 1)
    if not ray.is_initialized():
        raise RuntimeError("Ray is not running: call helpers.scale.start() first (a local instance, or a cluster's "
                           "address)")
    have = int(ray.cluster_resources().get("CPU", 0))
    if workers * cpus_per_worker > have:
        raise ValueError(f"{workers} workers of {cpus_per_worker} CPU need {workers * cpus_per_worker} CPUs; this "
                         f"Ray instance has {have}")


class MpnetWorker:
    """A Ray Data actor: its own ONNX Runtime session of all-mpnet-base-v2 with ``threads`` threads."""

    def __init__(self, threads: int = 1):
        import onnxruntime as ort

        from helpers.internal.embeddings import mpnet_onnx

        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        self.session = ort.InferenceSession(str(mpnet_onnx()), options, providers=["CPUExecutionProvider"])

    def __call__(self, batch: dict) -> dict:
        from helpers.internal.embeddings import mpnet_encode

        began = time.time()
        vectors = mpnet_encode(list(batch["text"]), progress=False, session=self.session)
        return _stamped(batch, began, embedding=vectors)


class LLMWorker:
    """A Ray Data actor: its own bundled llama.cpp server of one thread (or the endpoint ``OPENAI_BASE_URL``
    names), scoring with ``prompt`` and turning logprobs into P(positive) with ``bias``, as notebook 04 does."""

    def __init__(self, prompt, bias: float, model: str = "smollm2"):
        from helpers import llm

        self.conn = llm.connect(model=model, servers=1, threads=1, timeout=120)
        self.prompt, self.bias = prompt, bias

    def __call__(self, batch: dict) -> dict:
        from helpers import llm

        began = time.time()
        labeler = llm.Labeler(self.conn)
        p = llm.proba_from_logprobs(labeler.score([self.prompt(t) for t in batch["text"]]), self.bias)
        return _stamped(batch, began, p_positive=np.asarray(p, dtype=float))


def _stamped(batch: dict, began: float, **columns) -> dict:
    n = len(batch["row"])
    return {"row": batch["row"], **columns, "began": np.full(n, began), "ended": np.full(n, time.time())}


def _run(texts, worker, kwargs: dict, workers: int, cpus: int, batch: int, column: str, timings: bool):
    """``texts`` through ``map_batches(worker)`` on a fixed pool of ``workers`` actors; the ``column`` of every row,
    put back in the input's order (Ray may finish batches in any), and with ``timings`` also when the workers began
    and ended their batches (wall-clock seconds; the benchmark's throughput without the actors' start)."""
    import warnings

    import ray.data

    ds = ray.data.from_pandas(_blocks(texts, batch))
    with warnings.catch_warnings():
        # max_restarts=0: Ray's default (restart a lost actor forever) logs a warning on the driver's stderr for
        # every such pool; here a lost worker fails the run with Ray's error instead. Ray 2.60 takes the setting
        # through map_batches' remote arguments, which it calls deprecated.
        warnings.simplefilter("ignore", DeprecationWarning)
        warnings.filterwarnings("ignore", message=".*ray_remote_args.*")
        ds = ds.map_batches(worker, fn_constructor_kwargs=kwargs, compute=ray.data.ActorPoolStrategy(size=workers),
                            num_cpus=cpus, batch_size=batch, batch_format="numpy", max_restarts=0)
    parts = list(ds.iter_batches(batch_format="numpy", batch_size=None))
    rows = np.concatenate([p["row"] for p in parts])
    if sorted(rows.tolist()) != list(range(len(texts))):
        raise RuntimeError(f"the Ray pipeline returned {len(rows)} rows for {len(texts)} sentences")
    values = np.concatenate([p[column] for p in parts])
    out = np.empty_like(values)
    out[rows] = values
    if not timings:
        return out
    began, ended = (np.concatenate([p[k] for p in parts]) for k in ("began", "ended"))
    return out, {"first_batch_began": float(began.min()), "last_batch_ended": float(ended.max())}


def embed(texts, workers: int = 2, threads_per_worker: int = 1, batch: int = BATCH, timings: bool = False):
    """all-mpnet-base-v2 embeddings of ``texts`` computed by Ray actors (the same as
    ``internal.embeddings.mpnet_encode`` within float rounding).

    Args:
        texts: the sentences, a list (not one string).
        workers: Ray actors, each with its own ONNX Runtime session.
        threads_per_worker: ONNX Runtime threads (and Ray CPUs) per actor.
        batch: sentences per batch Ray hands an actor.
        timings: also return when the workers began and ended.

    Returns:
        A float32 array of shape (len(texts), 768), in the input's order; with ``timings``, ``(array, dict)`` where
        the dict holds first_batch_began and last_batch_ended (wall-clock seconds).

    Raises:
        RuntimeError: if Ray is not running (call :func:`start` first).
        ValueError: for sizes that are not whole numbers >= 1, or more CPUs than the Ray instance has.
    """
    texts = text_list(texts)
    _check_sizes(workers, batch, threads_per_worker)
    return _run(texts, MpnetWorker, {"threads": threads_per_worker}, workers, threads_per_worker, batch, "embedding",
                timings)


def llm_label(texts, prompt, bias: float, workers: int = 2, model: str = "smollm2", batch: int = BATCH,
              timings: bool = False):
    """P(positive) of every text from the LLM (notebook 04's logprob labeler with ``prompt`` and ``bias``), on Ray
    actors, each with its own llama.cpp server of one thread.

    Args:
        texts: the sentences, a list (not one string).
        prompt: a function from a sentence to its completion prompt, e.g. the first of ``llm.chosen_prompt(movies)``.
        bias: the decision threshold on the log-odds, e.g. the second of ``llm.chosen_prompt(movies)``.
        workers: Ray actors (one CPU each).
        model: the bundled model, "smollm2" or "gemma3".
        batch: sentences per batch Ray hands an actor.
        timings: also return when the workers began and ended.

    Returns:
        A float array of P(positive), shape (len(texts),), in the input's order; with ``timings``, ``(array, dict)``
        as for :func:`embed`.

    Raises:
        TypeError: if ``prompt`` is not callable or ``texts`` is one string.
        RuntimeError: if Ray is not running (call :func:`start` first).
        ValueError: for an unknown model, a bad bias or size, or more CPUs than the Ray instance has.
    """
    texts = text_list(texts)
    if not callable(prompt):
        raise TypeError("prompt must turn a sentence into a completion prompt, e.g. llm.ScoringPrompt(shots)")
    bias = finite(bias, "bias (the decision threshold on the log-odds)")
    _check_sizes(workers, batch, 1)
    from helpers.internal.llm_server import LOCAL_MODELS

    choice(model, LOCAL_MODELS, "model")
    return _run(texts, LLMWorker, {"prompt": prompt, "bias": bias, "model": model}, workers, 1, batch,
                "p_positive", timings)


# ---------------------------------------------------------------------------------------- how a stage's cost grows
GROWTH_FORMS = {"n": lambda n: n, "n log n": lambda n: n * np.log(n), "n^2": lambda n: n ** 2}


def fit_form(sizes, values, form: str) -> tuple[float, float]:
    """``value ~ a + b * f(n)`` for one of :data:`GROWTH_FORMS`, both coefficients >= 0 (a fixed cost and a
    growing one), by least squares on relative errors, so a small size counts as much as a large one."""
    from scipy.optimize import nnls

    choice(form, GROWTH_FORMS, "growth form")
    n, y = np.asarray(sizes, dtype=float), np.asarray(values, dtype=float)
    if len(n) < 3 or len(n) != len(y) or not (np.isfinite(y).all() and (y > 0).all() and (n > 1).all()):
        raise ValueError(f"need at least 3 sizes > 1 with one positive, finite measurement each; got sizes "
                         f"{list(sizes)} and values {list(values)}")
    design = np.column_stack([np.ones_like(n), GROWTH_FORMS[form](n)]) / y[:, None]
    (a, b), _ = nnls(design, np.ones_like(y))
    return float(a), float(b)


def predict(form: str, coefficients, n) -> np.ndarray:
    a, b = coefficients
    return a + b * GROWTH_FORMS[form](np.asarray(n, dtype=float))


def fit_growth(sizes, values, targets=(100_000, 1_000_000)) -> dict:
    """Which growth fits one stage's measurements, and what it predicts, chosen and checked the way the series
    chooses on dev and reports on test: each form, fitted on all sizes but the two largest, predicts the
    second-largest, and the form that predicts it best is chosen (``choice_error``); the chosen form, fitted on all
    but the largest, then predicts the largest, which nothing before saw (``held_out_error``, relative); fitted
    again on every size, it extrapolates to ``targets``."""
    order = np.argsort(sizes)
    n, y = np.asarray(sizes, dtype=float)[order], np.asarray(values, dtype=float)[order]
    if len(n) < 5:
        raise ValueError(f"need at least 5 sizes (3 to fit, one to choose the form, the largest to check it), "
                         f"got {len(n)}")

    def error_at(form, k):
        """Relative error of the fit on the sizes before index k, at size k."""
        return float(predict(form, fit_form(n[:k], y[:k], form), n[k]) / y[k] - 1)

    choice_errors = {form: error_at(form, len(n) - 2) for form in GROWTH_FORMS}
    form = min(choice_errors, key=lambda f: abs(choice_errors[f]))
    coef = fit_form(n, y, form)
    return {"form": form, "choice_error": choice_errors[form], "largest": int(n[-1]),
            "held_out_error": error_at(form, len(n) - 1), "coefficients": coef,
            **{f"at_{int(t)}": float(predict(form, coef, t)) for t in targets}}


def stage_seconds(fits: dict, stage: str, n) -> np.ndarray:
    """A stage's fitted seconds at ``n`` items.

    Args:
        fits: growth.json's fits, ``{stage: {"seconds": fit_growth(...), ...}}``.
        stage: the stage's name, a key of ``fits`` (e.g. "embedding", "LLM labeling").
        n: items, one number or an array.

    Returns:
        The predicted seconds, a float array of ``n``'s shape.

    Raises:
        ValueError: for an unknown stage.
    """
    fit = fits[choice(stage, fits, "stage")]["seconds"]
    return predict(fit["form"], fit["coefficients"], n)


PARALLEL_STAGES = ("embedding", "LLM labeling")  # the two stages this module runs on Ray workers


def strategy_costs(n: int, fits: dict, prompt_tokens_per_label: float, llm_share: float, *,
                   completion_tokens_per_label: float = 1.0, gain: float | None = None, hours: float = 8.0,
                   settings=None, api_models=("claude-3-haiku", "gpt-3.5-turbo", "gpt-4"), cost=None) -> pd.DataFrame:
    """What labeling ``n`` items costs with each strategy, on the measured curves: human labels, dollars (human
    labels at notebook 01's price, API tokens at ``helpers.pricing``'s list prices), annotator hours, and machine
    hours on one machine like the one ``benchmarks/growth.py`` ran on. Every strategy embeds the items and trains
    the final model; the hybrid runs :func:`hybrid_stages`. An API's own time is not measured here (NaN).

    Args:
        n: items to label, >= 1.
        fits: growth.json's fits per stage (:func:`stage_seconds`).
        prompt_tokens_per_label: prompt tokens an API request takes per label.
        llm_share: the share of the items the hybrid sends to the LLM, in (0, 1].
        completion_tokens_per_label: completion tokens per label.
        gain: what a second Ray worker adds, as a share of the first, in (0, 1]; None leaves out the machines column.
        hours: the wall-clock hours the machines column must finish within.
        settings: the hybrid's ``pipeline.Settings`` (its n_dev and human_budget); None means the defaults.
        api_models: the ``pricing.PRICES`` rows priced as LLM APIs.
        cost: the price and time of a human label; None means ``cost.LabelingCost()``.

    Returns:
        A DataFrame indexed by strategy: human labels, dollars, annotator hours, machine hours and, with ``gain``,
        "machines for <hours> h" (nullable ints; missing where none suffice or for an API).

    Raises:
        ValueError: for a bad ``n`` or ``llm_share``, or an unknown stage in ``fits``.
    """
    from helpers.cost import LabelingCost
    from helpers.pipeline import Settings
    from helpers.pricing import token_cost

    whole(n, "n (items)", 1)
    if not (isinstance(llm_share, (int, float)) and 0 < llm_share <= 1):
        raise ValueError(f"llm_share is a fraction of the items in (0, 1], got {llm_share!r}")
    s, cost = settings or Settings(), cost or LabelingCost()
    common = {stage: float(stage_seconds(fits, stage, n)) for stage in ("embedding", "final model")}
    alone = {stage: float(stage_seconds(fits, stage, n)) for stage in ("weak supervision", "LLM labeling")}
    plans = [("all human", n, common),
             ("weak supervision", s.n_dev, {**common, "weak supervision": alone["weak supervision"]}),
             ("LLM on this machine", 0, {**common, "LLM labeling": alone["LLM labeling"]})]
    rows = [(name, humans, cost.dollars(humans), stages) for name, humans, stages in plans]
    rows += [(f"LLM API ({m})", 0, token_cost(n * prompt_tokens_per_label, n * completion_tokens_per_label, m), None)
             for m in api_models]
    humans = s.n_dev + s.human_budget
    rows.append(("hybrid (notebook 06)", humans, cost.dollars(humans), hybrid_stages(n, fits, llm_share, s)))
    out = pd.DataFrame([r[:3] for r in rows], columns=["strategy", "human labels", "dollars"]).set_index("strategy")
    out["annotator hours"] = [cost.hours(h) for h in out["human labels"]]
    out["machine hours"] = [sum(st.values()) / 3600 if st else np.nan for *_, st in rows]
    if gain is not None:
        out[f"machines for {hours:g} h"] = pd.array([machines_for(st, hours, gain) if st else None for *_, st in rows],
                                                    dtype="Int64")
    return out


def machines_for(stages: dict, hours: float, gain: float) -> int | None:
    """The fewest machines like this one that run ``stages`` within ``hours``: the :data:`PARALLEL_STAGES` spread over
    them, each machine after the first adding ``gain`` of one (what the second Ray worker added on this machine,
    ``benchmarks/ray_scaling.py``), the other stages on one.

    Args:
        stages: seconds per stage on one machine (:func:`hybrid_stages`).
        hours: the wall-clock budget, > 0.
        gain: what each further machine adds, as a share of the first, in (0, 1].

    Returns:
        The number of machines, an int >= 1; None when the stages that do not spread alone take longer than ``hours``.

    Raises:
        ValueError: for ``gain`` outside (0, 1] or ``hours`` <= 0.
    """
    if not (isinstance(gain, (int, float)) and 0 < gain <= 1) or not (isinstance(hours, (int, float)) and hours > 0):
        raise ValueError(f"gain must be in (0, 1] and hours > 0, got gain={gain!r}, hours={hours!r}")
    serial = sum(v for k, v in stages.items() if k not in PARALLEL_STAGES)
    spread = sum(v for k, v in stages.items() if k in PARALLEL_STAGES)
    left = hours * 3600 - serial
    if left <= 0:
        return None
    speed = spread / left  # how many machines' worth of throughput the spread stages need
    return 1 if speed <= 1 else 1 + int(np.ceil((speed - 1) / gain - 1e-9))


def hybrid_stages(n: int, fits: dict, llm_share: float, settings=None) -> dict[str, float]:
    """The hybrid's fitted machine seconds per stage at ``n`` items (notebook 06's recipe, ``pipeline.Settings``):
    every item embedded and weakly labeled, the LLM on ``llm_share`` of them, one active-learning query over the
    pool per round of ``pipeline.AL_BATCH`` labels, cleanlab and the final model over every item.

    Args:
        n: items, >= 1.
        fits: growth.json's fits per stage (:func:`stage_seconds`).
        llm_share: the share of the items sent to the LLM, in (0, 1].
        settings: the hybrid's ``pipeline.Settings`` (its human_budget sets the rounds); None means the defaults.

    Returns:
        ``{stage: seconds}`` for embedding, weak supervision, LLM labeling, active learning, cleanlab and final
        model.

    Raises:
        ValueError: for a bad ``n`` or ``llm_share``.
    """
    from helpers.pipeline import AL_BATCH, Settings

    whole(n, "n (items)", 1)
    if share(llm_share, "llm_share (the fraction of the items sent to the LLM)") == 0:
        raise ValueError("llm_share (the fraction of the items sent to the LLM) must be above 0, got 0")
    s = settings or Settings()
    rounds = -(-s.human_budget // AL_BATCH)
    one = {stage: float(stage_seconds(fits, stage, n)) for stage in
           ("embedding", "weak supervision", "active-learning round", "cleanlab", "final model")}
    return {"embedding": one["embedding"], "weak supervision": one["weak supervision"],
            "LLM labeling": float(stage_seconds(fits, "LLM labeling", max(int(llm_share * n), 1))),
            "active learning": rounds * one["active-learning round"], "cleanlab": one["cleanlab"],
            "final model": one["final model"]}


def dominant_stage(fits: dict, n) -> str:
    """The stage with the most fitted seconds at ``n`` items."""
    return max(fits, key=lambda stage: float(stage_seconds(fits, stage, n)))
