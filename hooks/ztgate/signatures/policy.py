"""The signer policy as it stood at a commit: `.ztgate/allowed_signers` and `.ztgate/openpgp/`."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from pathlib import Path

from ztgate import gitio
from ztgate.policy import POLICY_FILE, SignaturesPolicy, parse_policy

POLICY_DIR = ".ztgate"
ALLOWED_SIGNERS = f"{POLICY_DIR}/allowed_signers"
OPENPGP_DIR = f"{POLICY_DIR}/openpgp"
FORGE_DIR = f"{POLICY_DIR}/forge"  # the forge's own keys: allowed_signers and/or *.asc


def _within_policy_dir(path: str) -> str:
    """`.ztgate/openpgp` -> `openpgp/`: the name's start as `_load` lists the folder."""
    return path.removeprefix(POLICY_DIR + "/") + "/"


@dataclass(frozen=True)
class SignerPolicy:
    """Who may sign, read from one commit's tree (never from the commit being judged)."""

    source: str | None  # the commit it was read from; None when there is none (a root commit)
    allowed_signers: str = ""  # OpenSSH allowed-signers text
    openpgp_keys: tuple[str, ...] = ()  # armored public keys, one per file
    # `.ztgate.yaml`'s signatures options as they stood at that commit, never the work tree's:
    # a push must not be able to loosen the rules it is judged by.
    options: SignaturesPolicy = field(default_factory=SignaturesPolicy)
    forge: SignerPolicy | None = None  # the forge's own keys, from .ztgate/forge/

    @property
    def exists(self) -> bool:
        return bool(self.allowed_signers.strip() or self.openpgp_keys)

    @property
    def digest(self) -> str:
        """Commits judged by identical policies are verified together."""
        forge = self.forge.digest if self.forge is not None else ""
        material = "\0".join((self.allowed_signers, *self.openpgp_keys, repr(self.options), forge))
        return hashlib.sha256(material.encode("utf-8")).hexdigest()


def _git(root: Path, args: list[str], stdin: str | None = None) -> bytes:
    return gitio.run_git(root, args, stdin=stdin.encode() if stdin is not None else None).stdout


def _object_ids(root: Path, names: list[str]) -> list[str | None]:
    """Object id for each `<commit>:<path>`, None where it does not exist."""
    output = _git(
        root, ["cat-file", "--batch-check=%(objectname)"], "".join(f"{name}\n" for name in names)
    ).decode()
    return [None if line.endswith(" missing") else line for line in output.splitlines()]


def _load(root: Path, source: str, folder: str | None, options_blob: str | None) -> SignerPolicy:
    files: dict[str, str] = {}
    if folder:
        listing = _git(root, ["ls-tree", "-r", "-z", "--full-tree", folder]).decode()
        for entry in filter(None, listing.split("\0")):
            meta, _, name = entry.partition("\t")
            if meta.split()[1] == "blob":
                files[name] = _git(root, ["cat-file", "blob", meta.split()[2]]).decode(
                    "utf-8", "replace"
                )
    options = SignaturesPolicy()
    if options_blob:
        text = _git(root, ["cat-file", "blob", options_blob]).decode("utf-8", "replace")
        options = parse_policy(text, f"{source[:12]}:{POLICY_FILE}").signatures
    openpgp, forge_dir = _within_policy_dir(OPENPGP_DIR), _within_policy_dir(FORGE_DIR)
    openpgp_keys = tuple(
        files[n] for n in sorted(files) if n.startswith(openpgp) and n.endswith(".asc")
    )
    forge_keys = tuple(
        files[n] for n in sorted(files) if n.startswith(forge_dir) and n.endswith(".asc")
    )
    forge = SignerPolicy(
        source,
        files.get(forge_dir + "allowed_signers", ""),
        forge_keys,
        replace(options, identity="committer"),
    )
    signers = files.get(ALLOWED_SIGNERS.removeprefix(POLICY_DIR + "/"), "")
    return SignerPolicy(source, signers, openpgp_keys, options, forge)


def policies_at(root: Path, sources: list[str]) -> dict[str, SignerPolicy]:
    """The policy at each source commit, loading each distinct one once (git, not GitPython:
    GitPython cannot read SHA-256 repositories)."""
    names = [
        name for source in sources for name in (f"{source}:{POLICY_DIR}", f"{source}:{POLICY_FILE}")
    ]
    ids = _object_ids(root, names) if sources else []
    loaded: dict[tuple[str | None, str | None], SignerPolicy] = {}
    policies = {}
    for index, source in enumerate(sources):
        key = (ids[2 * index], ids[2 * index + 1])
        if key not in loaded:
            loaded[key] = _load(root, source, *key)
        policies[source] = replace(loaded[key], source=source)
    return policies
