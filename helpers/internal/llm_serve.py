"""``python -m helpers.internal.llm_serve MODEL PORT THREADS N_CTX SLOT_DIR``: llama.cpp's own
server (the prebuilt ``xllamacpp`` wheel) for one GGUF file on 127.0.0.1:PORT, until its standard input closes.

:class:`~helpers.internal.llm_server.LocalServer` starts this as a child process and holds the other end of its
pipe. When the kernel exits, or is killed, the pipe closes and this process ends with it: no server is left behind. It
runs in a session of its own and ignores SIGINT, so interrupting a notebook cell (Jupyter signals the kernel's whole
process group) does not stop it.

Every request is computed from an empty cache unless it asks for ``cache_prompt``: llama.cpp's prompt cache makes a
reply depend on which requests came before (its logits differ by up to 0.2 in log-probability), so the default is
the same reply whatever ran before. The labeler's fast path asks for the cache only after restoring a saved slot
whose contents are always the same (:meth:`helpers.internal.llm_server.LocalServer.pin`).
"""

import os
import signal
import sys

from helpers.pricing import LOCAL_MODEL


def main(argv=None) -> None:
    model, port, threads, n_ctx, slot_dir = (argv or sys.argv[1:])[:5]
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    import xllamacpp

    params = xllamacpp.CommonParams()
    params.model.path = model
    params.model_alias = {LOCAL_MODEL}
    params.hostnames = ["127.0.0.1"]  # loopback only
    params.port = int(port)
    params.n_ctx = int(n_ctx)
    params.n_parallel = 1  # one slot: requests are computed one at a time, in the order they arrive
    params.cpuparams.n_threads = params.cpuparams_batch.n_threads = int(threads)
    params.cache_prompt = False  # see the docstring: a request computed from scratch unless it asks otherwise
    params.endpoint_slots = True  # save and restore the slot's cache (files in slot_dir only)
    # llama.cpp joins the folder and a file's name by concatenation: without the trailing separator the slot files
    # land beside the folder, not in it, and outlive it
    params.slot_save_path = os.path.join(slot_dir, "")
    server = xllamacpp.Server(params)
    print(f"serving {model} at {server.listening_address} with {threads} thread(s)", flush=True)
    sys.stdin.buffer.read()  # blocks until the parent closes the pipe or dies
    del server


if __name__ == "__main__":
    main()
