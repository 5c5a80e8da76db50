"""A labeler on another domain (the deep dive 04c): the movie-tuned logprob labeler (the shots and threshold
benchmarks/llm_labeling.py chose on the movie dev split) applied to the archive's Amazon product sentences, then
the recipe redone on Amazon's own dev split (shot search, 4 candidates x 100 dev sentences, threshold fitted there).
Each is scored on the same N_TEST clear Amazon test sentences at three thresholds: 0, the contextual-calibration
one (from content-free inputs, no labels) and a dev-fitted one (movie dev for the movie threshold, Amazon dev).
Run: .venv/bin/python benchmarks/llm_amazon.py   (after `make data`; about 8 min on 2 cores). One line + JSON.
"""

import os

import numpy as np
from common import write_result
from llm_labeling import search_shots

import helpers
from helpers import data, llm

N_TEST, N_DEV = (int(v) for v in os.environ.get("LLM_AMAZON_SIZES", "300,100").split(","))


def main() -> None:
    helpers.seed_everything()
    movies, amazon = data.binary(data.load()), data.binary(data.load("amazon"))
    test = llm.clear_items(amazon, "test", N_TEST, seed=0)
    y = test["label"].to_numpy()
    conn = llm.connect(timeout=120)
    lab = llm.Labeler(conn)

    movie_prompt, movie_bias = llm.chosen_prompt(movies)
    search = search_shots(lab, amazon, k=4, candidates=4, n_eval=N_DEV, head="Product review sentiment.\n\n")
    best = search.iloc[0]
    # the movie prompt's threshold refitted on the Amazon dev items of the search (labels needed)
    dev = llm.clear_items(amazon, "dev", N_DEV, seed=0, exclude=best["shot_ids"])
    movie_on_dev = lab.score([movie_prompt(t) for t in dev["text"].to_numpy()])
    movie_fits = {"movie dev": movie_bias, "Amazon dev": llm.fit_bias(movie_on_dev, dev["label"].to_numpy())}
    runs = {}
    for name, prompt, fitted in (("movie prompt", movie_prompt, movie_fits),
                                 ("recipe redone on Amazon dev", best["prompt"], {"Amazon dev": best["bias"]})):
        cf = llm.content_free_logp(lab, prompt)
        logp = lab.score([prompt(t) for t in test["text"].to_numpy()])
        biases = {"threshold 0": 0.0, "contextual": float(cf[1] - cf[0]),
                  **{f"fitted on {k}": float(v) for k, v in fitted.items()}}
        runs[name] = {"auroc": llm.score_quality(llm.proba_from_logprobs(logp), y)["auroc"], "bias": biases,
                      "accuracy": {k: llm.score_quality(llm.proba_from_logprobs(logp, b), y)["accuracy"]
                                   for k, b in biases.items()},
                      "test_logodds": np.round(logp[:, 1] - logp[:, 0], 4).tolist()}
    conn.close()
    path = write_result("llm_amazon", [0], [], {}, n_test=len(test), n_dev=N_DEV, test_ids=test["id"].tolist(),
                        amazon_shot_ids=best["shot_ids"],
                        amazon_search=search[["candidate", "shot_ids", "auroc", "accuracy", "bias"]].round(4)
                        .to_dict("records"), prompts=runs)
    print(f"Amazon, {len(test)} clear test sentences: " + "; ".join(
        f"{n}: AUROC {r['auroc']:.3f}, accuracy " + ", ".join(f"{k} {v:.3f}" for k, v in r["accuracy"].items())
        for n, r in runs.items()) + f" -> {path}")


if __name__ == "__main__":
    main()
