"""What LangChain deprecated, as data: ``entries`` (one ``Entry`` per symbol) and ``index`` (lookups
derived from them).  Adding a deprecated class is one ``Entry`` in ``entries``."""
