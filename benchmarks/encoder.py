"""The sentence encoder (issue: a modern sentence representation): all-mpnet-base-v2 against the series'
all-MiniLM-L6-v2 and TF-IDF on the same splits, and how to run mpnet fast on 2 cores without losing accuracy.

Accuracy of each representation: logistic regression with C chosen on the dev split from {0.1, 1, 10, 100}, then
scored on test with all train labels, and with 200 random train labels (C chosen on dev for that size; the mean of 5
draws); and 5-fold cross-validation on train, dev and test pooled (at the dev-chosen C).
Speed of each way to run mpnet: seconds to embed a fixed random sample of N_SAMPLE movie sentences (extrapolated to
all of them), after one warm-up batch, and the cosine of its embeddings to sentence-transformers' on torch:
  torch fp32 (sentence-transformers, the reference), ONNX Runtime fp32 at three batch sizes, ONNX Runtime's dynamic
  int8 quantization of the weights, and torch's dynamic int8 quantization of the linear layers.
Also: tokens per sentence (the longest is what a shorter max_seq_length could cut: nothing below it changes) and
ONNX Runtime with 1 thread instead of one per core.
Rule, fixed before measuring: the fastest way whose test and CV accuracy stay within 0.005 of the reference.
Run: .venv/bin/python benchmarks/encoder.py   (after `make data`; about 25 min on 2 cores, keep the machine quiet).
"""

import time
import warnings

import numpy as np
from common import write_json
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_score

import helpers
from helpers import data, features
from helpers.internal import embeddings
from helpers.internal.downloads import DATA_DIR
from helpers.labels import ABSTAIN

N_SAMPLE, CS, TOLERANCE, N_SMALL, DRAWS = 1000, (0.1, 1.0, 10.0, 100.0), 0.005, 200, 5


def accuracy(X, y, split, seed=0) -> dict:
    """Dev-chosen C; test accuracy with every train label and with N_SMALL; 5-fold CV over all rows."""
    tr, dv, te = (np.flatnonzero(split == s) for s in ("train", "dev", "test"))

    def fit_score(rows, C, eval_rows):
        return LogisticRegression(C=C, max_iter=3000, random_state=seed).fit(X[rows], y[rows]).score(X[eval_rows],
                                                                                                     y[eval_rows])

    C_all = max(CS, key=lambda C: fit_score(tr, C, dv))
    draws = [np.random.default_rng(d).choice(tr, N_SMALL, replace=False) for d in range(DRAWS)]
    C_small = max(CS, key=lambda C: np.mean([fit_score(r, C, dv) for r in draws]))
    folds = StratifiedKFold(5, shuffle=True, random_state=seed)
    cv = cross_val_score(LogisticRegression(C=C_all, max_iter=3000, random_state=seed), X, y, cv=folds)
    return {"C": C_all, "test": float(fit_score(tr, C_all, te)), "C_200": C_small,
            "test_200_labels": float(np.mean([fit_score(r, C_small, te) for r in draws])),
            "cv_mean": float(cv.mean()), "cv_sd": float(cv.std(ddof=1))}


def ways(folder):
    """name -> a function texts -> unit-length embeddings, each loaded here (not inside the timing)."""
    import onnxruntime as ort
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from sentence_transformers import SentenceTransformer

    st = SentenceTransformer(str(folder), device="cpu")
    onnx = embeddings.mpnet_onnx()
    int8 = DATA_DIR / "all-mpnet-base-v2-int8.onnx"  # a benchmark-only file
    if not int8.exists():
        quantize_dynamic(str(onnx), str(int8), weight_type=QuantType.QInt8)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch.ao.quantization's deprecation notice
        st_int8 = torch.ao.quantization.quantize_dynamic(SentenceTransformer(str(folder), device="cpu"),
                                                         {torch.nn.Linear}, dtype=torch.qint8)
    fp32, q8 = embeddings.mpnet_session(str(onnx)), ort.InferenceSession(str(int8), providers=["CPUExecutionProvider"])
    one = ort.SessionOptions()
    one.intra_op_num_threads = 1
    fp32_one_thread = ort.InferenceSession(str(onnx), one, providers=["CPUExecutionProvider"])

    def torch_way(model):
        return lambda t: model.encode(t, batch_size=64, normalize_embeddings=True, convert_to_numpy=True)

    return {"torch fp32 (sentence-transformers)": torch_way(st),
            **{f"onnxruntime fp32, batch {b}": (lambda t, b=b: embeddings.mpnet_encode(t, b, False, session=fp32))
               for b in (32, 64, 128)},
            "onnxruntime fp32, batch 64, 1 thread": lambda t: embeddings.mpnet_encode(t, 64, False,
                                                                                    session=fp32_one_thread),
            "onnxruntime int8 (dynamic)": lambda t: embeddings.mpnet_encode(t, 64, False, session=q8),
            "torch int8 (dynamic, linear layers)": torch_way(st_int8)}


def main() -> None:
    helpers.seed_everything()
    table = data.load()
    texts = table["text"].tolist()
    keep = (table["label"] != ABSTAIN).to_numpy()
    y, split = table["label"].to_numpy()[keep], table["split"].to_numpy()[keep]
    sample = table["text"].sample(N_SAMPLE, random_state=0).tolist()
    folder = embeddings.mpnet_folder()
    tokens = np.array([len(ids) for ids in embeddings.mpnet_tokenizer(folder)(texts)["input_ids"]])
    lengths = {"max": int(tokens.max()), "p99": float(np.percentile(tokens, 99)),
               "over_128": int((tokens > 128).sum()), "over_64": int((tokens > 64).sum())}
    print("tokens per sentence", lengths, flush=True)  # a shorter max_seq_length truncates nothing above the max
    runs = ways(folder)
    speed, reference = {}, None
    for name, encode in runs.items():
        encode(sample[:16])  # warm-up: first-call allocations are not the steady rate
        start = time.perf_counter()
        vectors = encode(sample)
        seconds = time.perf_counter() - start
        reference = vectors if reference is None else reference
        cos = np.sum(vectors * reference, axis=1)
        speed[name] = {"seconds_per_1000": 1000 * seconds / N_SAMPLE,
                       "minutes_all_sentences": len(texts) * seconds / N_SAMPLE / 60,
                       "cosine_to_reference_min": float(cos.min()), "cosine_to_reference_mean": float(cos.mean())}
        print(name, {k: round(v, 4) for k, v in speed[name].items()}, flush=True)

    quality = {"tf-idf 1-2 grams": None, "all-MiniLM-L6-v2": features.embed(texts, progress=False)[keep]}
    full = {"onnxruntime fp32": "onnxruntime fp32, batch 64", "onnxruntime int8": "onnxruntime int8 (dynamic)",
            "torch int8": "torch int8 (dynamic, linear layers)"}
    embed_minutes = {}
    for short, name in full.items():
        start = time.perf_counter()
        kind = "embeddings-mpnet" if short == "onnxruntime fp32" else f"embeddings-mpnet-{short.replace(' ', '-')}"
        quality[f"all-mpnet-base-v2, {short}"] = embeddings.cached_per_text(kind, texts, runs[name])[keep]
        embed_minutes[short] = (time.perf_counter() - start) / 60  # ~0 when the cache already held them
        print(f"embedded all with {short} in {embed_minutes[short]:.1f} min", flush=True)
    scores = {}
    for name, X in quality.items():
        if X is None:
            X = features.tfidf_vectorizer().fit_transform(table["text"][keep])
        scores[name] = accuracy(X, y, split)
        print(name, {k: round(v, 4) for k, v in scores[name].items()}, flush=True)

    ref = scores["all-mpnet-base-v2, onnxruntime fp32"]
    within = {short: abs(scores[f"all-mpnet-base-v2, {short}"]["test"] - ref["test"]) <= TOLERANCE
              and abs(scores[f"all-mpnet-base-v2, {short}"]["cv_mean"] - ref["cv_mean"]) <= TOLERANCE
              for short in full}
    # the numbers each way computes (the batch size changes the speed only); torch fp32 is the reference
    family = {name: None if name.startswith("torch fp32") else "onnxruntime fp32" if "fp32" in name
              else "onnxruntime int8" if name.startswith("onnxruntime") else "torch int8" for name in speed}
    accurate = [name for name in speed if family[name] is None or within[family[name]]]
    chosen = min(accurate, key=lambda n: speed[n]["seconds_per_1000"])
    path = write_json("encoder", {"n_sample": N_SAMPLE, "n_sentences": len(texts), "tolerance": TOLERANCE,
                                  "tokens_per_sentence": lengths,
                                  "speed": speed, "accuracy": scores, "within_tolerance": within,
                                  "embed_minutes_all_sentences": embed_minutes, "chosen": chosen,
                                  "rule": "the fastest way whose test and CV accuracy stay within the tolerance of "
                                          "full precision"})
    print(f"encoder: mpnet test {ref['test']:.3f} (CV {ref['cv_mean']:.3f}, 200 labels {ref['test_200_labels']:.3f}) "
          f"vs MiniLM {scores['all-MiniLM-L6-v2']['test']:.3f} and TF-IDF {scores['tf-idf 1-2 grams']['test']:.3f}; "
          f"chosen {chosen}: {speed[chosen]['minutes_all_sentences']:.1f} min for all {len(texts):,} sentences "
          f"(torch fp32 {speed['torch fp32 (sentence-transformers)']['minutes_all_sentences']:.1f} min) -> {path}")


if __name__ == "__main__":
    main()
