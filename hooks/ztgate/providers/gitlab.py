"""GitLab CI: merge-request pipelines name the source head and the target branch."""

from __future__ import annotations

from pathlib import Path

from ztgate import gitio
from ztgate.errors import UserError
from ztgate.providers.base import Environ, Provider, PullRequest, Target

# GitLab cuts CI_MERGE_REQUEST_DESCRIPTION at this many characters (and says so).
DESCRIPTION_LIMIT = 2_700


def target_commit(environ: Environ, root: Path | None = None) -> str | None:
    """The merge request's target branch tip: GitLab's own sha when it gives one (merged-results
    pipelines), else the fetched `origin/<target branch>`. Never the diff base (the merge
    base): a policy or key changed on the target since the branch point would not hold."""
    sha = environ.get("CI_MERGE_REQUEST_TARGET_BRANCH_SHA")
    if sha:
        return sha
    name = environ.get("CI_MERGE_REQUEST_TARGET_BRANCH_NAME")
    if name and root is not None:
        found = gitio.resolve_commit(root, f"refs/remotes/origin/{name}")
        if found:
            return found
    if environ.get("CI_MERGE_REQUEST_DIFF_BASE_SHA"):
        raise UserError(
            "the merge request's target branch is not fetched (GitLab gives only the merge "
            "base), so what it trusts cannot be read",
            fix='fetch it first: `git fetch origin "$CI_MERGE_REQUEST_TARGET_BRANCH_NAME"` '
            "(the shipped GitLab job does)",
        )
    return None


def change_range(environ: Environ, root: Path | None = None) -> str | None:
    head = environ.get("CI_MERGE_REQUEST_SOURCE_BRANCH_SHA") or environ.get("CI_COMMIT_SHA")
    found = target_commit(environ, root)
    if found and head:
        # The target's tip on the left (its policy judges); `...` scans from the merge base.
        return f"{found}...{head}"
    return None


def target(environ: Environ, root: Path) -> Target | None:
    found = target_commit(environ, root)
    return Target(found, "merge request's target") if found else None


def is_change_request(environ: Environ) -> bool:
    return bool(environ.get("CI_MERGE_REQUEST_IID")) or "CI_MERGE_REQUEST_DESCRIPTION" in environ


def pull_request(environ: Environ) -> PullRequest:
    if "CI_MERGE_REQUEST_IID" not in environ and "CI_MERGE_REQUEST_DESCRIPTION" not in environ:
        raise UserError(
            "this GitLab pipeline is not for a merge request",
            fix="run the PR gate in merge request pipelines (rules: "
            '$CI_PIPELINE_SOURCE == "merge_request_event")',
        )
    if environ.get("CI_MERGE_REQUEST_DESCRIPTION_IS_TRUNCATED", "").lower() == "true":
        raise UserError(
            "GitLab truncated the merge request description (CI_MERGE_REQUEST_DESCRIPTION "
            f"holds at most {DESCRIPTION_LIMIT:,} characters), so it cannot be judged",
            fix="shorten the description, or pass the full text with --body-file",
        )
    labels = tuple(x for x in environ.get("CI_MERGE_REQUEST_LABELS", "").split(",") if x)
    return PullRequest(
        environ.get("CI_MERGE_REQUEST_DESCRIPTION", ""),
        "merge request",
        author=environ.get("GITLAB_USER_LOGIN", ""),
        labels=labels,
        base_sha=environ.get("CI_MERGE_REQUEST_DIFF_BASE_SHA", ""),
        # Merged-results pipelines run on GitLab's own merge commit (CI_COMMIT_SHA): the change
        # is the source branch's tip, so the target's own changes are not blamed on it.
        head_sha=environ.get("CI_MERGE_REQUEST_SOURCE_BRANCH_SHA")
        or environ.get("CI_COMMIT_SHA", ""),
    )


GITLAB = Provider(
    name="gitlab",
    markers=(
        "GITLAB_CI",
        "CI_MERGE_REQUEST_IID",
        "CI_MERGE_REQUEST_TARGET_BRANCH_SHA",
        "CI_MERGE_REQUEST_TARGET_BRANCH_NAME",
        "CI_MERGE_REQUEST_DIFF_BASE_SHA",
        "CI_MERGE_REQUEST_DESCRIPTION",
    ),
    pr_template=".gitlab/merge_request_templates/Default.md",
    ci_job="ci/gitlab-ci.yml",
    ci_job_home="ztgate.gitlab-ci.yml",
    ci_job_note="add `include: ztgate.gitlab-ci.yml` to .gitlab-ci.yml",
    change_range=change_range,
    target=target,
    is_change_request=is_change_request,
    pull_request=pull_request,
)
