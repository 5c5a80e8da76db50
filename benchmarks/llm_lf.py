"""The LLM as one more labeling function (the deep dive 03a, section 4): notebook 04's logprob labeler (the shots and
threshold benchmarks/llm_labeling.py chose on dev) scores N train sentences; the results keep their ids and
P(positive) so that the deep dive 03a can add the vote `lf_llm` (it abstains below CONFIDENCE) to its label matrix.
Here the same comparison runs once: Snorkel's LabelModel with and without `lf_llm`, on those sentences.
Run: .venv/bin/python benchmarks/llm_lf.py   (after `make data`; about 8 min on 2 cores). One line + JSON.
"""

import os

import numpy as np
from common import write_result

import helpers
from helpers import features, llm, weak
from helpers.labels import ABSTAIN, confidence

N = int(os.environ.get("LLM_LF_SIZE", 1200))
CONFIDENCE = 0.8  # the series' bar for keeping an LLM label (notebook 06's llm_confidence)


def main() -> None:
    helpers.seed_everything()
    movies, X = features.binary_movies()
    rows = np.sort(np.random.default_rng(0).choice(np.flatnonzero((movies["split"] == "train").to_numpy()), N,
                                                   replace=False))
    sample = movies.iloc[rows]
    conn = llm.connect(timeout=120)
    lab = llm.Labeler(conn)
    prompt, bias = llm.chosen_prompt(movies)
    p = llm.proba_from_logprobs(lab.score([prompt(t) for t in sample["text"].to_numpy()]), bias)
    conn.close()

    table = weak.add_lf_inputs(movies, X, dev_mask=(movies["split"] == "dev").to_numpy()).iloc[rows]
    L = weak.apply_lfs(table, weak.make_lfs())
    vote = np.where(confidence(p) >= CONFIDENCE, (p > 0.5).astype(int), ABSTAIN)
    y = sample["label"].to_numpy()
    out = {"llm_coverage": float((vote != ABSTAIN).mean()),
           "llm_accuracy": float((vote[vote != ABSTAIN] == y[vote != ABSTAIN]).mean()),
           "llm_accuracy_all": float(((p > 0.5) == y).mean())}
    for name, matrix in (("without", L), ("with", np.column_stack([L, vote]))):
        model = weak.fit_label_model(matrix, seed=0)
        covered = (matrix != ABSTAIN).any(axis=1)
        acc, cov = weak.covered_accuracy(weak.proba_to_labels(model.predict_proba(matrix), covered), y)
        out.update({f"{name}_accuracy": acc, f"{name}_coverage": cov})
        if name == "with":
            out["llm_estimated_accuracy"] = float(model.get_weights()[-1])
    path = write_result("llm_lf", [0], [], {k: round(v, 4) for k, v in out.items()}, n=N, confidence=CONFIDENCE,
                        ids=sample["id"].tolist(), p_positive=np.round(p, 4).tolist())
    print(f"LLM as an LF on {N} train sentences: it votes on {out['llm_coverage']:.0%} at {out['llm_accuracy']:.3f} "
          f"(LabelModel believes {out['llm_estimated_accuracy']:.3f}); LabelModel without it "
          f"{out['without_accuracy']:.3f} on {out['without_coverage']:.1%}, with it {out['with_accuracy']:.3f} on "
          f"{out['with_coverage']:.1%} -> {path}")


if __name__ == "__main__":
    main()
