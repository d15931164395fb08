"""`ztgate signatures setup`: sign this repository's commits with your SSH key."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from ztgate import cli, gitio
from ztgate.errors import UserError
from ztgate.signatures.policy import ALLOWED_SIGNERS

_CANDIDATES = ("id_ed25519.pub", "id_ecdsa.pub", "id_ed25519_sk.pub", "id_rsa.pub")


def find_public_key(explicit: str | None) -> Path | None:
    if explicit:
        path = Path(explicit).expanduser()
        if not path.is_file():
            raise UserError("public key not found", where=explicit)
        return path
    ssh = Path.home() / ".ssh"
    return next((ssh / name for name in _CANDIDATES if (ssh / name).is_file()), None)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="ztgate signatures setup",
        description="Configure this repository to sign commits with your SSH key, and print "
        "the line that allows the key in .ztgate/allowed_signers.",
    )
    parser.add_argument("--key", help="public key to sign with (default: ~/.ssh/id_ed25519.pub...)")
    parser.add_argument("--debug", action="store_true")
    args = parser.parse_args(argv)
    return cli.guarded(lambda: _setup(args), args.debug)


def _setup(args: argparse.Namespace) -> int:
    repo = gitio.open_repo()
    with repo.config_reader() as reader:
        email = str(reader.get_value("user", "email", default="")).strip()
    if not email:
        raise UserError("git has no user.email", fix='git config user.email "you@example.com"')
    key = find_public_key(args.key)
    if key is None:
        print(
            "No SSH key found in ~/.ssh. Make one, then run this again:\n"
            f'  ssh-keygen -t ed25519 -C "{email}"'
        )
        return cli.EXIT_FINDINGS
    fields = key.read_text(encoding="utf-8").split()
    if len(fields) < 2:
        raise UserError("not an OpenSSH public key", where=str(key))
    with repo.config_writer(config_level="repository") as writer:
        writer.set_value("gpg", "format", "ssh")
        writer.set_value("user", "signingkey", str(key))
        writer.set_value("commit", "gpgsign", "true")
        writer.set_value("tag", "gpgsign", "true")
        writer.set_value("gpg.ssh", "allowedSignersFile", ALLOWED_SIGNERS)
    line = f'{email} namespaces="git" {fields[0]} {fields[1]}'
    print(f"Configured this repository to sign commits and tags with {key}.")
    print(
        f"\nAdd this line to {ALLOWED_SIGNERS}, in a commit signed by a key that is already "
        "allowed (ask a maintainer):\n"
    )
    print(f"  {line}\n")
    print("Then check your next commit with `git log --show-signature -1`.")
    return cli.EXIT_CLEAN


if __name__ == "__main__":
    sys.exit(main())
