"""Verify commit signatures against a signer policy, with git under settings ztgate controls.

git's own letters are not enough: without an allowed-signers file an SSH signature reads `N`
like an unsigned commit, and an OpenPGP signature from a key nobody trusts is `U` yet exits 0.
So the commit's own `gpgsig` header says whether it is signed; git verifies with a temporary
allowed-signers file and a temporary GNUPGHOME built from the policy (nothing of the
developer's keyring, ownertrust or `gpg.ssh.*` config); OpenPGP signers are authorized by their
primary key's fingerprint (`%GP`).
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from ztgate import gitio
from ztgate.errors import UserError
from ztgate.signatures import sshsig
from ztgate.signatures.commits import CommitInfo
from ztgate.signatures.policy import OPENPGP_DIR, SignerPolicy

# Verdicts: each failing one is a rule of its own.
OK = "ok"
UNSIGNED = "unsigned"
BAD = "bad"
UNKNOWN_KEY = "unknown-key"
IDENTITY = "identity"
EXPIRED_SIGNATURE = "expired-signature"
EXPIRED_KEY = "expired-key"
REVOKED = "revoked"
MISSING_KEY = "missing-key"
UNSUPPORTED = "unsupported"
NO_POLICY = "no-policy"


@dataclass(frozen=True)
class Verdict:
    commit: CommitInfo
    outcome: str
    detail: str = ""
    key_fingerprint: str = ""  # the signing key's, not a finding's id (Finding.fingerprint)
    policy: str = ""  # the commit whose policy gave this verdict, when several judged it
    levels: tuple[tuple[str, str], ...] = ()  # that policy's `signatures.severity`


@dataclass(frozen=True)
class _Verification:
    letter: str
    key: str
    key_fingerprint: str
    primary: str
    signer: str


MINIMUM = {"ssh-keygen": (8, 2), "gpg": (2, 2)}
_VERSION = re.compile(r"(?:OpenSSH_|gpg \(GnuPG\) )(\d+)\.(\d+)")


def _version(tool: str) -> tuple[int, int] | None:
    """The tool's major and minor version; None when its output is not recognised."""
    command = ["ssh", "-V"] if tool == "ssh-keygen" else ["gpg", "--version"]
    process = gitio.run_tool(command, what=f"`{' '.join(command)}`")
    found = _VERSION.search((process.stdout + process.stderr).decode("utf-8", "replace"))
    return (int(found.group(1)), int(found.group(2))) if found else None


def require_tools() -> None:
    """ssh-keygen and gpg verify the signatures: missing, too old or of a version that cannot
    be told is exit 2, never a pass."""
    for tool, minimum in MINIMUM.items():
        product = "OpenSSH" if tool == "ssh-keygen" else "GnuPG"
        fix = f"install {tool} ({product} {minimum[0]}.{minimum[1]} or newer)"
        if shutil.which(tool) is None:
            raise UserError(
                f"`{tool}` is not installed; it is needed to verify signatures", fix=fix
            )
        version = _version(tool)
        if version is None:
            asked = "ssh -V" if tool == "ssh-keygen" else "gpg --version"
            raise UserError(
                f"cannot tell the version of {product} (`{asked}` printed no version ztgate "
                "recognises)",
                fix=fix,
            )
        if version < minimum:
            raise UserError(f"`{tool}` {version[0]}.{version[1]} is too old", fix=fix)


@contextmanager
def verification_settings(
    policy: SignerPolicy,
) -> Iterator[tuple[list[str], dict[str, str], dict[str, set[str]]]]:
    """git -c options and environment for this policy, and OpenPGP primary fpr -> uid emails."""
    workdir = Path(tempfile.mkdtemp(prefix="ztg-"))  # short: gpg-agent socket paths are limited
    try:
        signers = workdir / "allowed_signers"
        signers.write_text(policy.allowed_signers, encoding="utf-8")
        gnupg = workdir / "gnupg"
        gnupg.mkdir(mode=0o700)
        env = gitio.git_environment({"GNUPGHOME": str(gnupg), "GIT_CONFIG_NOSYSTEM": "1"})
        keys = _import_openpgp(policy.openpgp_keys, env, workdir)
        options = [
            "-c",
            f"gpg.ssh.allowedSignersFile={signers}",
            "-c",
            "gpg.ssh.program=ssh-keygen",
            "-c",
            "gpg.program=gpg",
            "-c",
            "gpg.minTrustLevel=undefined",
            "-c",
            "gpg.ssh.revocationFile=",
        ]
        yield options, env, keys
    finally:
        try:
            gitio.run_tool(
                ["gpgconf", "--kill", "all"],
                what="stopping the temporary gpg-agent",
                env={**os.environ, "GNUPGHOME": str(workdir / "gnupg")},
            )
        except UserError:
            pass  # no gpgconf, or it hung: the directory goes anyway, and no secret is in it
        finally:
            shutil.rmtree(workdir, ignore_errors=True)


def _import_openpgp(keys: Sequence[str], env: dict[str, str], workdir: Path) -> dict[str, set[str]]:
    if not keys:
        return {}
    for index, armored in enumerate(keys):
        path = workdir / f"key{index}.asc"
        path.write_text(armored, encoding="utf-8")
        gitio.run_tool(
            ["gpg", "--batch", "--quiet", "--import", "--", str(path)],
            what="importing the policy's OpenPGP keys",
            env=env,
        )
    listing = gitio.run_tool(
        ["gpg", "--batch", "--with-colons", "--list-keys"],
        what="listing the policy's OpenPGP keys",
        env=env,
    ).stdout.decode("utf-8", "replace")
    primaries: dict[str, set[str]] = {}
    current: str | None = None
    expect_primary_fpr = False
    for line in listing.splitlines():
        fields = line.split(":")
        if fields[0] == "pub":
            expect_primary_fpr = True
        elif fields[0] == "fpr" and expect_primary_fpr:
            current = fields[9]
            primaries[current] = set()
            expect_primary_fpr = False
        elif fields[0] == "uid" and current is not None and fields[1] not in ("r", "e"):
            uid = fields[9]  # a revoked or expired user id names nobody
            if "<" in uid and uid.endswith(">"):
                primaries[current].add(uid.rsplit("<", 1)[1][:-1].lower())
        elif fields[0] == "sub":
            expect_primary_fpr = False
    return primaries


def _verify_with_git(
    repo_root: Path, shas: Sequence[str], options: list[str], env: dict[str, str]
) -> dict[str, _Verification]:
    process = gitio.run_tool(
        [
            "git",
            *gitio.STABLE_CONFIG,
            *options,
            "log",
            "--no-walk=unsorted",
            "--stdin",
            "--format=%H%x00%G?%x00%GK%x00%GF%x00%GP%x00%GS%x00",
        ],
        what="git log (verifying signatures)",
        cwd=repo_root,
        env=env,
        stdin="".join(f"{s}\n" for s in shas).encode(),
    )
    if process.returncode != 0:
        raise UserError(
            "git log failed while verifying signatures: "
            + process.stderr.decode("utf-8", "replace").strip()[-300:]
        )
    results = {}
    for record in process.stdout.decode("utf-8", "replace").split("\x00\n"):
        fields = record.strip("\n").split("\x00")
        if len(fields) >= 6 and fields[0]:
            results[fields[0]] = _Verification(*fields[1:6])
    return results


def verify(repo_root: Path, commits: Sequence[CommitInfo], policy: SignerPolicy) -> list[Verdict]:
    """Judge ``commits`` against one policy: the one in force before them."""
    identity = policy.options.identity
    verdicts: list[Verdict] = []
    signed = [c for c in commits if c.signature_kind in ("ssh", "openpgp")]
    for commit in commits:
        if commit.signature is None:
            verdicts.append(Verdict(commit, UNSIGNED))
        elif commit.signature_kind not in ("ssh", "openpgp"):
            verdicts.append(
                Verdict(
                    commit, UNSUPPORTED, "X.509 (gitsign/S/MIME) signatures are not supported yet"
                )
            )
    if not signed:
        return verdicts
    if not policy.exists:
        bootstrap = (
            "no signer policy before this commit: the policy's first commit must build on "
            "history the remote already has"
        )
        return verdicts + [Verdict(c, NO_POLICY, bootstrap) for c in signed]
    signers = sshsig.parse_allowed_signers(policy.allowed_signers)
    for_git = []
    for commit in signed:
        decided = (
            _judge_ssh_here(commit, signers, identity) if commit.signature_kind == "ssh" else None
        )
        if decided is None:
            for_git.append(commit)
        else:
            verdicts.append(decided)
    if for_git:
        with verification_settings(policy) as (options, env, openpgp):
            checks = _verify_with_git(repo_root, [c.sha for c in for_git], options, env)
        for commit in for_git:
            verdicts.append(_judge(commit, checks.get(commit.sha), openpgp, identity))
    return verdicts


def authors_allowed(policy: SignerPolicy, commits: Sequence[CommitInfo]) -> set[str]:
    """Shas of ``commits`` whose author e-mail is, literally, an identity ``policy`` lets sign
    git commits at the commit's time: an SSH principal or an OpenPGP user id's e-mail."""
    signers = [
        s
        for s in sshsig.parse_allowed_signers(policy.allowed_signers)
        if s.namespaces is None or "git" in s.namespaces
    ]
    openpgp: set[str] = set()
    if policy.openpgp_keys:
        with verification_settings(policy) as (_, _, keys):
            openpgp = {email for emails in keys.values() for email in emails}
    allowed = set()
    for commit in commits:
        email = commit.author_email.lower()
        when = _commit_time(commit)
        if email in openpgp or any(
            email in {p.lower() for p in s.principals} and _in_force(s, when) for s in signers
        ):
            allowed.add(commit.sha)
    return allowed


def _judge_ssh_here(
    commit: CommitInfo, signers: list[sshsig.AllowedSigner], identity: str
) -> Verdict | None:
    """The verdict git would give, without starting ssh-keygen; None when git must decide."""
    try:
        signature = sshsig.parse_signature(commit.signature or "")
    except ValueError:
        return Verdict(commit, BAD, "the SSH signature is malformed")
    entries = [s for s in signers if s.public_key == signature.public_key]
    if any(entry.special for entry in entries):
        return None
    valid = sshsig.signature_is_valid(signature, sshsig.signed_payload(commit.raw))
    if valid is None:
        return None
    key_fingerprint = signature.key_fingerprint
    if not valid or signature.namespace != b"git":
        return Verdict(commit, BAD, "the signature does not match the commit", key_fingerprint)
    if entries and not any(_allows_git(e) for e in entries):
        # git (ssh-keygen -Y verify -n git) calls this a bad signature; say why.
        return Verdict(
            commit, BAD, "the key is allowed only outside the git namespace", key_fingerprint
        )
    when = _commit_time(commit)
    usable = [e for e in entries if _allows_git(e) and _in_force(e, when)]
    if not usable:
        reason = (
            "key not in .ztgate/allowed_signers"
            if not entries
            else "key not allowed for git commits at the commit's time"
        )
        return Verdict(commit, UNKNOWN_KEY, reason, key_fingerprint)
    principals = {p.lower() for entry in usable for p in entry.principals}
    return _identity_verdict(commit, principals, identity, key_fingerprint)


def _allows_git(entry: sshsig.AllowedSigner) -> bool:
    return entry.namespaces is None or "git" in entry.namespaces


def _in_force(entry: sshsig.AllowedSigner, when: datetime) -> bool:
    """Whether the entry's valid-after/valid-before window holds ``when``."""
    return (entry.valid_after is None or when >= entry.valid_after) and (
        entry.valid_before is None or when <= entry.valid_before
    )


def _commit_time(commit: CommitInfo) -> datetime:
    return datetime.fromtimestamp(commit.committer_time, timezone.utc)


def _identity_verdict(
    commit: CommitInfo, principals: set[str], identity: str, key_fingerprint: str
) -> Verdict:
    """The signer's identities (SSH principals, OpenPGP user-id e-mails) compared literally,
    e-mail case-insensitively: a `*` or `?` in them is a character, never a wildcard, so one key
    cannot sign as everyone its pattern would match."""
    wanted = {
        "committer": {commit.committer_email.lower()},
        "author": {commit.author_email.lower()},
        "either": {commit.committer_email.lower(), commit.author_email.lower()},
        "none": set(),
    }[identity]
    if wanted and not wanted & {p.lower() for p in principals}:
        signer = ", ".join(sorted(principals)) or "no identity"
        detail = f"signed by {signer}, not the {identity}"
        if any(char in signer for char in "*?!"):
            detail += " (ztgate compares principals and user ids literally, never as patterns)"
        return Verdict(commit, IDENTITY, detail, key_fingerprint)
    return Verdict(commit, OK, "", key_fingerprint)


def _judge(
    commit: CommitInfo, check: _Verification | None, openpgp: dict[str, set[str]], identity: str
) -> Verdict:
    if check is None:
        return Verdict(commit, BAD, "git did not report on this commit")
    key_fingerprint = check.key_fingerprint or check.key
    letter = check.letter
    if letter == "B":
        return Verdict(commit, BAD, "the signature does not match the commit", key_fingerprint)
    if commit.signature_kind == "ssh":
        if letter != "G":
            return Verdict(
                commit, UNKNOWN_KEY, "key not in .ztgate/allowed_signers", key_fingerprint
            )
        principals = {p.strip().lower() for p in check.signer.split(",") if p.strip()}
    else:
        outcome = {"X": EXPIRED_SIGNATURE, "Y": EXPIRED_KEY, "R": REVOKED, "E": MISSING_KEY}.get(
            letter
        )
        if outcome:
            return Verdict(commit, outcome, "", key_fingerprint)
        if letter not in ("G", "U") or check.primary not in openpgp:
            return Verdict(commit, UNKNOWN_KEY, f"key not in {OPENPGP_DIR}/", key_fingerprint)
        principals = openpgp[check.primary]
    return _identity_verdict(commit, principals, identity, key_fingerprint)
