"""`ztgate signatures setup`: sign this repository's commits with your SSH key."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from ztgate import gitio, runner
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
    parser.add_argument(
        "--write",
        action="store_true",
        help=f"append the line to {ALLOWED_SIGNERS} in the work tree (at a terminal: asks)",
    )
    parser.add_argument("--debug", action="store_true")
    args = parser.parse_args(argv)
    return runner.guarded(lambda: _setup(args), args.debug)


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
        return runner.EXIT_FINDINGS
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
        "allowed (ask a maintainer; on the first day, your own):\n"
    )
    print(f"  {line}\n")
    if args.write or _confirmed(f"Add this line to {ALLOWED_SIGNERS}? [y/N] "):
        root = Path(repo.working_tree_dir or ".")
        added = add_allowed_line(root / ALLOWED_SIGNERS, line)
        print(f"{'Added the line to' if added else 'The line is already in'} {ALLOWED_SIGNERS}.")
        print(
            f'Next: `git add {ALLOWED_SIGNERS} && git commit -S -m "Adopt signed commits"`, '
            "then `git push`."
        )
        return runner.EXIT_CLEAN
    print("Then check your next commit with `git log --show-signature -1`.")
    return runner.EXIT_CLEAN


def _confirmed(question: str) -> bool:
    """Ask only a person at a terminal; anything but y/yes (or no terminal) is no."""
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        return False
    try:
        answer = input(question)
    except EOFError:
        return False
    return answer.strip().lower() in ("y", "yes")


def add_allowed_line(path: Path, line: str) -> bool:
    """Append ``line`` to the allowed-signers file (creating it and its folder) unless an
    identical line is already there; whether it was added."""
    existing = path.read_text(encoding="utf-8") if path.is_file() else ""
    if line in (entry.strip() for entry in existing.splitlines()):
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    separator = "" if not existing or existing.endswith("\n") else "\n"
    with path.open("a", encoding="utf-8") as stream:
        stream.write(f"{separator}{line}\n")
    return True


if __name__ == "__main__":
    sys.exit(main())
