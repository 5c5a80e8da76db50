"""The one rule for tests that need the Label Studio server `make labelstudio-start` starts (`make test` does):
skipped with that hint when it does not answer, unless REQUIRE_LABEL_STUDIO=1 (set by .ci/run), which turns the
skip into a failure."""

import os

import pytest

from helpers import labelstudio


def label_studio_reachable() -> bool:
    return labelstudio.Client().health()


def label_studio_or_skip() -> None:
    """Return when the server answers; otherwise skip the calling test (or fail it in CI)."""
    if label_studio_reachable():
        return
    message = f"no Label Studio server at {labelstudio.URL}: {labelstudio.START_HINT}"
    if os.environ.get("REQUIRE_LABEL_STUDIO") == "1":
        pytest.fail(message)
    pytest.skip(message)
