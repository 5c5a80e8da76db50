"""What the notebooks rely on but never teach: files fetched from PyPI and checked (``downloads``, ``paths``), the
data prepared once at set-up (``prepare``, ``archive``, ``embeddings``), the LLM server's process (``llm_server``,
``llm_serve``), Label Studio's and its ML backend's processes (``labelstudio_server``, ``labelstudio_ml``), child
processes (``procs``) and seeding (``seeding``). The technique modules import these; nothing here is re-exported."""
