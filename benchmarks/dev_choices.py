"""What the series chooses on the dev split, re-chosen for its features (all-mpnet-base-v2): the logistic
regression's C with thousands of labels and with an active-learning run's few, and lf_prototype's threshold.
Never on test. The helpers hold the chosen values (features.C_MANY_LABELS, features.C_FEW_LABELS,
weak.PROTOTYPE_THRESHOLD) and tests/course/test_benchmarks.py checks that they are the ones this file chose.

Rules, fixed before measuring:
- C with many labels: the best dev accuracy of the classifier trained on every train label.
- C with few labels: the best mean dev accuracy over random train draws of 20, 50, 100, 200 and 300 labels
  (5 draws each, both classes in every draw), the sizes of an active-learning run; ties go to the smaller C.
- lf_prototype's threshold: the best dev accuracy of the Snorkel label model (fitted on the train split's votes,
  without the dev-model LF, which is trained on dev), counting an abstention as wrong, so that a threshold buys
  coverage only where it keeps the votes right.
Run: .venv/bin/python benchmarks/dev_choices.py   (after `make data`; about 2 min on 2 cores)
"""

import numpy as np
from common import write_json

import helpers
from helpers import features, weak
from helpers.labels import ABSTAIN

CS_MANY, CS_FEW = (0.1, 0.3, 1.0, 3.0, 10.0, 30.0), (1.0, 3.0, 10.0, 30.0, 100.0)
SIZES, DRAWS = (20, 50, 100, 200, 300), 5
THRESHOLDS = (0.0, 0.005, 0.01, 0.02, 0.03, 0.05)


def draws(y, train_rows):
    """DRAWS random train subsets of each size in SIZES, each holding both classes."""
    out = []
    for size in SIZES:
        for d in range(DRAWS):
            rng = np.random.default_rng(1000 * size + d)
            rows = rng.choice(train_rows, size, replace=False)
            while len(set(y[rows])) < 2:
                rows = rng.choice(train_rows, size, replace=False)
            out.append(rows)
    return out


def best(scores: dict) -> float:
    """The candidate with the highest score; a tie (within 1e-9) goes to the first (the smaller C)."""
    top = max(scores.values())
    return next(c for c, s in scores.items() if s >= top - 1e-9)


def main() -> None:
    helpers.seed_everything()
    movies, X = features.binary_movies()
    y, split = movies["label"].to_numpy(), movies["split"].to_numpy()
    tr, dv = np.flatnonzero(split == "train"), np.flatnonzero(split == "dev")

    many = {C: float(features.classifier(C=C).fit(X[tr], y[tr]).score(X[dv], y[dv])) for C in CS_MANY}
    subsets = draws(y, tr)
    few = {C: float(np.mean([features.classifier(C=C).fit(X[r], y[r]).score(X[dv], y[dv]) for r in subsets]))
           for C in CS_FEW}

    table = weak.add_lf_inputs(movies, X)
    protos = {}
    for t in THRESHOLDS:
        L = weak.apply_lfs(table, weak.make_lfs(include_dev_model=False, prototype_threshold=t))
        model = weak.fit_label_model(L[tr])
        covered = (L[dv] != ABSTAIN).any(axis=1)
        pred = np.where(covered, model.predict_proba(L[dv]).argmax(axis=1), ABSTAIN)
        votes = L[dv, -1] != ABSTAIN  # lf_prototype is the last LF without the dev model
        protos[t] = {"label_model_dev_accuracy_abstain_wrong": float(np.mean(pred == y[dv])),
                     "lf_prototype_dev_coverage": float(votes.mean()),
                     "lf_prototype_dev_accuracy": float(np.mean(L[dv, -1][votes] == y[dv][votes]))}

    chosen = {"C_many_labels": best(many), "C_few_labels": best(few),
              "prototype_threshold": best({t: r["label_model_dev_accuracy_abstain_wrong"] for t, r in protos.items()})}
    out = write_json("dev_choices", {
        "encoder": "all-mpnet-base-v2", "sizes": list(SIZES), "draws_per_size": DRAWS, "chosen": chosen,
        "dev_accuracy_many_labels": {str(c): round(a, 4) for c, a in many.items()},
        "dev_accuracy_few_labels": {str(c): round(a, 4) for c, a in few.items()},
        "prototype_threshold": {str(t): {k: round(v, 4) for k, v in r.items()} for t, r in protos.items()}})
    print(f"dev choices: C {chosen['C_many_labels']} with every label (dev {many[chosen['C_many_labels']]:.4f}), "
          f"C {chosen['C_few_labels']} with few (dev {few[chosen['C_few_labels']]:.4f}), prototype threshold "
          f"{chosen['prototype_threshold']} -> {out}")


if __name__ == "__main__":
    main()
