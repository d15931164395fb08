"""Value shapes that many vendors share (UUIDs, hex digests, base62 bodies)."""

from __future__ import annotations

UUID = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"


def hex_(n: int | str) -> str:
    return f"[a-fA-F0-9]{{{n}}}"


def alnum(n: int | str) -> str:
    return f"[A-Za-z0-9]{{{n}}}"


def urlsafe(n: int | str) -> str:
    return f"[A-Za-z0-9_\\-]{{{n}}}"
