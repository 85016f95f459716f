"""Autofixes: applicability, planning edits from the semantic model, libcst rewrites, applying and diffing.
Imports libcst: only a run that fixes, shows or serialises fixes imports this package."""
