"""Fixtures shared by the test files."""

import pytest


@pytest.fixture
def local_llm(monkeypatch):
    """A connection to the bundled model on its local servers (never an endpoint from the environment), closed
    after the test."""
    from helpers import llm

    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    conn = llm.connect()
    yield conn
    conn.close()
