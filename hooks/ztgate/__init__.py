"""ztgate: zero-trust git gates run as pre-commit hooks and in CI."""

from __future__ import annotations

__version__ = "0.1.0"
