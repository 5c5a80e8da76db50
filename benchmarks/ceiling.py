"""The fully supervised ceiling: logistic regression on all binary train labels, with the series' all-mpnet-base-v2
embeddings, the smaller all-MiniLM-L6-v2 and TF-IDF; scored on test, on dev (the split choices are made on) and by
stratified 5-fold cross-validation over every labeled sentence (one test split of ~1,060 sentences has a standard
error of ~1 point, and MiniLM's was unlucky), plus how far 200 random train labels get (the mean of 5 draws).

Run: .venv/bin/python benchmarks/ceiling.py   (after `make data`). Prints one summary line, writes JSON.
The later notebooks compare every cheaper labeling strategy against the mpnet number.
"""

import time

import numpy as np
from common import write_json
from sklearn.model_selection import StratifiedKFold, cross_val_score

import helpers
from helpers import features

N_SMALL, DRAWS = 200, 5


def main() -> None:
    helpers.seed_everything()
    df, X_mpnet = features.binary_movies()
    _, X_minilm = features.binary_movies("minilm")
    split, y = df["split"].to_numpy(), df["label"].to_numpy()
    train, dev, test = (split == s for s in ("train", "dev", "test"))
    result = {"n_train": int(train.sum()), "n_dev": int(dev.sum()), "n_test": int(test.sum())}
    folds = StratifiedKFold(5, shuffle=True, random_state=0)
    draws = [np.random.default_rng(d).choice(np.flatnonzero(train), N_SMALL, replace=False) for d in range(DRAWS)]
    for name, X, model in (("mpnet", X_mpnet, features.classifier), ("minilm", X_minilm, features.classifier),
                           ("tfidf", df["text"].to_numpy(), features.tfidf_classifier)):
        start = time.perf_counter()
        fitted = model().fit(X[train], y[train])
        result[f"{name}_fit_seconds"] = round(time.perf_counter() - start, 2)
        result[f"{name}_accuracy"] = round(float(fitted.score(X[test], y[test])), 4)
        result[f"{name}_dev_accuracy"] = round(float(fitted.score(X[dev], y[dev])), 4)
        cv = cross_val_score(model(), X, y, cv=folds)
        result[f"{name}_cv5_accuracy"] = round(float(cv.mean()), 4)
        result[f"{name}_cv5_sd"] = round(float(cv.std(ddof=1)), 4)
        few = [(features.classifier(C=features.C_FEW_LABELS) if name != "tfidf" else model()).fit(X[r], y[r])
               .score(X[test], y[test]) for r in draws]
        result[f"{name}_{N_SMALL}_labels_accuracy"] = round(float(np.mean(few)), 4)
    # the consensus labels are themselves a vote: how often does a single real rater match them on test?
    result["single_rater_accuracy"] = round(float(np.mean(df["single_label"][test] == y[test])), 4)
    path = write_json("ceiling", result)
    r = result
    print(f"ceiling on {r['n_test']} test sentences with {r['n_train']} train labels: "
          f"mpnet+LR {r['mpnet_accuracy']:.3f} "
          f"(CV {r['mpnet_cv5_accuracy']:.3f} +- {r['mpnet_cv5_sd']:.3f}, dev {r['mpnet_dev_accuracy']:.3f}, "
          f"{N_SMALL} labels {r[f'mpnet_{N_SMALL}_labels_accuracy']:.3f}), MiniLM {r['minilm_accuracy']:.3f} "
          f"(CV {r['minilm_cv5_accuracy']:.3f}, dev {r['minilm_dev_accuracy']:.3f}), TF-IDF {r['tfidf_accuracy']:.3f} "
          f"(CV {r['tfidf_cv5_accuracy']:.3f}); one real rater {r['single_rater_accuracy']:.3f} -> {path}")


if __name__ == "__main__":
    main()
