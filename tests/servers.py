"""Servers and programs the slow tests need. The one rule for tests that need the Label Studio server
`make labelstudio-start` starts (`make test` does): skipped with that hint when it does not answer, unless
REQUIRE_LABEL_STUDIO=1 (set by .ci/run), which turns the skip into a failure."""

import os
import shutil
from pathlib import Path

import pytest

from helpers import labelstudio


def label_studio_reachable() -> bool:
    return labelstudio.Client().health()


def label_studio_or_skip() -> None:
    """Return when the server answers; otherwise skip the calling test (or fail it in CI)."""
    if label_studio_reachable():
        return
    message = f"no Label Studio server at {labelstudio.settings().url}: {labelstudio.START_HINT}"
    if os.environ.get("REQUIRE_LABEL_STUDIO") == "1":
        pytest.fail(message)
    pytest.skip(message)


def find_browser(which=shutil.which) -> tuple[Path | None, Path | None]:
    """Chromium (or Chrome) and its ChromeDriver: ``CHROMIUM`` / ``CHROMEDRIVER`` if set, else the first of the usual
    names on the PATH (Debian's chromium, other distributions' chromium-browser, Google Chrome; on macOS and Windows
    the Chrome and chromedriver a student installed)."""
    def first(env, names):
        if os.environ.get(env):
            return Path(os.environ[env])
        found = next((which(n) for n in names if which(n)), None)
        return Path(found) if found else None

    return (first("CHROMIUM", ("chromium", "chromium-browser", "google-chrome", "chrome")),
            first("CHROMEDRIVER", ("chromedriver",)))


def browser_or_skip() -> tuple[Path, Path]:
    """Chromium and ChromeDriver for a browser test module, or the module skipped with the hint to install them
    (a failure instead when REQUIRE_BROWSER=1, as in CI)."""
    chromium, chromedriver = find_browser()
    if not (chromium and chromedriver and chromium.exists() and chromedriver.exists()):
        message = ("needs Chromium and ChromeDriver (Debian: apt-get install chromium chromium-driver; elsewhere set "
                   "CHROMIUM and CHROMEDRIVER to their paths)")
        if os.environ.get("REQUIRE_BROWSER") == "1":
            raise RuntimeError(message)
        pytest.skip(message, allow_module_level=True)
    return chromium, chromedriver


def headless_chromium(chromium: Path, chromedriver: Path, user_data_dir: Path):
    """A selenium driver for headless Chromium with the flags this machine's closed network needs (no background
    connections, an empty profile of its own)."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(chromium)
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--window-size=1400,1000", f"--user-data-dir={user_data_dir}"):
        options.add_argument(flag)
    return webdriver.Chrome(options=options, service=Service(str(chromedriver)))
