"""Commit headers for a list of commits, from one streaming `git cat-file --batch`."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ztgate import gitio
from ztgate.errors import UserError

# As git splits an identity: the e-mail is between the FIRST `<` and the `>` after it, the
# date after the last `>` (a line with two addresses names the first, as git shows it).
_PERSON = re.compile(r"^(?P<name>[^<]*?) ?<(?P<email>[^>]*)>.*? (?P<time>\d+) [+-]\d{4}$")


@dataclass(frozen=True)
class CommitInfo:
    sha: str
    parents: tuple[str, ...]
    author_email: str
    committer_name: str
    committer_email: str
    subject: str
    signature: str | None  # the repository's own signature header, None when unsigned
    committer_time: int = 0  # seconds since the epoch
    raw: bytes = b""  # the whole commit object, for in-process verification

    @property
    def signature_kind(self) -> str | None:
        if self.signature is None:
            return None
        if "BEGIN SSH SIGNATURE" in self.signature:
            return "ssh"
        if "BEGIN PGP SIGNATURE" in self.signature:
            return "openpgp"
        if "BEGIN SIGNED MESSAGE" in self.signature:
            return "x509"
        return "unknown"


def parse_commit(sha: str, raw: bytes) -> CommitInfo:
    text = raw.decode("utf-8", "replace")
    header, _, message = text.partition("\n\n")
    fields: dict[str, list[str]] = {}
    last: str | None = None
    for line in header.split("\n"):
        if line.startswith(" ") and last is not None:
            fields[last][-1] += "\n" + line[1:]  # a continuation of a multi-line header
            continue
        key, _, value = line.partition(" ")
        fields.setdefault(key, []).append(value)
        last = key
    author = _PERSON.match(fields.get("author", [""])[0])
    committer = _PERSON.match(fields.get("committer", [""])[0])
    # git reads only its own hash's header (`gpgsig` in SHA-1 repositories, `gpgsig-sha256` in
    # SHA-256 ones); the other is no signature, so the commit counts as unsigned without it.
    signatures = fields.get("gpgsig-sha256" if len(sha) == 64 else "gpgsig")
    signature = signatures[0] if signatures else None
    return CommitInfo(
        sha=sha,
        parents=tuple(fields.get("parent", [])),
        author_email=author.group("email") if author else "",
        committer_name=committer.group("name") if committer else "",
        committer_email=committer.group("email") if committer else "",
        subject=message.split("\n", 1)[0].strip(),
        signature=signature,
        committer_time=int(committer.group("time")) if committer else 0,
        raw=raw,
    )


def read_commits(repo_root: Path, shas: Sequence[str]) -> list[CommitInfo]:
    """Every commit's headers, in one process however many commits there are."""
    if not shas:
        return []
    process = gitio.run_git(
        repo_root, ["cat-file", "--batch"], stdin="".join(f"{sha}\n" for sha in shas).encode()
    )
    output = process.stdout
    commits = []
    position = 0
    for sha in shas:
        end_of_header = output.index(b"\n", position)
        header = output[position:end_of_header].decode().split()
        if len(header) < 3 or header[1] != "commit":
            raise UserError(f"{sha[:12]} is not a commit in this clone")
        size = int(header[2])
        body = output[end_of_header + 1 : end_of_header + 1 + size]
        commits.append(parse_commit(header[0], body))
        position = end_of_header + 1 + size + 1
    return commits
