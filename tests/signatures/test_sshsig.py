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


def _signed(tmp_path: Path, message: bytes) -> str:
    key = tmp_path / "signer"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(key)], check=True)
    data = tmp_path / "message"
    data.write_bytes(message)
    subprocess.run(
        ["ssh-keygen", "-q", "-Y", "sign", "-f", str(key), "-n", "git", str(data)],
        check=True,
        capture_output=True,
    )
    return Path(f"{data}.sig").read_text()


def test_a_signature_judged_here_and_what_is_left_to_git(tmp_path: Path) -> None:
    import dataclasses

    from ztgate.signatures.sshsig import _string

    sig = parse_signature(_signed(tmp_path, b"tree abc\n\nwork\n"))
    assert sig.key_type == "ssh-ed25519" and sig.namespace == b"git"
    assert sig.key_fingerprint.startswith("SHA256:") and not sig.key_fingerprint.endswith("=")
    assert signature_is_valid(sig, b"tree abc\n\nwork\n") is True
    assert signature_is_valid(sig, b"tree abc\n\nwork!\n") is False
    # A signature algorithm that is not the key's is refused, not tried.
    mismatched = _string(b"rsa-sha2-256") + _string(b"\0" * 64)
    assert signature_is_valid(dataclasses.replace(sig, signature=mismatched), b"x") is False
    # A hash or key type not handled here: git decides.
    assert signature_is_valid(dataclasses.replace(sig, hash_algorithm=b"sha1"), b"x") is None
    security_key = _string(b"sk-ssh-ed25519@openssh.com") + _string(b"\0" * 32)
    assert signature_is_valid(dataclasses.replace(sig, public_key=security_key), b"x") is None


@pytest.mark.parametrize(
    "armored, message",
    [
        ("no armor at all", "not an SSH signature"),
        (
            "-----BEGIN SSH SIGNATURE-----\nU1NIU0lHAAAAAg==\n-----END SSH SIGNATURE-----",
            "not an SSHSIG version 1 blob",  # version 2
        ),
        ("-----BEGIN SSH SIGNATURE-----\nU1NIU0lH\n-----END SSH SIGNATURE-----", "truncated"),
    ],
    ids=["no-armor", "version-2", "truncated"],
)
def test_a_malformed_signature_is_refused(armored: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_signature(armored)


def test_allowed_signers_lines_as_git_reads_them() -> None:
    import base64
    from datetime import datetime, timezone

    from ztgate.signatures.sshsig import parse_allowed_signers

    key = base64.b64encode(b"key bytes, parsed not verified").decode()
    text = "\n".join(
        [
            "# a comment",
            "",
            "nokey@example.test",
            "nobody@example.test ssh-ed25519",  # a key type without a key
            f"alice@example.test,,bob@example.test ssh-ed25519 {key} alice's laptop",
            'carol@example.test namespaces="git, file" valid-after="202401021530" '
            f"ssh-ed25519 {key}",
            f'dave@example.test valid-before="20250101000000Z" ssh-ed25519 {key}',
            f'erin@example.test valid-after="soon" ssh-ed25519 {key}',
            f"ca@example.test cert-authority ssh-ed25519 {key}",
            f"frank@example.test sk-ssh-ed25519@openssh.com {key}",
            "grace@example.test ssh-ed25519 abc",  # not base64
        ]
    )
    alice, carol, dave, erin, ca, frank = parse_allowed_signers(text)
    assert alice.principals == ("alice@example.test", "bob@example.test")
    assert alice.public_key == b"key bytes, parsed not verified"
    assert alice.namespaces is None and not alice.special
    assert carol.namespaces == ("git", "file")
    assert carol.valid_after == datetime(2024, 1, 2, 15, 30, tzinfo=timezone.utc)
    assert dave.valid_before == datetime(2025, 1, 1, tzinfo=timezone.utc)
    assert erin.valid_after is None and erin.special  # unreadable: git decides, not "no limit"
    assert not carol.special and not dave.special
    assert ca.special and frank.special  # certificates and security keys: left to git
