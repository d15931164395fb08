"""Which ztgate: where this installation came from, as the requirement that installs it again.

One answer, used by `ztgate init` for the hooks it writes and for the CI job, so a laptop and
CI run the same ztgate. It comes from the installation's own record (PEP 610
`direct_url.json`): a git commit, a local checkout, an archive, or a release on an index.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from ztgate import __version__


@dataclass(frozen=True)
class Requirement:
    spec: str  # what `pip install` takes
    portable: bool  # False when it names a path only this machine has

    @property
    def shown(self) -> str:
        return self.spec if self.portable else f"{self.spec} (a path on this machine)"


def this_ztgate() -> Requirement:
    """The requirement that reinstalls the running ztgate."""
    from importlib import metadata

    try:
        record = metadata.distribution("ztgate").read_text("direct_url.json")
    except metadata.PackageNotFoundError:
        record = None
    if not record:
        return Requirement(f"ztgate=={__version__}", True)
    return from_direct_url(json.loads(record))


def from_direct_url(record: dict[str, object]) -> Requirement:
    url = str(record.get("url") or "")
    vcs = record.get("vcs_info")
    if isinstance(vcs, dict) and vcs.get("commit_id"):
        return Requirement(f"ztgate @ {vcs.get('vcs', 'git')}+{url}@{vcs['commit_id']}", True)
    local = url.startswith("file:")
    return Requirement(f"ztgate @ {url}", not local)
