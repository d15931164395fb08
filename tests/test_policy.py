"""The policy file: one declaration per key gives the defaults, the checks and the JSON
Schema that editors read."""

from __future__ import annotations

import json
from dataclasses import fields
from importlib import resources
from pathlib import Path

import pytest
from ztgate.errors import UserError
from ztgate.policy import SECTIONS, Policy, parse_policy
from ztgate.policy_cli import main, policy_schema

from tests.conftest import Repo


def test_every_key_of_every_section_is_checked_and_documented() -> None:
    for section in fields(Policy):
        if section.name == "source":
            continue
        declared = {f.name for f in fields(section.default_factory())}  # type: ignore[misc]
        assert set(SECTIONS[section.name]) == declared
        assert all(spec.help for spec in SECTIONS[section.name].values())


def test_the_shipped_schema_is_the_generated_one() -> None:
    shipped = resources.files("ztgate").joinpath("schemas/policy.v1.schema.json").read_text()
    assert json.loads(shipped) == policy_schema(), "run `ztgate policy --schema` to refresh it"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("signatures:\n  identity: anyone\n", "must be committer, author, either or none"),
        ("secrets:\n  base64_limit: 9\n", "between 0 and 8"),
        ("secrets:\n  exclude: docs\n", "must be a list"),
        ("secrets:\n  severity:\n    jwt: loud\n", "must be one of error, warning, off"),
        ("threat_model:\n  enforce: 1\n", "`threat_model.enforce` must be true or false, not int"),
        ("pr:\n  min_reason_length: true\n", "must be an integer, not bool"),
        ("secrets:\n  exclude: [docs, 1]\n", "every item of `secrets.exclude` must be a string"),
        (
            f"signatures:\n  goodlist:\n    {'a' * 40}: '  '\n",
            f"goodlist entry `{'a' * 40}` needs a full commit sha and a reason",
        ),
        ("signatures:\n  trust_root: main\n", "never a ref"),
        ("secrets:\n  colour: red\n", "unknown key `secrets.colour`"),
    ],
)
def test_a_wrong_value_is_one_clear_error(text: str, message: str) -> None:
    with pytest.raises(UserError) as error:
        parse_policy(text, ".ztgate.yaml")
    assert message in str(error.value)


def test_a_policy_file_named_must_exist_and_be_text(tmp_path: Path) -> None:
    from ztgate.policy import load_policy

    assert load_policy(tmp_path) == Policy()  # no .ztgate.yaml: the defaults
    with pytest.raises(UserError) as error:
        load_policy(tmp_path, str(tmp_path / "strict.yaml"))
    assert error.value.one_line() == f"{tmp_path / 'strict.yaml'}: policy file not found"
    (tmp_path / ".ztgate.yaml").write_bytes(b"secrets:\n  exclude: [caf\xe9]\n")
    with pytest.raises(UserError) as error:
        load_policy(tmp_path)
    assert error.value.one_line().startswith(
        f"{tmp_path / '.ztgate.yaml'}: cannot read policy: 'utf-8' codec can't decode"
    )


def test_values_the_schema_accepts_parse(tmp_path: Path) -> None:
    policy = parse_policy(
        "secrets:\n  base64_limit: 5\n  exclude: [vendor/**]\n"
        "signatures:\n  identity: either\n"
        "threat_model:\n  inside_boundary:\n    confidential: error\n",
        ".ztgate.yaml",
    )
    assert policy.secrets.base64_limit == 5
    assert policy.secrets.exclude == ("vendor/**",)
    assert policy.signatures.identity == "either"
    assert dict(policy.threat_model.inside_boundary) == {"confidential": "error"}


def test_ztgate_policy_checks_the_file(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    (repo.path / ".ztgate.yaml").write_text("signatures:\n  identity: anyone\n")
    assert main([]) == 2
    assert ".ztgate.yaml" in capsys.readouterr().err
    (repo.path / ".ztgate.yaml").write_text("signatures:\n  identity: author\n")
    assert main([]) == 0
    assert "valid" in capsys.readouterr().out


def test_the_readme_editor_example(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    """README, policy file: the schema written beside the policy, named on its first line."""
    assert main(["--schema"]) == 0
    (repo.path / ".ztgate.schema.json").write_text(capsys.readouterr().out)
    assert json.loads((repo.path / ".ztgate.schema.json").read_text())["$id"]
    policy = "# yaml-language-server: $schema=.ztgate.schema.json\nsecrets:\n  hex_limit: 3\n"
    (repo.path / ".ztgate.yaml").write_text(policy)
    assert main([]) == 0
    readme = (Path(__file__).parents[1] / "README.md").read_text()
    assert "ztgate policy --schema > .ztgate.schema.json" in readme
    assert "$schema=.ztgate.schema.json" in readme
