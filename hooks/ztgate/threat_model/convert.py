"""`ztgate threat-model convert THREAGILE.yaml`: a Threagile model as ztgate's threat model.

read (threagile.py: YAML -> checked frozen data) -> convert (here: data -> markdown, pure)
-> write. The mappings below are the documented ones (README, "From Threagile").
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ztgate import runner
from ztgate.errors import UserError
from ztgate.masking import mask_secrets
from ztgate.threat_model.parse import is_placeholder
from ztgate.threat_model.threagile import (
    IdentifiedRisk,
    Link,
    TechnicalAsset,
    ThreagileModel,
    Tracking,
    load,
)

# Threagile's five confidentiality levels onto ztgate's default four, rounding up: no data
# becomes less protected (Threagile ranks restricted between internal and confidential).
CLASS_OF = {
    "public": "public",
    "internal": "internal",
    "restricted": "confidential",
    "confidential": "confidential",
    "strictly-confidential": "restricted",
}
# Risk tracking status -> threat status. In progress is open, with a planned control.
STATUS_OF = {
    "unchecked": "open",
    "in-discussion": "open",
    "in-progress": "open",
    "accepted": "accepted",
    "mitigated": "mitigated",
    "false-positive": "not-applicable",
}
STRIDE_NAMES = {
    "spoofing": "Spoofing",
    "tampering": "Tampering",
    "repudiation": "Repudiation",
    "information-disclosure": "Information disclosure",
    "denial-of-service": "Denial of service",
    "elevation-of-privilege": "Elevation of privilege",
}
# Threagile's built-in risk categories: id -> (title, STRIDE), as each rule's category states it.
BUILT_IN_CATEGORIES: dict[str, tuple[str, str]] = {
    "accidental-secret-leak": ("Accidental Secret Leak", "information-disclosure"),
    "code-backdooring": ("Code Backdooring", "tampering"),
    "container-baseimage-backdooring": ("Container Base Image Backdooring", "tampering"),
    "container-platform-escape": ("Container Platform Escape", "elevation-of-privilege"),
    "cross-site-request-forgery": ("Cross-Site Request Forgery (CSRF)", "spoofing"),
    "cross-site-scripting": ("Cross-Site Scripting (XSS)", "tampering"),
    "dos-risky-access-across-trust-boundary": (
        "DoS-risky Access Across Trust-Boundary",
        "denial-of-service",
    ),
    "incomplete-model": ("Incomplete Model", "information-disclosure"),
    "ldap-injection": ("LDAP-Injection", "tampering"),
    "missing-authentication": ("Missing Authentication", "elevation-of-privilege"),
    "missing-authentication-second-factor": (
        "Missing Two-Factor Authentication (2FA)",
        "elevation-of-privilege",
    ),
    "missing-build-infrastructure": ("Missing Build Infrastructure", "tampering"),
    "missing-cloud-hardening": ("Missing Cloud Hardening", "tampering"),
    "missing-file-validation": ("Missing File Validation", "spoofing"),
    "missing-hardening": ("Missing Hardening", "tampering"),
    "missing-identity-propagation": ("Missing Identity Propagation", "elevation-of-privilege"),
    "missing-identity-provider-isolation": (
        "Missing Identity Provider Isolation",
        "elevation-of-privilege",
    ),
    "missing-identity-store": ("Missing Identity Store", "spoofing"),
    "missing-network-segmentation": ("Missing Network Segmentation", "elevation-of-privilege"),
    "missing-vault": ("Missing Vault (Secret Storage)", "information-disclosure"),
    "missing-vault-isolation": ("Missing Vault Isolation", "elevation-of-privilege"),
    "missing-waf": ("Missing Web Application Firewall (WAF)", "tampering"),
    "mixed-targets-on-shared-runtime": (
        "Mixed Targets on Shared Runtime",
        "elevation-of-privilege",
    ),
    "path-traversal": ("Path-Traversal", "information-disclosure"),
    "push-instead-of-pull-deployment": ("Push instead of Pull Deployment", "tampering"),
    "search-query-injection": ("Search-Query Injection", "tampering"),
    "server-side-request-forgery": (
        "Server-Side Request Forgery (SSRF)",
        "information-disclosure",
    ),
    "service-registry-poisoning": ("Service Registry Poisoning", "spoofing"),
    "sql-nosql-injection": ("SQL/NoSQL-Injection", "tampering"),
    "unchecked-deployment": ("Unchecked Deployment", "tampering"),
    "unencrypted-asset": ("Unencrypted Technical Assets", "information-disclosure"),
    "unencrypted-communication": ("Unencrypted Communication", "information-disclosure"),
    "unguarded-access-from-internet": (
        "Unguarded Access From Internet",
        "elevation-of-privilege",
    ),
    "unguarded-direct-datastore-access": (
        "Unguarded Direct Datastore Access",
        "elevation-of-privilege",
    ),
    "unnecessary-communication-link": (
        "Unnecessary Communication Link",
        "elevation-of-privilege",
    ),
    "unnecessary-data-asset": ("Unnecessary Data Asset", "elevation-of-privilege"),
    "unnecessary-data-transfer": ("Unnecessary Data Transfer", "elevation-of-privilege"),
    "unnecessary-technical-asset": ("Unnecessary Technical Asset", "elevation-of-privilege"),
    "untrusted-deserialization": ("Untrusted Deserialization", "tampering"),
    "wrong-communication-link-content": (
        "Wrong Communication Link Content",
        "information-disclosure",
    ),
    "wrong-trust-boundary-content": ("Wrong Trust Boundary Content", "elevation-of-privilege"),
    "xml-external-entity": ("XML External Entity (XXE)", "information-disclosure"),
}
# Protocol -> (Protocol cell, Encryption cell), in words ztgate's vocabulary reads: a plain
# protocol says none, an encrypted one TLS/SSH/encrypted, and the Protocol cell never names a
# plain protocol for an encrypted link (that would contradict, ZT225).
PROTOCOL_OF: dict[str, tuple[str, str]] = {
    "unknown-protocol": ("unknown", "? (the Threagile model does not know the protocol)"),
    "http": ("HTTP", "none (plain HTTP)"),
    "https": ("HTTPS", "TLS"),
    "ws": ("WebSocket (ws)", "none (plain WebSocket)"),
    "wss": ("WebSocket over TLS (wss)", "TLS"),
    "reverse-proxy-web-protocol": ("HTTP through a reverse proxy", "none (plain HTTP)"),
    "reverse-proxy-web-protocol-encrypted": ("HTTPS through a reverse proxy", "TLS"),
    "mqtt": ("MQTT", "none"),
    "jdbc": ("JDBC", "none"),
    "jdbc-encrypted": ("JDBC, encrypted", "encrypted"),
    "odbc": ("ODBC", "none"),
    "odbc-encrypted": ("ODBC, encrypted", "encrypted"),
    "sql-access-protocol": ("SQL access protocol", "none"),
    "sql-access-protocol-encrypted": ("SQL access protocol, encrypted", "encrypted"),
    "nosql-access-protocol": ("NoSQL access protocol", "none"),
    "nosql-access-protocol-encrypted": ("NoSQL access protocol, encrypted", "encrypted"),
    "binary": ("binary", "none"),
    "binary-encrypted": ("binary, encrypted", "encrypted"),
    "text": ("text", "none"),
    "text-encrypted": ("text, encrypted", "encrypted"),
    "ssh": ("SSH", "SSH"),
    "ssh-tunnel": ("SSH tunnel", "SSH"),
    "smtp": ("SMTP", "none"),
    "smtp-encrypted": ("SMTP over TLS", "TLS"),
    "pop3": ("POP3", "none"),
    "pop3-encrypted": ("POP3 over TLS", "TLS"),
    "imap": ("IMAP", "none"),
    "imap-encrypted": ("IMAP over TLS", "TLS"),
    "ftp": ("FTP", "none"),
    "ftps": ("FTPS", "TLS"),
    "sftp": ("SFTP", "SSH"),
    "scp": ("SCP", "SSH"),
    "ldap": ("LDAP", "none"),
    "ldaps": ("LDAPS", "TLS"),
    "jms": ("JMS", "none"),
    "nfs": ("NFS", "none"),
    "smb": ("SMB", "none"),
    "smb-encrypted": ("SMB, encrypted", "encrypted"),
    "local-file-access": ("local file access", "none (process-local)"),
    "nrpe": ("NRPE", "none"),
    "xmpp": ("XMPP", "none"),
    "iiop": ("IIOP", "none"),
    "iiop-encrypted": ("IIOP, encrypted", "encrypted"),
    "jrmp": ("JRMP", "none"),
    "jrmp-encrypted": ("JRMP, encrypted", "encrypted"),
    "in-process-library-call": ("in-process library call", "none (process-local)"),
    "container-spawning": ("container spawning", "none (process-local)"),
}
# Authentication -> the Authentication cell. `externalized` names no mechanism: the gate asks.
AUTHENTICATION_OF = {
    "none": "none",
    "credentials": "credentials (user name and password)",
    "session-id": "session cookie (session id)",
    "token": "token",
    "client-certificate": "client certificate",
    "two-factor": "two-factor (MFA)",
    "externalized": "externalized (another component checks the caller: name the mechanism)",
}
AUTHORIZATION_OF = {
    "none": "none",
    "technical-user": "technical user",
    "enduser-identity-propagation": "end-user identity propagated",
}
ACCEPT_UNTIL_PLACEHOLDER = "<YYYY-MM-DD: Threagile records no expiry>"


# -- text into markdown ------------------------------------------------------------------------

_TAG = re.compile(r"</?[A-Za-z][^<>\n]{0,200}>")  # Threagile's titles carry <b>, <i>, <br>
_SPECIAL = re.compile(r"([\\`*_\[\]|&!<>#~])")
_OUR_ID = re.compile(r"(?:c|tb|f|ep|t|m)\d+", re.I)
_SPLITS = re.compile(r"[,;]")
_NOTHING = re.compile(r"(?:-+|none|n/?a|no|false|plain|plaintext|unauthenticated|\?+)", re.I)


def plain(text: str) -> str:
    """One line of plain text: HTML tags dropped, blanks collapsed, no `<` left to read as a
    template placeholder."""
    return " ".join(_TAG.sub(" ", text).split()).replace("<", "‹")


def cell(text: str) -> str:
    """Text for a table cell or a paragraph: markdown's special characters escaped (`|` too)."""
    return _SPECIAL.sub(r"\\\1", plain(text))


def _row(cells: Iterable[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _table(headers: Sequence[str], rows: Iterable[Sequence[str]]) -> list[str]:
    return [_row(headers), _row("---" for _ in headers), *(_row(row) for row in rows)]


# -- the conversion ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Conversion:
    text: str
    notes: tuple[str, ...] = ()


@dataclass
class _Threat:
    ident: str
    text: str
    stride: str
    targets: list[str]
    status: str
    tracking: Tracking | None
    risk_id: str
    control: str = ""  # mitigation id


@dataclass
class _Names:
    """Our ids and names for Threagile's elements, decided once."""

    component: dict[str, str] = field(default_factory=dict)  # asset id -> C id
    asset_name: dict[str, str] = field(default_factory=dict)
    data_name: dict[str, str] = field(default_factory=dict)
    boundary: dict[str, str] = field(default_factory=dict)  # boundary id -> TB id
    boundary_name: dict[str, str] = field(default_factory=dict)
    flow: dict[str, str] = field(default_factory=dict)  # link id -> F id
    entry: dict[str, str] = field(default_factory=dict)  # asset id -> EP id


def _name(title: str, identifier: str, taken: set[str], fallback: str) -> str:
    """A name cells can carry: the title, else Threagile's id, else ``fallback``; not one
    that a cell would split (`,` `;`), read as a placeholder, an id of ours or a none, nor one
    already taken (names are matched without case)."""
    for candidate in (plain(title), plain(identifier)):
        if (
            candidate
            and not _SPLITS.search(candidate)
            and not is_placeholder(candidate)
            and not _OUR_ID.fullmatch(candidate)
            and not _NOTHING.fullmatch(candidate)
            and candidate.lower() not in taken
        ):
            break
    else:
        candidate = fallback
    taken.add(candidate.lower())
    return candidate


def _order(ident: str) -> tuple[int, str, int]:
    """TB1 < TB2 < F1 < EP1 < C1: targets listed by kind, then number."""
    match = re.fullmatch(r"([A-Z]+)(\d+)", ident)
    rank = {"TB": 0, "F": 1, "EP": 2, "C": 3}
    if not match:
        return (9, ident, 0)
    return (rank.get(match.group(1), 8), match.group(1), int(match.group(2)))


class _Converter:
    def __init__(self, model: ThreagileModel, accept_until: str | None) -> None:
        self.model = model
        self.accept_until = accept_until
        self.notes: list[str] = []
        self.names = _Names()
        self.assets = {asset.id: asset for asset in model.technical_assets}
        self.links = {link.id: link for asset in model.technical_assets for link in asset.links}
        self.boundaries = {b.id: b for b in model.trust_boundaries}
        self.runtimes = {r.id: r for r in model.shared_runtimes}
        self.data = {d.id: d for d in model.data_assets}
        self.all_links = [link for asset in model.technical_assets for link in asset.links]
        self.incoming: dict[str, list[Link]] = {}
        for link in self.all_links:
            self.incoming.setdefault(link.target, []).append(link)
        # Only a boundary with assets on both sides can be crossed; the others are named in prose.
        self.tracked = {t.risk_id: t for t in model.tracking}
        self.patterns: dict[str, list[Tracking]] = {}
        for tracking in model.tracking:
            if "*" in tracking.parts:
                self.patterns.setdefault(tracking.category, []).append(tracking)
        self.members = {
            boundary: members
            for boundary, members in ((b, self._members_of(b)) for b in sorted(self.boundaries))
            if members and members != set(self.assets)
        }
        self.enclosing: dict[str, list[str]] = {}
        self._number()

    # membership and numbering

    def _members_of(self, boundary: str) -> set[str]:
        """Every asset inside a boundary, those of nested boundaries included."""
        found = set(self.boundaries[boundary].inside)
        for child in self.boundaries[boundary].nested:
            found |= self._members_of(child)  # nesting is acyclic and shallow (checked on read)
        return found

    def _number(self) -> None:
        taken: set[str] = set()
        for number, asset in enumerate(self.model.technical_assets, 1):
            self.names.component[asset.id] = f"C{number}"
            self.names.asset_name[asset.id] = _name(
                asset.title, asset.id, taken, f"technical asset {number}"
            )
        data_taken: set[str] = set()
        for number, data in enumerate(self.model.data_assets, 1):
            self.names.data_name[data.id] = _name(
                data.title, data.id, data_taken, f"data asset {number}"
            )
        boundary_taken: set[str] = set()
        for number, boundary in enumerate(self.model.trust_boundaries, 1):
            # A boundary's name also resolves a Components row's Boundary: never one of our ids.
            self.names.boundary_name[boundary.id] = _name(
                boundary.title, boundary.id, boundary_taken, f"trust boundary {number}"
            )
        kept = [b for b in self.model.trust_boundaries if b.id in self.members]
        for number, boundary in enumerate(kept, 1):
            self.names.boundary[boundary.id] = f"TB{number}"
        for number, link in enumerate(self.all_links, 1):
            self.names.flow[link.id] = f"F{number}"
        for number, asset in enumerate(self._entry_points(), 1):
            self.names.entry[asset.id] = f"EP{number}"
        enclosing: dict[str, list[str]] = {identifier: [] for identifier in self.assets}
        for holder, members in self.members.items():
            for member in members:
                enclosing[member].append(holder)
        self.enclosing = {
            member: sorted(holders, key=lambda b: _order(self.names.boundary[b]))
            for member, holders in enclosing.items()
        }
        # Per asset, the links that touch it; per data asset, the flows that carry it.
        self.touching: dict[str, list[Link]] = {asset: [] for asset in self.assets}
        self.carrying: dict[str, set[str]] = {}
        for link in self.all_links:
            self.touching[link.source].append(link)
            self.touching[link.target].append(link)
            for carried in (*link.sent, *link.received):
                self.carrying.setdefault(carried, set()).add(self.names.flow[link.id])

    def _incoming_from_internet(self, asset: TechnicalAsset) -> list[Link]:
        return [
            link for link in self.incoming.get(asset.id, []) if self.assets[link.source].internet
        ]

    def _entry_points(self) -> list[TechnicalAsset]:
        """In-scope assets the internet reaches: called by an asset on the internet, or on the
        internet themselves (a client there, an external entity nothing calls, is none)."""
        return [
            asset
            for asset in self.model.technical_assets
            if not asset.out_of_scope
            and (
                self._incoming_from_internet(asset)
                or (
                    asset.internet
                    and (self.incoming.get(asset.id) or asset.type != "external-entity")
                )
            )
        ]

    # naming helpers

    def asset(self, identifier: str) -> str:
        return cell(self.names.asset_name[identifier])

    def data_list(self, identifiers: Iterable[str]) -> str:
        names = sorted({self.names.data_name[i] for i in identifiers}, key=str.lower)
        return ", ".join(cell(name) for name in names) or "none"

    def crossed(self, link: Link) -> list[str]:
        """The boundaries with exactly one end of the link inside."""
        ends = set(self.enclosing[link.source]) ^ set(self.enclosing[link.target])
        return sorted((self.names.boundary[b] for b in ends), key=_order)

    # the document

    def document(self) -> str:
        threats = self._threats()
        lines = [
            *self._front_matter(),
            f"# Threat model: {cell(self.model.title)}",
            "",
            *self._scope(),
            *self._classification(),
            *self._trust_boundaries(),
            *self._components(),
            *self._flows(),
            *self._attack_surface(),
            *self._threat_table(threats),
            *self._mitigations(threats),
            *self._accepted(threats),
        ]
        return "\n".join(lines).rstrip("\n") + "\n"

    def _front_matter(self) -> list[str]:
        import json

        reviewed = self.model.date[:10] if _is_date(self.model.date) else "<YYYY-MM-DD>"
        owner = plain(self.model.author) or "<team or person who owns this model>"
        return [
            "---",
            f"system: {json.dumps(plain(self.model.title), ensure_ascii=False)}",
            f"owner: {json.dumps(owner, ensure_ascii=False)}",
            f"last_reviewed: {json.dumps(reviewed)}",
            "---",
            "",
        ]

    def _scope(self) -> list[str]:
        source = Path(self.model.path).name
        lines = [
            "## Scope",
            "",
            f"Converted from the Threagile model `{cell(source)}` by `ztgate threat-model "
            "convert`; the Threagile columns keep its ids, so each row can be traced back.",
        ]
        if self.model.overview:
            lines += ["", cell(self.model.overview)]
        in_scope = [a for a in self.model.technical_assets if not a.out_of_scope]
        out = [a for a in self.model.technical_assets if a.out_of_scope]
        if in_scope:
            lines += ["", "In scope: " + ", ".join(self.asset(a.id) for a in in_scope) + "."]
        if out:
            described = [
                self.asset(a.id)
                + (f" ({cell(a.out_of_scope_reason)})" if a.out_of_scope_reason else "")
                for a in out
            ]
            lines += ["", "Out of scope: " + "; ".join(described) + "."]
        return [*lines, ""]

    def _classification(self) -> list[str]:
        mapping = ", ".join(f"{level} → {ours}" for level, ours in CLASS_OF.items())
        lines = [
            "## Data classification",
            "",
            f"Classes from Threagile's confidentiality, rounded up: {mapping}.",
            "",
        ]
        if not self.model.data_assets:
            return [*lines, "The Threagile model defines no data assets.", ""]
        rows = [
            [
                cell(self.names.data_name[d.id]),
                CLASS_OF[d.confidentiality],
                d.confidentiality,
                cell(d.id),
                cell(d.description),
            ]
            for d in self.model.data_assets
        ]
        headers = ["Data", "Class", "Threagile confidentiality", "Threagile id", "Notes"]
        return [*lines, *_table(headers, rows), ""]

    def _trust_boundaries(self) -> list[str]:
        lines = ["## Trust boundaries", ""]
        if not self.model.trust_boundaries:
            return [*lines, "The Threagile model defines no trust boundaries.", ""]
        lines += [
            "Inside lists every asset within a boundary, those of its nested boundaries too; "
            "Outside, the assets that talk to it from outside.",
            "",
        ]
        rows = []
        for boundary in self.model.trust_boundaries:
            if boundary.id not in self.members:
                continue
            members = self.members[boundary.id]
            partners = {
                other
                for asset in members
                for link in self.touching[asset]
                for other in (link.source, link.target)
                if other not in members
            }
            if not partners:
                partners = set(self.assets) - members
            rows.append(
                [
                    self.names.boundary[boundary.id],
                    cell(self.names.boundary_name[boundary.id]),
                    self._asset_list(members),
                    self._asset_list(partners),
                    cell(boundary.type) or "-",
                    ", ".join(self.names.boundary.get(b, cell(b)) for b in boundary.nested) or "-",
                    cell(boundary.id),
                ]
            )
        left_out = [
            f"{cell(self.names.boundary_name[b.id])} ({cell(b.id)})"
            for b in self.model.trust_boundaries
            if b.id not in self.members
        ]
        named = (
            [
                "Not in the table, as no flow can cross them (no asset inside, or none "
                "outside): " + ", ".join(left_out) + ".",
                "",
            ]
            if left_out
            else []
        )
        if not rows:
            return [*lines, *named]
        headers = [
            "ID",
            "Boundary",
            "Inside",
            "Outside",
            "Threagile type",
            "Nested boundaries",
            "Threagile id",
        ]
        return [*lines, *_table(headers, rows), "", *named]

    def _asset_list(self, identifiers: Iterable[str]) -> str:
        ordered = sorted(identifiers, key=lambda a: _order(self.names.component[a]))
        return ", ".join(self.asset(a) for a in ordered)

    def _components(self) -> list[str]:
        lines = ["## Components", ""]
        if not self.model.technical_assets:
            return [*lines, "The Threagile model defines no technical assets.", ""]
        rows = []
        for asset in self.model.technical_assets:
            scope = "out of scope" if asset.out_of_scope else "in scope"
            if asset.out_of_scope and asset.out_of_scope_reason:
                scope += f": {cell(asset.out_of_scope_reason)}"
            rows.append(
                [
                    self.names.component[asset.id],
                    self.asset(asset.id),
                    _kind(asset),
                    ", ".join(self.names.boundary[b] for b in self.enclosing[asset.id]),
                    cell(asset.id),
                    cell(asset.technology) or "-",
                    asset.usage,
                    scope + ("; on the internet" if asset.internet else ""),
                    cell(asset.description) or "-",
                ]
            )
        headers = [
            "ID",
            "Name",
            "Kind",
            "Boundary",
            "Threagile id",
            "Technology",
            "Usage",
            "Scope",
            "Description",
        ]
        return [*lines, *_table(headers, rows), ""]

    def _flows(self) -> list[str]:
        lines = [
            "## Data flows",
            "",
            "One flow per Threagile communication link, from its asset to its target; Data "
            "lists what is sent and received. Network shows VPN and IP filtering, which "
            "Threagile records and ztgate never counts as authentication.",
            "",
        ]
        links = self.all_links
        if not links:
            return [*lines, "The Threagile model defines no communication links.", ""]
        rows = []
        for link in links:
            protocol, encryption = PROTOCOL_OF[link.protocol]
            network = [w for w, on in (("VPN", link.vpn), ("IP filtered", link.ip_filtered)) if on]
            authentication = AUTHENTICATION_OF[link.authentication]
            if link.authentication == "none" and network:
                authentication = f"none ({' and '.join(network)} only: a network location)"
            rows.append(
                [
                    self.names.flow[link.id],
                    self.asset(link.source),
                    self.asset(link.target),
                    self.data_list((*link.sent, *link.received)),
                    ", ".join(self.crossed(link)) or "none",
                    protocol,
                    authentication,
                    encryption,
                    AUTHORIZATION_OF[link.authorization],
                    ", ".join(network) or "-",
                    cell(link.id),
                    cell(link.description) or "-",
                ]
            )
        headers = [
            "ID",
            "From",
            "To",
            "Data",
            "Crosses boundary",
            "Protocol",
            "Authentication",
            "Encryption",
            "Authorization",
            "Network",
            "Threagile link",
            "Description",
        ]
        return [*lines, *_table(headers, rows), ""]

    def _attack_surface(self) -> list[str]:
        lines = ["## Attack surface", ""]
        entries = [self.assets[a] for a in self.names.entry]
        if not entries:
            return [
                *lines,
                "No in-scope asset of the Threagile model is reached from the internet.",
                "",
            ]
        lines += [
            "In-scope assets the internet reaches: called by an asset on the internet, or on "
            "the internet themselves (`internet: true`).",
            "",
        ]
        rows = []
        for asset in entries:
            incoming = self._incoming_from_internet(asset)
            if asset.internet:
                incoming = self.incoming.get(asset.id, [])
            protocols = sorted({PROTOCOL_OF[link.protocol][0] for link in incoming})
            callers = sorted({self.asset(link.source) for link in incoming}, key=str.lower)
            exposed = "Internet" + (f" ({', '.join(callers)})" if callers else "")
            data = [d for link in incoming for d in (*link.sent, *link.received)]
            if not incoming:  # on the internet with no modelled caller: what it holds
                data = [*asset.stored, *asset.processed]
            rows.append(
                [
                    self.names.entry[asset.id],
                    f"{self.asset(asset.id)} ({', '.join(protocols) or 'no modelled link'})",
                    exposed,
                    self.data_list(data),
                    self.names.component[asset.id],
                ]
            )
        headers = ["ID", "Entry point", "Exposed to", "Data", "Component"]
        return [*lines, *_table(headers, rows), ""]

    # threats

    def _threats(self) -> list[_Threat]:
        categories = {c.id: c for c in self.model.categories}
        threats: list[_Threat] = []
        used: set[str] = set()
        for category in self.model.categories:
            for risk in category.risks:
                tracking = self._tracking_for(risk)
                if tracking:
                    used.add(tracking.risk_id)
                threats.append(
                    self._threat(risk.synthetic_id, _relevant(risk), tracking, plain(risk.title))
                )
        for tracking in self.model.tracking:
            if tracking.risk_id in used:
                continue
            if tracking.category in categories:
                raise UserError(
                    f"risk_tracking `{plain(tracking.risk_id)[:80]}` matches no risk identified "
                    f"in individual risk category `{tracking.category}` (Threagile calls it "
                    "orphaned)",
                    where=f"{self.model.path}:{tracking.line}",
                    fix="fix the id, or add the risk to risks_identified",
                )
            threats.append(self._threat(tracking.risk_id, tracking.parts, tracking, ""))
        for number, threat in enumerate(threats, 1):
            threat.ident = f"T{number}"
        controls = 0
        for threat in threats:
            if threat.tracking and threat.tracking.status in ("mitigated", "in-progress"):
                controls += 1
                threat.control = f"M{controls}"
        return threats

    def _tracking_for(self, risk: IdentifiedRisk) -> Tracking | None:
        """Threagile's match: the exact id, else a pattern with `*` for whole parts."""
        wanted = risk.synthetic_id
        if wanted in self.tracked:
            return self.tracked[wanted]
        parts = wanted.split("@")
        for tracking in self.patterns.get(risk.category, []):  # by id: the first one wins
            pattern = tracking.risk_id.split("@")
            if len(pattern) == len(parts) and all(
                p in ("*", w) for p, w in zip(pattern, parts, strict=True)
            ):
                return tracking
        return None

    def _threat(
        self, risk_id: str, parts: Sequence[str], tracking: Tracking | None, title: str
    ) -> _Threat:
        category = risk_id.split("@", 1)[0]
        individual = {c.id: c for c in self.model.categories}.get(category)
        if individual:
            category_title, stride = plain(individual.title), individual.stride
        else:
            category_title, stride = BUILT_IN_CATEGORIES.get(category, (category, ""))
        if not stride:
            self.notes.append(
                f"risk category `{plain(category)[:60]}` has no STRIDE category ztgate knows: "
                "its threats say `<STRIDE category>` for you to fill in"
            )
        targets = self._targets(parts)
        text = title or f"{category_title} at {self._describe(parts)}"
        return _Threat(
            ident="",
            text=text,
            stride=STRIDE_NAMES.get(stride, "<STRIDE category>"),
            targets=targets,
            status=STATUS_OF[tracking.status] if tracking else "open",
            tracking=tracking,
            risk_id=risk_id,
        )

    def _resolve(self, part: str) -> tuple[str, str] | None:
        for kind, known in (
            ("asset", self.assets),
            ("link", self.links),
            ("boundary", self.boundaries),
            ("runtime", self.runtimes),
            ("data", self.data),
        ):
            if part in known:
                return kind, part
        return None

    def _targets(self, parts: Sequence[str]) -> list[str]:
        found: set[str] = set()
        for part in parts:
            resolved = self._resolve(part)
            if resolved is None:
                continue  # a wildcard
            kind, identifier = resolved
            if kind == "asset":
                found.add(self.names.component[identifier])
                if identifier in self.names.entry:
                    found.add(self.names.entry[identifier])
            elif kind == "link":
                found.add(self.names.flow[identifier])
            elif kind == "boundary":
                if identifier in self.names.boundary:
                    found.add(self.names.boundary[identifier])
                else:  # a boundary no flow crosses: the assets it holds
                    found |= {self.names.component[a] for a in self._members_of(identifier)}
            elif kind == "runtime":
                found |= {self.names.component[a] for a in self.runtimes[identifier].running}
            else:
                carrying = self.carrying.get(identifier, set())
                holding = {
                    self.names.component[a.id]
                    for a in self.model.technical_assets
                    if identifier in (*a.stored, *a.processed)
                }
                found |= carrying or holding
        if not found:  # only wildcards: the risk may be anywhere
            found = {self.names.component[a.id] for a in self.model.technical_assets}
        return sorted(found, key=_order)

    def _describe(self, parts: Sequence[str]) -> str:
        resolved = [self._resolve(part) for part in parts]
        link_ends = {
            end
            for r in resolved
            if r and r[0] == "link"
            for end in (self.links[r[1]].source, self.links[r[1]].target)
        }
        words = []
        for found in resolved:
            if found is None:
                words.append("any")
                continue
            kind, identifier = found
            if kind == "asset" and identifier not in link_ends:
                words.append(self.names.asset_name[identifier])
            elif kind == "link":
                link = self.links[identifier]
                words.append(
                    f"{link.title} ({self.names.asset_name[link.source]} to "
                    f"{self.names.asset_name[link.target]})"
                )
            elif kind == "boundary":
                words.append(self.names.boundary_name[identifier])
            elif kind == "runtime":
                words.append(self.runtimes[identifier].title)
            elif kind == "data":
                words.append(self.names.data_name[identifier])
        return ", ".join(dict.fromkeys(words)) or "any"

    def _threat_table(self, threats: list[_Threat]) -> list[str]:
        lines = [
            "## Threats",
            "",
            "One threat per risk of Threagile's risk tracking and per risk identified in its "
            "individual risk categories. STRIDE comes from the risk category; Threagile's "
            "status maps to ours (unchecked, in-discussion and in-progress are open).",
            "",
        ]
        if not threats:
            return [*lines, "The Threagile model tracks no risks.", ""]
        rows = []
        for threat in threats:
            tracking = threat.tracking
            rows.append(
                [
                    threat.ident,
                    cell(threat.text),
                    threat.stride,
                    ", ".join(threat.targets),
                    threat.control or "none",
                    threat.status,
                    cell(threat.risk_id),
                    tracking.status if tracking else "unchecked",
                    cell(tracking.justification) if tracking and tracking.justification else "-",
                    cell(tracking.ticket) if tracking and tracking.ticket else "-",
                    cell(tracking.checked_by) if tracking and tracking.checked_by else "-",
                    cell(tracking.date) if tracking and tracking.date else "-",
                ]
            )
        headers = [
            "ID",
            "Threat",
            "STRIDE",
            "Target",
            "Mitigations",
            "Status",
            "Threagile risk",
            "Threagile status",
            "Justification",
            "Ticket",
            "Checked by",
            "Checked on",
        ]
        return [*lines, *_table(headers, rows), ""]

    def _mitigations(self, threats: list[_Threat]) -> list[str]:
        lines = [
            "## Mitigations",
            "",
            "A mitigated risk's justification is an implemented control, an in-progress one a "
            "planned control; the ticket is the evidence.",
            "",
        ]
        rows = []
        for threat in threats:
            tracking = threat.tracking
            if not threat.control or tracking is None:
                continue
            control = cell(tracking.justification) or f"Control for: {cell(threat.text)}"
            status = "implemented" if tracking.status == "mitigated" else "planned"
            evidence = cell(tracking.ticket) or "none: no ticket in the Threagile model"
            rows.append(
                [
                    threat.control,
                    control,
                    status,
                    evidence,
                    threat.ident,
                    cell(tracking.checked_by) or "-",
                    cell(tracking.date) or "-",
                ]
            )
        if not rows:
            return [*lines, "The Threagile model records no mitigated risk.", ""]
        headers = ["ID", "Control", "Status", "Evidence", "Mitigates", "Checked by", "Date"]
        return [*lines, *_table(headers, rows), ""]

    def _accepted(self, threats: list[_Threat]) -> list[str]:
        lines = ["## Accepted risks", ""]
        rows = []
        for threat in threats:
            tracking = threat.tracking
            if threat.status != "accepted" or tracking is None:
                continue
            rows.append(
                [
                    threat.ident,
                    cell(tracking.justification) or "<why the risk is acceptable>",
                    cell(tracking.checked_by) or "<owner>",
                    self.accept_until or ACCEPT_UNTIL_PLACEHOLDER,
                    cell(tracking.ticket) or "-",
                    cell(tracking.date) or "-",
                ]
            )
        if not rows:
            return [*lines, "The Threagile model accepts no risk.", ""]
        lines += [
            "Owner is who checked the risk in Threagile. Threagile records no expiry: "
            + (
                "every acceptance here expires on the date given to the conversion."
                if self.accept_until
                else "set one for each (`--accept-until` fills them all)."
            ),
            "",
        ]
        headers = ["Threat", "Reason", "Owner", "Expires", "Ticket", "Checked on"]
        return [*lines, *_table(headers, rows), ""]


def _kind(asset: TechnicalAsset) -> str:
    if asset.type == "datastore":
        return "store"
    if asset.type == "process":
        return "process"
    return "actor" if asset.used_by_human else "external"


def _relevant(risk: IdentifiedRisk) -> tuple[str, ...]:
    return tuple(p for p in (risk.asset, risk.link, risk.boundary, risk.runtime, risk.data) if p)


def _is_date(text: str) -> bool:
    try:
        date.fromisoformat(text[:10])
    except ValueError:
        return False
    return True


def convert(model: ThreagileModel, accept_until: str | None = None) -> Conversion:
    """The markdown document for a Threagile model, and notes on what it could not map."""
    converter = _Converter(model, accept_until)
    text = converter.document()
    return Conversion(text, tuple(dict.fromkeys(converter.notes)))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="ztgate threat-model convert",
        description="Write a Threagile model (YAML) as a ztgate threat model (markdown); "
        "`ztgate threat-model` then lints it.",
    )
    parser.add_argument("model", help="the Threagile YAML file")
    parser.add_argument("--output", metavar="FILE", help="write here (default: standard output)")
    parser.add_argument("--force", action="store_true", help="replace an existing --output file")
    parser.add_argument(
        "--accept-until",
        metavar="YYYY-MM-DD",
        help="expiry of every accepted risk (Threagile records none; default: a placeholder)",
    )
    parser.add_argument("--debug", action="store_true", help="show tracebacks of internal errors")
    args = parser.parse_args(list(sys.argv[1:] if argv is None else argv))

    def run() -> int:
        if args.accept_until is not None and not _is_date(args.accept_until):
            raise UserError(
                f"--accept-until `{plain(args.accept_until)[:20]}` is not a date",
                fix="write YYYY-MM-DD",
            )
        accept_until = args.accept_until[:10] if args.accept_until else None
        model = load(Path(args.model), args.model)
        conversion = convert(model, accept_until)
        for note in conversion.notes:
            print(f"ztgate: note: {mask_secrets(note)}", file=sys.stderr)
        if not args.output:
            sys.stdout.write(conversion.text)
            return 0
        target = Path(args.output)
        if target.exists() and target.resolve() == Path(args.model).resolve():
            raise UserError("is the Threagile model itself", where=args.output)
        if target.exists() and not args.force:
            raise UserError("already exists", where=args.output, fix="pass --force to replace it")
        try:
            target.write_text(conversion.text, encoding="utf-8")
        except OSError as error:
            raise UserError(f"cannot write ({error.strerror})", where=args.output) from None
        print(f"{args.output}: written from {args.model}; check it with `ztgate threat-model`")
        return 0

    return runner.guarded(run, args.debug)


if __name__ == "__main__":
    raise SystemExit(main())
