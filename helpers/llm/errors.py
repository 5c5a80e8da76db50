"""The errors of the LLM labeling path; each message says why and what to do. Met in notebook 04 (the budget guard
raises ``BudgetExceeded``) and wherever an LLM server cannot be reached (``LLMError``).
"""

HOW_TO_START = ("Start the bundled model with helpers.llm.connect() (its weights come with `make data`), or set "
                "OPENAI_BASE_URL (and OPENAI_API_KEY, OPENAI_MODEL) to use OpenAI, Ollama or vLLM.")


class LLMError(RuntimeError):
    """A labeling run could not be carried out; the message says why and what to do."""


class BudgetExceeded(LLMError):
    """The estimated cost of a run is above its cap; nothing was sent."""
