"""pylint entry point: ``pylint --load-plugins lint_memory.pylint_plugin``.

The checker lives in ``lint_memory.frontends.pylint_checker``; this name is public interface.
"""

from lint_memory.frontends.pylint_checker import MemoryChecker, register

__all__ = ["MemoryChecker", "register"]
