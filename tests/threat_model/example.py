"""The README's worked example: the filled-in template that must pass the gate."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def worked_example() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    match = re.search(r"### Worked example.*?````markdown\n(.*?)````", readme, re.S)
    assert match is not None, "README.md lost its worked example"
    return match.group(1)


EXAMPLE = worked_example()
TEMPLATE = (ROOT / "templates" / "THREAT_MODEL.md").read_text(encoding="utf-8")
