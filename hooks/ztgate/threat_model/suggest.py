"""`ztgate threat-model suggest FILE`: a threat row to paste for each element and STRIDE category
no threat considers (ZT238), in the document's own ids, spelling and columns."""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from ztgate import gitio, runner
from ztgate.errors import UserError
from ztgate.masking import mask_secrets
from ztgate.threat_model import components, stride, vocabulary
from ztgate.threat_model.documents import read_document, settings_from
from ztgate.threat_model.model import (
    BOUNDARIES,
    CLASSIFICATION,
    COMPONENTS,
    ENTRY_POINTS,
    FLOWS,
    MITIGATIONS,
    THREATS,
    Row,
    ThreatModel,
)
from ztgate.threat_model.parse import is_placeholder, parse
from ztgate.threat_model.rules import normalize_stride
from ztgate.threat_model.stride import (
    DENIAL,
    DISCLOSURE,
    ELEVATION,
    REPUDIATION,
    SPOOFING,
    TAMPERING,
    Element,
)
from ztgate.trusted import Trusted

DEFAULT_COLUMNS = ("id", "threat", "stride", "target", "mitigations", "status")
SENSITIVE = ("confidential", "restricted")  # the policy's default sensitive classes
_DIGITS = "0123456789"


@dataclass(frozen=True)
class Suggestion:
    id: str
    category: str  # the canonical STRIDE category
    stride: str  # as the document writes it
    target: str  # as the document names the element
    element: str  # the element's name (flow id or component name)
    kind: str
    threat: str
    cells: tuple[tuple[str, str], ...]  # (column, text), in the threats table's order

    @property
    def row(self) -> str:
        return "| " + " | ".join(_cell(text) for _, text in self.cells) + " |"


def _cell(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def _split_number(identifier: str) -> tuple[str, str]:
    """`T-07` -> (`T-`, `07`); no regex: a long run of digits must not cost a square."""
    prefix = identifier.rstrip(_DIGITS)
    return prefix, identifier[len(prefix) :]


class IdStyle:
    """The next free ids in the style the threats are numbered: `T7`, `T-07`, `TH_12`."""

    def __init__(self, model: ThreatModel) -> None:
        self.used = {
            row.get("id").lower()
            for kind in (BOUNDARIES, FLOWS, ENTRY_POINTS, THREATS, MITIGATIONS)
            for row in model.rows(kind)
            if row.get("id")
        }
        split = [
            _split_number(row.get("id").strip())
            for row in model.rows(THREATS)
            if row.get("id") and not is_placeholder(row.get("id"))
        ]
        # An id's number, if it has one a threat table could really count to.
        numbered = [(prefix, number) for prefix, number in split if 0 < len(number) <= 9]
        prefixes = Counter(prefix for prefix, _ in numbered)
        if not prefixes:
            self.prefix, self.width, self.next = "T", 1, 1
            return
        top = max(prefixes.values())
        # the most used prefix; between equals, the one the table used last
        self.prefix = next(p for p, _ in reversed(numbered) if prefixes[p] == top)
        numbers = [number for prefix, number in numbered if prefix == self.prefix]
        padded = any(len(n) > 1 and n.startswith("0") for n in numbers)
        self.width = max(len(n) for n in numbers) if padded else 1
        self.next = max(int(n) for n in numbers) + 1

    def take(self) -> str:
        while True:
            candidate = f"{self.prefix}{self.next:0{self.width}d}"
            self.next += 1
            if candidate.lower() not in self.used:
                self.used.add(candidate.lower())
                return candidate


class StrideStyle:
    """Categories spelled as the document spells them: letters (`S`, `DoS`) or words, with
    the document's capitals."""

    def __init__(self, model: ThreatModel) -> None:
        written: list[tuple[str, str]] = []
        for row in model.rows(THREATS):
            if is_placeholder(row.get("stride")):
                continue
            for part in re.split(r"[,/;]", row.get("stride")):
                category = normalize_stride(part)
                if category:
                    written.append((part.strip(), category))
        self.letters = sum(len(w) <= 3 for w, _ in written) * 2 > len(written) > 0
        self.as_written: dict[str, str] = {}
        for word, category in written:
            if (len(word) <= 3) == self.letters:
                self.as_written.setdefault(category, word)
        words = [w for w, _ in written if len(w) > 3]
        self.case = "sentence"
        if words and all(w == w.lower() for w in words):
            self.case = "lower"
        elif any(" " in w and w == w.title() for w in words):
            self.case = "title"

    def spell(self, category: str) -> str:
        if category in self.as_written:
            return self.as_written[category]
        if self.letters:
            return stride.LETTERS[category]
        if self.case == "lower":
            return category
        if self.case == "title":
            return category.title()
        return category.capitalize()


@dataclass(frozen=True)
class _Facts:
    """What the document says about the element, for the threat's wording."""

    data: list[str]
    peers_in: list[str]  # who sends to it
    peers_out: list[str]  # whom it sends to


def _listed(names: list[str], empty: str, limit: int = 3) -> str:
    """`A`, `A and B`, `A, B and C`, `A, B, C and 2 more`."""
    unique = list(dict.fromkeys(n for n in names if n))
    if not unique:
        return empty
    if len(unique) > limit:
        return f"{', '.join(unique[:limit])} and {len(unique) - limit} more"
    return unique[0] if len(unique) == 1 else f"{', '.join(unique[:-1])} and {unique[-1]}"


class Phrasing:
    def __init__(
        self,
        model: ThreatModel,
        analysis: stride.Analysis,
        sensitive: tuple[str, ...] = SENSITIVE,
        class_map: tuple[tuple[str, str], ...] = (),
    ) -> None:
        self.analysis = analysis
        self.sensitive = sensitive
        mapped = dict(class_map)
        self.classes = {
            row.get("data").lower(): row.get("class").lower()
            for row in model.rows(CLASSIFICATION)
            if row.get("data") and not is_placeholder(row.get("class"))
        }
        # The class as the document writes it, sensitive by the policy's own name for it.
        self.is_sensitive = {
            data: mapped.get(written, written) in sensitive
            for data, written in self.classes.items()
        }
        self.flows: dict[str, Row] = {}
        for row in model.rows(FLOWS):
            if row.get("id"):
                self.flows.setdefault(stride.flow_key(row.get("id")), row)  # ZT205 if twice
        # Element key -> the flows it is an end of (which end), or the flow itself.
        self.touching: dict[str, list[tuple[str, Row]]] = {}
        for element in analysis.elements:
            if element.kind != stride.FLOW or element.key not in self.flows:
                continue
            row = self.flows[element.key]
            self.touching.setdefault(element.key, []).append(("", row))
            for end, key in (("from", element.source), ("to", element.destination)):
                if key:
                    self.touching.setdefault(key, []).append((end, row))
        self._facts: dict[str, _Facts] = {}

    def facts(self, element: Element) -> _Facts:
        if element.key in self._facts:
            return self._facts[element.key]
        rows = self.touching.get(element.key, [])
        data = [item for _, row in rows for item in components.names_in(row.get("data"))]
        peers_in = [row.get("from") for end, row in rows if end == "to"]
        peers_out = [row.get("to") for end, row in rows if end == "from"]
        found = _Facts(data, peers_in, peers_out)
        self._facts[element.key] = found
        return found

    def threat(self, element: Element, category: str) -> str:
        facts = self.facts(element)
        data = _listed(facts.data, "its data")
        # Sensitive items carry their class: "Card numbers (restricted) and Payment status".
        what = _listed(
            [
                f"{item} ({self.classes[item.lower()]})"
                if self.is_sensitive.get(item.lower())
                else item
                for item in facts.data
            ],
            "its data",
        )
        if element.kind == stride.FLOW:
            return self._flow(element, category, what)
        name = element.name
        senders = _listed(facts.peers_in, "its callers")
        receivers = _listed(facts.peers_out, "its peers")
        text = {
            ("actor", SPOOFING): (
                f"Someone poses as {name} to {receivers}, e.g. with a stolen or phished credential"
                if facts.peers_out or not facts.peers_in
                else f"Someone poses as {name} to receive {what} from {senders}"
            ),
            ("actor", REPUDIATION): (
                f"{name} denies having sent {data} to {receivers}, and no record proves otherwise"
                if facts.peers_out or not facts.peers_in
                else f"{name} denies having received {data} from {senders}, and no record "
                "proves otherwise"
            ),
            ("external", SPOOFING): (
                f"Someone poses as {name} to {receivers} (lookalike endpoint, stolen credential)"
                if facts.peers_out
                else f"A fake {name} receives {what} from {senders} (wrong endpoint, DNS or "
                "certificate misissued)"
            ),
            ("external", REPUDIATION): f"{name} denies having sent or received {data}, and "
            "our side keeps no record that settles it",
            ("process", SPOOFING): (
                f"A rogue service poses as {name} to {receivers}"
                if facts.peers_out
                else f"A rogue service answers {senders} in {name}'s place"
            ),
            ("process", TAMPERING): f"{name}'s code, configuration or dependencies are altered "
            f"so it mishandles {data}",
            ("process", REPUDIATION): f"{name} acts on {data} for a caller and no record ties "
            "the action to that caller",
            ("process", DISCLOSURE): f"{name} leaks {what} through errors, logs, debug output "
            "or memory",
            ("process", DENIAL): f"{name} is exhausted by floods or oversized input from {senders}",
            ("process", ELEVATION): f"Input from {senders} makes {name} run code or act with "
            "rights the caller does not have",
            ("store", TAMPERING): f"{name}'s records are changed outside the processes meant to "
            "write them (direct access, a restored backup)",
            ("store", REPUDIATION): f"Changes to {name} cannot be traced to who made them",
            ("store", DISCLOSURE): f"{what} read from {name} directly, from a backup or a "
            "snapshot, bypassing the processes that guard it",
            ("store", DENIAL): f"{name} is filled, locked or deleted so "
            f"{_listed(facts.peers_in + facts.peers_out, 'its users')} cannot use it",
        }
        return text.get((element.kind, category), f"{category.capitalize()} of {name}")

    def _flow(self, element: Element, category: str, what: str) -> str:
        row = self.flows[element.key]
        source, target = element.ends
        protocol = row.get("protocol") if not is_placeholder(row.get("protocol")) else ""
        encryption = vocabulary.encryption(row.get("encryption")).meaning
        authentication = vocabulary.authentication(row.get("authentication")).meaning
        plain = encryption == vocabulary.NONE
        between = f"between {source} and {target}"
        if category == DISCLOSURE:
            if plain:
                return (
                    f"{what[0].upper()}{what[1:]} read on the wire {between}: "
                    f"{protocol or 'the flow'} carries it unencrypted"
                )
            return (
                f"{what[0].upper()}{what[1:]} exposed {between} where the encryption ends "
                "(a proxy, a load balancer, either end's logs)"
            )
        if category == TAMPERING:
            weak = [
                word
                for word, missing in (
                    ("unencrypted", plain),
                    ("unauthenticated", authentication == vocabulary.NONE),
                    (
                        "trusted by network location",
                        authentication == vocabulary.NETWORK,
                    ),
                )
                if missing
            ]
            reason = f": the flow is {' and '.join(weak)}" if weak else ""
            return f"Someone on the path alters or replays {what} {between}{reason}"
        return (
            f"Flow {element.name} {between} is cut or flooded, so {target} stops receiving {what}"
        )


def suggestions(
    model: ThreatModel,
    sensitive: tuple[str, ...] = SENSITIVE,
    class_map: tuple[tuple[str, str], ...] = (),
) -> list[Suggestion]:
    """The rows; data of a ``sensitive`` class (after ``class_map``) is named with its class."""
    analysis = stride.analyse(model)
    ids, spelling = IdStyle(model), StrideStyle(model)
    phrasing = Phrasing(model, analysis, sensitive, class_map)
    tables = [t for s in model.sections if s.kind == THREATS for t in s.tables if t.columns]
    columns = tables[0].columns if tables else DEFAULT_COLUMNS
    by_id = _targets_by_id(model)
    found: list[Suggestion] = []
    for element in analysis.elements:
        for category in analysis.missing(element):
            identifier = ids.take()
            target = element.identifier if by_id and element.identifier else element.name
            target = mask_secrets(target)  # the document's text, quoted back
            values = {
                "id": identifier,
                "threat": mask_secrets(phrasing.threat(element, category)),
                "stride": spelling.spell(category),
                "target": target,
                "status": "open",
            }
            found.append(
                Suggestion(
                    id=identifier,
                    category=category,
                    stride=values["stride"],
                    target=target,
                    element=mask_secrets(element.name),
                    kind=element.kind,
                    threat=values["threat"],
                    cells=tuple((column, values.get(column, "")) for column in columns),
                )
            )
    return found


def _targets_by_id(model: ThreatModel) -> bool:
    """Whether the threats name components by their Components id (C1) rather than name."""
    component_ids = {row.get("id").lower() for row in model.rows(COMPONENTS) if row.get("id")}
    return any(
        part.strip().lower() in component_ids
        for row in model.rows(THREATS)
        for part in re.split(r"[,;]", row.get("target"))
    )


def render(found: list[Suggestion], output_format: str) -> str:
    if output_format == "json":
        records = []
        for suggestion in found:
            record = asdict(suggestion)
            record["cells"] = dict(suggestion.cells)
            record["row"] = suggestion.row
            records.append(record)
        return json.dumps({"suggestions": records}, indent=2) + "\n"
    return "".join(f"{suggestion.row}\n" for suggestion in found)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="ztgate threat-model suggest",
        description="Print a threat row to paste for each element and STRIDE category no "
        "threat considers (ZT238): then mitigate, accept or mark each not-applicable.",
    )
    parser.add_argument("file")
    parser.add_argument("--format", choices=("markdown", "json"), default="markdown")
    parser.add_argument("--debug", action="store_true")
    args = parser.parse_args(list(sys.argv[1:] if argv is None else argv))

    def run() -> int:
        text, unreadable = read_document(Path(args.file))
        if text is None:
            raise UserError(unreadable or "unreadable", where=args.file)
        # An authoring aid, not a gate: the work tree's policy names the sensitive classes.
        policy = Trusted.work_tree(gitio.find_root(Path(args.file).resolve().parent)).policy()
        settings = settings_from(policy.threat_model)
        found = suggestions(parse(text, args.file), settings.sensitive_classes, settings.class_map)
        sys.stdout.write(render(found, args.format))
        if not found and args.format == "markdown":
            print(
                f"{args.file}: no STRIDE gap: each element has a threat or a not-applicable "
                "row for every category it faces",
                file=sys.stderr,
            )
        return 0

    return runner.guarded(run, args.debug)


if __name__ == "__main__":
    sys.exit(main())
