"""`ztgate threat-model diff BASE..HEAD`: what a change does to the threat model's meaning
(boundaries, flows and their protection, data classes, threats, controls, acceptances),
weakenings first. It reports; it does not gate."""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from ztgate import gitio, runner, trusted
from ztgate.errors import UserError
from ztgate.masking import mask_secrets
from ztgate.threat_model import vocabulary
from ztgate.threat_model.export import read_meaning, settings_of
from ztgate.threat_model.meaning import (
    AcceptedRisk,
    Boundary,
    Component,
    Control,
    DataClass,
    EntryPoint,
    Flow,
    Meaning,
    Protection,
    Threat,
)
from ztgate.threat_model.rules import Settings
from ztgate.trusted import Trusted

SCHEMA_ID = "https://github.com/ztgate/ztgate/schemas/threat-model-diff/v1"
EXPIRING_DAYS = 30
ADDED, REMOVED, CHANGED, EXPIRING = "added", "removed", "changed", "expiring"
# How much a cell protects: a change to a lower rank weakens the flow.
_AUTH_RANK = {
    vocabulary.CREDENTIAL: 2,
    vocabulary.UNKNOWN: 1,
    vocabulary.NETWORK: 1,
    vocabulary.NONE: 0,
}
_ENCRYPTION_RANK = {vocabulary.ENCRYPTED: 2, vocabulary.UNKNOWN: 1, vocabulary.NONE: 0}
_MUTUAL = ("mtls", "mutual tls", "mutual authentication")
# How settled a threat is: a change to a lower rank weakens the model.
_THREAT_RANK = {"mitigated": 3, "transferred": 2, "not-applicable": 2, "accepted": 1, "open": 0}
# How many changes of one kind the markdown lists before it says "and N more".
MARKDOWN_LIMIT = 40


@dataclass(frozen=True)
class Change:
    """One line of the diff: an item (section and id) added, removed, changed or expiring."""

    section: str  # boundary, component, data class, flow, entry point, threat, control...
    id: str
    change: str  # ADDED, REMOVED, CHANGED or EXPIRING
    text: str  # what changed, quoting the document (masked when rendered)
    weakens: bool = False


@dataclass(frozen=True)
class DocumentDiff:
    path: str
    at_base: bool
    at_head: bool
    changes: tuple[Change, ...]
    # Why the document at BASE could not be read (it is then compared as new); HEAD's own
    # problems are errors, since HEAD is what the change brings.
    base_unreadable: str = ""

    @property
    def weakenings(self) -> tuple[Change, ...]:
        return tuple(c for c in self.changes if c.weakens)

    @property
    def expiring(self) -> tuple[Change, ...]:
        return tuple(c for c in self.changes if c.change == EXPIRING and not c.weakens)

    @property
    def others(self) -> tuple[Change, ...]:
        return tuple(c for c in self.changes if not c.weakens and c.change != EXPIRING)


@dataclass(frozen=True)
class ModelDiff:
    base: str  # the commit compared from (BASE, or the merge base for BASE...HEAD)
    head: str
    as_of: date  # HEAD's commit date: acceptances expiring within EXPIRING_DAYS of it
    documents: tuple[DocumentDiff, ...] = field(default_factory=tuple)
    range: str = ""  # as the user or the CI named it


Item = TypeVar("Item")


def _key(text: str) -> str:
    return text.strip().lower()


def _listed(values: Sequence[str]) -> str:
    return ", ".join(values) or "none"


def _quoted(text: str) -> str:
    """A cell's text as a code span (a backtick in it would end the span early)."""
    return f"`{text.replace('`', chr(39))}`" if text.strip() else "(empty)"


def _pairs(
    base: Sequence[Item], head: Sequence[Item], key: Callable[[Item], str]
) -> Iterator[tuple[Item | None, Item | None]]:
    """(base item, head item) by key, in HEAD's order then the removed ones in BASE's. A key
    written twice (a duplicate id, ZT205) pairs by occurrence: a second row is never hidden."""
    before, after = _by_key(base, key), _by_key(head, key)
    for name, item in after.items():
        yield before.get(name), item
    for name, item in before.items():
        if name not in after:
            yield item, None


def _by_key(items: Sequence[Item], key: Callable[[Item], str]) -> dict[str, Item]:
    keyed: dict[str, Item] = {}
    seen: dict[str, int] = {}
    for item in items:
        name = key(item)
        seen[name] = seen.get(name, 0) + 1
        keyed[name if seen[name] == 1 else f"{name}\0{seen[name]}"] = item
    return keyed


def _set_change(what: str, before: Sequence[str], after: Sequence[str]) -> str | None:
    had, has = {_key(b) for b in before}, {_key(a) for a in after}
    gained = [v for v in after if _key(v) not in had]
    lost = [v for v in before if _key(v) not in has]
    if not gained and not lost:
        return None
    parts = ", ".join([f"+{v}" for v in gained] + [f"-{v}" for v in lost])
    if len(before) + len(after) > 4:
        return f"{what} {parts}"
    return f"{what} {_listed(before)} -> {_listed(after)} ({parts})"


def boundaries(base: Sequence[Boundary], head: Sequence[Boundary]) -> Iterator[Change]:
    for old, new in _pairs(base, head, lambda b: _key(b.id)):
        if old is None and new is not None:
            yield Change(
                "boundary", new.id, ADDED, f"{_quoted(new.name)}, inside: {_listed(new.inside)}"
            )
        elif new is None and old is not None:
            yield Change(
                "boundary",
                old.id,
                REMOVED,
                f"{_quoted(old.name)}: flows no longer cross it, so no rule protects them there",
                weakens=True,
            )
        elif old is not None and new is not None:
            if old.name != new.name:
                yield Change(
                    "boundary", new.id, CHANGED, f"name {_quoted(old.name)} -> {_quoted(new.name)}"
                )
            for what, before, after in (
                ("inside", old.inside, new.inside),
                ("outside", old.outside, new.outside),
            ):
                text = _set_change(what, before, after)
                if text:
                    yield Change("boundary", new.id, CHANGED, text)


def components(base: Sequence[Component], head: Sequence[Component]) -> Iterator[Change]:
    for old, new in _pairs(base, head, lambda c: _key(c.name)):
        if old is None and new is not None:
            inside = f", inside {_listed(new.boundaries)}" if new.boundaries else ""
            yield Change("component", new.name, ADDED, f"{new.kind or 'no kind'}{inside}")
        elif new is None and old is not None:
            yield Change("component", old.name, REMOVED, old.kind or "no kind")
        elif old is not None and new is not None:
            if old.kind != new.kind:
                yield Change(
                    "component",
                    new.name,
                    CHANGED,
                    f"kind {old.kind or 'none'} -> {new.kind or 'none'}",
                )
            text = _set_change("inside", old.boundaries, new.boundaries)
            if text:
                yield Change("component", new.name, CHANGED, text)


def data_classes(
    base: Sequence[DataClass], head: Sequence[DataClass], order: Sequence[str]
) -> Iterator[Change]:
    rank = {level: index for index, level in enumerate(order)}
    for old, new in _pairs(base, head, lambda d: _key(d.name)):
        if old is None and new is not None:
            yield Change("data class", new.name, ADDED, new.level)
        elif new is None and old is not None:
            yield Change("data class", old.name, REMOVED, old.level)
        elif old is not None and new is not None and old.level != new.level:
            lower = rank.get(new.level, -1) < rank.get(old.level, -1)
            yield Change(
                "data class",
                new.name,
                CHANGED,
                f"{old.level} -> {new.level}"
                + (": classified lower, fewer rules protect it" if lower else ""),
                weakens=lower,
            )


def _protection(
    what: str, old: Protection, new: Protection, rank: dict[str, int]
) -> tuple[str, bool] | None:
    """(what changed, whether it weakens) for an Authentication or Encryption cell."""
    if old.text == new.text:
        return None
    weaker = rank.get(new.meaning, 0) < rank.get(old.meaning, 0)
    mutual_lost = any(w in old.words for w in _MUTUAL) and not any(w in new.words for w in _MUTUAL)
    why = f" ({old.meaning} -> {new.meaning})" if old.meaning != new.meaning else ""
    if mutual_lost and not weaker:
        why += " (mutual TLS dropped)"
    return f"{what} {_quoted(old.text)} -> {_quoted(new.text)}{why}", weaker or mutual_lost


def _flow_summary(flow: Flow) -> str:
    return (
        f"{flow.source} -> {flow.target}, {_listed(flow.data)}, crosses {_listed(flow.crossings)}, "
        f"authentication {_quoted(flow.authentication.text)}, "
        f"encryption {_quoted(flow.encryption.text)}"
    )


def flows(base: Sequence[Flow], head: Sequence[Flow], sensitive: Sequence[str]) -> Iterator[Change]:
    for old, new in _pairs(base, head, lambda f: _key(f.id)):
        if old is None and new is not None:
            yield Change("flow", new.id, ADDED, _flow_summary(new))
        elif new is None and old is not None:
            yield Change("flow", old.id, REMOVED, f"{old.source} -> {old.target}")
        elif old is not None and new is not None:
            yield from _flow_changed(old, new, sensitive)


def _flow_changed(old: Flow, new: Flow, sensitive: Sequence[str]) -> Iterator[Change]:
    def change(text: str, weakens: bool = False) -> Change:
        return Change("flow", new.id, CHANGED, text, weakens)

    if (_key(old.source), _key(old.target)) != (_key(new.source), _key(new.target)):
        yield change(f"ends {old.source} -> {old.target} now {new.source} -> {new.target}")
    for what, before, after in (
        ("data", old.data, new.data),
        ("crosses", old.crossings, new.crossings),
    ):
        text = _set_change(what, before, after)
        if text:
            yield change(text)
    gained = [c for c in new.classes if c not in old.classes and c in sensitive]
    if gained:
        yield change(f"now carries {_listed(gained)} data", weakens=True)
    if old.protocol != new.protocol:
        yield change(f"protocol {_quoted(old.protocol)} -> {_quoted(new.protocol)}")
    for cell, was, now, rank in (
        ("authentication", old.authentication, new.authentication, _AUTH_RANK),
        ("encryption", old.encryption, new.encryption, _ENCRYPTION_RANK),
    ):
        found = _protection(cell, was, now, rank)
        if found:
            yield change(*found)


def entry_points(base: Sequence[EntryPoint], head: Sequence[EntryPoint]) -> Iterator[Change]:
    for old, new in _pairs(base, head, lambda e: _key(e.id)):
        if old is None and new is not None:
            yield Change(
                "entry point", new.id, ADDED, f"{_quoted(new.name)}, exposed to {new.exposed_to}"
            )
        elif new is None and old is not None:
            yield Change("entry point", old.id, REMOVED, _quoted(old.name))
        elif old is not None and new is not None:
            if old.name != new.name:
                yield Change(
                    "entry point", new.id, CHANGED, f"{_quoted(old.name)} -> {_quoted(new.name)}"
                )
            if old.exposed_to != new.exposed_to:
                yield Change(
                    "entry point",
                    new.id,
                    CHANGED,
                    f"exposed to {_quoted(old.exposed_to)} -> {_quoted(new.exposed_to)}",
                )
            text = _set_change("data", old.data, new.data)
            if text:
                yield Change("entry point", new.id, CHANGED, text)


def _status(threat: Threat) -> str:
    if threat.effective_status != threat.status:
        return f"{threat.status} (effectively {threat.effective_status}: no implemented control)"
    return threat.status


def _status_change(old: Threat, new: Threat) -> str:
    if old.status != new.status:
        return f"{_status(old)} -> {_status(new)}"
    if new.effective_status != new.status:
        return (
            f"still marked {new.status}, but no linked control is implemented now: "
            f"effectively {new.effective_status}"
        )
    return f"marked {new.status}, and now a linked control is implemented"


def threats(base: Sequence[Threat], head: Sequence[Threat]) -> Iterator[Change]:
    for old, new in _pairs(base, head, lambda t: _key(t.id)):
        if old is None and new is not None:
            yield Change("threat", new.id, ADDED, f"{_quoted(new.title)}, {_status(new)}")
        elif new is None and old is not None:
            yield Change(
                "threat",
                old.id,
                REMOVED,
                f"{_quoted(old.title)} ({_status(old)}) is no longer in the model",
                weakens=True,
            )
        elif old is not None and new is not None:
            if old.effective_status != new.effective_status or old.status != new.status:
                weaker = _THREAT_RANK.get(new.effective_status, 0) < _THREAT_RANK.get(
                    old.effective_status, 0
                )
                yield Change("threat", new.id, CHANGED, _status_change(old, new), weakens=weaker)
            for what, before, after in (
                ("targets", old.targets, new.targets),
                ("STRIDE", old.stride, new.stride),
                ("controls", old.controls, new.controls),
            ):
                text = _set_change(what, before, after)
                if text:
                    yield Change("threat", new.id, CHANGED, text)


def controls(base: Sequence[Control], head: Sequence[Control]) -> Iterator[Change]:
    for old, new in _pairs(base, head, lambda c: _key(c.id)):
        if old is None and new is not None:
            yield Change("control", new.id, ADDED, f"{_quoted(new.name)}, {new.status}")
        elif new is None and old is not None:
            yield Change(
                "control",
                old.id,
                REMOVED,
                f"{_quoted(old.name)} ({old.status})",
                weakens=old.status == "implemented",
            )
        elif old is not None and new is not None:
            if old.status != new.status:
                weaker = old.status == "implemented"
                yield Change("control", new.id, CHANGED, f"{old.status} -> {new.status}", weaker)
            for what, before, after in (
                ("answers", old.threats, new.threats),
                ("evidence", old.references + old.paths, new.references + new.paths),
                ("families", old.families, new.families),
            ):
                text = _set_change(what, before, after)
                if text:
                    yield Change("control", new.id, CHANGED, text)


def _expires(risk: AcceptedRisk) -> str:
    return risk.expires.isoformat() if risk.expires else "no valid date"


def accepted_risks(
    base: Sequence[AcceptedRisk], head: Sequence[AcceptedRisk], as_of: date
) -> Iterator[Change]:
    def name(risk: AcceptedRisk) -> str:
        return ", ".join(risk.threats)

    for old, new in _pairs(base, head, lambda r: _key(name(r))):
        if old is None and new is not None:
            yield Change(
                "accepted risk",
                name(new),
                ADDED,
                f"owner {_quoted(new.owner)}, expires {_expires(new)}: accepted, not mitigated",
                weakens=True,
            )
        elif new is None and old is not None:
            yield Change("accepted risk", name(old), REMOVED, f"owner {_quoted(old.owner)}")
        elif old is not None and new is not None:
            if old.owner != new.owner:
                yield Change(
                    "accepted risk",
                    name(new),
                    CHANGED,
                    f"owner {_quoted(old.owner)} -> {_quoted(new.owner)}",
                )
            if old.expires != new.expires:
                yield Change(
                    "accepted risk",
                    name(new),
                    CHANGED,
                    f"expires {_expires(old)} -> {_expires(new)}",
                )
    for risk in head:
        if risk.expires is None:
            continue
        days = (risk.expires - as_of).days
        if days < 0:
            yield Change(
                "accepted risk", name(risk), EXPIRING, f"expired on {_expires(risk)}", weakens=True
            )
        elif days <= EXPIRING_DAYS:
            yield Change(
                "accepted risk", name(risk), EXPIRING, f"expires {_expires(risk)} (in {days} days)"
            )


def compare(
    base: Meaning | None, head: Meaning | None, as_of: date, settings: Settings
) -> tuple[Change, ...]:
    """What changes from one document's meaning at BASE to its meaning at HEAD; a document
    missing on one side compares as an empty one."""
    old = base or Meaning(path=head.path if head else "")
    new = head or Meaning(path=old.path)
    found: list[Change] = []
    if base is not None and head is None:
        found.append(
            Change("document", old.path, REMOVED, "the threat model is gone at HEAD", weakens=True)
        )
    if base is not None and head is not None:
        found.extend(
            Change("document", new.path, CHANGED, f"{what} {_quoted(was)} -> {_quoted(now)}")
            for what, was, now in (
                ("system", old.system, new.system),
                ("owner", old.owner, new.owner),
            )
            if was != now
        )
    found.extend(boundaries(old.boundaries, new.boundaries))
    found.extend(components(old.components, new.components))
    found.extend(data_classes(old.data_classes, new.data_classes, settings.data_classes))
    found.extend(flows(old.flows, new.flows, settings.sensitive_classes))
    found.extend(entry_points(old.entry_points, new.entry_points))
    found.extend(threats(old.threats, new.threats))
    found.extend(controls(old.controls, new.controls))
    found.extend(accepted_risks(old.accepted_risks, new.accepted_risks, as_of))
    return tuple(found)


# --- reading the two commits


def commit_date(root: Path, sha: str) -> date:
    output = gitio.run_git(root, ["log", "-1", "--format=%cI", "--end-of-options", sha])
    return date.fromisoformat(output.stdout.decode().strip()[:10])


def _endpoints(root: Path, spec: str) -> tuple[str, str, str]:
    """(BASE as named, the commit compared from, HEAD): `BASE..HEAD` compares the two commits,
    `BASE...HEAD` HEAD with the merge base (what the pull request itself changed)."""
    symmetric = "..." in spec
    base_name, _, head_name = spec.partition("..." if symmetric else "..")
    if not base_name or not head_name:
        raise UserError(f"diff needs BASE..HEAD, got `{spec[:80]}`", fix="e.g. `origin/main..HEAD`")
    base = trusted.commit_or_error(root, base_name, "range's base")
    head = gitio.resolve_commit(root, head_name)
    if head is None:
        raise UserError(
            f"the range's head `{head_name[:40]}` is not a commit in this clone",
            fix="fetch it (`git fetch origin`; in CI `fetch-depth: 0`)",
        )
    since = base
    if symmetric:
        merge_base = gitio.run_git(
            root, ["merge-base", "--end-of-options", base, head], check=False
        )
        since = merge_base.stdout.decode().strip()
        if merge_base.returncode != 0 or not since:
            raise UserError(f"`{base_name[:40]}` and `{head_name[:40]}` share no history")
    return base, since, head


def _meaning_at(source: Trusted, path: str, settings: Settings) -> Meaning | None:
    text = source.read_text(path)
    if text is None:
        return None
    return read_meaning(text, source.where(path), path, settings)


def diff_range(root: Path, spec: str, files: Sequence[str], policy: str | None = None) -> ModelDiff:
    """The diff of every threat-model document between the range's two commits. The documents
    are FILES, else the files the policy trusted at BASE names (at either commit)."""
    base, since, head = _endpoints(root, spec)
    trusted_side = Trusted.at(root, base)
    settings = settings_of(trusted_side, policy)
    old_side, new_side = Trusted.at(root, since), Trusted.at(root, head)
    paths = list(files)
    if not paths:
        patterns = trusted_side.policy(policy).threat_model.files
        paths = old_side.files_matching_with(new_side, patterns)
    as_of = commit_date(root, head)
    documents = []
    for path in paths:
        unreadable = ""
        try:
            old = _meaning_at(old_side, path, settings)
        except UserError as error:  # a change that repairs a broken model still gets its diff
            old, unreadable = None, error.message
        new = _meaning_at(new_side, path, settings)
        if unreadable and new is None:
            raise UserError(
                f"unreadable at {since[:12]} ({unreadable}) and gone at HEAD", where=path
            )
        if old is None and new is None:
            raise UserError(
                f"not a file at {since[:12]} nor at {head[:12]}",
                where=path,
                fix="name a threat-model document of the repository",
            )
        documents.append(
            DocumentDiff(
                path,
                old is not None,
                new is not None,
                compare(old, new, as_of, settings),
                unreadable,
            )
        )
    return ModelDiff(since, head, as_of, tuple(documents), spec)


# --- reporting


_MARKUP = re.compile(r"([\\*_\[\]<|~@&])")


def _escaped(text: str) -> str:
    """Document text outside code spans, shown as text: no links, HTML, mentions or emphasis
    from a cell reach the rendered summary (code spans, from _quoted, are already inert)."""
    parts = text.replace("\n", " ").split("`")
    return "`".join(
        part if odd % 2 else _MARKUP.sub(r"\\\1", part) for odd, part in enumerate(parts)
    )


def _line(change: Change) -> str:
    label = "document" if change.section == "document" else f"{change.section} {change.id}"
    verb = "" if change.change in (CHANGED, EXPIRING) else f"{change.change}: "
    return f"- {_escaped(mask_secrets(label.strip()))}: {verb}{_escaped(mask_secrets(change.text))}"


def _lines(changes: Sequence[Change]) -> list[str]:
    shown = [_line(change) for change in changes[:MARKDOWN_LIMIT]]
    if len(changes) > MARKDOWN_LIMIT:
        shown.append(f"- ... and {len(changes) - MARKDOWN_LIMIT} more (`--format json` lists all)")
    return shown


def markdown(result: ModelDiff) -> str:
    """For a pull request: headed, short, weakenings first."""
    named = result.range or f"{result.base[:12]}..{result.head[:12]}"
    lines = [f"### Threat model changes {_quoted(mask_secrets(named))}", ""]
    if not result.documents:
        lines.append("No threat-model document at either commit.")
    for document in result.documents:
        title = f"#### `{mask_secrets(document.path)}`"
        if document.base_unreadable:
            why = _escaped(mask_secrets(document.base_unreadable))
            title += f" (unreadable at BASE: {why}; all shown as added)"
        elif not document.at_base:
            title += " (new at HEAD)"
        elif not document.at_head:
            title += " (**removed at HEAD**)"
        lines += [title, ""]
        if not document.changes:
            lines += ["No change to what the model says.", ""]
            continue
        weakenings, expiring, others = document.weakenings, document.expiring, document.others
        lines += [
            f"{len(weakenings)} weakening(s), {len(expiring)} acceptance(s) expiring within "
            f"{EXPIRING_DAYS} days of {result.as_of} (HEAD's commit date), "
            f"{len(others)} other change(s).",
            "",
        ]
        for heading, changes in (
            ("Weakens", weakenings),
            ("Expiring", expiring),
            ("Other changes", others),
        ):
            if changes:
                lines += [f"**{heading}**", "", *_lines(changes), ""]
    return "\n".join(lines).rstrip("\n") + "\n"


def as_json(result: ModelDiff) -> dict[str, Any]:
    return {
        "schema": SCHEMA_ID,
        "version": 1,
        "base": result.base,
        "head": result.head,
        "range": mask_secrets(result.range),
        "as_of": result.as_of.isoformat(),
        "expiring_within_days": EXPIRING_DAYS,
        "documents": [
            {
                "path": mask_secrets(document.path),
                "at_base": document.at_base,
                "at_head": document.at_head,
                "base_unreadable": mask_secrets(document.base_unreadable) or None,
                "changes": [
                    {
                        "section": change.section,
                        "id": mask_secrets(change.id),
                        "change": change.change,
                        "text": mask_secrets(change.text),
                        "weakens": change.weakens,
                    }
                    for change in document.changes
                ],
            }
            for document in result.documents
        ],
    }


def default_range(root: Path) -> str:
    """In CI, the change under review (the pull or merge request's range)."""
    from ztgate.revisions import ci_range

    spec = ci_range(dict(os.environ), root) if trusted.in_ci() else None
    if not spec:
        raise UserError(
            "diff needs BASE..HEAD (none given, and no CI change range in the environment)",
            fix="e.g. `ztgate threat-model diff origin/main..HEAD`",
        )
    return spec


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="ztgate threat-model diff",
        description="Show what a range of commits changes in the threat model's meaning: "
        "boundaries, components, data classes, flows and their protection, entry points, "
        "threats, controls and accepted risks, weakenings first. Reports only: exit 0, "
        "2 on a usage error or a document that cannot be read.",
    )
    parser.add_argument(
        "range",
        nargs="?",
        metavar="BASE..HEAD",
        help="BASE..HEAD compares the two commits; BASE...HEAD compares HEAD with the merge "
        "base. Default in CI: the pull or merge request's range",
    )
    parser.add_argument(
        "files", nargs="*", help="documents (default: the files BASE's policy names)"
    )
    parser.add_argument("--format", choices=("markdown", "json"), default="markdown")
    parser.add_argument("--output", metavar="FILE", help="write the report to FILE")
    parser.add_argument("--policy", metavar="FILE", help="policy file at BASE")
    parser.add_argument("--debug", action="store_true")
    args = parser.parse_args(argv)

    def run() -> int:
        root = gitio.find_root()
        files = list(args.files)
        spec = args.range
        if spec and ".." not in spec:  # no range, only files: the first is a file
            files.insert(0, spec)
            spec = None
        result = diff_range(root, spec or default_range(root), files, args.policy)
        rendered = (
            json.dumps(as_json(result), indent=2, ensure_ascii=False) + "\n"
            if args.format == "json"
            else markdown(result)
        )
        if args.output:
            from ztgate.report import write_report

            write_report(args.output, rendered)
        else:
            sys.stdout.write(rendered)
        return runner.EXIT_CLEAN

    return runner.guarded(run, args.debug)


if __name__ == "__main__":
    sys.exit(main())
