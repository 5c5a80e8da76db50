"""nbval configuration, loaded with ``-p tests.nbval_config`` by ``make test``: stderr is not compared.

What a notebook writes to stderr (progress bars, library warnings) varies between machines and runs and is not a
result. Everything else, stdout and every rich output but images, is compared after tests/nbval_sanitize.cfg.
"""

from nbval.plugin import IPyNbCell

_compare_outputs = IPyNbCell.compare_outputs


def _without_stderr(outputs):
    return [o for o in outputs if not (o.get("output_type") == "stream" and o.get("name") == "stderr")]


def compare_outputs(self, test, ref, skip_compare=None):
    return _compare_outputs(self, _without_stderr(test), _without_stderr(ref), skip_compare)


IPyNbCell.compare_outputs = compare_outputs
