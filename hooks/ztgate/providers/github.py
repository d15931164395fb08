"""GitHub Actions: the event payload (GITHUB_EVENT_PATH) names the change and its base."""

from __future__ import annotations

import json
import os
from functools import lru_cache
from pathlib import Path
from typing import Any

from ztgate import gitio
from ztgate.errors import UserError
from ztgate.providers.base import Environ, Provider, PullRequest, Target


def event(environ: Environ) -> tuple[dict[str, Any], str]:
    """The event as a mapping, and its path; unreadable or malformed is an error."""
    path = environ.get("GITHUB_EVENT_PATH", "")
    if not path:
        raise UserError("GITHUB_EVENT_PATH is not set", fix="run in a GitHub Actions job")
    try:
        status = os.stat(path)
    except OSError as error:
        raise UserError(f"cannot read the GitHub event payload: {error}", where=path) from error
    return _read(path, status.st_mtime_ns, status.st_size), path


@lru_cache(maxsize=4)
def _read(path: str, _mtime: int, _size: int) -> dict[str, Any]:
    """Read once per run (the payload does not change while a job runs), re-read if it did."""
    try:
        with open(path, encoding="utf-8") as stream:
            payload = json.load(stream)
    except (OSError, ValueError) as error:
        raise UserError(f"cannot read the GitHub event payload: {error}", where=path) from error
    if not isinstance(payload, dict):
        raise UserError("the GitHub event payload is not a JSON object", where=path)
    return payload


def _pull(payload: dict[str, Any]) -> dict[str, Any] | None:
    pull = payload.get("pull_request")
    return pull if isinstance(pull, dict) else None


def _sha(part: object) -> str:
    return str(part.get("sha") or "") if isinstance(part, dict) else ""


def change_range(environ: Environ, root: Path | None = None) -> str | None:
    """The pull request's base and head shas (never GITHUB_SHA, which for a pull request is a
    synthetic merge commit nobody signed), or a push's before and after."""
    payload, path = event(environ)
    pull = _pull(payload)
    if pull is not None:
        base, head = _sha(pull.get("base")), _sha(pull.get("head"))
        if base and head:
            return f"{base}...{head}"
    before, after = str(payload.get("before") or ""), str(payload.get("after") or "")
    if before and after and not gitio.ZERO_SHA.match(before):
        return f"{before}..{after}"
    raise UserError(
        "the GitHub event has no pull-request or push range to check",
        where=path,
        fix="run on pull_request or push events, or pass --range",
    )


def target(environ: Environ, root: Path) -> Target | None:
    """A pull request's base; a push to the default branch: its previous tip (the protected
    branch's own history); a push to any other branch: the default branch's tip (its own
    previous tip is whatever the pusher pushed before)."""
    payload, path = event(environ)
    pull = _pull(payload)
    if pull is not None:
        base = _sha(pull.get("base"))
        return Target(base, "pull request's base") if base else None
    repository = payload.get("repository")
    default = str(repository.get("default_branch") or "") if isinstance(repository, dict) else ""
    before = str(payload.get("before") or "")
    if not default or not payload.get("ref"):
        return None
    if (
        payload.get("ref") == f"refs/heads/{default}"
        and before
        and not gitio.ZERO_SHA.match(before)
    ):
        return Target(before, "push's previous tip")
    tip = gitio.resolve_commit(root, f"refs/remotes/origin/{default}")
    if tip is None:
        raise UserError(
            f"the default branch `{default[:80]}` is not fetched, so this push's trusted side "
            "cannot be read",
            where=path,
            fix=f"fetch it first (`git fetch origin {default[:80]}`; actions/checkout with "
            "`fetch-depth: 0`)",
        )
    return Target(tip, "default branch's tip")


def is_change_request(environ: Environ) -> bool:
    return _pull(event(environ)[0]) is not None


def pull_request(environ: Environ) -> PullRequest:
    payload, path = event(environ)
    pull = _pull(payload)
    if pull is None:
        raise UserError(
            "the GitHub event is not a pull request",
            where=path,
            fix="run the PR gate on pull_request events",
        )
    body = pull.get("body")
    if body is not None and not isinstance(body, str):
        raise UserError("pull_request.body is not text", where=path)
    user = pull.get("user") or {}
    login = str(user.get("login", "")) if isinstance(user, dict) else ""
    return PullRequest(
        body=body or "",  # a null body is an empty description
        source="pull request description",
        author=login,
        author_is_bot=(isinstance(user, dict) and user.get("type") == "Bot")
        or login.endswith("[bot]"),
        labels=tuple(
            str(label.get("name", ""))
            for label in pull.get("labels") or ()
            if isinstance(label, dict)
        ),
        base_sha=_sha(pull.get("base")),
        head_sha=_sha(pull.get("head")),
    )


GITHUB = Provider(
    name="github",
    markers=("GITHUB_EVENT_PATH",),
    pr_template=".github/PULL_REQUEST_TEMPLATE.md",
    ci_job="ci/github-workflow.yml",
    ci_job_home=".github/workflows/ztgate.yml",
    ci_job_note="",
    change_range=change_range,
    target=target,
    is_change_request=is_change_request,
    pull_request=pull_request,
)
