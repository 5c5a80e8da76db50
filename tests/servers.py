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
