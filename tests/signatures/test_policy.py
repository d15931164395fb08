"""The policy's checks that guard the signatures gate: full-sha trust roots, bounded numbers."""

from __future__ import annotations

import pytest
from ztgate.errors import UserError
from ztgate.policy import parse_policy

from tests.conftest import Repo
from tests.signatures.test_gate import run

HUGE = "99999999999999999999999999"


@pytest.mark.parametrize(
    ("section", "key", "value"),
    [
        ("secrets", "max_file_size", HUGE),
        ("secrets", "max_file_size", "0"),
        ("secrets", "max_file_size", "-1"),
        ("secrets", "base64_limit", HUGE),
        ("secrets", "hex_limit", "1e999"),
        ("secrets", "hex_limit", ".nan"),
        ("pr", "min_reason_length", HUGE),
        ("pr", "min_reason_length", "-5"),
        ("threat_model", "max_review_age_days", HUGE),
        ("threat_model", "max_review_age_days", "-1"),
    ],
)
def test_out_of_range_numbers_are_policy_errors_with_the_line(
    section: str, key: str, value: str
) -> None:
    with pytest.raises(UserError) as error:
        parse_policy(f"# policy\n{section}:\n  {key}: {value}\n", ".ztgate.yaml")
    assert error.value.where == ".ztgate.yaml:3" and key in str(error.value)
    assert "between" in str(error.value)


def test_numbers_in_range_still_parse() -> None:
    policy = parse_policy(
        "secrets:\n  max_file_size: 1048576\n  hex_limit: 3\n"
        "pr:\n  min_reason_length: 0\nthreat_model:\n  max_review_age_days: 365\n",
        ".ztgate.yaml",
    )
    assert policy.secrets.max_file_size == 1048576 and policy.pr.min_reason_length == 0


@pytest.mark.parametrize(
    "value", ["HEAD", "main", "HEAD~1", "1234567", "'" + "A" * 40 + "'", "'" + "0" * 41 + "'"]
)
def test_trust_root_must_be_a_full_sha(value: str) -> None:
    with pytest.raises(UserError) as error:
        parse_policy(f"# policy\nsignatures:\n  trust_root: {value}\n", ".ztgate.yaml")
    assert error.value.where == ".ztgate.yaml:3" and "trust_root" in str(error.value)


@pytest.mark.parametrize("length", [40, 64])
def test_full_sha_trust_root_parses(length: int) -> None:
    sha = "a" * length
    assert parse_policy(f"signatures:\n  trust_root: '{sha}'\n", "p").signatures.trust_root == sha


def test_goodlist_entry_error_names_its_line() -> None:
    with pytest.raises(UserError) as error:
        parse_policy("signatures:\n  goodlist:\n    HEAD: audited\n", ".ztgate.yaml")
    assert error.value.where == ".ztgate.yaml:3"


def test_command_line_trust_root_must_be_a_full_sha(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.commit("one")
    code, out = run(capsys, "--trust-root", "HEAD")
    assert code == 2 and "--trust-root" in out and "full" in out, out
    code, out = run(capsys, "--trust-root", repo.head())
    assert code == 0, out


def test_work_tree_policy_with_a_huge_number_is_exit_2(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.write(".ztgate.yaml", f"secrets:\n  max_file_size: {HUGE}\n")
    repo.commit("policy")
    code, out = run(capsys)
    assert code == 2 and ".ztgate.yaml:2" in out and "Traceback" not in out, out
