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


def test_the_suggest_example_prints_what_the_readme_shows(tmp_path: Path) -> None:
    """The `ztgate threat-model suggest` example runs on the worked example; `...` stands for
    rows left out, every row shown is printed in that order."""
    import subprocess
    import sys

    from tests.threat_model.example import EXAMPLE

    match = re.search(r"```console\n\$ (ztgate threat-model suggest \S+)\n(.*?)```", README, re.S)
    assert match is not None, "README.md lost its suggest example"
    (tmp_path / "THREAT_MODEL.md").write_text(EXAMPLE, encoding="utf-8")
    command = match.group(1).split()
    printed = subprocess.run(
        [sys.executable, "-m", "ztgate", *command[1:]],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout.splitlines()
    chunks = [chunk.strip("\n").splitlines() for chunk in match.group(2).split("...\n")]
    assert printed[: len(chunks[0])] == chunks[0]
    assert printed[-len(chunks[-1]) :] == chunks[-1]
    position = 0
    for chunk in chunks:
        while printed[position : position + len(chunk)] != chunk:
            position += 1
            assert position < len(printed), chunk
