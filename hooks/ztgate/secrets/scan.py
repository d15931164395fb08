"""Scan working-tree files or outgoing commits, and turn what the engine finds into hits."""

from __future__ import annotations

import fnmatch
import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from ztgate.policy import SecretsPolicy
from ztgate.secrets import ds_bridge, files
from ztgate.secrets.baseline import hash_secret
from ztgate.secrets.catalog import ALL_DETECTORS
from ztgate.secrets.engine import Candidate, Dropped, ScanOptions, scan_text_allowing

if TYPE_CHECKING:
    from ztgate.progress import Progress
    from ztgate.secrets.history import AddedFile, BlobReader

PATTERN, SECRET_FILE = "pattern", "secret-file"


@dataclass(frozen=True)
class Hit:
    """A secret at a place. ``masked`` is all that is ever shown of the secret itself."""

    path: str
    line: int
    column: int
    secret_type: str
    detector_id: str
    hashed_secret: str
    masked: str
    kind: str = PATTERN
    commit: str | None = None
    severity: str = "error"
    # (hashed secret, type) of the same secret as other detectors found it, merged into this
    # hit: the baseline accepts the hit under any of them, and `--update-baseline` writes them.
    merged: tuple[tuple[str, str], ...] = ()
    # Allowed by an inline comment (`pragma: allowlist secret`, `gitleaks:allow`) that the
    # commit judged brings itself: shown as a warning, never silently dropped.
    allowed_inline: bool = False
    # Why the hit is shown at a lower severity than its detector's (a test fixture path).
    lowered: str = ""

    @property
    def identity(self) -> tuple[str, str, str]:
        """The baseline's identity: path, hashed secret, type."""
        return (self.path, self.hashed_secret, self.secret_type)

    @property
    def identities(self) -> tuple[tuple[str, str, str], ...]:
        """Its own identity, then those of the matches merged into it."""
        return (self.identity, *((self.path, h, t) for h, t in self.merged))


@dataclass(frozen=True)
class DroppedHit:
    """A candidate a named filter dropped, at its place (`ztgate secrets --explain`)."""

    path: str
    line: int
    column: int
    detector_id: str
    masked: str
    filter: str
    reason: str
    commit: str | None = None


@dataclass(frozen=True)
class Unscanned:
    """Content that exists but could not be read: the gate blocks on it."""

    path: str
    reason: str
    commit: str | None = None


@dataclass
class ScanResult:
    hits: list[Hit] = field(default_factory=list)
    scanned: int = 0
    skipped: dict[str, list[str]] = field(default_factory=dict)  # reason -> paths
    commits: set[str] = field(default_factory=set)
    unreadable: list[Unscanned] = field(default_factory=list)
    # Secrets on lines an inline comment allows (`pragma: allowlist secret`, `gitleaks:allow`):
    # not reported, but counted, so that nothing is silent.
    allowed_inline: int = 0
    # With `explain`: what the filters dropped, each with the filter's name.
    dropped: list[DroppedHit] = field(default_factory=list)

    def skip(self, path: str, reason: str) -> None:
        self.skipped.setdefault(reason, []).append(path)


def mask(secret: str) -> str:
    """At most the first 4 characters (fewer for short secrets), then the length."""
    shown = secret[: min(4, len(secret) // 4)].replace("\n", "")
    return f"{shown}…({len(secret)} chars)"


def options_from(policy: SecretsPolicy, explain: bool = False) -> ScanOptions:
    return ScanOptions(
        detectors=ALL_DETECTORS,
        disabled=frozenset(policy.disable),
        base64_limit=float(policy.base64_limit),
        hex_limit=float(policy.hex_limit),
        explain=explain,
    )


def _dropped_hit(
    path: str, dropped: Dropped, commit: str | None, line: int, column: int
) -> DroppedHit:
    candidate = dropped.candidate
    return DroppedHit(
        path,
        line,
        column,
        candidate.detector_id,
        mask(candidate.secret),
        dropped.drop.filter,
        dropped.drop.reason,
        commit,
    )


def excluded(path: str, patterns: Sequence[str]) -> bool:
    return any(
        fnmatch.fnmatch(path, p) or fnmatch.fnmatch(os.path.basename(path), p) for p in patterns
    )


def _hit(
    path: str,
    candidate: Candidate,
    commit: str | None,
    line: int | None = None,
    column: int | None = None,
) -> Hit:
    return Hit(
        path=path,
        line=line if line is not None else candidate.line,
        column=column if column is not None else candidate.column,
        secret_type=candidate.secret_type,
        detector_id=candidate.detector_id,
        hashed_secret=hash_secret(candidate.secret),
        masked=mask(candidate.secret),
        commit=commit,
        merged=tuple(
            dict.fromkeys(
                (hash_secret(m.secret), m.secret_type)
                for m in candidate.merged
                if (m.secret, m.secret_type) != (candidate.secret, candidate.secret_type)
            )
        ),
    )


def _secret_file_hit(path: str, kind: str, commit: str | None) -> Hit:
    # A secret file's identity is its path: hash the path so baselines can hold it too.
    return Hit(
        path,
        1,
        1,
        f"Secret File ({kind})",
        "secret-file",
        hash_secret(path),
        kind,
        SECRET_FILE,
        commit,
    )


# Below this many bytes a second process costs more than it saves.
PARALLEL_MIN_BYTES = 1 << 20


def scan_files(
    paths: Sequence[str],
    policy: SecretsPolicy,
    root: Path,
    progress: Progress | None = None,
    explain: bool = False,
) -> ScanResult:
    """Scan working-tree files (paths relative to ``root``), on every core for big sets.
    With ``explain``, also keep what the filters drop."""
    workers = _worker_count(paths, root)
    if workers < 2:
        return _scan_files_here(paths, policy, root, progress, explain)
    _warm_up(policy, explain)
    # Interleaved shares balance big and small files; with a count on screen each is cut in
    # consecutive pieces so that it moves as they finish (merged in order, the same result).
    shares = [list(paths[i::workers]) for i in range(workers)]
    size = max(len(share) for share in shares)
    if progress is not None and progress.enabled:
        size = max(1, size // 16)
    pieces = [share[i : i + size] for share in shares for i in range(0, len(share), size)]
    work = partial(_scan_files_here, policy=policy, root=root, progress=None, explain=explain)
    return _in_workers(work, pieces, workers, progress)


def _in_workers(
    work: Callable[[Sequence[str]], ScanResult],
    pieces: list[list[str]],
    workers: int,
    progress: Progress | None,
) -> ScanResult:
    """``work`` on each piece in forked workers (which share what ``_warm_up`` loaded); the
    count moves as pieces finish, and the parts are merged in the pieces' order, so the report
    does not depend on which finished first."""
    from concurrent.futures import ProcessPoolExecutor, wait

    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        pending = {pool.submit(work, piece): len(piece) for piece in pieces}
        futures = list(pending)
        while pending:
            done, _ = wait(pending, return_when="FIRST_COMPLETED")
            for future in done:
                count = pending.pop(future)
                if progress is not None:
                    progress.advance(count)
        return merged(future.result() for future in futures)


def merged(parts: Iterable[ScanResult]) -> ScanResult:
    """One result of several workers' parts, in their order."""
    whole = ScanResult()
    for part in parts:
        whole.hits.extend(part.hits)
        whole.scanned += part.scanned
        for reason, skipped in part.skipped.items():
            whole.skipped.setdefault(reason, []).extend(skipped)
        whole.commits |= part.commits
        whole.unreadable.extend(part.unreadable)
        whole.allowed_inline += part.allowed_inline
        whole.dropped.extend(part.dropped)
    return whole


def _warm_up(policy: SecretsPolicy, explain: bool) -> None:
    """Before forking workers: a big scan almost always needs detect-secrets and the
    prefilter; load them once here, and fork shares them."""
    import gc

    ds_bridge.warm_up(float(policy.base64_limit), float(policy.hex_limit))
    options_from(policy, explain).warm_up()
    gc.freeze()  # what is loaded now stays shared: the workers' collections never walk it


def _fork_workers() -> int:
    """How many forked workers (they share what the parent loaded) a big scan gets: one per
    core up to four, on Linux with two cores or more; else 1, no worker."""
    import sys

    cores = os.cpu_count() or 1
    if cores < 2 or not sys.platform.startswith("linux"):
        return 1
    return min(cores, 4) if "fork" in multiprocessing.get_all_start_methods() else 1


def _worker_count(paths: Sequence[str], root: Path) -> int:
    workers = _fork_workers() if len(paths) >= 16 else 1
    if workers < 2:
        return 1
    total = 0
    for path in paths:
        try:
            total += os.lstat(root / path).st_size
        except OSError:
            continue
        if total >= PARALLEL_MIN_BYTES:
            return workers
    return 1


def _scan_files_here(
    paths: Iterable[str],
    policy: SecretsPolicy,
    root: Path,
    progress: Progress | None = None,
    explain: bool = False,
) -> ScanResult:
    result = ScanResult()
    options = options_from(policy, explain)
    top = str(root)
    for path in paths:
        if progress is not None:
            progress.advance()
        if excluded(path, policy.exclude):
            result.skip(path, "excluded by policy")
            continue
        opened = files.open_for_scan(os.path.join(top, path))
        if opened.skipped:
            if opened.skipped != "deleted":
                result.skip(path, opened.skipped)
            if opened.target is not None:  # a symlink's content is its target's path
                found, allowed = _scan_content(
                    path, [os.fsencode(opened.target)], policy, options, dropped=result.dropped
                )
                result.hits.extend(found)
                result.allowed_inline += allowed
            continue
        head: list[bytes] = []
        if opened.unreadable:
            result.unreadable.append(Unscanned(path, opened.unreadable))
        elif opened.blocks is not None:
            try:
                found, allowed = _scan_content(
                    path, _keep_head(opened.blocks, head), policy, options, dropped=result.dropped
                )
            except files.Unreadable as error:
                result.unreadable.append(Unscanned(path, str(error)))
            else:
                result.scanned += 1
                result.hits.extend(found)
                result.allowed_inline += allowed
        if policy.secret_files:
            kind = files.secret_file_kind(path, head[0] if head else None)
            if kind:
                result.hits.append(_secret_file_hit(path, kind, None))
    return result


_HEAD_BYTES = 4096


def _keep_head(blocks: Iterable[bytes], head: list[bytes]) -> Iterator[bytes]:
    """Pass the blocks on, keeping the first bytes in ``head`` (for the secret-file check)."""
    for block in blocks:
        if not head:
            head.append(block[:_HEAD_BYTES])
        yield block


def _scan_content(
    path: str,
    blocks: Iterable[bytes],
    policy: SecretsPolicy,
    options: ScanOptions,
    commit: str | None = None,
    dropped: list[DroppedHit] | None = None,
) -> tuple[list[Hit], int]:
    """Every hit in raw content, read in overlapping pieces of at most ``max_file_size``
    characters, a secret in an overlap reported once; and how many secrets inline comments
    allow."""
    # One secret on one line once: the same bytes seen as text and as strings differ only in
    # column (characters against bytes).
    hits: dict[tuple[int, str, str], Hit] = {}
    allowed: set[tuple[int, str, str]] = set()
    for piece in files.pieces(blocks, policy.max_file_size):
        scanned = scan_text_allowing(piece.text, path, options)
        if dropped is not None:
            for gone in scanned.dropped:
                where = gone.candidate
                if not piece.at_a_cut(where.line, where.column, len(where.secret)):
                    dropped.append(
                        _dropped_hit(path, gone, commit, *piece.place(where.line, where.column))
                    )
        reported = [(c, False) for c in scanned.candidates]
        for candidate, is_allowed in reported + [(c, True) for c in scanned.allowed]:
            if piece.at_a_cut(candidate.line, candidate.column, len(candidate.secret)):
                continue
            line, column = piece.place(candidate.line, candidate.column)
            hit = _hit(path, candidate, commit, line, column)
            key = (line, hit.detector_id, hit.hashed_secret)
            if is_allowed:
                allowed.add(key)
            else:
                hits.setdefault(key, hit)
    return list(hits.values()), len(allowed - hits.keys())


def scan_history(
    root: Path,
    commits: Sequence[str],
    policy: SecretsPolicy,
    progress: Progress | None = None,
    explain: bool = False,
) -> ScanResult:
    """Scan the lines each of ``commits`` adds; a key added then deleted still counts.

    What cannot be read line by line (binary or wide-encoded content, an addition larger than
    ``max_file_size``) is read whole from the commit's blob, in pieces. A long history is cut
    into runs of consecutive commits, each read by its own `git log` on every core."""
    workers = _fork_workers() if len(commits) >= PARALLEL_MIN_COMMITS else 1
    if workers < 2:
        return _scan_history_here(root, commits, policy, progress, explain)
    _warm_up(policy, explain)
    size = -(-len(commits) // (workers * RUNS_PER_WORKER))
    runs = [list(commits[i : i + size]) for i in range(0, len(commits), size)]
    work = partial(_scan_history_here, root, policy=policy, progress=None, explain=explain)
    return _in_workers(work, runs, workers, progress)


# Below this many commits one process reads them (a push); above, every core (a CI range), in
# a few runs per worker so that a slow run (big files, binaries) does not hold the others up.
PARALLEL_MIN_COMMITS = 200
RUNS_PER_WORKER = 12


def _scan_history_here(
    root: Path,
    commits: Sequence[str],
    policy: SecretsPolicy,
    progress: Progress | None = None,
    explain: bool = False,
) -> ScanResult:
    from ztgate.secrets import history

    result = ScanResult()
    options = options_from(policy, explain)
    with history.BlobReader(root) as blobs:
        for added in history.added_lines(root, commits, policy.max_file_size):
            if progress is not None and added.commit not in result.commits:
                progress.advance()
            result.commits.add(added.commit)
            if excluded(added.path, policy.exclude):
                continue
            head = _scan_added(added, blobs, policy, options, result)
            if policy.secret_files:
                kind = files.secret_file_kind(added.path, head)
                if kind:
                    result.hits.append(_secret_file_hit(added.path, kind, added.commit))
    return result


def _scan_added(
    added: AddedFile,
    blobs: BlobReader,
    policy: SecretsPolicy,
    options: ScanOptions,
    result: ScanResult,
) -> bytes | None:
    """Scan what one commit adds to one file into ``result``; return its first bytes."""
    if added.unreadable:
        result.unreadable.append(Unscanned(added.path, added.unreadable, added.commit))
        return None
    if added.blob is not None:
        head: list[bytes] = []
        try:
            blocks = _keep_head(blobs.blocks(added.blob), head)
            found, allowed = _scan_content(
                added.path, blocks, policy, options, added.commit, result.dropped
            )
        except files.Unreadable as error:
            result.unreadable.append(Unscanned(added.path, str(error), added.commit))
        else:
            result.scanned += 1
            result.hits.extend(found)
            result.allowed_inline += allowed
        return head[0] if head else None
    if not added.lines:
        return None
    numbers = sorted(added.lines)
    text = "\n".join(map(added.lines.__getitem__, numbers))
    result.scanned += 1
    _scan_added_lines(added, text, numbers, options, result)
    return text.encode("utf-8", "replace")[:_HEAD_BYTES]


def _scan_added_lines(
    added: AddedFile, text: str, numbers: list[int], options: ScanOptions, result: ScanResult
) -> None:
    scanned = scan_text_allowing(text, added.path, options)
    result.allowed_inline += len(scanned.allowed)
    for gone in scanned.dropped:
        number = numbers[gone.candidate.line - 1]
        result.dropped.append(
            _dropped_hit(added.path, gone, added.commit, number, gone.candidate.column)
        )
    for candidate in scanned.candidates:
        result.hits.append(_hit(added.path, candidate, added.commit, numbers[candidate.line - 1]))
    # The change wrote these comments itself: a reviewer sees what they allow.
    for candidate in scanned.allowed:
        hit = _hit(added.path, candidate, added.commit, numbers[candidate.line - 1])
        result.hits.append(replace(hit, allowed_inline=True))
