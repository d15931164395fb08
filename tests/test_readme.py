"""The README documents what the code registers: hooks, rules, policy keys, quick start."""

from __future__ import annotations

import re
from pathlib import Path

from ruamel.yaml import YAML
from ztgate.policy import SECTIONS
from ztgate.pr.check import RULES as PR_RULES
from ztgate.secrets.gate import RULES
from ztgate.signatures.gate import RULES as SIGNATURE_RULES
from ztgate.threat_model.gate import GAP_RULES
from ztgate.threat_model.rules import RULES as THREAT_MODEL_RULES

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_quick_start_holds_exactly_the_two_lines() -> None:
    match = re.search(r"^## Quick start\n.*?```sh\n(.*?)```", README, re.S | re.M)
    assert match is not None
    lines = [line for line in match.group(1).splitlines() if line.strip()]
    assert lines == ["pip install . && ztgate demo", "pip install -e '.[test]' && pytest"]


def test_every_hook_is_documented() -> None:
    hooks = YAML(typ="safe").load((ROOT / ".pre-commit-hooks.yaml").read_text())
    for hook in hooks:
        assert f"`{hook['id']}`" in README, hook["id"]


def test_every_rule_is_documented_with_its_fix() -> None:
    every = (
        *RULES,
        *THREAT_MODEL_RULES.values(),
        *GAP_RULES.values(),
        *PR_RULES.values(),
        *SIGNATURE_RULES.values(),
    )
    for rule in every:
        assert f"| {rule.id} | {rule.title} | {rule.fix} |" in README, rule.id


def test_every_policy_key_is_documented() -> None:
    for section, keys in SECTIONS.items():
        assert f"{section}:" in README
        for key in keys:
            assert f"  {key}:" in README, f"{section}.{key}"
