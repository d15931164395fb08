"""In-process SSH verification agrees with git's own verdict, case by case."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from ztgate.signatures import verify as v
from ztgate.signatures.commits import read_commits
from ztgate.signatures.policy import policies_at
from ztgate.signatures.sshsig import parse_signature, signature_is_valid, signed_payload

from tests.conftest import Repo
from tests.signatures.test_gate import allow, ssh_commit, ssh_key


def verdicts_both_ways(repo: Repo, monkeypatch: pytest.MonkeyPatch) -> tuple[str, str]:
    commit = read_commits(repo.path, [repo.head()])[0]
    policy = policies_at(repo.path, [commit.parents[0]])[commit.parents[0]]
    here = v.verify(repo.path, [commit], policy)[0].outcome
    with monkeypatch.context() as patch:
        patch.setattr(v, "_judge_ssh_here", lambda *args: None)
        by_git = v.verify(repo.path, [commit], policy)[0].outcome
    return here, by_git


@pytest.fixture
def base(repo: Repo, tmp_path: Path) -> Path:
    alice = ssh_key(tmp_path, "alice")
    allow(repo, "alice@example.test", alice)
    ssh_commit(repo, alice, "adopt")
    return alice


@pytest.mark.parametrize(
    "case",
    [
        "allowed",
        "unknown key",
        "other committer",
        "file namespace",
        "expired",
        "not yet valid",
        "tampered",
        "rsa key",
        "ecdsa key",
        "wildcard principal",
    ],
)
def test_in_process_verdict_matches_git(
    repo: Repo, base: Path, tmp_path: Path, case: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    key_type = {"rsa key": "rsa", "ecdsa key": "ecdsa"}.get(case, "ed25519")
    signer = tmp_path / f"signer_{key_type}"
    subprocess.run(["ssh-keygen", "-q", "-t", key_type, "-N", "", "-f", str(signer)], check=True)
    public = Path(f"{signer}.pub")
    options = {
        "file namespace": 'namespaces="file"',
        "expired": 'valid-before="20200101"',
        "not yet valid": 'valid-after="29991231"',
    }.get(case, 'namespaces="git"')
    principal = "*@example.test" if case == "wildcard principal" else "bob@example.test"
    if case != "unknown key":
        allow(repo, principal, public, options)
    ssh_commit(repo, base, "policy for the case")
    email = "carol@example.test" if case == "other committer" else "bob@example.test"
    ssh_commit(repo, public, "the commit", email=email)
    if case == "tampered":
        raw = subprocess.run(
            ["git", "cat-file", "commit", "HEAD"], cwd=repo.path, capture_output=True, check=True
        ).stdout.replace(b"the commit", b"the commiT")
        forged = subprocess.run(
            ["git", "hash-object", "-t", "commit", "-w", "--stdin"],
            cwd=repo.path,
            input=raw,
            capture_output=True,
            check=True,
        )
        repo.git("update-ref", "refs/heads/main", forged.stdout.decode().strip())
    here, by_git = verdicts_both_ways(repo, monkeypatch)
    # A principal is compared literally: `*@example.test` is not everyone at example.test.
    expected_ok = case in ("allowed", "rsa key", "ecdsa key")
    assert (here == v.OK) == expected_ok, (case, here)
    assert here == by_git, (case, here, by_git)


def test_payload_is_what_git_signed(repo: Repo, base: Path) -> None:
    raw = subprocess.run(
        ["git", "cat-file", "commit", "HEAD"], cwd=repo.path, capture_output=True, check=True
    ).stdout
    commit = read_commits(repo.path, [repo.head()])[0]
    signature = parse_signature(commit.signature or "")
    assert signature_is_valid(signature, signed_payload(raw)) is True
    assert signature_is_valid(signature, signed_payload(raw) + b"x") is False


@pytest.mark.parametrize("object_format", ["sha1", "sha256"])
def test_signature_header_of_the_other_hash_is_not_a_signature(
    tmp_path: Path, object_format: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """git reads `gpgsig` in SHA-1 repositories and `gpgsig-sha256` in SHA-256 ones only."""
    path = tmp_path / object_format
    subprocess.run(["git", "init", "-q", f"--object-format={object_format}", str(path)], check=True)
    monkeypatch.chdir(path)
    repo = Repo(path)
    alice = ssh_key(tmp_path, "alice")
    allow(repo, "alice@example.test", alice)
    ssh_commit(repo, alice, "adopt")
    ssh_commit(repo, alice, "signed")
    raw = subprocess.run(
        ["git", "cat-file", "commit", "HEAD"], cwd=path, capture_output=True, check=True
    ).stdout
    own, other = (b"gpgsig ", b"gpgsig-sha256 ")
    if object_format == "sha256":
        own, other = other, own
    assert b"\n" + own in raw
    moved = raw.replace(b"\n" + own, b"\n" + other, 1)
    forged = subprocess.run(
        ["git", "hash-object", "-t", "commit", "-w", "--stdin"],
        cwd=path,
        input=moved,
        capture_output=True,
        check=True,
    )
    repo.git("update-ref", "refs/heads/main", forged.stdout.decode().strip())
    letter = repo.git(
        "-c", "gpg.ssh.allowedSignersFile=.ztgate/allowed_signers", "log", "-1", "--format=%G?"
    )
    assert letter.strip() == "N"  # git's own word: not signed
    here, _ = verdicts_both_ways(repo, monkeypatch)
    assert here == v.UNSIGNED
