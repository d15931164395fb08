"""Which commits a push sends: git's pre-push lines and pre-commit's variables, judged by
what the remote already has."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from ztgate.errors import UserError
from ztgate.revisions import pre_push_updates, push_endpoints, push_revisions, range_revisions

from tests.conftest import Repo

ZERO = "0" * 40


@pytest.fixture
def remote(repo: Repo, tmp_path: Path) -> Repo:
    """``repo`` with one commit on main, pushed to a bare remote `origin`."""
    bare = tmp_path / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", str(bare)], check=True)
    repo.git("remote", "add", "origin", str(bare))
    repo.write("README.md", "hello\n")
    repo.commit("root")
    repo.git("push", "-q", "origin", "main")
    return repo


def line(local_ref: str, local_sha: str, remote_ref: str, remote_sha: str) -> str:
    return f"{local_ref} {local_sha} {remote_ref} {remote_sha}"


def test_an_update_sends_what_follows_the_remotes_commit(remote: Repo) -> None:
    """The base is the remote's commit for that ref as git names it, not a tracking ref:
    a tracking ref that moved on (someone else's push fetched since) changes nothing."""
    pushed = remote.head()
    first = remote.commit("first")
    second = remote.commit("second")
    [update] = pre_push_updates(
        remote.path, [line("refs/heads/main", second, "refs/heads/main", pushed)], "origin"
    )
    assert update.remote_sha == pushed and update.tip == second
    assert set(update.commits) == {first, second}
    # Told the remote holds `first` already, only `second` is sent.
    [update] = pre_push_updates(
        remote.path, [line("refs/heads/main", second, "refs/heads/main", first)], "origin"
    )
    assert update.commits == (second,)


def test_a_new_branch_is_judged_against_everything_the_remote_has(remote: Repo) -> None:
    remote.git("checkout", "-q", "-b", "feature")
    work = remote.commit("feature work")
    [update] = pre_push_updates(
        remote.path, [line("refs/heads/feature", work, "refs/heads/feature", ZERO)], "origin"
    )
    assert update.remote_sha is None and update.commits == (work,)
    # Pushed by URL (`git push <path>`), no tracking ref says what that remote has: the whole
    # history is judged rather than none of it.
    bare = remote.git("remote", "get-url", "origin").strip()
    [update] = pre_push_updates(
        remote.path, [line("refs/heads/feature", work, "refs/heads/feature", ZERO)], bare
    )
    assert set(update.commits) == {work, remote.git("rev-parse", "main").strip()}


def test_a_deletion_and_blank_lines_send_nothing(remote: Repo) -> None:
    lines = ["", line("(delete)", ZERO, "refs/heads/old", remote.head()), "   "]
    assert pre_push_updates(remote.path, lines, "origin") == []


def test_every_ref_is_kept_with_its_own_line(remote: Repo) -> None:
    pushed = remote.head()
    remote.git("tag", "-a", "-m", "release", "v1")
    tag_object = remote.git("rev-parse", "v1").strip()
    one = remote.commit("one")
    lines = [
        line("refs/heads/main", one, "refs/heads/main", pushed),
        line("refs/tags/v1", tag_object, "refs/tags/v1", ZERO),
    ]
    main, tag = pre_push_updates(remote.path, lines, "origin")
    assert main.commits == (one,) and main.line == lines[0]
    # An annotated tag is peeled to its commit, which the remote already has.
    assert tag.tip == pushed and tag.commits == () and tag.line == lines[1]


@pytest.mark.parametrize(
    "text, message",
    [
        ("refs/heads/main abc", "unexpected pre-push input line: refs/heads/main abc"),
        (
            line("refs/heads/main", "HEAD", "refs/heads/main", "1" * 40),
            "the remote's commit 111111111111 for refs/heads/main is not in this clone",
        ),
        (
            line("refs/heads/main", "2" * 40, "refs/heads/main", ZERO),
            f"`{'2' * 40}` is not a commit in this clone",
        ),
    ],
    ids=["malformed", "remote-commit-unknown", "local-commit-unknown"],
)
def test_what_cannot_be_judged_is_a_usage_error(remote: Repo, text: str, message: str) -> None:
    with pytest.raises(UserError) as error:
        pre_push_updates(remote.path, [text], "origin")
    assert error.value.one_line().startswith(message)


def test_a_remote_name_that_is_not_configured_is_refused(remote: Repo) -> None:
    remote.commit("work")
    with pytest.raises(UserError) as error:
        pre_push_updates(remote.path, [line("refs/heads/x", "HEAD", "refs/heads/x", ZERO)], "orign")
    assert "`orign` is not a remote of this repository (remotes: origin)" in error.value.one_line()


def test_pre_commit_variables_name_the_endpoints(
    remote: Repo, monkeypatch: pytest.MonkeyPatch
) -> None:
    pushed = remote.head()
    work = remote.commit("work")
    monkeypatch.setenv("PRE_COMMIT_FROM_REF", pushed)
    monkeypatch.setenv("PRE_COMMIT_TO_REF", work)
    assert push_endpoints(remote.path, "origin") == (work, pushed)
    assert push_revisions(remote.path, None) == [work, f"^{pushed}"]
    # A new branch: no FROM, so everything the remote has is excluded.
    monkeypatch.setenv("PRE_COMMIT_FROM_REF", ZERO)
    assert push_revisions(remote.path, "origin") == [work, "--not", "--remotes=origin"]
    # Deleting a branch sends no commits.
    monkeypatch.setenv("PRE_COMMIT_TO_REF", ZERO)
    assert push_endpoints(remote.path, "origin") is None
    assert push_revisions(remote.path, "origin") == []


@pytest.mark.parametrize(
    "variables, message",
    [
        ({"PRE_COMMIT_TO_REF": "3" * 40}, f"cannot resolve the pushed commit `{'3' * 40}`"),
        (
            {"PRE_COMMIT_FROM_REF": "4" * 40, "PRE_COMMIT_TO_REF": "HEAD"},
            "the push's base commit 444444444444 is not in this clone",
        ),
    ],
    ids=["tip", "base"],
)
def test_endpoints_missing_from_the_clone_fail_closed(
    remote: Repo, monkeypatch: pytest.MonkeyPatch, variables: dict[str, str], message: str
) -> None:
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(UserError) as error:
        push_endpoints(remote.path, "origin")
    assert error.value.one_line().startswith(message)


def test_an_empty_repository_pushes_nothing(repo: Repo) -> None:
    assert push_endpoints(repo.path, None) is None
    assert push_revisions(repo.path, None) is None


def test_a_symmetric_range_starts_at_the_merge_base(repo: Repo) -> None:
    base = repo.commit("base")
    repo.git("checkout", "-q", "-b", "topic")
    topic = repo.commit("topic")
    repo.git("checkout", "-q", "main")
    repo.commit("main moves on")
    assert range_revisions(repo.path, "main...topic") == [topic, f"^{base}"]
    assert range_revisions(repo.path, "main..topic") == [topic, f"^{repo.head()}"]
