"""The series tried as a student would: JupyterLab on loopback, a notebook opened in headless Chromium, Run > Run All
Cells clicked, and the rendered page read back.

Needs Debian's ``chromium`` and ``chromium-driver`` (``apt-get install chromium chromium-driver``); nothing is
downloaded. Without them the tests are skipped with that hint, unless REQUIRE_BROWSER=1 (set by .ci/run), which
turns the skip into a failure. Screenshots are saved to build/artifacts/.
"""

import json
import os
import secrets
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest

from helpers.internal.paths import ROOT
from helpers.internal.procs import free_port
from tests.servers import browser_or_skip, headless_chromium

ARTIFACTS = ROOT / "build" / "artifacts"
pytestmark = pytest.mark.slow  # JupyterLab, Chromium and a kernel per test


CHROMIUM, CHROMEDRIVER = browser_or_skip()  # tests/servers.py

from selenium.common.exceptions import TimeoutException  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

# JupyterLab settings for the test: every cell kept in the page (no windowing), nothing fetched from the internet.
SETTINGS = {
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false",
                                                                        "checkForUpdates": False},
    "@jupyterlab/extensionmanager-extension/plugin.jupyterlab-settings": {"enabled": False},
}


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A JupyterLab server on loopback, serving a fresh folder with output-free copies of notebook 01."""
    home = tmp_path_factory.mktemp("lab")
    work = home / "work"
    work.mkdir()
    for edition in ("notebooks", "student"):
        nb = nbformat.read(ROOT / edition / "01_labeling_cost.ipynb", as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "code":
                cell.outputs, cell.execution_count = [], None  # whatever the page shows comes from this run
        nbformat.write(nb, work / f"{edition}_01.ipynb")
    for name, value in SETTINGS.items():
        path = home / "settings" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(value))
    env = {**os.environ, "JUPYTERLAB_SETTINGS_DIR": str(home / "settings"), "JUPYTER_CONFIG_DIR": str(home / "config"),
           "JUPYTERLAB_WORKSPACES_DIR": str(home / "workspaces"), "JUPYTER_RUNTIME_DIR": str(home / "runtime")}
    port, token = free_port(), secrets.token_hex(16)
    log = open(home / "lab.log", "w")
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
         "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={work}",
         "--allow-root", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
         "--LabApp.extension_manager=readonly"],
        cwd=work, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=2)
                break
            except OSError:
                assert server.poll() is None, (home / "lab.log").read_text()
                time.sleep(0.5)
        else:
            raise AssertionError("JupyterLab did not answer in 60 s:\n" + (home / "lab.log").read_text())
        yield url, token
    finally:
        server.terminate()
        server.wait(30)
        log.close()
        shutil.rmtree(home / "runtime", ignore_errors=True)


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    driver = headless_chromium(CHROMIUM, CHROMEDRIVER, tmp_path_factory.mktemp("chromium"))
    yield driver
    driver.quit()


def page_text(driver) -> str:
    return driver.execute_script("return document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)')"
                                 ".textContent")


def kernel_idle(url: str, token: str, name: str) -> bool:
    """The notebook ``name`` has a session whose kernel is idle, by JupyterLab's REST API (the status bar's kernel
    item is not rendered by every Chromium/JupyterLab pairing)."""
    with urllib.request.urlopen(f"{url}/api/sessions?token={token}", timeout=5) as response:
        sessions = json.load(response)
    return any(s["path"].endswith(name) and s["kernel"]["execution_state"] == "idle" for s in sessions)


def run_all(driver, url: str, token: str, name: str, timeout: float = 240) -> None:
    """Open a notebook, wait for its kernel, click Run > Run All Cells, and wait until no cell is left to run."""
    driver.get(f"{url}/lab/tree/{name}?token={token}")
    WebDriverWait(driver, 120).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell")
        and kernel_idle(url, token, name))
    prompts = "return [...document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell " \
              ".jp-InputPrompt')].map(e => e.textContent.trim())"
    for attempt in range(3):  # a click can land before the page has wired the notebook to its session: retry
        driver.find_element(By.XPATH, "//li[contains(@class,'lm-MenuBar-item')][.//div[text()='Run']]").click()
        driver.find_element(By.XPATH, "//li[contains(@class,'lm-Menu-item')][.//div[text()='Run All Cells']]").click()
        try:
            WebDriverWait(driver, 20, poll_frequency=0.5).until(lambda d: d.execute_script(prompts)[0] != "[ ]:")
            break
        except TimeoutException:
            if attempt == 2:
                raise
    WebDriverWait(driver, timeout, poll_frequency=1).until(
        lambda d: "[*]:" not in d.execute_script(prompts) and kernel_idle(url, token, name))


def screenshot(driver, text: str, name: str) -> Path:
    """Scroll the output that contains ``text`` into view and save the window as build/artifacts/<name>.png."""
    driver.execute_script(
        "const out = [...document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-OutputArea-output')]"
        ".find(e => e.textContent.includes(arguments[0])); out.scrollIntoView({block: 'center'});", text)
    time.sleep(0.5)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    driver.save_screenshot(str(path))
    return path


def committed_line(starts: str) -> str:
    """The one line of notebook 01's committed outputs that starts with ``starts`` (nbval checks that a fresh run
    prints the same): its key result, "best budget on dev: ...", and its exercise check's "Correct: ..."."""
    nb = nbformat.read(ROOT / "notebooks" / "01_labeling_cost.ipynb", as_version=4)
    lines = [line for cell in nb.cells if cell.cell_type == "code" for out in cell.get("outputs", [])
             for line in out.get("text", "").splitlines() if line.startswith(starts)]
    assert len(lines) == 1, lines
    return lines[0]


def test_notebook_01_runs_in_jupyterlab(lab, browser):
    url, token = lab
    run_all(browser, url, token, "notebooks_01.ipynb")
    text = page_text(browser)
    path = screenshot(browser, "best budget on dev", "browser_01_labeling_cost")
    assert "Traceback" not in text and "Error" not in text, text[-2000:]
    assert committed_line("best budget on dev:") in text  # the key result, as its committed run printed it
    assert committed_line("Correct: ") in text  # the exercise's check ran to the end
    assert path.stat().st_size > 10_000


def test_student_edition_stops_at_first_exercise_in_jupyterlab(lab, browser):
    url, token = lab
    run_all(browser, url, token, "student_01.ipynb")
    text = page_text(browser)
    screenshot(browser, "Your turn", "browser_01_student")
    assert "Your turn" in text and "best budget on dev" in text


def test_label_studio_shows_the_pre_annotation(browser):
    """A task imported with a prediction, opened in Label Studio's labeling page: the sentence is there and the
    predicted choice is ticked. Needs the server `make labelstudio-start` starts (`make test` does)."""
    from helpers import labelstudio as ls
    from tests.servers import label_studio_or_skip

    label_studio_or_skip()
    client = ls.Client()
    text = "A warm, funny and quietly moving film."
    project = client.create_project(f"browser test {time.time_ns()}")
    client.import_tasks(project, [{"data": {"text": text}, "predictions": [
        {"model_version": "model-1", "score": 0.62, "result": ls.choice_result(1)}]}])
    client.set_model_version(project, "model-1")
    task = client.tasks(project)[0]["id"]

    browser.get(f"{ls.settings().url}/user/login/")
    WebDriverWait(browser, 60).until(lambda d: d.find_elements(By.NAME, "email"))
    browser.find_element(By.NAME, "email").send_keys(ls.settings().username)
    browser.find_element(By.NAME, "password").send_keys(ls.settings().password)
    browser.find_element(By.CSS_SELECTOR, "form button[type=submit], form input[type=submit]").click()
    WebDriverWait(browser, 60).until(lambda d: "/user/login" not in d.current_url)
    browser.get(f"{ls.settings().url}/projects/{project}/data?task={task}")
    ticked = ("return [...document.querySelectorAll('input[type=checkbox], input[type=radio]')]"
              ".filter(e => e.checked).map(e => (e.closest('label') || e.parentElement).textContent.trim())")
    WebDriverWait(browser, 120, poll_frequency=1).until(
        lambda d: text in d.find_element(By.TAG_NAME, "body").text and d.execute_script(ticked))
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    browser.save_screenshot(str(ARTIFACTS / "browser_07_label_studio.png"))
    assert any("POSITIVE" in label for label in browser.execute_script(ticked))
