"""The secrets gate's severity for a hit: the detector's record, lowered in a test fixture
path, the policy's word per detector id or type, and an inline allow the change brings. This is
why `with_severity` keeps its own order instead of `finding.leveled`: the lowering happens
before the policy and is only marked when the policy leaves it, and an inline allow demotes
after the policy."""

from __future__ import annotations

import pytest
from ztgate.policy import Policy, SecretsPolicy
from ztgate.secrets import gate
from ztgate.secrets.scan import Hit

GENERIC = ("generic-api-key", "Generic API Key")  # names no vendor: lowered in fixtures
VENDOR = ("github-pat", "GitHub Token")  # a vendor's token: blocks in fixtures too


def hit(kind: tuple[str, str], path: str = "app.py", *, allowed_inline: bool = False) -> Hit:
    detector_id, secret_type = kind
    return Hit(path, 1, 1, secret_type, detector_id, "0" * 40, "x…", allowed_inline=allowed_inline)


def with_levels(levels: dict[str, str]) -> Policy:
    return Policy(secrets=SecretsPolicy(severity=tuple(levels.items())))


@pytest.mark.parametrize(
    ("found", "levels", "expected"),
    [
        # The record's default; a fixture path lowers a generic finding and says why.
        (hit(GENERIC), {}, ("error", "")),
        (hit(GENERIC, "tests/fixtures/a.py"), {}, ("warning", "test fixture path")),
        (hit(VENDOR, "tests/fixtures/a.py"), {}, ("error", "")),
        # The policy's word wins over the fixture lowering; the mark stays only at warning.
        (hit(GENERIC, "tests/fixtures/a.py"), {"generic-api-key": "error"}, ("error", "")),
        (
            hit(GENERIC, "tests/fixtures/a.py"),
            {"Generic API Key": "warning"},
            ("warning", "test fixture path"),
        ),
        (hit(GENERIC, "tests/fixtures/a.py"), {"generic-api-key": "off"}, None),
        # By detector id first, then by type.
        (hit(VENDOR), {"github-pat": "warning", "GitHub Token": "off"}, ("warning", "")),
        (hit(VENDOR), {"GitHub Token": "off"}, None),
        # An inline allow the change brings demotes after the policy: even its `error`.
        (hit(VENDOR, allowed_inline=True), {}, ("warning", "")),
        (hit(VENDOR, allowed_inline=True), {"github-pat": "error"}, ("warning", "")),
        (hit(VENDOR, allowed_inline=True), {"github-pat": "off"}, None),
    ],
)
def test_severity_order(
    found: Hit, levels: dict[str, str], expected: tuple[str, str] | None
) -> None:
    leveled = gate.with_severity([found], with_levels(levels))
    assert [(h.severity, h.lowered) for h in leveled] == ([expected] if expected else [])
