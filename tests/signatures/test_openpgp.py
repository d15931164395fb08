"""OpenPGP verdicts with real keys: subkeys, expiry and revocation, made by gpg here."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.conftest import Repo
from tests.signatures.test_gate import as_person, forge_commit, run, ssh_key

EMAIL = "alice@example.test"


def gpg(env: dict[str, str], *args: str, past: bool = False) -> str:
    faked = ["--faked-system-time", "20200101T000000"] if past else []
    return subprocess.run(
        [
            "gpg",
            "--batch",
            "--yes",
            "--passphrase",
            "",
            "--pinentry-mode",
            "loopback",
            *faked,
            *args,
        ],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def primary_fingerprint(env: dict[str, str]) -> str:
    listing = gpg(env, "--with-colons", "--list-keys", EMAIL)
    return next(line.split(":")[9] for line in listing.splitlines() if line.startswith("fpr"))


def adopt_key(repo: Repo, env: dict[str, str]) -> str:
    repo.write(".ztgate/openpgp/alice.asc", gpg(env, "--armor", "--export", EMAIL))
    return repo.commit("adopt alice's key")


def gpg_commit(
    repo: Repo, env: dict[str, str], message: str, signing_key: str = EMAIL, program: str = "gpg"
) -> str:
    repo.write(f"{message.replace(' ', '_')}.txt", message)
    repo.git("add", "--all")
    subprocess.run(
        [
            "git",
            "-c",
            f"gpg.program={program}",
            "-c",
            f"user.signingkey={signing_key}",
            "commit",
            "-q",
            "-S",
            "-m",
            message,
        ],
        cwd=repo.path,
        env=as_person(EMAIL, env),
        check=True,
        capture_output=True,
    )
    return repo.head()


def past_gpg(tmp_path: Path, extra: str = "") -> str:
    """A gpg wrapper that signs as of 2020 (GnuPG's --faked-system-time)."""
    script = tmp_path / "gpg-2020"
    script.write_text(f'#!/bin/sh\nexec gpg --faked-system-time 20200101T000000 {extra} "$@"\n')
    script.chmod(0o755)
    return str(script)


def test_signing_subkey_without_ownertrust_passes(
    repo: Repo, gpg_env: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    gpg(gpg_env, "--quick-gen-key", f"Alice <{EMAIL}>", "ed25519", "cert", "never")
    fingerprint = primary_fingerprint(gpg_env)
    gpg(gpg_env, "--quick-add-key", fingerprint, "ed25519", "sign", "never")
    base = adopt_key(repo, gpg_env)
    gpg_commit(repo, gpg_env, "signed by the subkey")
    code, out = run(capsys, "--range", f"{base}..HEAD")
    assert code == 0, out


def test_expired_signature(
    repo: Repo, gpg_env: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    gpg(gpg_env, "--quick-gen-key", f"Alice <{EMAIL}>", "ed25519", "sign", "never", past=True)
    base = adopt_key(repo, gpg_env)
    gpg_commit(
        repo, gpg_env, "signature expired", program=past_gpg(tmp_path, "--default-sig-expire 1d")
    )
    code, out = run(capsys, "--range", f"{base}..HEAD")
    assert code == 1 and "ZT305" in out


def test_expired_key(
    repo: Repo, gpg_env: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    gpg(gpg_env, "--quick-gen-key", f"Alice <{EMAIL}>", "ed25519", "sign", "1d", past=True)
    base = adopt_key(repo, gpg_env)
    gpg_commit(repo, gpg_env, "key expired since", program=past_gpg(tmp_path))
    code, out = run(capsys, "--range", f"{base}..HEAD")
    assert code == 1 and "ZT306" in out


def test_revoked_key(
    repo: Repo, gpg_env: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    gpg(gpg_env, "--quick-gen-key", f"Alice <{EMAIL}>", "ed25519", "sign", "never")
    fingerprint = primary_fingerprint(gpg_env)
    root = adopt_key(repo, gpg_env)
    signed = gpg_commit(repo, gpg_env, "signed before the key was revoked")
    certificate = Path(gpg_env["GNUPGHOME"]) / "openpgp-revocs.d" / f"{fingerprint}.rev"
    revocation = Path(gpg_env["GNUPGHOME"]) / "revoke.asc"
    revocation.write_text(certificate.read_text().replace(":-----BEGIN", "-----BEGIN"))
    gpg(gpg_env, "--import", str(revocation))
    # A policy (beside the signed commit) that now holds the revoked key judges it.
    repo.git("checkout", "-q", "-b", "policy", root)
    policy = adopt_key(repo, gpg_env)
    code, out = run(capsys, "--range", f"{policy}..{signed}")
    assert code == 1 and "ZT307" in out, out


def test_first_push_with_a_root_commit(
    repo: Repo,
    gpg_env: dict[str, str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    gpg(gpg_env, "--quick-gen-key", f"Alice <{EMAIL}>", "ed25519", "sign", "never")
    root = adopt_key(repo, gpg_env)
    gpg_commit(repo, gpg_env, "first real work")
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True)
    repo.git("remote", "add", "origin", str(remote))
    # pre-commit sets no FROM/TO when the push holds a root commit: everything is outgoing.
    monkeypatch.setenv("PRE_COMMIT_REMOTE_NAME", "origin")
    code, out = run(capsys)
    assert code == 1 and "ZT301" in out and "2 commit(s) scanned" in out  # the root is unsigned
    code, out = run(capsys, "--trust-root", root)
    assert code == 0, out


def test_web_edit_vouched_for_an_openpgp_signer(
    repo: Repo, gpg_env: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    gpg(gpg_env, "--quick-gen-key", f"Alice <{EMAIL}>", "ed25519", "sign", "never")
    key = ssh_key(tmp_path, "web-flow")
    repo.write(
        ".ztgate/forge/allowed_signers",
        f'noreply@github.com namespaces="git" {key.read_text().strip()}\n',
    )
    base = adopt_key(repo, gpg_env)
    forge_commit(repo, key, "web edit by alice", author=EMAIL)
    code, out = run(capsys, "--range", f"{base}..HEAD")
    assert code == 0, out
    forge_commit(repo, key, "web edit by mallory", author="mallory@example.test")
    code, out = run(capsys, "--range", f"{base}..HEAD")
    assert code == 1 and '"web edit by mallory"' in out and '"web edit by alice"' not in out


@pytest.mark.parametrize(
    "user_id", ["Mallory <*>", "Mallory <*@example.test>", "Mallory <?lice@example.test>"]
)
def test_user_id_is_an_identity_not_a_pattern(
    repo: Repo, gpg_env: dict[str, str], user_id: str, capsys: pytest.CaptureFixture[str]
) -> None:
    gpg(gpg_env, "--quick-gen-key", user_id, "ed25519", "sign", "never")
    repo.write(".ztgate/openpgp/mallory.asc", gpg(gpg_env, "--armor", "--export", "Mallory"))
    base = repo.commit("adopt mallory's key")
    gpg_commit(repo, gpg_env, "signed as alice", signing_key="Mallory")
    code, out = run(capsys, "--range", f"{base}..HEAD")
    assert code == 1 and "ZT304" in out and '"signed as alice"' in out, out
