"""`ztgate init`: make an existing repository gated, in one command, and say what is left."""

from __future__ import annotations

import argparse
import io
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ztgate import __version__, gitio, runner
from ztgate.errors import UserError
from ztgate.installed import Requirement, this_ztgate
from ztgate.providers import PROVIDERS
from ztgate.registry import HOOKS, Hook
from ztgate.shipped import template_text

HOOK_IDS = tuple(hook.id for hook in HOOKS)
# The install line of the shipped CI templates; init writes the running ztgate's requirement.
SHIPPED_REQUIREMENT = f"ztgate=={__version__}"
POLICY = """\
# ztgate's policy: see the README's "The policy file" for every key.
secrets:
  baseline: .secrets.baseline
threat_model:
  files: [THREAT_MODEL.md, "docs/threat-models/*.md"]
  # The model starts as a draft: every run lists what is left to fill, as warnings. Set this
  # to true once it is filled in; from then on its findings block (in CI from the next merge).
  enforce: false
signatures:
  identity: committer
"""


def local_hook(hook: Hook, requirement: str) -> Any:
    """A `repo: local` hook running ztgate installed from ``requirement`` in its own env."""
    from ruamel.yaml.comments import CommentedMap

    definition = hook.manifest()
    definition.pop("minimum_pre_commit_version", None)
    definition.pop("description", None)
    entry = CommentedMap(definition)
    entry["additional_dependencies"] = [requirement]
    return entry


def merge_hooks(text: str | None, source: HookSource) -> str:
    """The pre-commit config with ztgate's hooks added: comments, order and other hooks kept;
    hooks already there are left as they are. ``source`` says where the hooks come from:
    ztgate's hook repository at a rev, or (`repo: local`) a pip requirement."""
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
    missing = [hook for hook in HOOKS if hook.id not in present]
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
            head = [("repo", source.repo)] + ([("rev", source.rev)] if source.rev else [])
            entry = CommentedMap([*head, ("hooks", CommentedSeq())])
            repos.append(entry)
        for hook in missing:
            if entry.get("repo") == "local":
                entry["hooks"].append(local_hook(hook, source.requirement))
            else:
                entry["hooks"].append(CommentedMap([("id", hook.id)]))
    stream = io.StringIO()
    yaml.dump(document, stream)
    return stream.getvalue()


@dataclass(frozen=True)
class HookSource:
    """Where the hooks `init` writes get ztgate: a hook repository at a rev, or `local`."""

    repo: str
    rev: str
    requirement: str  # for `repo: local` hooks and the CI job: what pip installs


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
        [*gitio.pre_commit_command("install the pre-commit hook"), "install", "-t", "pre-commit"],
        what="pre-commit install",
        cwd=root,
    )
    if install.returncode != 0:
        output = (install.stdout + install.stderr).decode("utf-8", "replace").strip()
        raise UserError(f"pre-commit install failed: {output}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="ztgate init", description=__doc__)
    parser.add_argument("--ci", choices=tuple(PROVIDERS), help="also write a CI job")
    parser.add_argument(
        "--repo",
        help="take the hooks from this ztgate hook repository (URL or path) at --rev, instead "
        "of `repo: local` hooks that install the ztgate running this command",
    )
    parser.add_argument("--rev", help="with --repo: the tag or commit sha")
    parser.add_argument(
        "--requirement",
        metavar="SPEC",
        help="what pip installs for the hooks and the CI job (default: where this ztgate was "
        "installed from, e.g. `ztgate @ git+https://host/ztgate@<sha>`)",
    )
    parser.add_argument("--no-install", action="store_true", help="skip `pre-commit install`")
    parser.add_argument("--debug", action="store_true")
    args = parser.parse_args(argv)
    return runner.guarded(lambda: _init(args), args.debug)


def hook_source(args: argparse.Namespace) -> tuple[HookSource, Requirement]:
    """Which ztgate the hooks and the CI job run: one answer for both."""
    requirement = Requirement(args.requirement, True) if args.requirement else this_ztgate()
    if any(char in requirement.spec for char in "\"'`$\\\n"):
        raise UserError(
            "the requirement holds quotes or shell characters", fix="pass a plain pip requirement"
        )
    if args.repo:
        if not args.rev:
            raise UserError("--repo needs --rev (a tag or, better, a full commit sha)")
        return HookSource(args.repo, args.rev, requirement.spec), requirement
    return HookSource("local", "", requirement.spec), requirement


def ci_job(name: str, requirement: Requirement) -> str:
    """A shipped CI template that installs exactly ``requirement``."""
    text = template_text(name)
    default = f'"{SHIPPED_REQUIREMENT}"'
    if default not in text:  # pragma: no cover - a test holds the templates to this
        raise UserError(f"ztgate's template {name} lost its install line")
    return text.replace(default, f'"{requirement.spec}"')


def _init(args: argparse.Namespace) -> int:
    root = Path(gitio.open_repo().working_tree_dir or ".")
    done: list[str] = []
    source, requirement = hook_source(args)
    config = root / ".pre-commit-config.yaml"
    before = config.read_text(encoding="utf-8") if config.exists() else None
    after = merge_hooks(before, source)
    if after != before:
        config.write_text(after, encoding="utf-8")
        done.append(f"{'updated' if before else 'wrote':<10} {config.name}: ztgate's hooks")
    else:
        done.append(f"kept       {config.name} (ztgate's hooks already there)")
    done.append(f"ztgate     {requirement.shown}")
    _write_new(root / ".ztgate.yaml", POLICY, done)
    _write_new(root / "THREAT_MODEL.md", template_text("THREAT_MODEL.md"), done)
    provider = PROVIDERS[args.ci or "github"]  # without a CI job: GitHub's template home
    _write_new(root / provider.pr_template, template_text("PULL_REQUEST_TEMPLATE.md"), done)
    if args.ci:
        _write_new(root / provider.ci_job_home, ci_job(provider.ci_job, requirement), done)
        if provider.ci_job_note:
            done.append(f"           {provider.ci_job_note}")
    baseline = gitio.run_tool(
        [sys.executable, "-m", "ztgate", "secrets", "--update-baseline"],
        what="ztgate secrets --update-baseline",
        cwd=root,
    )
    if baseline.returncode != 0:
        error = baseline.stderr.decode("utf-8", "replace").strip()
        raise UserError(f"could not write the baseline: {error}")
    done.append(f"baseline   {baseline.stdout.decode('utf-8', 'replace').strip()}")
    if not args.no_install:
        _install_pre_commit_hook(root)
        done.append(f"installed  the pre-commit hook (pre-commit) and {_install_pre_push(root)}")
    print("ztgate init:\n" + "\n".join(f"  {line}" for line in done))
    print(
        "\nNext:\n"
        "  1. Sign your commits: `ztgate signatures setup --write` (your SSH key, and its line in\n"
        "     .ztgate/allowed_signers).\n"
        "  2. Review .secrets.baseline: every entry is a secret already in the repo; rotate them.\n"
        '  3. Commit it all, signed: `git add -A && git commit -m "Adopt ztgate"`, then\n'
        "     `git push`: the first push needs nothing more.\n"
        "  4. Fill THREAT_MODEL.md (every run lists what is left), then set\n"
        "     `threat_model.enforce: true` in .ztgate.yaml."
    )
    return runner.EXIT_CLEAN


if __name__ == "__main__":
    sys.exit(main())
