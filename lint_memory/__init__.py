"""lint-memory: find deprecated LangChain memory code and say what replaces it."""

__version__ = "0.1.0"
