"""What every CI provider tells the gates, as plain data and functions of its environment."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

Environ = Mapping[str, str]


@dataclass(frozen=True)
class PullRequest:
    """A pull (or merge) request's description and the facts the PR gate judges it with."""

    body: str
    source: str  # where the text came from, for messages
    author: str = ""
    author_is_bot: bool = False
    labels: tuple[str, ...] = ()
    base_sha: str = ""
    head_sha: str = ""
    extra: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Target:
    """The commit a change is judged by (the target branch's tip, a push's previous tip)."""

    commit: str
    what: str  # for messages: "pull request's base", "merge request's target"...


@dataclass(frozen=True)
class Provider:
    """One CI service. Every function reads only the environment it is given (and, where it
    must resolve a branch, the repository); missing or malformed input is a UserError."""

    name: str  # `ztgate init --ci NAME`
    markers: tuple[str, ...]  # variables only this service sets
    pr_template: str  # where the service reads the PR template from
    ci_job: str  # the shipped job (ztgate/templates/...)
    ci_job_home: str  # where `ztgate init` writes it
    ci_job_note: str  # what the user still does after `ztgate init` wrote it ("" for nothing)
    # BASE..HEAD of the change the job checks, or None when the environment names none.
    change_range: Callable[[Environ, Path | None], str | None]
    # The commit whose policy, baseline and keys judge the change, or None.
    target: Callable[[Environ, Path], Target | None]
    # A pull/merge request (the PR gate has something to judge), not a push.
    is_change_request: Callable[[Environ], bool]
    # The request's description and facts; a UserError when this is no request.
    pull_request: Callable[[Environ], PullRequest]

    def applies(self, environ: Environ) -> bool:
        return any(environ.get(name) for name in self.markers)
