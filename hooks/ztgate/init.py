"""`ztgate init`: make an existing repository gated, in one command, and say what is left."""

from __future__ import annotations

import argparse
import io
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ztgate import __version__, cli, gitio
from ztgate.errors import UserError
from ztgate.shipped import template_text

HOOK_IDS = ("ztgate-secrets", "ztgate-secrets-push", "ztgate-threat-model", "ztgate-signed-commits")
PUBLIC_REPO = "https://github.com/ztgate/ztgate"
POLICY = """\
# ztgate's policy: see the README's "The policy file" for every key.
secrets:
  baseline: .secrets.baseline
threat_model:
  files: [THREAT_MODEL.md, "docs/threat-models/*.md"]
signatures:
  identity: committer
"""


def merge_hooks(text: str | None, repo_url: str, rev: str) -> str:
    """The pre-commit config with ztgate's hooks added: comments, order and other hooks kept;
    hooks already there are left as they are."""
    from ruamel.yaml import YAML
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.indent(mapping=2, sequence=4, offset=2)
    document: Any = yaml.load(text) if text and text.strip() else None
    if document is None:
        document = CommentedMap()
    if not isinstance(document, dict):
        raise UserError("the pre-commit config is not a mapping", where=".pre-commit-config.yaml")
    repos = document.setdefault("repos", CommentedSeq())
    present = {str(h.get("id")) for r in repos for h in (r.get("hooks") or [])}
    missing = [hook_id for hook_id in HOOK_IDS if hook_id not in present]
    if missing:
        entry = next(
            (
                r
                for r in repos
                if any(str(h.get("id", "")).startswith("ztgate-") for h in (r.get("hooks") or []))
            ),
            None,
        )
        if entry is None:
            entry = CommentedMap([("repo", repo_url), ("rev", rev), ("hooks", CommentedSeq())])
            repos.append(entry)
        for hook_id in missing:
            entry["hooks"].append(CommentedMap([("id", hook_id)]))
    stream = io.StringIO()
    yaml.dump(document, stream)
    return stream.getvalue()


def _write_new(path: Path, content: str, done: list[str]) -> None:
    if path.exists():
        done.append(f"kept       {path.name} (exists; never overwritten)")
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content, encoding="utf-8")
    done.append(f"wrote      {path}")


PRE_PUSH_MARK = "# installed by ztgate init"


def pre_push_script() -> str:
    """The pre-push hook: ztgate's own entry, which checks every pushed ref (pre-commit's
    pre-push stage passes only the first) and then runs pre-commit's pre-push hooks."""
    return (
        f"#!/bin/sh\n{PRE_PUSH_MARK}: every pushed ref through ztgate's gates, then the other\n"
        "# pre-commit pre-push hooks. The interpreter is the one ztgate was installed into.\n"
        f'exec "{sys.executable}" -m ztgate pre-push "$@"\n'
    )


def _install_pre_push(root: Path) -> str:
    hooks = Path(
        root, gitio.run_git(root, ["rev-parse", "--git-path", "hooks"]).stdout.decode().strip()
    )
    hook = hooks / "pre-push"
    if hook.exists() and PRE_PUSH_MARK not in hook.read_text(encoding="utf-8", errors="replace"):
        raise UserError(
            "a pre-push hook that ztgate did not write is installed",
            where=str(hook),
            fix="move it aside (pre-commit's own pre-push hooks are run by ztgate's) and run "
            "`ztgate init` again",
        )
    hooks.mkdir(parents=True, exist_ok=True)
    hook.write_text(pre_push_script(), encoding="utf-8")
    hook.chmod(0o755)
    return f"the pre-push hook ({hook.relative_to(root) if hook.is_relative_to(root) else hook})"


def _install_pre_commit_hook(root: Path) -> None:
    install = gitio.run_tool(
        [sys.executable, "-m", "pre_commit", "install", "--hook-type", "pre-commit"],
        what="pre-commit install",
        cwd=root,
    )
    if install.returncode != 0:
        output = (install.stdout + install.stderr).decode("utf-8", "replace").strip()
        raise UserError(f"pre-commit install failed: {output}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="ztgate init", description=__doc__)
    parser.add_argument("--ci", choices=("github", "gitlab"), help="also write a CI job")
    parser.add_argument("--repo", default=PUBLIC_REPO, help="ztgate's hook repository")
    parser.add_argument("--rev", default=f"v{__version__}", help="the hook repository's rev")
    parser.add_argument("--no-install", action="store_true", help="skip `pre-commit install`")
    parser.add_argument("--debug", action="store_true")
    args = parser.parse_args(argv)
    return cli.guarded(lambda: _init(args), args.debug)


def _init(args: argparse.Namespace) -> int:
    root = Path(gitio.open_repo().working_tree_dir or ".")
    done: list[str] = []
    config = root / ".pre-commit-config.yaml"
    before = config.read_text(encoding="utf-8") if config.exists() else None
    after = merge_hooks(before, args.repo, args.rev)
    if after != before:
        config.write_text(after, encoding="utf-8")
        done.append(f"{'updated' if before else 'wrote':<10} {config.name}: ztgate's hooks")
    else:
        done.append(f"kept       {config.name} (ztgate's hooks already there)")
    _write_new(root / ".ztgate.yaml", POLICY, done)
    _write_new(root / "THREAT_MODEL.md", template_text("THREAT_MODEL.md"), done)
    _write_new(
        root / ".github" / "PULL_REQUEST_TEMPLATE.md",
        template_text("PULL_REQUEST_TEMPLATE.md"),
        done,
    )
    if args.ci == "github":
        _write_new(
            root / ".github" / "workflows" / "ztgate.yml",
            template_text("ci/github-workflow.yml"),
            done,
        )
    elif args.ci == "gitlab":
        _write_new(root / "ztgate.gitlab-ci.yml", template_text("ci/gitlab-ci.yml"), done)
        done.append("           add `include: ztgate.gitlab-ci.yml` to .gitlab-ci.yml")
    baseline = subprocess.run(
        [sys.executable, "-m", "ztgate", "secrets", "--update-baseline"],
        cwd=root,
        capture_output=True,
        text=True,
    )
    if baseline.returncode != 0:
        raise UserError(f"could not write the baseline: {baseline.stderr.strip()}")
    done.append(f"baseline   {baseline.stdout.strip()}")
    if not args.no_install:
        _install_pre_commit_hook(root)
        done.append(f"installed  the pre-commit hook (pre-commit) and {_install_pre_push(root)}")
    print("ztgate init:\n" + "\n".join(f"  {line}" for line in done))
    print(
        "\nNext:\n"
        "  1. Fill THREAT_MODEL.md (`ztgate threat-model` says what is missing).\n"
        "  2. Review .secrets.baseline: every entry is a secret already in the repo; rotate them.\n"
        "  3. Sign your commits: `ztgate signatures setup`, then commit the allowed_signers line\n"
        "     and push once with `ztgate signatures --trust-root <that commit>`.\n"
        "  4. Commit the new files."
    )
    return cli.EXIT_CLEAN


if __name__ == "__main__":
    sys.exit(main())
