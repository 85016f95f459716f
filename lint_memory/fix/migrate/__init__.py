"""Structural migrations (issue 12): legacy chains + memory -> ``create_agent`` with a checkpointer.

- ``detect``: the patterns matched on the semantic model (the chain, its memory and prompt, every use of the chain);
- ``reasons``: why a chain is not migrated, naming the blocking line;
- ``status``: the engine's part: each chain finding's message says why its chain is not migrated (every front end);
- ``render``: the new code; ``edits``: the migrated module and the edits that produce it; ``import_block``: the
  new imports placed where isort puts them;
- ``plan``: ``plan_migrations`` and ``is_migration``.

``plan_migrations`` gives the LCM301 finding of a ``ConversationChain(...)`` call (LCM300 for ``memory=`` on an
``LLMChain``) an UNSAFE ``Fix`` when the project targets LangChain 1.x, and tallies each chain's outcome for
``lint-memory report``. Every fix of a file carries the edits of the whole file's migration (one rewrite: the imports
are shared).
"""
