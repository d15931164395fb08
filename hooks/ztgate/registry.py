"""The one table of ztgate's hooks: their pre-commit definition and their CI form.

`.pre-commit-hooks.yaml`, `ztgate init`'s local hooks and `ztgate ci` all come from here; a
test checks the manifest against it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Hook:
    id: str
    name: str
    description: str
    command: str  # the ztgate subcommand
    args: tuple[str, ...]  # its arguments as a hook
    stages: tuple[str, ...]
    ci_args: tuple[str, ...]  # its arguments in CI; `{range}` is the change's range
    pass_filenames: bool = False
    always_run: bool = True

    @property
    def module(self) -> str:
        from ztgate.cli import SUBCOMMANDS

        return SUBCOMMANDS[self.command][0]

    @property
    def entry(self) -> str:
        return " ".join(("ztgate", self.command, *self.args))

    @property
    def needs_range(self) -> bool:
        return "{range}" in self.ci_args

    def manifest(self) -> dict[str, object]:
        """The hook as `.pre-commit-hooks.yaml` (and a `repo: local` entry) writes it."""
        entry: dict[str, object] = {
            "id": self.id,
            "name": self.name,
            "description": self.description,
            "entry": self.entry,
            "language": "python",
        }
        if not self.pass_filenames:
            entry["pass_filenames"] = False
        if self.always_run:
            entry["always_run"] = True
        entry["stages"] = list(self.stages)
        entry["minimum_pre_commit_version"] = "3.2.0"
        return entry


HOOKS: tuple[Hook, ...] = (
    Hook(
        "ztgate-secrets",
        "ztgate secrets",
        "Block credentials (300 kinds, detect-secrets' plugins included) before they are "
        "committed.",
        "secrets",
        (),
        ("pre-commit", "manual"),
        ("--all-files",),
        pass_filenames=True,
        always_run=False,
    ),
    Hook(
        "ztgate-secrets-push",
        "ztgate secrets (outgoing commits)",
        "Scan the lines every outgoing commit adds; a key committed then deleted still leaks "
        "on push.",
        "secrets",
        ("--push",),
        ("pre-push", "manual"),
        ("--range", "{range}"),
    ),
    Hook(
        "ztgate-threat-model",
        "ztgate threat model",
        "Check that the repo's threat model (markdown) is complete and consistent, and that "
        "its zero-trust rules hold.",
        "threat-model",
        (),
        ("pre-commit", "manual"),
        (),
    ),
    Hook(
        "ztgate-signed-commits",
        "ztgate signed commits",
        "Every outgoing commit carries a good SSH or OpenPGP signature from a key the repo's "
        "policy allowed before it.",
        "signatures",
        (),
        ("pre-push", "manual"),
        ("--range", "{range}"),
    ),
    Hook(
        "ztgate-pr",
        "ztgate PR description",
        "In CI, the pull request's description fills the template's security sections and "
        "agrees with the threat model.",
        "pr",
        (),
        ("manual",),
        (),
    ),
)
BY_ID = {hook.id: hook for hook in HOOKS}
