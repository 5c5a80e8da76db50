"""``python _wsgi.py PORT``: the backend of ``model.py`` on 127.0.0.1:PORT, with the SDK's Flask app (``/health``,
``/setup``, ``/predict``, ``/webhook``), until its standard input closes. ``MODEL_DIR``: where the SDK keeps one
directory per training run (its result and the model file); the newest finished run is the model that predicts.

``helpers.internal.labelstudio_ml.MLBackend`` starts it and holds the other end of the pipe: when the kernel exits
or is killed, the pipe closes and the backend ends with it.
"""

import os
import sys
import threading
import time

from label_studio_ml.api import init_app
from label_studio_ml.model import LabelStudioMLManager
from model import SentimentModel

# The SDK names a training run, and so the model version, by the second it began: two annotations within one second
# would share one run directory and overwrite each other's model. Nanoseconds keep every run apart.
LabelStudioMLManager._generate_version = classmethod(lambda cls: str(time.time_ns()))


def exit_when_stdin_closes() -> None:
    # os.read, not sys.stdin: a thread blocked in sys.stdin.read() holds its lock, and the training runs the SDK
    # forks close sys.stdin first, so they would wait for that lock forever
    while os.read(0, 1024):
        pass
    os._exit(0)


def main() -> None:
    port = int(sys.argv[1])
    app = init_app(model_class=SentimentModel, model_dir=os.environ["MODEL_DIR"])
    threading.Thread(target=exit_when_stdin_closes, daemon=True).start()
    app.run(host="127.0.0.1", port=port, threaded=True)


if __name__ == "__main__":
    main()
