"""What nbval leaves out of the comparison: only stderr made of progress bars; a warning a cell shows is compared."""

from tests.nbval_config import progress_only


def stderr(text):
    return {"output_type": "stream", "name": "stderr", "text": text}


def test_progress_bars_alone_are_left_out():
    assert progress_only(stderr("Batches:  42%|████▏     | 70/166 [00:52<01:13,  1.31it/s]\r"
                                "Batches: 100%|██████████| 166/166 [02:05<00:00,  1.33it/s]\n"))


def test_warnings_and_stdout_are_compared():
    assert not progress_only(stderr("/tmp/ipykernel_1/2.py:3: UserWarning: Converting a tensor ...\n"))
    assert not progress_only(stderr("50%|█████     | 1/2\nRuntimeError: boom\n"))
    assert not progress_only({"output_type": "stream", "name": "stdout", "text": "10%|█ | 1/10\n"})
    assert not progress_only(stderr(""))
