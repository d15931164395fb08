"""The CI providers: each one module that reads its own environment; the gates ask them."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import pytest
from ztgate import providers
from ztgate.errors import UserError
from ztgate.providers import github

from tests.conftest import Repo


def _event(tmp_path: Path, payload: object) -> dict[str, str]:
    path = tmp_path / "event.json"
    path.write_text(json.dumps(payload))
    return {"GITHUB_EVENT_PATH": str(path)}


@pytest.mark.parametrize("name", sorted(providers.PROVIDERS))
def test_every_provider_ships_its_job(name: str) -> None:
    provider = providers.PROVIDERS[name]
    job = resources.files("ztgate").joinpath("templates", *provider.ci_job.split("/"))
    assert job.is_file(), provider.ci_job
    assert provider.markers and provider.pr_template


def test_which_provider_a_job_runs_on() -> None:
    assert providers.provider_for({"GITHUB_EVENT_PATH": "/e.json"}) is providers.PROVIDERS["github"]
    assert providers.provider_for({"GITLAB_CI": "true"}) is providers.PROVIDERS["gitlab"]
    assert providers.provider_for({"CI": "true"}) is None
    assert providers.in_ci({"CI": "true"}) and providers.in_ci({"GITHUB_ACTIONS": "true"})
    assert not providers.in_ci({"HOME": "/root"})


def test_the_event_is_read_once_per_run(tmp_path: Path) -> None:
    base, head = "1" * 40, "2" * 40
    environ = _event(tmp_path, {"pull_request": {"base": {"sha": base}, "head": {"sha": head}}})
    github._read.cache_clear()
    assert github.change_range(environ) == f"{base}...{head}"
    assert github.pull_request(environ).base_sha == base
    assert github.is_change_request(environ)
    assert github._read.cache_info().misses == 1


def test_an_event_rewritten_during_the_run_is_read_again(tmp_path: Path) -> None:
    environ = _event(tmp_path, {"pull_request": {"body": "first"}})
    assert github.pull_request(environ).body == "first"
    Path(environ["GITHUB_EVENT_PATH"]).write_text(json.dumps({"pull_request": {"body": "2nd"}}))
    assert github.pull_request(environ).body == "2nd"


@pytest.mark.parametrize("payload", ["[1, 2]", "{not json", ""])
def test_a_malformed_event_is_an_error_not_an_empty_event(tmp_path: Path, payload: str) -> None:
    path = tmp_path / "event.json"
    path.write_text(payload)
    with pytest.raises(UserError) as error:
        github.change_range({"GITHUB_EVENT_PATH": str(path)})
    assert str(path) in str(error.value)


def test_a_push_to_a_feature_branch_is_judged_by_the_default_branch(
    repo: Repo, tmp_path: Path
) -> None:
    """Its own previous tip is whatever the pusher pushed before: never trusted."""
    repo.commit("first")
    environ = _event(
        tmp_path,
        {
            "ref": "refs/heads/feature",
            "before": repo.head(),
            "after": repo.head(),
            "repository": {"default_branch": "main"},
        },
    )
    with pytest.raises(UserError) as error:
        github.target(environ, repo.path)
    assert "not fetched" in str(error.value)
    repo.git("update-ref", "refs/remotes/origin/main", repo.head())
    found = github.target(environ, repo.path)
    assert found is not None and found.what == "default branch's tip"


def test_gitlab_never_trusts_the_merge_base(repo: Repo) -> None:
    repo.commit("first")
    environ = {"CI_MERGE_REQUEST_DIFF_BASE_SHA": repo.head(), "CI_MERGE_REQUEST_IID": "7"}
    with pytest.raises(UserError) as error:
        providers.PROVIDERS["gitlab"].target(environ, repo.path)
    assert "not fetched" in str(error.value)


def test_a_merged_results_pipeline_judges_the_source_branch_tip() -> None:
    merge, source = "3" * 40, "4" * 40
    environ = {
        "CI_MERGE_REQUEST_IID": "7",
        "CI_COMMIT_SHA": merge,  # GitLab's own merge of source and target
        "CI_MERGE_REQUEST_SOURCE_BRANCH_SHA": source,
    }
    assert providers.PROVIDERS["gitlab"].pull_request(environ).head_sha == source
    del environ["CI_MERGE_REQUEST_SOURCE_BRANCH_SHA"]
    assert providers.PROVIDERS["gitlab"].pull_request(environ).head_sha == merge


def test_github_event_problems_are_named(tmp_path: Path) -> None:
    with pytest.raises(UserError) as error:
        github.change_range({})
    assert error.value.one_line() == ("GITHUB_EVENT_PATH is not set (run in a GitHub Actions job)")
    missing = str(tmp_path / "nowhere.json")
    with pytest.raises(UserError) as error:
        github.change_range({"GITHUB_EVENT_PATH": missing})
    assert error.value.one_line().startswith(
        f"{missing}: cannot read the GitHub event payload: [Errno 2]"
    )


def test_a_github_push_range_and_what_is_not_one(tmp_path: Path) -> None:
    before, after = "5" * 40, "6" * 40
    assert github.change_range(_event(tmp_path, {"before": before, "after": after})) == (
        f"{before}..{after}"
    )
    # A half-filled pull request falls back to the push fields; a new branch's push has none.
    for payload in (
        {"pull_request": {"base": {"sha": before}}, "before": "0" * 40, "after": after},
        {"after": after},
    ):
        with pytest.raises(UserError) as error:
            github.change_range(_event(tmp_path, payload))
        assert "the GitHub event has no pull-request or push range to check" in str(error.value)


def test_github_targets(repo: Repo, tmp_path: Path) -> None:
    repo.commit("first")
    before = repo.head()
    pull = _event(tmp_path, {"pull_request": {"base": {"sha": before}}})
    found = github.target(pull, repo.path)
    assert found is not None and (found.commit, found.what) == (before, "pull request's base")
    assert github.target(_event(tmp_path, {"pull_request": {}}), repo.path) is None
    to_default = {
        "ref": "refs/heads/main",
        "before": before,
        "repository": {"default_branch": "main"},
    }
    found = github.target(_event(tmp_path, to_default), repo.path)
    assert found is not None and (found.commit, found.what) == (before, "push's previous tip")
    # Without a default branch or a ref nothing is named (the caller decides).
    assert github.target(_event(tmp_path, {"ref": "refs/heads/main"}), repo.path) is None


@pytest.mark.parametrize(
    "pull, message",
    [
        (None, "the GitHub event is not a pull request (run the PR gate on pull_request events)"),
        ({"body": 5}, "pull_request.body is not text"),
    ],
)
def test_a_github_event_that_is_no_pull_request(tmp_path: Path, pull: object, message: str) -> None:
    environ = _event(tmp_path, {"pull_request": pull} if pull is not None else {"ref": "x"})
    with pytest.raises(UserError) as error:
        github.pull_request(environ)
    assert error.value.one_line().endswith(message)


def test_a_github_pull_request_as_the_pr_gate_reads_it(tmp_path: Path) -> None:
    environ = _event(
        tmp_path,
        {
            "pull_request": {
                "body": None,
                "user": {"login": "renovate[bot]", "type": "User"},
                "labels": [{"name": "deps"}, "not-a-label", {"name": "security"}],
            }
        },
    )
    pull = github.pull_request(environ)
    assert pull.body == "" and pull.author == "renovate[bot]" and pull.author_is_bot
    assert pull.labels == ("deps", "security")


def test_gitlab_targets_and_ranges(repo: Repo) -> None:
    gitlab = providers.PROVIDERS["gitlab"]
    repo.commit("first")
    tip = repo.head()
    named = {"CI_MERGE_REQUEST_TARGET_BRANCH_NAME": "main", "CI_COMMIT_SHA": "7" * 40}
    assert gitlab.target(named, repo.path) is None  # not fetched, and no diff base given
    repo.git("update-ref", "refs/remotes/origin/main", tip)
    found = gitlab.target(named, repo.path)
    assert found is not None and (found.commit, found.what) == (tip, "merge request's target")
    assert gitlab.change_range(named, repo.path) == f"{tip}...{'7' * 40}"
    given = {"CI_MERGE_REQUEST_TARGET_BRANCH_SHA": "8" * 40}
    assert gitlab.change_range(given, repo.path) is None  # no head to check
    assert gitlab.change_range({}, repo.path) is None


@pytest.mark.parametrize(
    "environ, message",
    [
        ({"GITLAB_CI": "true"}, "this GitLab pipeline is not for a merge request"),
        (
            {"CI_MERGE_REQUEST_IID": "7", "CI_MERGE_REQUEST_DESCRIPTION_IS_TRUNCATED": "True"},
            "GitLab truncated the merge request description",
        ),
    ],
)
def test_a_gitlab_pipeline_the_pr_gate_cannot_judge(environ: dict[str, str], message: str) -> None:
    with pytest.raises(UserError) as error:
        providers.PROVIDERS["gitlab"].pull_request(environ)
    assert error.value.one_line().startswith(message)


def test_a_gitlab_merge_request_as_the_pr_gate_reads_it() -> None:
    environ = {
        "CI_MERGE_REQUEST_IID": "7",
        "CI_MERGE_REQUEST_DESCRIPTION": "## Summary\n",
        "CI_MERGE_REQUEST_LABELS": "deps,,security",
        "GITLAB_USER_LOGIN": "dev",
    }
    pull = providers.PROVIDERS["gitlab"].pull_request(environ)
    assert (pull.body, pull.author, pull.labels) == ("## Summary\n", "dev", ("deps", "security"))
    assert providers.PROVIDERS["gitlab"].is_change_request({"CI_MERGE_REQUEST_DESCRIPTION": ""})
