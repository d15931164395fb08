"""The CI services ztgate reads, each one module that knows its own environment.

The gates ask this package (what changed, what is trusted, the pull request), never the
environment; adding a service (Bitbucket, Azure Pipelines, Gitea) is one module with a
`Provider` and its tests.
"""

from __future__ import annotations

from ztgate.providers.base import Environ, Provider, PullRequest, Target
from ztgate.providers.github import GITHUB
from ztgate.providers.gitlab import GITLAB

PROVIDERS: dict[str, Provider] = {p.name: p for p in (GITHUB, GITLAB)}

__all__ = ["PROVIDERS", "Environ", "Provider", "PullRequest", "Target", "provider_for", "in_ci"]


def provider_for(environ: Environ) -> Provider | None:
    """The service this job runs on, or None (a laptop, or a CI ztgate does not know)."""
    return next((p for p in PROVIDERS.values() if p.applies(environ)), None)


# Set in every job of these services, even where no provider function applies.
_CI_ONLY = ("GITHUB_ACTIONS",)


def in_ci(environ: Environ) -> bool:
    """Whether the work tree is a change under review (any CI, known or not)."""
    if provider_for(environ) is not None or any(environ.get(name) for name in _CI_ONLY):
        return True
    return environ.get("CI", "").strip().lower() in ("true", "1", "yes")
