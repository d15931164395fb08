"""Where a pull request's description comes from: the CI's own environment, a file, stdin."""

from __future__ import annotations

import sys
from collections.abc import Mapping

from ztgate.errors import UserError
from ztgate.providers import PullRequest, provider_for

__all__ = ["PullRequest", "from_environment"]


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
    provider = provider_for(environ)
    if provider is not None:
        return provider.pull_request(environ)
    raise UserError(
        "no pull request description found",
        fix="run in a pull_request CI job, or pass --body-file FILE (or - for stdin)",
    )
