"""The CI's own record of what it runs for: GitHub's event payload (GITHUB_EVENT_PATH)."""

from __future__ import annotations

import json
from typing import Any

from ztgate.errors import UserError


def github_event(event_path: str) -> dict[str, Any]:
    """The event as a mapping; unreadable or malformed is an error, never an empty event."""
    try:
        with open(event_path, encoding="utf-8") as stream:
            event = json.load(stream)
    except (OSError, ValueError) as error:
        raise UserError(
            f"cannot read the GitHub event payload: {error}", where=event_path
        ) from error
    if not isinstance(event, dict):
        raise UserError("the GitHub event payload is not a JSON object", where=event_path)
    return event
