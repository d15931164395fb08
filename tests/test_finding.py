"""The shared finding model: problems placed at a path, with their rule, level and fingerprint."""

from __future__ import annotations

import pytest
from ztgate.finding import Problem, Rule, Severity, placed

RULES = {
    rule.id: rule
    for rule in (
        Rule("ZT901", "Blocks by default", "fix it"),
        Rule("ZT902", "Warns by default", "look at it", severity=Severity.WARNING),
    )
}


def test_a_problem_is_placed_with_its_rule_line_and_fingerprint() -> None:
    [finding] = placed([Problem("ZT901", 7, "two words")], "docs/a.md", RULES, levels={})
    assert (finding.rule, finding.path, finding.line, finding.column) == (
        RULES["ZT901"],
        "docs/a.md",
        7,
        1,
    )
    assert finding.message == "two words" and finding.severity is Severity.ERROR
    # The recipe is pinned: path, rule id, message; the line is not part of it.
    assert finding.fingerprint == "92a06d77f54efcc78dffe018a72a4ad2"
    [moved] = placed([Problem("ZT901", 70, "two words")], "docs/a.md", RULES, levels={})
    assert moved.fingerprint == finding.fingerprint
    # Where a run read its input (stdin, a CI event) is left out when it is not a place.
    for path in ("<stdin>", "body.md"):
        [read] = placed(
            [Problem("ZT901", 7, "two words")], path, RULES, levels={}, path_in_fingerprint=False
        )
        assert read.fingerprint == "9de3ae275b230ccbae2b4bc8cfbaf04d"


@pytest.mark.parametrize(
    "rule, own, policy, level",
    [
        ("ZT901", None, None, Severity.ERROR),  # the rule's default
        ("ZT902", None, None, Severity.WARNING),
        ("ZT901", "warning", None, Severity.WARNING),  # the problem's own word
        ("ZT901", "off", None, None),
        ("ZT901", "warning", "error", Severity.ERROR),  # the policy's word wins
        ("ZT901", "off", "warning", Severity.WARNING),
        ("ZT902", None, "off", None),
    ],
)
def test_the_level_is_the_policys_then_the_problems_then_the_rules(
    rule: str, own: str | None, policy: str | None, level: Severity | None
) -> None:
    levels = {rule: policy} if policy else {}
    found = placed([Problem(rule, 1, "m", own)], "a.md", RULES, levels=levels)
    assert [f.severity for f in found] == ([level] if level else [])


def test_an_unknown_rule_id_is_a_bug_not_a_silent_pass() -> None:
    with pytest.raises(KeyError):
        placed([Problem("ZT999", 1, "m")], "a.md", RULES, levels={})
