"""Fixtures for the signature tests: a throwaway GnuPG home."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture
def gpg_env() -> Iterator[dict[str, str]]:
    """The environment of an empty GnuPG home, short-pathed (gpg-agent sockets are limited)."""
    home = Path(
        subprocess.run(
            ["mktemp", "-d", "/tmp/ztg-gpg-XXXXXX"], capture_output=True, text=True, check=True
        ).stdout.strip()
    )
    os.chmod(home, 0o700)
    env = {**os.environ, "GNUPGHOME": str(home)}
    yield env
    subprocess.run(["gpgconf", "--kill", "gpg-agent"], env=env, check=False)
