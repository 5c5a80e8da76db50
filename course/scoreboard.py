"""The scoreboard of the lecture's claims (the deep dive 06a): each quantitative claim of the lecture against what
the series measured, one small spec per claim (:data:`CLAIMS`), every verdict given by one rule
(:func:`claim_verdict`) from figures the benchmarks recorded (:func:`course.results.benchmark`)."""

from __future__ import annotations

import math
from typing import NamedTuple

from course.results import benchmark
from helpers.pricing import HUMAN_PRICE

VERDICTS = ("holds", "partly", "does not hold", "not testable")


class Part(NamedTuple):
    """One measured part of a lecture claim: what was measured, its value and interval (low, high), and the range
    the lecture claims for it (low, high; None leaves that side open: (2, None) reads "at least 2"). ``value`` None:
    nothing in the series measures it."""

    what: str
    value: float | None
    interval: tuple[float, float] | None
    claimed: tuple[float | None, float | None]


def claim_verdict(value, interval, claimed) -> str:
    """The scoreboard's one rule: a measured value, its interval (low, high) and the lecture's claimed range
    (low, high; either end may be None, an open side) give a verdict.

    - "not testable": nothing was measured (``value`` is None or NaN);
    - "holds": the whole interval lies inside the claimed range (its ends count as inside);
    - "does not hold": the whole interval lies outside it, entirely below its low end or entirely above its high end;
    - "partly": the interval straddles an end of the range.

    An exact figure (a price from counted tokens, the lecture's own arithmetic) has the interval (value, value); a
    figure the lecture prints is claimed as that figure give or take one unit of its last digit (:func:`printed`).
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "not testable"
    low, high = interval
    floor, ceiling = claimed
    if floor is None and ceiling is None:
        raise ValueError("a claimed range needs at least one end")
    if not low <= value <= high:
        raise ValueError(f"the interval ({low}, {high}) does not contain the value {value}")
    if (floor is not None and high < floor) or (ceiling is not None and low > ceiling):
        return "does not hold"
    if (floor is None or low >= floor) and (ceiling is None or high <= ceiling):
        return "holds"
    return "partly"


def combine_verdicts(verdicts) -> str:
    """One verdict for a claim of several parts (each judged by :func:`claim_verdict`): "holds" when every part
    holds, "not testable" when no part could be tested, "does not hold" when no part holds even partly, and
    "partly" otherwise (one half holds and the other does not, or cannot be tested)."""
    found = set(verdicts)
    if not found <= set(VERDICTS):
        raise ValueError(f"unknown verdicts {sorted(found - set(VERDICTS))}")
    if not found:
        raise ValueError("a claim needs at least one part")
    if found == {"not testable"}:
        return "not testable"
    if found == {"holds"}:
        return "holds"
    if found <= {"does not hold", "not testable"}:
        return "does not hold"
    return "partly"


def judge(parts) -> str:
    """The verdict of a claim from its :class:`Part` s, by the rule."""
    return combine_verdicts([claim_verdict(p.value, p.interval, p.claimed) for p in parts])


def printed(figure: float, unit: float) -> tuple[float, float]:
    """The range a figure printed to ``unit`` (its last digit: 0.01 for 1.58) claims: figure ± unit."""
    return figure - unit, figure + unit


def _stays_from(labels, accuracy, target):
    """:func:`helpers.active.labels_to_reach` on one stored learning curve: the fewest labels from which it stays at
    or above ``target`` to its end (None: it ends below)."""
    import pandas as pd

    from helpers.active import labels_to_reach

    n = labels_to_reach(pd.DataFrame({"setup": "curve", "labels": labels, "accuracy": accuracy}), target).item()
    return None if math.isnan(n) else int(n)


# ----------------------------------------------------------------------------------------------- the claims
# Each claim is one small function of the measured figures (``m``, see :func:`measured`) that returns its row: the
# claim, the lecture's figure, what was measured, what was compared with what, where it is shown, and its parts.
CLAIMS = []


def claim(cid):
    def register(spec):
        CLAIMS.append((cid, spec))
        return spec
    return register


def row(text, lecture, measured, compared, where, *parts):
    return {"claim": text, "lecture": lecture, "measured": measured, "compared": compared, "where": where,
            "parts": parts}


def exact(what, value, claimed):
    value = float(value)
    return Part(what, value, (value, value), claimed)


def measured():
    """Every benchmark figure the claims read, and the few derived ones more than one claim uses."""
    from types import SimpleNamespace

    from helpers.pricing import token_cost

    m = SimpleNamespace(**{n: benchmark(n) for n in (
        "active_learning", "encoder_vs_query", "ceiling", "weak_supervision", "quality_quantity", "noisy_labels",
        "hybrid_pipeline", "llm_labeling", "llm_recipe", "llm_models", "llm_batch")})
    m.n_train, m.n_dev, m.n_test = m.ceiling["n_train"], m.ceiling["n_dev"], m.ceiling["n_test"]
    m.random_curve = m.encoder_vs_query["curves"]["mpnet"]["random"]
    m.design = {(r["budget"], r["design"]): r for r in m.quality_quantity["summary"]}
    led = m.llm_labeling["ledger"]
    one_per_request = next(r for r in m.llm_batch["runs"] if r["batch_size"] == 1)
    m.labelers = [(led["prompt_tokens"] / led["requests"], led["completion_tokens"] / led["requests"]),
                  *((x["prompt_tokens_per_label"], 1) for x in m.llm_models["models"].values()),  # one token out
                  (one_per_request["prompt_tokens_per_label"], one_per_request["completion_tokens_per_label"])]
    m.prices = (f"{len(m.labelers)} labelers: the logprob labeler ({led['requests']} requests), the "
                f"{len(m.llm_models['models'])} models of benchmarks/llm_models.py, and a chat labeler with one review "
                "per request (benchmarks/llm_batch.py)")

    def per_1000(model):  # the series' logprob labeler, and the range over the labelers (the lecture's chat one too)
        dollars = [1000 * token_cost(p, c, model) for p, c in m.labelers]
        return dollars[0], (min(dollars), max(dollars))

    m.per_1000 = per_1000
    m.gpt4, gpt4_range = per_1000("gpt-4")
    m.fold = 1000 * HUMAN_PRICE / m.gpt4, (1000 * HUMAN_PRICE / gpt4_range[1], 1000 * HUMAN_PRICE / gpt4_range[0])
    return m


# Part 1: the cost problem
@claim("slip_cost")
def _slip_cost(m):
    from helpers import cost

    missing = cost.remaining_cost(labeled=1_000, needed=100_000)  # the slide's premises, at its $0.30 and 5 minutes
    everything = cost.LabelingCost().summary(100_000)
    return row("Labeling the 99,000 missing movies: $30,000 and 8,333 hours", "$30,000, 8,333 h",
               f"${missing['dollars']:,.0f} and {missing['hours']:,.0f} h for the {missing['items']:,} missing "
               f"labels; ${everything['dollars']:,.0f} and {everything['hours']:,.0f} h is the price of all "
               f"{everything['items']:,}", "the slide's own premises through helpers.cost; exact arithmetic", "01 §1",
               exact("dollars", missing["dollars"], printed(30_000, 1)),
               exact("hours", missing["hours"], printed(8_333, 1)))


@claim("label_price")
def _label_price(m):
    return row("A label costs $0.30 and 5 minutes", "$0.30, 5 min",
               "not measured: the archive has ratings, not times or pay",
               "nothing: the series uses it as its cost model", "01 (used as the cost model)",
               Part("dollars per label", None, None, (HUMAN_PRICE, HUMAN_PRICE)))


# Part 2: active learning
@claim("al_saving")
def _al_saving(m):
    al = m.active_learning
    rec = al["recommended"]

    def reach(split, setup):  # a set-up that never reaches the target counts as one batch past the run's end
        n = next(s for s in al[split]["setups"] if s["setup"] == setup)["labels to reach"]
        return al["budget"] + al["batch"] if n != n else n

    own = {split: reach(split, "random (Baal MLP)") / reach(split, rec) for split in ("dev", "test", "amazon")}
    with_net = next(s for s in al["test"]["setups"] if s["setup"] == rec)["saving"]
    return row("Active learning saves 2-10x labels", "2-10x (at least 2x)",
               f"the query's own saving {own['test']:.2f}x on test (dev {own['dev']:.2f}x, Amazon "
               f"{own['amazon']:.2f}x); {with_net:.2f}x on test when the network's gain is counted too",
               f"{rec} (chosen on dev) against random queries on the same network: the labels each needs to reach "
               f"random sampling's {al['budget']}-label accuracy; {al['seeds']} seeds each, on the dev ({m.n_dev:,}) "
               f"and test ({m.n_test:,}) sentences and Amazon's test split "
               f"({al['amazon']['sentences']['test']:,}); interval: the range over the three", "02a §2, 02c §3",
               Part("the query's own saving (x)", own["test"], (min(own.values()), max(own.values())), (2, None)))


@claim("al_200")
def _al_200(m):
    evq, rnd = m.encoder_vs_query, m.random_curve
    unc = evq["curves"]["mpnet"]["uncertainty"]
    at = unc["labels"].index(200)  # the slide's 200 labels
    al_200 = unc["mean"][at]
    need = {k: _stays_from(rnd["labels"], rnd[k], al_200) for k in ("mean", "high", "low")}
    ratio = {k: math.inf if n is None else n / 200 for k, n in need.items()}
    last = rnd["labels"][-1]
    random_text = (f"random sampling stays at that accuracy from {need['mean']} labels ({ratio['mean']:.1f}x)"
                   if need["mean"] else f"random sampling is still below it at {last} labels, its last point "
                   f"(more than {last / 200:.1f}x the labels)")
    return row("AL reaches 90% with 200 labels; random needs 400+", "90% at 200 labels; random 2x the labels",
               f"uncertainty sampling at 200 labels: {al_200:.3f} (seeds {unc['low'][at]:.3f}-"
               f"{unc['high'][at]:.3f}; all {m.n_train:,} labels reach {m.ceiling['mpnet_accuracy']:.3f}); "
               f"{random_text}",
               f"modAL's uncertainty sampling against random sampling, the same logistic regression on mpnet "
               f"embeddings, {evq['seeds']} seeds each, test split ({m.n_test:,} sentences), up to {last} labels; "
               "intervals: the seeds' range (for random: where its best and worst seeds stay at the target)",
               "02 §4",
               Part("accuracy at 200 labels", al_200, (unc["low"][at], unc["high"][at]), (0.90, None)),
               Part("labels random needs for it, over 200 (x)", ratio["mean"], (ratio["high"], ratio["low"]),
                    (2, None)))


@claim("slip_entropy")
def _slip_entropy(m):
    import numpy as np

    from helpers import active

    dist = np.array([[0.34, 0.33, 0.33], [0.98, 0.01, 0.01]])  # the slide's two examples
    nats, bits = active.entropy(dist), active.entropy(dist, base=2)
    return row("Entropy: 1.58 for [0.34, 0.33, 0.33], 0.12 for [0.98, 0.01, 0.01]", "1.58 and 0.12",
               f"in nats (the slide's log, as modAL and scipy) {nats[0]:.2f} and {nats[1]:.2f}; in bits "
               f"{bits[0]:.2f} and {bits[1]:.2f}: the slide takes one figure from each",
               "the slide's two distributions; exact arithmetic", "02 §1",
               exact("high-entropy example, nats", nats[0], printed(1.58, 0.01)),
               exact("low-entropy example, nats", nats[1], printed(0.12, 0.01)))


# Part 3: weak supervision
@claim("ws_saving")
def _ws_saving(m):
    ws, rnd, n_dev, n_train = m.weak_supervision, m.random_curve, m.n_dev, m.n_train
    ws_acc, dev_acc, all_acc = (ws["downstream_test_accuracy"], ws["dev_labels_only_test_accuracy"],
                                m.ceiling["mpnet_accuracy"])
    gold = list(zip(rnd["labels"], rnd["mean"])) + [(n_dev, dev_acc), (n_train, all_acc)]
    below = max((n for n, a in gold if a < ws_acc), default=0)
    above = min((n for n, a in gold if a >= ws_acc), default=math.inf)
    worth = (below / n_dev, above / n_dev, n_train / n_dev if above <= n_train else math.inf)
    reach = _stays_from(rnd["labels"], rnd["mean"], ws_acc)
    return row("Weak supervision saves 10-100x", "10-100x (at least 10x)",
               f"weak labels of the LFs checked on the {n_dev:,} dev labels {ws_acc:.3f}; the dev labels alone "
               f"{dev_acc:.3f}: worth at most {worth[1]:.2f}x the gold labels it used, "
               + (f"what {reach} random gold labels reach" if reach else "below every random gold curve point"),
               f"the same classifier on the test split ({m.n_test:,} sentences): trained on notebook 03's weak labels "
               f"(its five LFs; {len(ws['seeds'])} label-model seeds) against gold labels "
               f"alone (the {n_dev:,} dev labels; random train labels up to {rnd['labels'][-1]}, "
               f"{m.encoder_vs_query['seeds']} seeds; all {n_train:,}); interval: from the largest gold set it beats "
               "to all gold labels, which it does not reach", "03 §5",
               Part("gold labels it is worth, over those it used (x)", worth[1], (worth[0], worth[2]), (10, None)))


@claim("slip_alpha")
def _slip_alpha(m):
    from helpers import weak

    a12, a13, a23 = 0.85, 0.80, 0.90  # the slide's agreements of LF pairs (1,2), (1,3), (2,3)
    slide = (0.80, 0.90, 0.85)  # and the accuracies it says they give
    solved = (weak.triplet_accuracy(a12, a13, a23), weak.triplet_accuracy(a12, a23, a13),
              weak.triplet_accuracy(a13, a23, a12))

    def agree(a, b):
        return a * b + (1 - a) * (1 - b)

    implied = (agree(slide[0], slide[1]), agree(slide[0], slide[2]), agree(slide[1], slide[2]))
    return row("Agreements 0.85, 0.80, 0.90 give LF accuracies 0.80, 0.90, 0.85", "alpha = 0.80, 0.90, 0.85",
               f"the equations give alpha = {', '.join(f'{a:.3f}' for a in solved)}; the slide's alpha imply "
               f"agreements {', '.join(f'{a:.2f}' for a in implied)}",
               "the slide's three equations, solved in closed form (checked by the torch solver in 03 §3); exact "
               "arithmetic", "03 §3",
               *(exact(f"LF{i + 1}'s accuracy", a, printed(s, 0.01)) for i, (a, s) in enumerate(zip(solved, slide))))


@claim("lm_vs_mv")
def _lm_vs_mv(m):
    from helpers import stats

    ws = m.weak_supervision
    n_shared = round(ws["majority_vote_coverage"] * m.n_train)
    lm, mv = ws["label_model_on_shared"], ws["majority_vote_on_shared"]
    return row("Label model beats majority vote", "better combiner",
               f"{lm:.3f} vs {mv:.3f} on the items both label ({lm - mv:+.3f})",
               f"Snorkel's LabelModel against majority vote over notebook 03's five LFs, on the {n_shared:,} train "
               f"sentences both label; {len(ws['seeds'])} label-model seeds (all alike); interval: normal "
               "approximation ignoring the pairing, so wider than a paired one", "03 §4",
               Part("LabelModel minus majority vote", lm - mv, stats.difference_interval(lm, n_shared, mv, n_shared),
                    (0, None)))


@claim("quantity")
def _quantity(m):
    qq, design = m.quality_quantity, m.design
    parts = []
    for b in qq["budgets"]:
        one, best = design[(b, "1 rater each")], design[(b, "every rater (consensus)")]
        parts.append(Part(f"{b} judgements: one rater minus consensus", one["accuracy"] - best["accuracy"],
                          (one["low"] - best["high"], one["high"] - best["low"]), (0, None)))
    return row("More noisy labels beat fewer perfect ones", "quantity wins",
               "one rater on many sentences against every rater's consensus on few: "
               + ", ".join(f"{design[(b, '1 rater each')]['accuracy']:.3f} vs "
                           f"{design[(b, 'every rater (consensus)')]['accuracy']:.3f} at {b:,}" for b in qq["budgets"])
               + " judgements (3 raters each: " + ", ".join(f"{design[(b, '3 raters each')]['accuracy']:.3f}"
                                                          for b in qq["budgets"]) + ")",
               f"the same classifier trained on labels bought with the same number of real rater judgements, test "
               f"split, {len(qq['seeds'])} draws of raters each; interval: one design's range over the draws minus "
               "the other's", "03a §3", *parts)


# Part 4: LLM labeling
@claim("llm_cost")
def _llm_cost(m):
    import numpy as np

    from helpers import data, stats

    lab, fold = m.llm_labeling, m.fold
    movies = data.load("movies").set_index("id")
    truth = movies.loc[lab["test_ids"], "label"].to_numpy()
    llm_right = (np.asarray(lab["test_p"]) > 0.5) == truth
    rater_right = movies.loc[lab["test_ids"], "single_label"].to_numpy() == truth
    gap, gap_low, gap_high = stats.mean_interval(llm_right.astype(float) - rater_right)
    return row("LLM labeling cuts cost 10-50x", "10-50x (at least 10x)",
               f"{fold[0]:.0f}x at GPT-4 prices ({fold[1][0]:.0f}-{fold[1][1]:.0f}x across the labelers); accuracy "
               f"{llm_right.mean():.3f} against one rater's {rater_right.mean():.3f} on the same sentences "
               f"({gap:+.3f})",
               f"${HUMAN_PRICE:.2f} per human label against GPT-4's list price for the tokens counted by {m.prices}; "
               f"the logprob labeler and one real rater on the same {len(truth)} clear test sentences, the consensus "
               "as truth; intervals: the labelers' range, a paired bootstrap over the sentences", "04 §3, §7",
               Part("cost, human over GPT-4 (x)", fold[0], fold[1], (10, None)),
               Part("accuracy, LLM minus one rater", gap, (gap_low, gap_high), (0, None)))


@claim("llm_150x")
def _llm_150x(m):
    haiku = m.per_1000("claude-3-haiku")[0]
    return row("10,000 labels: $3,000 by hand, $20 by GPT-4 / Claude (150x)", "150x ($0.002 a label)",
               f"${10 * m.gpt4:.2f} for 10,000 at GPT-4 prices ({m.fold[0]:.0f}x); at Claude Haiku prices "
               f"${10 * haiku:.2f} ({1000 * HUMAN_PRICE / haiku:,.0f}x)",
               f"as the llm_cost row: {m.prices}; interval: their range", "04 §7",
               Part("cost, human over GPT-4 (x)", m.fold[0], m.fold[1], (150, None)))


@claim("few_shot")
def _few_shot(m):
    few, bare = m.llm_labeling["generate"]["few-shot"], m.llm_labeling["generate"]["bare"]
    return row("Few-shot examples add 10-20% accuracy", "+10-20%",
               f"no fair comparison: without examples the chat prompt names a label on {bare['parse_rate']:.0%} of "
               f"the sentences, so {bare['accuracy_abstain_wrong']:.2f} -> {few['accuracy_abstain_wrong']:.2f} "
               f"measures the answer's format"
               + (f", and {few['accuracy_abstain_wrong']:.2f} is no better than a coin on two classes"
                  if few["accuracy_abstain_wrong"] <= 0.5 else "")
               + "; no benchmark scores the logprob prompt without examples",
               "the chat prompts with and without examples on the clear test sentences benchmarks/llm_labeling.py "
               "runs them on (not recorded in its results)", "04 §2",
               Part("accuracy gain from examples, answers that parse", None, None, (0.10, None)))


@claim("categories")
def _categories(m):
    import numpy as np

    from helpers import stats

    recipe = m.llm_recipe
    chosen = recipe["test"][recipe["chosen"]]
    two, n_two = chosen["accuracy_chosen_rule"], recipe["n_test"]
    multi = {{"three_class": "3 classes", "five_point": "5 points"}[k]: x for k, x in recipe["multiclass"].items()}
    drops = []
    for name, x in multi.items():
        best, n_multi = max(x["accuracy_raw"], x["accuracy_contextual"]), int(np.sum(x["confusion_raw"]))
        drops.append(Part(f"accuracy, 2 classes minus {name}", two - best,
                          stats.difference_interval(two, n_two, best, n_multi), (0, None)))
    return row("More categories lower LLM accuracy", "a drop",
               f"2 classes {two:.3f}; " + "; ".join(
                   f"{name} {x['accuracy_raw']:.3f} raw, {x['accuracy_contextual']:.3f} calibrated "
                   f"(majority class {x['majority_class']:.3f})" for name, x in multi.items()),
               f"the same model and recipe (benchmarks/llm_recipe.py): {n_two} clear test sentences for 2 classes, "
               f"{n_multi} random test sentences (neutral ones included) for 3 and 5, the drop judged on the better "
               "of raw and contextually calibrated scores; interval: normal approximation, two samples", "04a §2",
               *drops)


def _price(model, name, claimed):
    def spec(m):
        usd, spread = m.per_1000(model)
        return row(f"{name}: ${claimed[0]}-{claimed[1]} per 1,000 labels", f"${claimed[0]}-{claimed[1]}",
                   f"${usd:.3f} per 1,000 with the logprob labeler (${spread[0]:.3f}-{spread[1]:.3f} across the "
                   "labelers)", f"{name}'s list price (helpers.pricing) for the tokens counted by {m.prices}; "
                   "interval: their range", "04 §7", Part(f"dollars per 1,000 labels at {name} prices", usd, spread,
                                                          claimed))
    return spec


claim("price_gpt4")(_price("gpt-4", "GPT-4", (20, 50)))
claim("price_gpt35")(_price("gpt-3.5-turbo", "GPT-3.5", (2, 5)))
claim("price_haiku")(_price("claude-3-haiku", "Claude Haiku", (1, 3)))


# Part 5: noisy labels
@claim("noise_rate")
def _noise_rate(m):
    from helpers import stats

    nl = m.noisy_labels
    noise_rate = nl["real_noise_rate"]
    return row("Real data has 5-20% label noise", "5-20%", f"one rater: {noise_rate:.1%} wrong (binary)",
               f"one real rater's label against the consensus of all raters, on the {m.n_train:,} train sentences; "
               f"{len(nl['seeds'])} seeds (the rate does not depend on them); interval: binomial, normal "
               "approximation", "05 §1", Part("share of one rater's labels that are wrong", noise_rate,
                                              stats.proportion_interval(noise_rate, m.n_train), (0.05, 0.20)))


@claim("ws_noise")
def _ws_noise(m):
    from helpers import stats

    ws = m.weak_supervision
    n_lm = round(ws["label_model_coverage"] * m.n_train)
    return row("Weak supervision labels are 15-30% wrong", "15-30%",
               f"{1 - ws['label_model_accuracy']:.1%} of the label model's labels over notebook 03's five LFs",
               f"weak labels against the raters' consensus on the {n_lm:,} train sentences they label "
               "(benchmarks/weak_supervision.py); interval: binomial, normal approximation", "03 §4",
               Part("notebook 03's five LFs", 1 - ws["label_model_accuracy"],
                    stats.proportion_interval(1 - ws["label_model_accuracy"], n_lm), (0.15, 0.30)))


@claim("noise_handling")
def _noise_handling(m):
    from helpers import stats

    nl, n_test = m.noisy_labels, m.n_test
    lifts = [r["real_lift_at_10pct"] for r in nl["runs"]]
    remedies = {k.removeprefix("remedy: "): v for k, v in nl.items() if k.startswith("remedy: ")}
    best_remedy = max((k for k in remedies if k != "do nothing"), key=remedies.get)
    fixed, left = remedies[best_remedy], remedies["do nothing"]
    return row("Handling noisy labels saves 1.5-2x", "1.5-2x (at least 1.5x)",
               f"cleanlab's ranking finds real errors {nl['real_lift_at_10pct']:.1f}x as fast as a random review "
               f"(10% budget); the best remedy ({best_remedy}) {fixed - left:+.3f} test accuracy; labels saved to "
               "reach an accuracy: not measured",
               f"{len(nl['seeds'])} seeds on the {m.n_train:,} train sentences labeled by one real rater: errors "
               f"found per reviewed label against a random review; each remedy's test accuracy ({n_test:,} "
               "sentences) against doing nothing; intervals: the seeds' range, normal approximation ignoring the "
               "pairing", "05 §3, §5 (one run; these figures: the benchmark's seeds)",
               Part("errors found per review, over a random review (x)", nl["real_lift_at_10pct"],
                    (min(lifts), max(lifts)), (1.5, None)),
               Part("test accuracy, best remedy minus doing nothing", fixed - left,
                    stats.difference_interval(fixed, n_test, left, n_test), (0, None)))


# Part 6: the hybrid
@claim("hybrid_cost")
def _hybrid_cost(m):
    import numpy as np

    hy = m.hybrid_pipeline
    cut = hy["all_human_dollars"] / hy["hybrid_dollars"]
    paired = [r["hybrid_accuracy"] - r["human_random_accuracy"] for r in hy["runs"]]
    return row("Hybrid pipelines cut cost 5-20x", "5-20x (at least 5x)",
               f"{cut:.0f}x cheaper than all-human, {hy['all_human_accuracy'] - hy['hybrid_accuracy']:.3f} below it "
               f"({hy['hybrid_accuracy']:.3f} vs {hy['all_human_accuracy']:.3f}); random human labels for the same "
               f"${hy['hybrid_dollars']:.0f} reach {hy['human_random_accuracy']:.3f} ({np.mean(paired):+.3f} for the "
               "hybrid)",
               f"on one test split and one ledger, {len(hy['seeds'])} seeds: the hybrid against consensus labels for "
               f"the whole pool (${hy['all_human_dollars']:,.0f}), and against {hy['hybrid_human_labels']:.0f} "
               "random one-rater labels bought with the hybrid's dollars; interval: the seeds' range of the paired "
               "difference", "06", exact("cost, all-human over the hybrid (x)", cut, (5, None)),
               Part("accuracy, hybrid minus random human labels for the same dollars", float(np.mean(paired)),
                    (min(paired), max(paired)), (0, None)))


def lecture_claims():
    """The lecture's quantitative claims against what this series measured (the scoreboard of the deep dive 06a),
    indexed by a stable claim id: the claim, the lecture's figure, what was measured (value and interval), what was
    compared with what on which items (seeds and sample sizes as the benchmarks record them), the verdict that
    :func:`judge` gives from the row's ``parts``, and where it is shown ("03 §4": notebook 03, section 4; "03a §3":
    the deep dive 03a). Every figure is read from ``benchmarks/results/``; the one paired comparison of the LLM with
    a rater also reads the raters' labels of the same sentences from the movie table (``data.load``)."""
    import pandas as pd

    m = measured()
    table = pd.DataFrame([{"id": cid, **spec(m)} for cid, spec in CLAIMS]).set_index("id")
    if not table.index.is_unique:
        raise ValueError(f"claim ids repeat: {table.index[table.index.duplicated()].tolist()}")
    table["verdict"] = [judge(parts) for parts in table["parts"]]
    return table[["claim", "lecture", "measured", "compared", "verdict", "where", "parts"]]
