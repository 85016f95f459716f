"""Delivery: the CLI, the flake8 and pylint plugins, and the language server.  Each one calls the
shared engine; none of them decides what a finding is."""
