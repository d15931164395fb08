"""For teams coming from gitleaks: its `.gitleaksignore` fingerprints, matched to our hits.

gitleaks fingerprints a finding `<commit>:<file>:<rule-id>:<line>` in git scans and
`<file>:<rule-id>:<line>` in directory scans; `.gitleaksignore` lists those to ignore, one a
line, `#` starting a comment line. Our rule ids are not gitleaks', so an entry matches by place:
any credential hit in that file on that line (its first line, as gitleaks counts), and, when
the entry names a commit, only that commit's. A three-part entry matches in every mode, as
gitleaks' global fingerprints do; a four-part one only commits (`--range`, `--push`).
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass

IGNORE_FILE = ".gitleaksignore"


@dataclass(frozen=True)
class Fingerprint:
    """One `.gitleaksignore` entry: where its finding is; the rule id is not compared."""

    path: str
    line: int
    commit: str | None = None  # a full sha, or None for every commit and the work tree


def parse_ignore(text: str) -> frozenset[Fingerprint]:
    """The entries of a `.gitleaksignore`; malformed lines are skipped, as gitleaks skips
    them (an entry that cannot be read can only ignore less)."""
    entries = set()
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split(":")
        if len(parts) not in (3, 4) or not parts[-1].isdigit():
            continue
        commit = parts[0].lower() if len(parts) == 4 else None
        path = _normalized(parts[-3])
        if path and (commit is None or commit):
            entries.add(Fingerprint(path, int(parts[-1]), commit))
    return frozenset(entries)


def _normalized(path: str) -> str:
    """`./src\\a.py` -> `src/a.py`: gitleaks writes slashes, git lists relative paths."""
    return posixpath.normpath(path.replace("\\", "/")) if path else path


def ignores(entries: frozenset[Fingerprint], path: str, line: int, commit: str | None) -> bool:
    """Whether an entry covers a credential found at ``path``:``line`` (in ``commit``)."""
    path = _normalized(path)
    if Fingerprint(path, line) in entries:
        return True
    return commit is not None and Fingerprint(path, line, commit.lower()) in entries
