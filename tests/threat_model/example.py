"""The README's worked example: the filled-in template that must pass the gate."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def worked_example() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    match = re.search(r"### Worked example.*?````markdown\n(.*?)````", readme, re.S)
    assert match is not None, "README.md lost its worked example"
    return match.group(1)


EXAMPLE = worked_example()
TEMPLATE = (ROOT / "templates" / "THREAT_MODEL.md").read_text(encoding="utf-8")


def fresh(text: str) -> str:
    """The example, reviewed today and its risk accepted until far ahead (the review-age and
    expiry rules run against the real date)."""
    return text.replace("last_reviewed: 2026-11-01", f"last_reviewed: {date.today()}").replace(
        "| 2027-03-31 |", "| 2999-12-31 |"
    )
