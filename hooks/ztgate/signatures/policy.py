"""The signer policy as it stood at a commit: `.ztgate/allowed_signers` and `.ztgate/openpgp/`."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ztgate.policy import POLICY_FILE, SignaturesPolicy, parse_policy

if TYPE_CHECKING:
    import git

ALLOWED_SIGNERS = ".ztgate/allowed_signers"
OPENPGP_DIR = ".ztgate/openpgp"


@dataclass(frozen=True)
class SignerPolicy:
    """Who may sign, read from one commit's tree (never from the commit being judged)."""

    source: str | None  # the commit it was read from; None when there is none (a root commit)
    allowed_signers: str = ""  # OpenSSH allowed-signers text
    openpgp_keys: tuple[str, ...] = ()  # armored public keys, one per file
    # `.ztgate.yaml`'s signatures options as they stood at that commit, never the work tree's:
    # a push must not be able to loosen the rules it is judged by.
    options: SignaturesPolicy = field(default_factory=SignaturesPolicy)

    @property
    def exists(self) -> bool:
        return bool(self.allowed_signers.strip() or self.openpgp_keys)

    @property
    def digest(self) -> str:
        """Commits judged by identical policies are verified together."""
        material = "\0".join((self.allowed_signers, *self.openpgp_keys, repr(self.options)))
        return hashlib.sha256(material.encode("utf-8")).hexdigest()


def policy_at(repo: git.Repo, sha: str | None) -> SignerPolicy:
    if sha is None:
        return SignerPolicy(None)
    tree = repo.commit(sha).tree
    allowed = ""
    keys: list[str] = []
    try:
        allowed = tree[ALLOWED_SIGNERS].data_stream.read().decode("utf-8", "replace")
    except KeyError:
        pass
    try:
        folder = tree[OPENPGP_DIR]
    except KeyError:
        folder = None
    if folder is not None:
        for blob in sorted(folder.blobs, key=lambda b: b.path):
            if blob.name.endswith(".asc"):
                keys.append(blob.data_stream.read().decode("utf-8", "replace"))
    options = SignaturesPolicy()
    try:
        text = tree[POLICY_FILE].data_stream.read().decode("utf-8", "replace")
    except KeyError:
        text = None
    if text is not None:
        options = parse_policy(text, f"{sha[:12]}:{POLICY_FILE}").signatures
    return SignerPolicy(sha, allowed, tuple(keys), options)
