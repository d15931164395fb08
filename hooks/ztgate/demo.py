"""`ztgate demo`: a throwaway repository with a leaked key, and the secrets gate catching it."""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import string
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from ztgate import gitio
from ztgate.secrets import gate

_GIT_IDENTITY = (
    "-c",
    "user.name=ztgate demo",
    "-c",
    "user.email=demo@ztgate.invalid",
    "-c",
    "commit.gpgsign=false",
    "-c",
    "init.defaultBranch=main",
)


def fake_aws_key_id() -> str:
    """An AWS-shaped access key id, random each run (never a real credential)."""
    body = "".join(secrets.choice(string.ascii_uppercase + "234567") for _ in range(16))
    return "AKIA" + body


def _git(*args: str) -> None:
    gitio.run_git(Path.cwd(), [*_GIT_IDENTITY, *args])


def _step(title: str) -> None:
    print(f"\n== {title}", flush=True)


def run_demo() -> int:
    """Run the story in the current directory (an empty one); 0 when the gate caught it."""
    _git("init", "-q")
    settings = Path("settings.py")

    _step("1. A developer stages a file with an AWS key: the pre-commit hook blocks it")
    settings.write_text(f'AWS_ACCESS_KEY_ID = "{fake_aws_key_id()}"\nREGION = "eu-west-1"\n')
    _git("add", "settings.py")
    staged = gate.main(["settings.py"])

    _step("2. They commit it anyway (--no-verify), then replace it in a second commit")
    _git("commit", "-q", "--no-verify", "-m", "add settings")
    settings.write_text('import os\n\nAWS_ACCESS_KEY_ID = os.environ["AWS_ACCESS_KEY_ID"]\n')
    _git("commit", "-q", "-am", "read the key from the environment")
    clean_now = gate.main(["settings.py"])

    _step("3. The pre-push hook scans what each outgoing commit adds: the key would still leak")
    pushed = gate.main(["--push"])

    caught = (staged, clean_now, pushed) == (1, 0, 1)
    if caught:
        print(
            "\nztgate demo: blocked the staged key, passed the cleaned file, and blocked the "
            "push that would still publish the key in its history."
        )
    else:
        print(
            f"\nztgate demo: UNEXPECTED exit codes {staged}, {clean_now}, {pushed} "
            "(expected 1, 0, 1)",
            file=sys.stderr,
        )
    return 0 if caught else 2


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="ztgate demo", description=__doc__)
    parser.add_argument("--keep", action="store_true", help="keep the demo repository")
    args = parser.parse_args(argv)
    previous = Path.cwd()
    repo = Path(tempfile.mkdtemp(prefix="ztgate-demo-"))
    try:
        os.chdir(repo)  # the gate reads the repository it runs in
        return run_demo()
    finally:
        os.chdir(previous)
        if args.keep:
            print(f"demo repository kept at {repo}")
        else:
            shutil.rmtree(repo, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
