"""nbval configuration, loaded with ``-p tests.nbval_config`` by ``make test``: progress bars on stderr are not
compared; notebook 04 is compared on a loaded machine, with a cold LLM response cache; and the Label Studio deep dive
is skipped with a hint when no Label Studio server answers (unless REQUIRE_LABEL_STUDIO=1, as in CI).

A progress bar (tqdm's ``42%|████   | 5/12 [00:03<00:04, 1.9it/s]``) is drawn differently on every run and is not a
result; a stderr output made only of such lines is left out of the comparison. Every other output, stderr included
(a warning a cell is there to show, for instance), is compared after tests/nbval_sanitize.cfg.
"""

import os
import re
import subprocess
import sys
import tempfile

import pytest
from nbval.plugin import IPyNbCell

PROGRESS_LINE = re.compile(r"\d+%\|.*\|")
_compare_outputs = IPyNbCell.compare_outputs


def progress_only(output) -> bool:
    if output.get("output_type") != "stream" or output.get("name") != "stderr":
        return False
    lines = [line for line in re.split(r"[\r\n]", output.get("text", "")) if line.strip()]
    return bool(lines) and all(PROGRESS_LINE.search(line) for line in lines)


def compare_outputs(self, test, ref, skip_compare=None):
    return _compare_outputs(self, [o for o in test if not progress_only(o)], [o for o in ref if not progress_only(o)],
                            skip_compare)


IPyNbCell.compare_outputs = compare_outputs


def pytest_collection_modifyitems(config, items):
    """The Label Studio deep dive (06b) needs the server `make labelstudio-start` starts (`make test` does): skipped
    with that hint when it does not answer, except in CI (REQUIRE_LABEL_STUDIO=1), where it runs and fails."""
    from helpers import labelstudio
    from tests.servers import label_studio_reachable

    needs_server = [item for item in items if "label_studio" in item.path.name]
    if needs_server and os.environ.get("REQUIRE_LABEL_STUDIO") != "1" and not label_studio_reachable():
        where = labelstudio.settings().url
        skip = pytest.mark.skip(reason=f"no Label Studio server at {where}: {labelstudio.START_HINT}")
        for item in needs_server:
            item.add_marker(skip)


# Notebook 04's live LLM cells must give the committed outputs on a loaded machine (a greedy generation once changed
# with timing and load): while nbval runs it, another process keeps a core busy (a bounded loop: it ends by itself
# after 15 minutes), and its kernel gets an empty response cache of its own, so that every request is computed.
UNDER_LOAD = ("04_llm_labeling.ipynb",)
BUSY = "import time\nend = time.monotonic() + 900\nwhile time.monotonic() < end:\n    pass\n"
_load: dict = {}


@pytest.hookimpl(tryfirst=True)  # before nbval starts the notebook's kernel, which inherits the environment
def pytest_runtest_setup(item):
    if item.path.name in UNDER_LOAD and not _load:
        _load["cache"] = tempfile.TemporaryDirectory(prefix="llm-cache-under-load-")
        _load["before"] = os.environ.get("LABELING_LLM_CACHE")
        os.environ["LABELING_LLM_CACHE"] = _load["cache"].name
        _load["busy"] = subprocess.Popen([sys.executable, "-c", BUSY])


def pytest_runtest_teardown(item, nextitem):
    if _load and (nextitem is None or nextitem.path.name != item.path.name):
        end_load()


def pytest_unconfigure(config):
    if _load:
        end_load()


def end_load() -> None:
    """Stop the busy loop and put the response cache setting back as it was."""
    _load["busy"].kill()
    _load["busy"].wait()
    if _load["before"] is None:
        os.environ.pop("LABELING_LLM_CACHE", None)
    else:
        os.environ["LABELING_LLM_CACHE"] = _load["before"]
    _load["cache"].cleanup()
    _load.clear()
