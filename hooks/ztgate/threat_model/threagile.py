"""A Threagile model (YAML) read into plain frozen data, checked for types and references.

Composed with ruamel.yaml's safe loader and built here node by node: no tag is constructed
(`!!python/...` is refused, never run), anchors and merge keys are expanded under a node
budget (an alias bomb stops, it does not eat the memory), and every value keeps its line so
an error points at `path:line`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ztgate.errors import UserError

MAX_BYTES = 4 * 1024 * 1024
MAX_NODES = 200_000  # values after anchors are expanded
MAX_DEPTH = 40

DATA_CLASSES = ("public", "internal", "restricted", "confidential", "strictly-confidential")
ASSET_TYPES = ("external-entity", "process", "datastore")
USAGES = ("business", "devops")
AUTHENTICATIONS = (
    "none",
    "credentials",
    "session-id",
    "token",
    "client-certificate",
    "two-factor",
    "externalized",
)
AUTHORIZATIONS = ("none", "technical-user", "enduser-identity-propagation")
STATUSES = ("unchecked", "in-discussion", "accepted", "in-progress", "mitigated", "false-positive")
STRIDES = (
    "spoofing",
    "tampering",
    "repudiation",
    "information-disclosure",
    "denial-of-service",
    "elevation-of-privilege",
)
PROTOCOLS = (
    "unknown-protocol",
    "http",
    "https",
    "ws",
    "wss",
    "reverse-proxy-web-protocol",
    "reverse-proxy-web-protocol-encrypted",
    "mqtt",
    "jdbc",
    "jdbc-encrypted",
    "odbc",
    "odbc-encrypted",
    "sql-access-protocol",
    "sql-access-protocol-encrypted",
    "nosql-access-protocol",
    "nosql-access-protocol-encrypted",
    "binary",
    "binary-encrypted",
    "text",
    "text-encrypted",
    "ssh",
    "ssh-tunnel",
    "smtp",
    "smtp-encrypted",
    "pop3",
    "pop3-encrypted",
    "imap",
    "imap-encrypted",
    "ftp",
    "ftps",
    "sftp",
    "scp",
    "ldap",
    "ldaps",
    "jms",
    "nfs",
    "smb",
    "smb-encrypted",
    "local-file-access",
    "nrpe",
    "xmpp",
    "iiop",
    "iiop-encrypted",
    "jrmp",
    "jrmp-encrypted",
    "in-process-library-call",
    "container-spawning",
)


@dataclass(frozen=True)
class DataAsset:
    id: str
    title: str
    confidentiality: str
    description: str
    line: int


@dataclass(frozen=True)
class Link:
    """A communication link: Threagile's id is `source>title-in-kebab-case`."""

    id: str
    title: str
    source: str
    target: str
    protocol: str
    authentication: str
    authorization: str
    vpn: bool
    ip_filtered: bool
    readonly: bool
    sent: tuple[str, ...]
    received: tuple[str, ...]
    description: str
    line: int


@dataclass(frozen=True)
class TechnicalAsset:
    id: str
    title: str
    type: str
    usage: str
    used_by_human: bool
    out_of_scope: bool
    out_of_scope_reason: str
    internet: bool
    technology: str
    description: str
    processed: tuple[str, ...]
    stored: tuple[str, ...]
    links: tuple[Link, ...]
    line: int


@dataclass(frozen=True)
class TrustBoundary:
    id: str
    title: str
    type: str
    inside: tuple[str, ...]  # technical asset ids directly inside
    nested: tuple[str, ...]  # trust boundary ids nested directly inside
    line: int


@dataclass(frozen=True)
class SharedRuntime:
    id: str
    title: str
    running: tuple[str, ...]
    line: int


@dataclass(frozen=True)
class IdentifiedRisk:
    """A risk the team wrote under an individual risk category."""

    title: str
    category: str
    asset: str
    link: str
    boundary: str
    runtime: str
    data: str
    line: int

    @property
    def synthetic_id(self) -> str:
        """Threagile's id for it: the category, then each most relevant element given."""
        parts = (self.asset, self.link, self.boundary, self.runtime, self.data)
        return "@".join((self.category, *(part for part in parts if part)))


@dataclass(frozen=True)
class RiskCategory:
    id: str
    title: str
    stride: str
    risks: tuple[IdentifiedRisk, ...]
    line: int


@dataclass(frozen=True)
class Tracking:
    risk_id: str
    status: str
    justification: str
    ticket: str
    date: str
    checked_by: str
    line: int

    @property
    def category(self) -> str:
        return self.risk_id.split("@", 1)[0]

    @property
    def parts(self) -> tuple[str, ...]:
        return tuple(self.risk_id.split("@")[1:])


@dataclass(frozen=True)
class ThreagileModel:
    path: str
    title: str
    date: str
    author: str
    overview: str
    data_assets: tuple[DataAsset, ...]
    technical_assets: tuple[TechnicalAsset, ...]
    trust_boundaries: tuple[TrustBoundary, ...]
    shared_runtimes: tuple[SharedRuntime, ...]
    categories: tuple[RiskCategory, ...]
    tracking: tuple[Tracking, ...]


@dataclass(frozen=True)
class Node:
    """A YAML value (str, bool, None, list of Node, dict of str to Node), its line and its
    path from the document's root (`technical_assets.Web shop.type`)."""

    value: Any
    line: int
    path: str


_SCALAR_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
}


class _Builder:
    """Composed YAML nodes -> Node, with merge keys expanded and a budget on the result."""

    def __init__(self, where: str) -> None:
        self.where = where
        self.count = 0

    def fail(self, line: int, message: str, fix: str | None = None) -> UserError:
        return UserError(message, where=f"{self.where}:{line}", fix=fix)

    def build(self, node: Any, path: str, depth: int = 0) -> Node:
        line = int(node.start_mark.line) + 1
        self.count += 1
        if self.count > MAX_NODES:
            raise self.fail(
                line,
                f"more than {MAX_NODES} values once anchors are expanded (an alias bomb?)",
                "write the model without nested aliases",
            )
        if depth > MAX_DEPTH:
            raise self.fail(line, f"`{path}` nests deeper than {MAX_DEPTH} levels (or in a loop)")
        tag = str(node.tag)
        kind = type(node).__name__
        if kind == "ScalarNode":
            return Node(self.scalar(tag, str(node.value), line, path), line, path)
        if kind == "SequenceNode" and tag == "tag:yaml.org,2002:seq":
            return Node(
                [self.build(item, f"{path}[{i}]", depth + 1) for i, item in enumerate(node.value)],
                line,
                path,
            )
        if kind == "MappingNode" and tag == "tag:yaml.org,2002:map":
            return Node(self.mapping(node, path, depth), line, path)
        raise self.fail(line, f"`{path or 'document'}` has the unsupported YAML tag `{tag}`")

    def scalar(self, tag: str, text: str, line: int, path: str) -> Any:
        if tag not in _SCALAR_TAGS:
            raise self.fail(line, f"`{path}` has the unsupported YAML tag `{tag[:60]}`")
        if tag.endswith(":null"):
            return None
        if tag.endswith(":bool"):
            return text.lower() == "true"
        # Strings, and numbers and dates as written: nothing here needs a number, and turning a
        # megabyte of digits into an int takes quadratic time on Python 3.10.
        return text

    def mapping(self, node: Any, path: str, depth: int) -> dict[str, Node]:
        own: dict[str, Node] = {}
        merged: dict[str, Node] = {}
        for key_node, value_node in node.value:
            key_line = int(key_node.start_mark.line) + 1
            if str(key_node.tag) == "tag:yaml.org,2002:merge":
                for source in self._merge_sources(value_node, path, depth):
                    for key, value in source.items():
                        merged.setdefault(key, value)
                continue
            if type(key_node).__name__ != "ScalarNode":
                raise self.fail(key_line, f"`{path}` has a key that is not a plain value")
            key = str(self.scalar(str(key_node.tag), str(key_node.value), key_line, path))
            if key in own:
                raise self.fail(key_line, f"`{path}` has the key `{_quote(key)}` twice")
            shown = _quote(key)  # a key with a newline must not break the one-line error
            value = self.build(value_node, f"{path}.{shown}" if path else shown, depth + 1)
            # A block mapping or list starts below its key: point at the key.
            own[key] = Node(value.value, min(value.line, key_line), value.path)
        return {**merged, **own}

    def _merge_sources(self, node: Any, path: str, depth: int) -> list[dict[str, Node]]:
        items = node.value if type(node).__name__ == "SequenceNode" else [node]
        sources = []
        for item in items:
            built = self.build(item, path, depth + 1)
            if not isinstance(built.value, dict):
                raise self.fail(built.line, f"`{path}`: `<<` must merge a mapping")
            sources.append(built.value)
        return sources


def _quote(text: str, limit: int = 60) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def compose(text: str, where: str) -> Node:
    """The document's root Node; a UserError (with the line) for anything malformed."""
    from ruamel.yaml import YAML
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    try:
        root = YAML(typ="safe", pure=True).compose(text)
    except MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = int(mark.line) + 1 if mark is not None else 1
        problem = error.problem or error.context or "malformed"
        raise UserError(f"not valid YAML: {problem}", where=f"{where}:{line}") from None
    except YAMLError as error:
        raise UserError(f"not valid YAML: {_quote(str(error))}", where=where) from None
    except RecursionError:
        raise UserError("not valid YAML: nested too deeply", where=where) from None
    if root is None:
        raise UserError("the file is empty", where=f"{where}:1")
    built = _Builder(where).build(root, "")
    if not isinstance(built.value, dict):
        raise UserError("a Threagile model is a YAML mapping", where=f"{where}:{built.line}")
    return built


def read_text(path: Path) -> str:
    """The file's text: UTF-8, not binary, not huge."""
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise UserError(
                f"{size} bytes: larger than the {MAX_BYTES // (1024 * 1024)} MiB a Threagile "
                "model may have here",
                where=str(path),
            )
        data = path.read_bytes()
    except OSError as error:
        raise UserError(f"cannot read the file ({error.strerror})", where=str(path)) from None
    if len(data) > MAX_BYTES:
        raise UserError("larger than a Threagile model may be here", where=str(path))
    if b"\0" in data:
        raise UserError("binary file, not YAML", where=str(path))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise UserError(f"not UTF-8 (byte {error.start})", where=str(path)) from None


class _Reader:
    """Typed field access over Nodes: a wrong type or value is a UserError at its line."""

    def __init__(self, where: str) -> None:
        self.where = where

    def fail(self, node: Node, message: str, fix: str | None = None) -> UserError:
        return UserError(message, where=f"{self.where}:{node.line}", fix=fix)

    def mapping(self, node: Node | None, *, optional: bool = True) -> dict[str, Node]:
        if node is None or (node.value is None and optional):
            return {}
        if not isinstance(node.value, dict):
            raise self.fail(node, f"`{node.path}` must be a mapping, not {_kind(node.value)}")
        return dict(node.value)

    def text(
        self, fields: dict[str, Node], key: str, owner: Node, *, required: bool = False
    ) -> str:
        node = fields.get(key)
        if node is None or node.value is None or node.value == "":
            if required:
                raise self.fail(owner, f"`{_join(owner.path, key)}` is missing")
            return ""
        if isinstance(node.value, bool) or isinstance(node.value, (list, dict)):
            raise self.fail(node, f"`{node.path}` must be text, not {_kind(node.value)}")
        return str(node.value)

    def flag(self, fields: dict[str, Node], key: str) -> bool:
        node = fields.get(key)
        if node is None or node.value is None:
            return False
        if not isinstance(node.value, bool):
            raise self.fail(
                node, f"`{node.path}` must be true or false, not `{_quote(node.value)}`"
            )
        return bool(node.value)

    def choice(
        self,
        fields: dict[str, Node],
        key: str,
        owner: Node,
        allowed: tuple[str, ...],
        default: str | None = None,
    ) -> str:
        value = self.text(fields, key, owner, required=default is None)
        if not value:
            return default or ""
        if value not in allowed:
            node = fields[key]
            raise self.fail(
                node,
                f"`{node.path}` is `{_quote(value)}`, not one of Threagile's values",
                "use one of: " + ", ".join(allowed),
            )
        return value

    def texts(self, fields: dict[str, Node], key: str) -> tuple[tuple[str, Node], ...]:
        node = fields.get(key)
        if node is None or node.value is None:
            return ()
        if not isinstance(node.value, list):
            raise self.fail(node, f"`{node.path}` must be a list, not {_kind(node.value)}")
        items = []
        for item in node.value:
            if item.value is None or isinstance(item.value, (bool, list, dict)):
                raise self.fail(item, f"`{item.path}` must be an id, not {_kind(item.value)}")
            items.append((str(item.value), item))
        return tuple(items)


def _kind(value: object) -> str:
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return f"`{_quote(str(value))}`"


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def link_id(source: str, title: str) -> str:
    """Threagile's id of a communication link (its `createDataFlowId`)."""
    import re

    slug = re.sub(r"[^A-Za-z0-9]+", "-", title.lower()).strip("- ")
    return f"{source}>{slug}"


def load(path: Path, shown: str | None = None) -> ThreagileModel:
    """Read, compose and check a Threagile model."""
    where = shown or str(path)
    root = compose(read_text(path), where)
    return model_from(root, where)


def model_from(root: Node, where: str) -> ThreagileModel:
    read = _Reader(where)
    top = read.mapping(root, optional=False)
    if "includes" in top:
        raise read.fail(top["includes"], "`includes` are not supported", "merge the files first")
    title = read.text(top, "title", root, required=True)
    author = read.mapping(top.get("author"))
    author_name = read.text(author, "name", top["author"]) if author else ""
    overview_parts = []
    for key in ("business_overview", "technical_overview"):
        section = read.mapping(top.get(key))
        if section:
            overview_parts.append(read.text(section, "description", top[key]))
    data_assets = _data_assets(read, top.get("data_assets"))
    data_ids = {asset.id for asset in data_assets}
    assets = _technical_assets(read, top.get("technical_assets"), data_ids)
    asset_ids = {asset.id for asset in assets}
    boundaries = _boundaries(read, top.get("trust_boundaries"), asset_ids)
    runtimes = _runtimes(read, top.get("shared_runtimes"), asset_ids)
    ids = _Ids(
        assets=asset_ids,
        links={link.id for asset in assets for link in asset.links},
        boundaries={b.id for b in boundaries},
        runtimes={r.id for r in runtimes},
        data=data_ids,
    )
    categories = _categories(read, top.get("individual_risk_categories"), ids)
    tracking = _tracking(read, top.get("risk_tracking"), ids)
    return ThreagileModel(
        path=where,
        title=title,
        date=read.text(top, "date", root),
        author=author_name,
        overview=" ".join(part for part in overview_parts if part),
        data_assets=data_assets,
        technical_assets=assets,
        trust_boundaries=boundaries,
        shared_runtimes=runtimes,
        categories=categories,
        tracking=tracking,
    )


@dataclass(frozen=True)
class _Ids:
    assets: set[str]
    links: set[str]
    boundaries: set[str]
    runtimes: set[str]
    data: set[str]

    def group(self, kind: str) -> set[str]:
        return {
            "asset": self.assets,
            "link": self.links,
            "boundary": self.boundaries,
            "runtime": self.runtimes,
            "data": self.data,
        }[kind]

    def known(self, part: str) -> bool:
        return any(part in self.group(kind) for kind in ELEMENT_KINDS)


def _entries(read: _Reader, node: Node | None) -> list[tuple[str, Node, dict[str, Node]]]:
    """(title, node, fields) of each entry of a title -> mapping section, in title order."""
    section = read.mapping(node)
    entries = []
    for title, entry in sorted(section.items()):
        entries.append((title, entry, read.mapping(entry, optional=False)))
    return entries


def _unique_id(
    read: _Reader, seen: dict[str, Node], identifier: str, owner: Node, what: str
) -> None:
    if identifier in seen:
        raise read.fail(
            owner,
            f"{what} id `{_quote(identifier)}` is also used on line {seen[identifier].line}",
        )
    seen[identifier] = owner


def _references(
    read: _Reader, items: tuple[tuple[str, Node], ...], known: set[str], what: str
) -> tuple[str, ...]:
    for value, node in items:
        if value not in known:
            raise read.fail(
                node, f"`{node.path}` names `{_quote(value)}`, which no {what} has as id"
            )
    return tuple(value for value, _ in items)


def _data_assets(read: _Reader, node: Node | None) -> tuple[DataAsset, ...]:
    seen: dict[str, Node] = {}
    assets = []
    for title, entry, fields in _entries(read, node):
        identifier = read.text(fields, "id", entry, required=True)
        _unique_id(read, seen, identifier, entry, "data asset")
        assets.append(
            DataAsset(
                id=identifier,
                title=title,
                confidentiality=read.choice(fields, "confidentiality", entry, DATA_CLASSES),
                description=read.text(fields, "description", entry),
                line=entry.line,
            )
        )
    return tuple(sorted(assets, key=lambda a: a.id))


def _technical_assets(
    read: _Reader, node: Node | None, data_ids: set[str]
) -> tuple[TechnicalAsset, ...]:
    seen: dict[str, Node] = {}
    entries = _entries(read, node)
    asset_ids = set()
    for _, entry, fields in entries:
        identifier = read.text(fields, "id", entry, required=True)
        _unique_id(read, seen, identifier, entry, "technical asset")
        asset_ids.add(identifier)
    assets = []
    for title, entry, fields in entries:
        identifier = read.text(fields, "id", entry)
        links: list[Link] = []
        link_seen: dict[str, Node] = {}
        for link_title, link_node, link_fields in _entries(read, fields.get("communication_links")):
            ident = link_id(identifier, link_title)
            _unique_id(read, link_seen, ident, link_node, "communication link")
            target = read.text(link_fields, "target", link_node, required=True)
            _references(read, ((target, link_fields["target"]),), asset_ids, "technical asset")
            links.append(
                Link(
                    id=ident,
                    title=link_title,
                    source=identifier,
                    target=target,
                    protocol=read.choice(link_fields, "protocol", link_node, PROTOCOLS),
                    authentication=read.choice(
                        link_fields, "authentication", link_node, AUTHENTICATIONS
                    ),
                    authorization=read.choice(
                        link_fields, "authorization", link_node, AUTHORIZATIONS, "none"
                    ),
                    vpn=read.flag(link_fields, "vpn"),
                    ip_filtered=read.flag(link_fields, "ip_filtered"),
                    readonly=read.flag(link_fields, "readonly"),
                    sent=_references(
                        read, read.texts(link_fields, "data_assets_sent"), data_ids, "data asset"
                    ),
                    received=_references(
                        read,
                        read.texts(link_fields, "data_assets_received"),
                        data_ids,
                        "data asset",
                    ),
                    description=read.text(link_fields, "description", link_node),
                    line=link_node.line,
                )
            )
        assets.append(
            TechnicalAsset(
                id=identifier,
                title=title,
                type=read.choice(fields, "type", entry, ASSET_TYPES),
                usage=read.choice(fields, "usage", entry, USAGES, "business"),
                used_by_human=read.flag(fields, "used_as_client_by_human"),
                out_of_scope=read.flag(fields, "out_of_scope"),
                out_of_scope_reason=read.text(fields, "justification_out_of_scope", entry),
                internet=read.flag(fields, "internet"),
                technology=read.text(fields, "technology", entry),
                description=read.text(fields, "description", entry),
                processed=_references(
                    read, read.texts(fields, "data_assets_processed"), data_ids, "data asset"
                ),
                stored=_references(
                    read, read.texts(fields, "data_assets_stored"), data_ids, "data asset"
                ),
                links=tuple(sorted(links, key=lambda link: link.id)),
                line=entry.line,
            )
        )
    return tuple(sorted(assets, key=lambda a: a.id))


def _boundaries(read: _Reader, node: Node | None, asset_ids: set[str]) -> tuple[TrustBoundary, ...]:
    seen: dict[str, Node] = {}
    raw = []
    for title, entry, fields in _entries(read, node):
        identifier = read.text(fields, "id", entry, required=True)
        _unique_id(read, seen, identifier, entry, "trust boundary")
        raw.append((title, entry, fields, identifier))
    boundary_ids = set(seen)
    boundaries = []
    holder: dict[str, tuple[str, Node]] = {}  # asset id -> boundary id directly holding it
    parent: dict[str, tuple[str, Node]] = {}  # boundary id -> boundary id nesting it
    for title, entry, fields, identifier in raw:
        inside = read.texts(fields, "technical_assets_inside")
        nested = read.texts(fields, "trust_boundaries_nested")
        _references(read, inside, asset_ids, "technical asset")
        _references(read, nested, boundary_ids, "trust boundary")
        for asset, item in inside:
            if asset in holder and holder[asset][0] != identifier:
                raise read.fail(
                    item,
                    f"technical asset `{_quote(asset)}` is directly inside both "
                    f"`{holder[asset][0]}` and `{identifier}`",
                    "nest one boundary in the other instead",
                )
            holder[asset] = (identifier, item)
        for child, item in nested:
            if child in parent and parent[child][0] != identifier:
                raise read.fail(
                    item, f"trust boundary `{_quote(child)}` is nested in two boundaries"
                )
            parent[child] = (identifier, item)
        boundaries.append(
            TrustBoundary(
                id=identifier,
                title=title,
                type=read.text(fields, "type", entry),
                inside=tuple(sorted({a for a, _ in inside})),
                nested=tuple(sorted({b for b, _ in nested})),
                line=entry.line,
            )
        )
    for start, (_, item) in sorted(parent.items()):
        current, steps = start, 0
        while current in parent:
            current, steps = parent[current][0], steps + 1
            if current == start or steps > len(parent):
                raise read.fail(item, f"trust boundary `{_quote(start)}` is nested in itself")
            if steps > MAX_DEPTH:
                raise read.fail(
                    item, f"trust boundary `{_quote(start)}` is nested more than {MAX_DEPTH} deep"
                )
    return tuple(sorted(boundaries, key=lambda b: b.id))


def _runtimes(read: _Reader, node: Node | None, asset_ids: set[str]) -> tuple[SharedRuntime, ...]:
    seen: dict[str, Node] = {}
    runtimes = []
    for title, entry, fields in _entries(read, node):
        identifier = read.text(fields, "id", entry, required=True)
        _unique_id(read, seen, identifier, entry, "shared runtime")
        running = _references(
            read, read.texts(fields, "technical_assets_running"), asset_ids, "technical asset"
        )
        runtimes.append(SharedRuntime(identifier, title, tuple(sorted(set(running))), entry.line))
    return tuple(sorted(runtimes, key=lambda r: r.id))


ELEMENT_KINDS = ("asset", "link", "boundary", "runtime", "data")  # how a risk id part resolves
_RELEVANT = (
    ("most_relevant_technical_asset", "asset", "technical asset"),
    ("most_relevant_communication_link", "link", "communication link"),
    ("most_relevant_trust_boundary", "boundary", "trust boundary"),
    ("most_relevant_shared_runtime", "runtime", "shared runtime"),
    ("most_relevant_data_asset", "data", "data asset"),
)


def _categories(read: _Reader, node: Node | None, ids: _Ids) -> tuple[RiskCategory, ...]:
    seen: dict[str, Node] = {}
    categories = []
    for title, entry, fields in _entries(read, node):
        identifier = read.text(fields, "id", entry, required=True)
        _unique_id(read, seen, identifier, entry, "risk category")
        risks = []
        for risk_title, risk_node, risk_fields in _entries(read, fields.get("risks_identified")):
            found: dict[str, str] = {}
            for key, kind, what in _RELEVANT:
                value = read.text(risk_fields, key, risk_node)
                if value:
                    _references(read, ((value, risk_fields[key]),), ids.group(kind), what)
                found[kind] = value
            risks.append(
                IdentifiedRisk(
                    title=risk_title,
                    category=identifier,
                    asset=found["asset"],
                    link=found["link"],
                    boundary=found["boundary"],
                    runtime=found["runtime"],
                    data=found["data"],
                    line=risk_node.line,
                )
            )
        categories.append(
            RiskCategory(
                id=identifier,
                title=title,
                stride=read.choice(fields, "stride", entry, STRIDES, ""),
                risks=tuple(risks),
                line=entry.line,
            )
        )
    return tuple(sorted(categories, key=lambda c: c.id))


def _tracking(read: _Reader, node: Node | None, ids: _Ids) -> tuple[Tracking, ...]:
    entries = []
    for risk_id, entry, fields in _entries(read, node):
        parts = risk_id.split("@")
        if not parts[0] or len(parts) < 2:
            raise read.fail(
                entry,
                f"risk_tracking key `{_quote(risk_id)}` is not a Threagile risk id",
                "write category@element[@element...] as Threagile's report shows it",
            )
        for part in parts[1:]:
            if part != "*" and not ids.known(part):
                raise read.fail(
                    entry,
                    f"risk_tracking `{_quote(risk_id)}` names `{_quote(part)}`, which is no "
                    "technical asset, communication link, trust boundary, shared runtime or "
                    "data asset of this model",
                )
        entries.append(
            Tracking(
                risk_id=risk_id,
                status=read.choice(fields, "status", entry, STATUSES),
                justification=read.text(fields, "justification", entry),
                ticket=read.text(fields, "ticket", entry),
                date=read.text(fields, "date", entry),
                checked_by=read.text(fields, "checked_by", entry),
                line=entry.line,
            )
        )
    return tuple(entries)
