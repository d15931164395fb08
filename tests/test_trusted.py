"""The trusted side: which commit a push or range is judged by, and reading files from it."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from ztgate import trusted
from ztgate.errors import UserError
from ztgate.trusted import Trusted

from tests.conftest import Repo


@pytest.fixture
def pushed(repo: Repo, tmp_path: Path) -> str:
    """``repo`` with main pushed to a bare `origin`; returns the pushed commit."""
    bare = tmp_path / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", str(bare)], check=True)
    repo.git("remote", "add", "origin", str(bare))
    repo.write(".ztgate.yaml", "secrets:\n  max_file_size: 1000\n")
    sha = repo.commit("policy")
    repo.git("push", "-q", "origin", "main")
    return sha


def test_an_update_is_judged_by_the_remotes_own_commit(repo: Repo, pushed: str) -> None:
    repo.commit("local")
    tip = repo.commit("more")
    assert trusted.for_push(repo.path, tip, pushed, "origin") == Trusted.at(repo.path, pushed)
    with pytest.raises(UserError) as error:
        trusted.for_push(repo.path, tip, "5" * 40, "origin")
    assert error.value.one_line().startswith(
        "the remote's commit 555555555555 is not in this clone"
    )


def test_a_new_branch_is_judged_by_the_newest_commit_the_remote_has(
    repo: Repo, pushed: str
) -> None:
    """Not by the branch point (a local commit the remote never saw), and not by the tip."""
    repo.write(".ztgate.yaml", 'secrets:\n  exclude: ["*"]\n')
    repo.commit("local loosening, never pushed")
    repo.git("checkout", "-q", "-b", "feature")
    tip = repo.commit("feature")
    side = trusted.for_push(repo.path, tip, None, "origin")
    assert side == Trusted.at(repo.path, pushed)
    assert side.policy().secrets.exclude == ()
    assert side.policy().secrets.max_file_size == 1000
    # A tip the remote already has is its own trusted side.
    assert trusted.for_push(repo.path, pushed, "0" * 40, "origin") == Trusted.at(repo.path, pushed)


def test_a_first_push_is_judged_by_built_in_defaults(repo: Repo, tmp_path: Path) -> None:
    repo.write(".ztgate.yaml", 'secrets:\n  exclude: ["*"]\n')
    tip = repo.commit("root")
    side = trusted.for_push(repo.path, tip, None, None)
    assert side.kind == trusted.NOTHING and side.label == "built-in defaults"
    assert side.policy().secrets.exclude == ()
    assert side.read_text(".ztgate.yaml") is None and side.files_matching(["*"]) == []


def test_reading_files_at_a_commit(repo: Repo) -> None:
    repo.write("docs/a.md", "a\n")
    repo.write("docs/deep/b.md", "b\n")
    repo.write("latin1.txt", "caf\xe9\n".encode("latin-1"))
    sha = repo.commit("files")
    repo.write("docs/c.md", "not committed\n")
    side = Trusted.at(repo.path, sha)
    assert side.label == f"commit {sha[:12]}" and side.where("x") == f"{sha[:12]}:x"
    assert side.read_text("docs/a.md") == "a\n"
    assert side.read_bytes("docs") is None  # a tree of that name
    assert side.read_bytes("missing.md") is None
    # `*` stays within one directory, `**` crosses them, in the order of the patterns.
    assert side.files_matching(["docs/*.md"]) == ["docs/a.md"]
    assert side.files_matching(["docs/**/*.md"]) == ["docs/a.md", "docs/deep/b.md"]
    assert side.files_matching(["docs/deep/*", "docs/*.md"]) == ["docs/deep/b.md", "docs/a.md"]
    with pytest.raises(UserError) as error:
        side.read_text("latin1.txt")
    assert error.value.one_line() == f"{sha[:12]}:latin1.txt: not UTF-8 (byte 3) (save it as UTF-8)"
    with pytest.raises(UserError) as error:
        side.policy("strict.yaml")
    assert error.value.one_line() == f"{sha[:12]}:strict.yaml: policy file not found"
    here = Trusted.work_tree(repo.path)
    assert here.label == "the work tree" and here.where("x") == "x"
    assert here.files_matching(["docs/*.md"]) == ["docs/a.md", "docs/c.md"]
    assert here.read_bytes("docs") is None and here.read_text("docs/c.md") == "not committed\n"


def test_a_range_names_its_base(repo: Repo) -> None:
    base = repo.commit("base")
    repo.commit("head")
    assert trusted.for_range(repo.path, f"{base}...HEAD") == Trusted.at(repo.path, base)
    with pytest.raises(UserError) as error:
        trusted.for_range(repo.path, "..HEAD")
    assert error.value.one_line() == "--range needs BASE..HEAD, got `..HEAD`"
    with pytest.raises(UserError) as error:
        trusted.for_range(repo.path, "nosuch..HEAD")
    assert error.value.one_line().startswith(
        "the range's base `nosuch` is not a commit in this clone, so what it trusts cannot be read"
    )


def test_in_ci_without_a_target_there_is_no_trusted_side(
    repo: Repo, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo.commit("one")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(UserError) as error:
        trusted.for_gate(repo.path, None)
    assert "in CI, but the environment names no target branch to trust" in str(error.value)
    assert trusted.for_gate(repo.path, "HEAD").kind == trusted.COMMIT
