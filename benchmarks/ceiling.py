"""The fully supervised ceiling: logistic regression on all binary train labels, MiniLM embeddings vs TF-IDF.

Run: .venv/bin/python benchmarks/ceiling.py   (after `make data`). Prints one summary line, writes JSON.
The later notebooks compare every cheaper labeling strategy against this number.
"""

import time

import numpy as np
from common import write_json
from sklearn.model_selection import cross_val_score

import helpers
from helpers import features


def main() -> None:
    helpers.seed_everything()
    df, X_emb = features.binary_movies()
    train, test = (df["split"] == "train").to_numpy(), (df["split"] == "test").to_numpy()
    y = df["label"].to_numpy()
    result = {"n_train": int(train.sum()), "n_test": int(test.sum())}
    for name, (X_train, X_test) in {
        "minilm": (X_emb[train], X_emb[test]),
        "tfidf": features.tfidf(df["text"][train], df["text"][test]),
    }.items():
        start = time.perf_counter()
        model = features.classifier().fit(X_train, y[train])
        result[f"{name}_accuracy"] = round(float(model.score(X_test, y[test])), 4)
        result[f"{name}_fit_seconds"] = round(time.perf_counter() - start, 2)
    # one test split of ~1,060 sentences has a standard error of ~1.3 points: 5-fold CV over all labels too
    tfidf_model = features.tfidf_classifier()
    result["minilm_cv5_accuracy"] = round(float(cross_val_score(features.classifier(), X_emb, y, cv=5).mean()), 4)
    result["tfidf_cv5_accuracy"] = round(float(cross_val_score(tfidf_model, df["text"], y, cv=5).mean()), 4)
    # the consensus labels are themselves a vote: how often does a single real rater match them on test?
    result["single_rater_accuracy"] = round(float(np.mean(df["single_label"][test] == y[test])), 4)
    path = write_json("ceiling", result)
    print(f"ceiling: MiniLM+LR {result['minilm_accuracy']:.3f} (5-fold CV {result['minilm_cv5_accuracy']:.3f}), "
          f"TF-IDF+LR {result['tfidf_accuracy']:.3f} (CV {result['tfidf_cv5_accuracy']:.3f}) "
          f"on {result['n_test']} test sentences with {result['n_train']} train labels "
          f"(one real rater: {result['single_rater_accuracy']:.3f}) -> {path}")


if __name__ == "__main__":
    main()
