"""Value shapes that many vendors share (UUIDs, hex digests, base62 bodies)."""

from __future__ import annotations

import sys

# Makes a repeat possessive (taken whole, never given back) where that cannot change a match:
# Python 3.11+ only; 3.10 keeps the plain, slower repeat.
P = "+" if sys.version_info >= (3, 11) else ""

UUID = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"


def hex_(n: int | str) -> str:
    return f"[a-fA-F0-9]{{{n}}}"


def alnum(n: int | str) -> str:
    return f"[A-Za-z0-9]{{{n}}}"


def urlsafe(n: int | str) -> str:
    return f"[A-Za-z0-9_\\-]{{{n}}}"
