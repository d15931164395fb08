"""Fixtures for the signature tests: a throwaway GnuPG home, an adopted SSH policy."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import Repo
from tests.signatures.test_gate import allow, ssh_commit, ssh_key


@pytest.fixture(autouse=True)
def no_private_keys_left(tmp_path: Path) -> Iterator[None]:
    """Private SSH keys the test made are deleted after it, pass or fail: pytest keeps the last
    runs' temporary directories, and a private key must not outlive its test."""
    yield
    home = Path(os.environ.get("HOME", tmp_path))  # the test's own, from tests/conftest.py
    for folder in {tmp_path, home} if home.is_relative_to(tmp_path.parent) else {tmp_path}:
        for path in folder.rglob("*"):
            if path.is_file() and not path.is_symlink() and path.suffix != ".pub":
                with path.open("rb") as stream:
                    if stream.read(36).startswith(b"-----BEGIN OPENSSH PRIVATE KEY-----"):
                        path.unlink()


@pytest.fixture
def gpg_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """The environment of an empty GnuPG home, removed with its agent after the test.

    It lives under pytest's base temporary directory (which honours TMPDIR) with a short name,
    as gpg-agent's socket paths are limited; private keys must not outlive the test.
    """
    home = tmp_path_factory.mktemp("gpg")
    os.chmod(home, 0o700)
    env = {**os.environ, "GNUPGHOME": str(home)}
    try:
        yield env
    finally:
        subprocess.run(
            ["gpgconf", "--kill", "all"], env=env, check=False, capture_output=True, timeout=60
        )
        shutil.rmtree(home, ignore_errors=True)


@pytest.fixture
def alice(tmp_path: Path) -> Path:
    return ssh_key(tmp_path, "alice")


@pytest.fixture
def adopted(repo: Repo, alice: Path) -> str:
    """A repo whose policy (allowing alice) was adopted at the returned trust-root commit."""
    allow(repo, "alice@example.test", alice)
    root = ssh_commit(repo, alice, "adopt ztgate")
    repo.write(".ztgate.yaml", f"signatures:\n  trust_root: {root}\n")
    ssh_commit(repo, alice, "trust root in policy")
    return root
