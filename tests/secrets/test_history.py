"""Push and range modes: every outgoing commit's added lines, however the push looks."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ztgate.secrets import gate, history

from tests.conftest import Repo
from tests.fakes import aws_key_id


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = gate.main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def with_remote(repo: Repo, tmp_path: Path) -> None:
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True)
    repo.git("remote", "add", "origin", str(remote))


def test_key_added_then_deleted_still_blocks_the_push(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.write("README.md", "hello\n")
    repo.commit("root")
    repo.write("settings.py", f'AWS_ACCESS_KEY_ID = "{aws_key_id()}"\n')
    leaking = repo.commit("add key")
    repo.write("settings.py", "import os\n")
    repo.commit("remove key")
    assert run(capsys, "settings.py")[0] == 0  # the working tree is clean

    code, out = run(capsys, "--push")  # no remote, no PRE_COMMIT_*: everything is outgoing
    assert code == 1
    assert f"{leaking[:12]}:settings.py:1:22: ZT103" in out


def test_pre_commit_variables_bound_the_scan(
    repo: Repo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    with_remote(repo, tmp_path)
    repo.write("old.py", f'AWS_ACCESS_KEY_ID = "{aws_key_id()}"\n')
    pushed = repo.commit("already pushed long ago")
    repo.git("push", "-q", "origin", "main")
    repo.write("new.py", "x = 1\n")
    head = repo.commit("new work")
    monkeypatch.setenv("PRE_COMMIT_FROM_REF", pushed)
    monkeypatch.setenv("PRE_COMMIT_TO_REF", head)
    monkeypatch.setenv("PRE_COMMIT_REMOTE_NAME", "origin")
    code, out = run(capsys, "--push")
    assert code == 0, out
    assert "1 commit(s)" in out


def test_root_commit_push_without_from_ref_uses_the_remote(
    repo: Repo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    with_remote(repo, tmp_path)
    repo.write("settings.py", f'AWS_ACCESS_KEY_ID = "{aws_key_id()}"\n')
    repo.commit("root with a key")
    # pre-commit sets neither FROM nor TO when the push holds a root commit.
    monkeypatch.setenv("PRE_COMMIT_REMOTE_NAME", "origin")
    code, out = run(capsys, "--push")
    assert code == 1 and "ZT103" in out
    repo.git("push", "-q", "origin", "main")
    repo.git("fetch", "-q", "origin")
    assert run(capsys, "--push")[0] == 0  # nothing left that the remote lacks


def test_range_mode_and_secret_files_in_history(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    base = repo.commit("base")
    repo.write(".env", "DEBUG=1\n")
    repo.write("keystore.p12", b"\x30\x82\x00\x00binary")
    repo.write("odd name\twith tab.py", f'AWS_ACCESS_KEY_ID = "{aws_key_id()}"\n')
    repo.commit("more")
    code, out = run(capsys, "--range", f"{base}..HEAD")
    assert code == 1
    assert ".env:1:1: ZT102" in out
    assert "keystore.p12:1:1: ZT102" in out
    assert "odd name\twith tab.py:1:22: ZT103" in out


def test_merge_resolution_that_adds_a_key_is_caught(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    """A merge is read as a remerge diff: what the resolution itself adds is reported on the
    merge commit, and what a parent brought is reported once, on the commit that added it."""
    repo.write("conf.py", "value = 1\n")
    base = repo.commit("base")
    repo.git("checkout", "-q", "-b", "side")
    repo.write("conf.py", "value = 2\n")
    repo.write("side.py", f'AWS_ACCESS_KEY_ID = "{aws_key_id()}"\n')
    side = repo.commit("side")
    repo.git("checkout", "-q", "main")
    repo.write("conf.py", "value = 3\n")
    repo.commit("main")
    repo.git("merge", "-q", "side", check=False)
    repo.write("conf.py", f'value = 4\nAWS_ACCESS_KEY_ID = "{aws_key_id()}"\n')
    repo.git("add", "conf.py")
    repo.git("commit", "-q", "--no-edit")
    merge = repo.head()
    code, out = run(capsys, "--range", f"{base}..HEAD")
    assert code == 1, out
    assert f"{merge[:12]}:conf.py:2:22: ZT103" in out
    assert f"{side[:12]}:side.py:1:22: ZT103" in out
    assert out.count("side.py:1:22: ZT103") == 1  # not again on the merge that brings it
    assert "2 error(s)" in out


def test_missing_base_in_shallow_clone_fails_closed(
    repo: Repo, capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for number in range(4):
        repo.write("f.txt", f"{number}\n")
        repo.commit(f"c{number}")
    first = repo.git("rev-list", "--max-parents=0", "HEAD").strip()
    clone = tmp_path / "shallow"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "2", f"file://{repo.path}", str(clone)], check=True
    )
    monkeypatch.chdir(clone)
    code, out = run(capsys, "--range", f"{first}..HEAD")
    assert code == 2 and "not a commit in this clone" in out and "fetch" in out
    assert run(capsys, "--push")[0] == 0  # nothing outgoing: the remote has it all
    # Without the remote-tracking ref every local commit is outgoing, and the walk reaches the
    # shallow boundary: older commits would be missed, so the gate refuses to pass.
    subprocess.run(["git", "update-ref", "-d", "refs/remotes/origin/main"], cwd=clone, check=True)
    code, out = run(capsys, "--push")
    assert code == 2 and "shallow" in out and "fetch-depth: 0" in out


def test_empty_repository_has_nothing_to_push(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = run(capsys, "--push")
    assert code == 0 and "0 commit(s)" in out


def test_bad_range_is_a_usage_error(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.commit("one")
    code, out = run(capsys, "--range", "HEAD")
    assert code == 2 and "BASE..HEAD" in out
    code, out = run(capsys, "--range=--output=x..HEAD")
    assert code == 2 and "not a commit" in out


def test_a_developers_log_config_cannot_hide_a_root_commit(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.git("config", "--global", "log.showRoot", "false")
    repo.write("settings.py", f'AWS_ACCESS_KEY_ID = "{aws_key_id()}"\n')
    repo.commit("a root commit with a key")
    code, out = run(capsys, "--push")
    assert code == 1 and "settings.py:1:22: ZT103" in out, out


def test_an_octopus_merge_cannot_hide_what_it_adds(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    """git has no remerge diff for a merge of three or more parents (it says "Skipping" and
    shows nothing): such a merge is read against its first parent."""
    repo.write("README.md", "hello\n")
    base = repo.commit("base")
    for name in ("b1", "b2"):
        repo.git("checkout", "-q", "-b", name, base)
        repo.write(f"{name}.txt", name)
        repo.commit(name)
    repo.git("checkout", "-q", "-b", "feat", base)
    repo.git("merge", "-q", "--no-ff", "--no-commit", "b1", "b2")
    repo.write("evil.py", f'aws_access_key_id = "{aws_key_id()}"\n')
    repo.git("add", "evil.py")
    repo.git("commit", "-q", "--no-verify", "-m", "merge b1 b2")
    repo.git("rm", "-q", "evil.py")
    repo.commit("cleanup")
    code, out = run(capsys, "--range", f"{base}..feat")
    assert code == 1 and "evil.py:1:" in out and "ZT103" in out, out


def test_a_private_key_body_pasted_between_an_existing_header_and_footer(
    repo: Repo, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """With -U0 only the body lines are added; the detector needs the BEGIN line: the file is
    read whole. The key is then reverted, and the history scan still sees it."""
    key = tmp_path / "deploy"
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "rsa", "-b", "2048", "-m", "PEM", "-N", "", "-f", str(key)],
        check=True,
    )
    pem = key.read_text().splitlines()
    header, body, footer = pem[0], pem[1:-1], pem[-1]
    repo.write("deploy-key.txt", f"{header}\n# paste the key here\n{footer}\n")
    base = repo.commit("a place for the deploy key")
    repo.write("deploy-key.txt", "\n".join([header, *body, footer]) + "\n")
    repo.commit("the key")
    repo.git("revert", "--no-edit", "HEAD")
    code, out = run(capsys, "--range", f"{base}..HEAD")
    assert code == 1 and "deploy-key.txt" in out and "ZT103" in out, out


def test_a_whole_private_key_added_in_a_commit(
    repo: Repo, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    key = tmp_path / "deploy"
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(key)],
        check=True,
    )
    repo.write("README.md", "hello\n")
    base = repo.commit("root")
    repo.write("notes.txt", "deploy key:\n" + key.read_text())
    repo.commit("the key")
    code, out = run(capsys, "--range", f"{base}..HEAD")
    assert code == 1, out
    assert re.search(r":notes\.txt:2:\d+: ZT103 Private Key", out), out


def test_a_key_at_the_end_of_a_line_longer_than_a_read_is_found(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    """With a small `max_file_size`, a minified line of 200 KB is more than one read of
    `git log -p` output (64 KiB): the file is read from its blob instead, in pieces, and the
    key past the first read is found at its place."""
    repo.write(".ztgate.yaml", "secrets:\n  max_file_size: 1000\n")
    base = repo.commit("root")
    filler = "var a=1;" * 25_000
    repo.write("bundle.min.js", f'{filler}var k="{aws_key_id()}";\n')
    repo.commit("bundle")
    code, out = run(capsys, "--range", f"{base}..HEAD")
    assert code == 1, out
    assert f"bundle.min.js:1:{len(filler) + 8}: ZT103" in out, out


def test_one_blob_reader_reads_each_blob_whole_and_in_order(repo: Repo) -> None:
    """Binary and oversized additions are read from their blobs through one `git cat-file
    --batch`: a reader that stops early leaves the next answer intact, and what git cannot
    give (a missing object, a name instead of an id) is unreadable, never skipped."""
    from ztgate.secrets import files
    from ztgate.secrets.history import BlobReader

    big = bytes(range(256)) * 1024  # 256 KiB: several blocks
    repo.write("big.bin", big)
    repo.write("small.txt", "hello\n")
    repo.commit("blobs")
    big_id = repo.git("rev-parse", "HEAD:big.bin").strip()
    small_id = repo.git("rev-parse", "HEAD:small.txt").strip()
    with BlobReader(repo.path) as reader:
        assert b"".join(reader.blocks(big_id)) == big
        first = reader.blocks(big_id)
        assert next(first) == big[:65536]
        first.close()  # stopped after one block: the rest is skipped
        assert b"".join(reader.blocks(small_id)) == b"hello\n"
        with pytest.raises(files.Unreadable, match="missing"):
            list(reader.blocks("0" * 40))
        with pytest.raises(files.Unreadable, match="not an object id"):
            list(reader.blocks("HEAD:small.txt"))
        assert b"".join(reader.blocks(small_id)) == b"hello\n"


def test_a_long_range_read_on_every_core_reports_what_one_process_does(
    repo: Repo, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A CI range of many commits is cut into runs, each read by its own `git log` in a
    worker: the same hits, counts and unreadable files as one process reading them all."""
    from ztgate.policy import SecretsPolicy
    from ztgate.progress import Progress
    from ztgate.secrets import scan

    base = repo.commit("base")
    for n in range(12):
        repo.write(f"f{n}.py", f"x = {n}\n")
        if n % 4 == 1:
            repo.write(f"key{n}.py", f'aws_key = "{aws_key_id()}"\n')
        if n == 6:
            repo.write("blob.bin", b"\x00\x01" + aws_key_id().encode())
        repo.commit(f"change {n}")
    commits = repo.git("rev-list", f"{base}..HEAD").split()
    policy = SecretsPolicy()
    alone = scan.scan_history(repo.path, commits, policy)
    monkeypatch.setattr(scan, "PARALLEL_MIN_COMMITS", 2)
    monkeypatch.setattr(scan, "_fork_workers", lambda: 2)
    progress = Progress("secrets", len(commits), "commits", environ={})
    together = scan.scan_history(repo.path, commits, policy, progress)

    def key(hit: scan.Hit) -> tuple[str, str, int, str]:
        return (hit.commit or "", hit.path, hit.line, hit.hashed_secret)

    assert sorted(map(key, together.hits)) == sorted(map(key, alone.hits))
    assert len(alone.hits) >= 4  # three keys and the binary's
    assert together.commits == alone.commits == set(commits)
    assert together.scanned == alone.scanned
    assert progress.done == len(commits)


_BODY_PIECES = st.sampled_from(
    [b"A" * 60, b"B" * 64, b"c" * 76, b"d" * 77, b"e" * 59, b"+/09", b"=", b"==", b"===", b"\r",
     b"\n", b" ", b"-----BEGIN RSA PRIVATE KEY-----", b"x = 1", b"\xc3\xa9"]
)  # fmt: skip


@settings(max_examples=800, deadline=None)
@given(content=st.lists(_BODY_PIECES, max_size=10).map(b"".join))
def test_a_pem_body_line_is_found_where_a_line_anchored_search_finds_it(content: bytes) -> None:
    """Searched from each newline, the same first line as `^...$` tried at every offset."""
    plain = re.compile(rb"^[A-Za-z0-9+/]{60,76}={0,2}\r?$", re.MULTILINE).search(content)
    assert history.pem_body_start(content) == (plain.start() if plain else -1)
