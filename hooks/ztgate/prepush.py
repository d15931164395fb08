"""`ztgate pre-push`: git's pre-push hook, every pushed ref through every pre-push gate.

pre-commit's own pre-push stage hands its hooks only the first ref of a push, so
`git push origin good:good bad:bad` would send `bad` unchecked. This hook reads git's standard
input itself (`<local ref> <local sha> <remote ref> <remote sha>` per ref) and, for each ref,
runs the secrets and signed-commits gates on the commits that ref sends, judged by what the
remote already has; then it runs the repository's other pre-commit pre-push hooks once per ref.
Install it as `.git/hooks/pre-push` (`ztgate init` does) with `exec ztgate pre-push "$@"`.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from ztgate import gitio, runner
from ztgate.revisions import PushUpdate, pre_push_updates

# ztgate's own pre-push hooks: run here for every ref, so skipped when pre-commit is chained.
OWN_PRE_PUSH_HOOKS = ("ztgate-secrets-push", "ztgate-signed-commits")


def _gates(remote: str | None, trust_root: str | None) -> list[tuple[str, Callable[[], int]]]:
    from ztgate.secrets import gate as secrets_gate
    from ztgate.signatures import gate as signatures_gate

    common = ["--remote", remote] if remote else []
    signatures_args = [*common, *(["--trust-root", trust_root] if trust_root else [])]
    return [
        ("secrets", lambda: secrets_gate.main(["--push", *common])),
        ("signatures", lambda: signatures_gate.main(signatures_args)),
    ]


@contextmanager
def _push_variables(update: PushUpdate, remote: str | None, url: str | None) -> Iterator[None]:
    """pre-commit's variables for this one ref, which the gates' push mode reads."""
    values = {
        "PRE_COMMIT_FROM_REF": update.remote_sha or "",
        "PRE_COMMIT_TO_REF": update.tip,
        "PRE_COMMIT_LOCAL_BRANCH": update.local_ref,
        "PRE_COMMIT_REMOTE_BRANCH": update.remote_ref,
        "PRE_COMMIT_REMOTE_NAME": remote or "",
        "PRE_COMMIT_REMOTE_URL": url or "",
    }
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _chain_pre_commit(root: Path, line: str, remote: str | None, url: str | None) -> int | None:
    """Run the repository's other pre-commit hooks at the pre-push stage for one ref (what
    `pre-commit install --hook-type pre-push` did); None without a pre-commit config."""
    config = root / ".pre-commit-config.yaml"
    if not config.is_file():
        return None
    command = gitio.pre_commit_command("run the repository's pre-commit pre-push hooks")
    skip = ",".join(filter(None, [os.environ.get("SKIP", ""), *OWN_PRE_PUSH_HOOKS]))
    process = gitio.run_tool(
        [
            *command,
            "hook-impl",
            f"--config={config.name}",
            "--hook-type=pre-push",
            f"--hook-dir={gitio.hooks_dir(root)}",
            "--skip-on-missing-config",
            "--",
            remote or "",
            url or remote or "",
        ],
        what="the repository's other pre-commit pre-push hooks",
        cwd=root,
        env=gitio.git_environment({"SKIP": skip}),
        stdin=(line + "\n").encode(),
    )
    sys.stdout.write(process.stdout.decode("utf-8", "replace"))
    sys.stderr.write(process.stderr.decode("utf-8", "replace"))
    return runner.EXIT_FINDINGS if process.returncode else runner.EXIT_CLEAN


def run_push(lines: list[str], remote: str | None, url: str | None, trust_root: str | None) -> int:
    root = gitio.find_root()
    updates = pre_push_updates(root, lines, remote)
    worst = runner.EXIT_CLEAN
    for update in updates:
        print(f"ztgate pre-push: {update.local_ref} ({len(update.commits)} commit(s))", flush=True)
        with _push_variables(update, remote, url):
            for _, gate_main in _gates(remote, trust_root):
                worst = max(worst, gate_main())
        chained = _chain_pre_commit(root, update.line, remote, url)
        worst = max(worst, chained or runner.EXIT_CLEAN)
    return worst


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="ztgate pre-push",
        description="git's pre-push hook: every pushed ref through the secrets and "
        "signed-commits gates, then the repository's other pre-commit pre-push hooks. "
        'Install: `.git/hooks/pre-push` with `exec ztgate pre-push "$@"`.',
    )
    parser.add_argument("remote", nargs="?")
    parser.add_argument("url", nargs="?")
    parser.add_argument("--trust-root", metavar="COMMIT", help="see `ztgate signatures --help`")
    parser.add_argument("--debug", action="store_true")
    args = parser.parse_args(argv)
    return runner.guarded(
        lambda: run_push(sys.stdin.read().splitlines(), args.remote, args.url, args.trust_root),
        args.debug,
    )


if __name__ == "__main__":
    sys.exit(main())
