"""Where a pull request's description comes from: the CI's own environment, a file, stdin."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from dataclasses import dataclass, field

from ztgate.errors import UserError
from ztgate.events import github_event


@dataclass(frozen=True)
class PullRequest:
    body: str
    source: str  # where the text came from, for messages
    author: str = ""
    author_is_bot: bool = False
    labels: tuple[str, ...] = ()
    base_sha: str = ""
    head_sha: str = ""
    extra: Mapping[str, str] = field(default_factory=dict)


def from_environment(environ: Mapping[str, str], body_file: str | None) -> PullRequest:
    """The description to judge; missing or malformed input is an error, never a pass."""
    if body_file == "-":
        return PullRequest(sys.stdin.read(), "<stdin>")
    if body_file:
        try:
            with open(body_file, encoding="utf-8") as stream:
                return PullRequest(stream.read(), body_file)
        except (OSError, UnicodeDecodeError) as error:
            raise UserError(f"cannot read the description: {error}", where=body_file) from error
    event_path = environ.get("GITHUB_EVENT_PATH")
    if event_path:
        return _github(event_path)
    if "CI_MERGE_REQUEST_IID" in environ or "CI_MERGE_REQUEST_DESCRIPTION" in environ:
        if environ.get("CI_MERGE_REQUEST_DESCRIPTION_IS_TRUNCATED", "").lower() == "true":
            raise UserError(
                "GitLab truncated the merge request description (CI_MERGE_REQUEST_DESCRIPTION "
                "holds at most 2,700 characters), so it cannot be judged",
                fix="shorten the description, or pass the full text with --body-file",
            )
        labels = tuple(x for x in environ.get("CI_MERGE_REQUEST_LABELS", "").split(",") if x)
        return PullRequest(
            environ.get("CI_MERGE_REQUEST_DESCRIPTION", ""),
            "merge request",
            author=environ.get("GITLAB_USER_LOGIN", ""),
            labels=labels,
            base_sha=environ.get("CI_MERGE_REQUEST_DIFF_BASE_SHA", ""),
            head_sha=environ.get("CI_COMMIT_SHA", ""),
        )
    raise UserError(
        "no pull request description found",
        fix="run in a pull_request CI job, or pass --body-file FILE (or - for stdin)",
    )


def _github(event_path: str) -> PullRequest:
    pull_request = github_event(event_path).get("pull_request")
    if not isinstance(pull_request, dict):
        raise UserError(
            "the GitHub event is not a pull request",
            where=event_path,
            fix="run the PR gate on pull_request events",
        )
    body = pull_request.get("body")
    if body is not None and not isinstance(body, str):
        raise UserError("pull_request.body is not text", where=event_path)
    user = pull_request.get("user") or {}
    login = str(user.get("login", ""))
    return PullRequest(
        body=body or "",  # a null body is an empty description
        source="pull request description",
        author=login,
        author_is_bot=user.get("type") == "Bot" or login.endswith("[bot]"),
        labels=tuple(
            str(label.get("name", ""))
            for label in pull_request.get("labels") or ()
            if isinstance(label, dict)
        ),
        base_sha=str((pull_request.get("base") or {}).get("sha", "")),
        head_sha=str((pull_request.get("head") or {}).get("sha", "")),
    )
