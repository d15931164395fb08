"""Fixtures for the signature tests: a throwaway GnuPG home."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator

import pytest


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
