"""The repo's policy file, `.ztgate.yaml`: read with ruamel.yaml, checked against a schema.

Every gate owns one section. The file is optional: built-in defaults apply without it. Unknown
keys and values of the wrong type are errors that name the key and its line.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, get_type_hints

from ztgate.errors import UserError

POLICY_FILE = ".ztgate.yaml"

# A commit named by its full object id (SHA-1 or SHA-256), never a ref that moves.
FULL_SHA = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")


@dataclass(frozen=True)
class FieldSpec:
    """One key of a section: the Python type(s) it accepts and what it means."""

    kinds: tuple[type, ...]
    help: str
    item_kind: type | None = None  # for lists: the type of each item; for mappings: of values
    choices: tuple[str, ...] = ()  # allowed values of a mapping's items
    bounds: tuple[float, float] | None = None  # inclusive range of a number
    pattern: re.Pattern[str] | None = None  # what a non-empty string must fully match
    key_pattern: re.Pattern[str] | None = None  # what a mapping's keys must fully match
    pattern_help: str = ""  # what the pattern means, for the error
    values: tuple[str, ...] = ()  # the values a string may take


def key(default: Any, help: str, **checks: Any) -> Any:
    """A policy key, declared once: its default, what it means, and the checks of
    ``FieldSpec`` beyond its type (which comes from the annotation)."""
    return field(default=default, metadata={"help": help, **checks})


_LEVELS = ("error", "warning", "off")
_SHA_HELP = "a full commit sha (40 or 64 lowercase hex digits)"


@dataclass(frozen=True)
class SecretsPolicy:
    baseline: str = key(".secrets.baseline", "path of the detect-secrets baseline")
    max_file_size: int = key(
        5 * 1024 * 1024, "bytes scanned at once; bigger files go in pieces", bounds=(1, 2**32)
    )
    exclude: tuple[str, ...] = key((), "glob patterns of paths not to scan")
    disable: tuple[str, ...] = key((), "detector ids or secret types to switch off")
    secret_files: bool = key(True, "flag .env, private key and keystore files")
    base64_limit: float = key(4.5, "entropy limit of base64 strings (0-8)", bounds=(0, 8))
    hex_limit: float = key(3.0, "entropy limit of hex strings (0-8)", bounds=(0, 8))
    severity: tuple[tuple[str, str], ...] = key(
        (), "detector id or secret type -> error | warning | off", choices=_LEVELS
    )

    def severity_of(self, detector_id: str, secret_type: str, default: str) -> str:
        levels = dict(self.severity)
        return levels.get(detector_id) or levels.get(secret_type) or default


@dataclass(frozen=True)
class ThreatModelPolicy:
    files: tuple[str, ...] = key(
        ("THREAT_MODEL.md", "docs/threat-models/*.md"), "threat-model files (globs)"
    )
    data_classes: tuple[str, ...] = key(
        ("public", "internal", "confidential", "restricted"),
        "the data classes a document may use",
    )
    sensitive_classes: tuple[str, ...] = key(
        ("confidential", "restricted"),
        "classes that must be authenticated and encrypted across boundaries",
    )
    class_map: tuple[tuple[str, str], ...] = key(
        (), "another tool's class name -> one of data_classes"
    )
    max_review_age_days: int = key(180, "days before last_reviewed is stale", bounds=(0, 36_500))
    severity: tuple[tuple[str, str], ...] = key(
        (), "rule id -> error | warning | off", choices=_LEVELS
    )
    # Assume breach: the severity of a flow carrying a class unprotected inside a boundary.
    inside_boundary: tuple[tuple[str, str], ...] = key(
        (("confidential", "warning"), ("restricted", "error")),
        "data class -> error | warning | off for a flow unprotected inside a boundary",
        choices=_LEVELS,
    )
    enforce: bool = key(True, "false while the model is a draft: findings warn, with their count")


@dataclass(frozen=True)
class SignaturesPolicy:
    identity: str = key(
        "committer",
        "whose e-mail the signer must match: committer, author, either or none",
        values=("committer", "author", "either", "none"),
    )
    trust_root: str = key(
        "",
        "full commit sha; it and its history are exempt",
        pattern=FULL_SHA,
        pattern_help="a full commit sha (40 or 64 lowercase hex digits), never a ref",
    )
    goodlist: tuple[tuple[str, str], ...] = key(
        (),
        "full commit sha -> audited reason it passes unsigned",
        key_pattern=FULL_SHA,
        pattern_help=_SHA_HELP,
    )
    # Only these committers' commits (a forge's merges and squashes) may be signed by the keys
    # in .ztgate/forge/.
    forge_committers: tuple[str, ...] = key(
        ("noreply@github.com",), "committer e-mails of the forge's merge and squash commits"
    )
    severity: tuple[tuple[str, str], ...] = key(
        (),
        "rule id -> error | warning | off (e.g. ZT301: warning while a team adopts)",
        choices=_LEVELS,
    )


@dataclass(frozen=True)
class PrPolicy:
    template: str = key(
        ".github/PULL_REQUEST_TEMPLATE.md",
        "the PR template (default .github/PULL_REQUEST_TEMPLATE.md)",
    )
    components: tuple[tuple[str, str], ...] = key(
        (), "path glob -> threat-model component; a change there names its boundaries"
    )
    min_reason_length: int = key(
        40, "characters a no-impact reason needs there", bounds=(0, 10_000)
    )
    exempt_authors: tuple[str, ...] = key((), "PR authors the gate skips (bots)")
    skip_label: str = key("ztgate-skip", "label that skips the gate (a reason is still recorded)")
    required_sections: tuple[str, ...] = key(
        (), "headings the description must fill (besides the template's `ztgate: required`)"
    )
    required_checkboxes: tuple[str, ...] = key((), "checkbox texts that must be ticked")
    severity: tuple[tuple[str, str], ...] = key(
        (), "rule id -> error | warning | off", choices=_LEVELS
    )


@dataclass(frozen=True)
class Policy:
    secrets: SecretsPolicy = field(default_factory=SecretsPolicy)
    threat_model: ThreatModelPolicy = field(default_factory=ThreatModelPolicy)
    signatures: SignaturesPolicy = field(default_factory=SignaturesPolicy)
    pr: PrPolicy = field(default_factory=PrPolicy)
    source: str | None = None  # the file it came from, None for built-in defaults


# The YAML form of each annotation: (accepted types, type of each item).
_FORMS: dict[Any, tuple[tuple[type, ...], type | None]] = {
    str: ((str,), None),
    int: ((int,), None),
    float: ((float, int), None),
    bool: ((bool,), None),
    tuple[str, ...]: ((list,), str),
    tuple[tuple[str, str], ...]: ((dict,), str),
}


def _specs(section: type) -> dict[str, FieldSpec]:
    hints = get_type_hints(section)
    specs = {}
    for item in fields(section):
        kinds, item_kind = _FORMS[hints[item.name]]
        specs[item.name] = FieldSpec(kinds, item_kind=item_kind, **item.metadata)
    return specs


_SECTION_TYPES: dict[str, type] = {
    item.name: item.default_factory  # type: ignore[misc]
    for item in fields(Policy)
    if item.name != "source"
}
SECTIONS: dict[str, dict[str, FieldSpec]] = {
    name: _specs(section) for name, section in _SECTION_TYPES.items()
}


def _line_of(mapping: Any, key: str) -> int:
    try:
        return int(mapping.lc.key(key)[0]) + 1
    except (AttributeError, KeyError, TypeError):
        return 1


def _type_name(kinds: tuple[type, ...]) -> str:
    """`a string`, `an integer or a number`: the kinds a value may be, with their articles."""
    names = {
        str: "a string",
        int: "an integer",
        float: "a number",
        bool: "true or false",
        list: "a list",
    }
    return " or ".join(names.get(k, f"a {k.__name__}") for k in kinds)


def _check_value(value: Any, spec: FieldSpec, key: str, where: str) -> Any:
    """The value as the policy dataclass holds it (a tuple for a list or a mapping), or a
    UserError naming the key, its line and what it must be."""
    _check_scalar(value, spec, key, where)
    if isinstance(value, Mapping):
        return _mapping_items(value, spec, key, where)
    if spec.item_kind is not None:
        for item in value:
            if not isinstance(item, spec.item_kind):
                raise UserError(
                    f"every item of `{key}` must be {_type_name((spec.item_kind,))}",
                    where=where,
                )
        return tuple(value)
    return value


def _check_scalar(value: Any, spec: FieldSpec, key: str, where: str) -> None:
    # bool is an int in Python; an int field must not accept `true`.
    ok = isinstance(value, spec.kinds) and not (isinstance(value, bool) and bool not in spec.kinds)
    if not ok:
        raise UserError(
            f"`{key}` must be {_type_name(spec.kinds)}, not {type(value).__name__}",
            where=where,
            fix=spec.help,
        )
    if spec.bounds is not None and not spec.bounds[0] <= value <= spec.bounds[1]:
        low, high = spec.bounds
        raise UserError(f"`{key}` must be between {low:g} and {high:g}", where=where, fix=spec.help)
    if spec.values and value not in spec.values:
        raise UserError(
            f"`{key}` must be {', '.join(spec.values[:-1])} or {spec.values[-1]}, "
            f"not `{str(value)[:80]}`",
            where=where,
        )
    if spec.pattern is not None and value and not spec.pattern.fullmatch(value):
        raise UserError(
            f"`{key}` must be {spec.pattern_help}, not `{value[:80]}`", where=where, fix=spec.help
        )


def _mapping_items(
    value: Mapping[Any, Any], spec: FieldSpec, key: str, where: str
) -> tuple[tuple[str, str], ...]:
    for item_key, item in value.items():
        if spec.key_pattern is not None and not spec.key_pattern.fullmatch(str(item_key)):
            item_where = f"{where.rsplit(':', 1)[0]}:{_line_of(value, item_key)}"
            raise UserError(
                f"`{key}` entry `{str(item_key)[:80]}` must be {spec.pattern_help}",
                where=item_where,
                fix=spec.help,
            )
        if not isinstance(item, str) or spec.choices and item not in spec.choices:
            raise UserError(
                f"`{key}.{item_key}` must be one of {', '.join(spec.choices)}",
                where=where,
            )
    return tuple((str(k), str(v)) for k, v in value.items())


def parse_policy(text: str, path: str) -> Policy:
    """Parse policy text; raise UserError naming the key and line of any mistake."""
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    yaml = YAML(typ="rt")
    try:
        document = yaml.load(text)
    except YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = f":{mark.line + 1}" if mark is not None else ""
        problem = getattr(error, "problem", None) or "not valid YAML"
        raise UserError(f"malformed YAML: {problem}", where=f"{path}{line}") from error
    if document is None:
        return Policy(source=path)
    if not isinstance(document, Mapping):
        raise UserError("the policy must be a mapping of gate sections", where=f"{path}:1")
    sections: dict[str, Any] = {}
    for section_name, body in document.items():
        where = f"{path}:{_line_of(document, section_name)}"
        schema = SECTIONS.get(section_name)
        if schema is None:
            known = ", ".join(sorted(SECTIONS))
            raise UserError(f"unknown section `{section_name}`", where=where, fix=f"known: {known}")
        if body is None:
            body = {}
        if not isinstance(body, Mapping):
            raise UserError(f"section `{section_name}` must be a mapping", where=where)
        values: dict[str, Any] = {}
        for key, value in body.items():
            key_where = f"{path}:{_line_of(body, key)}"
            spec = schema.get(key)
            if spec is None:
                known = ", ".join(sorted(schema))
                raise UserError(
                    f"unknown key `{section_name}.{key}`", where=key_where, fix=f"known: {known}"
                )
            values[key] = _check_value(value, spec, f"{section_name}.{key}", key_where)
        sections[section_name] = values
    secrets = SecretsPolicy(**sections.get("secrets", {}))
    threat_model = ThreatModelPolicy(**sections.get("threat_model", {}))
    unknown = set(threat_model.sensitive_classes) - set(threat_model.data_classes)
    mapped = {target for _, target in threat_model.class_map} - set(threat_model.data_classes)
    mapped |= {name for name, _ in threat_model.inside_boundary} - set(threat_model.data_classes)
    if unknown or mapped:
        raise UserError(
            "`threat_model` names classes not in `data_classes`: "
            + ", ".join(sorted(unknown | mapped)),
            where=path,
        )
    signatures = SignaturesPolicy(**sections.get("signatures", {}))
    for sha, reason in signatures.goodlist:
        if not FULL_SHA.fullmatch(sha) or not reason.strip():
            raise UserError(
                f"goodlist entry `{sha}` needs a full commit sha and a reason", where=path
            )
    pr = PrPolicy(**sections.get("pr", {}))
    return Policy(
        secrets=secrets, threat_model=threat_model, signatures=signatures, pr=pr, source=path
    )


def load_policy(root: Path, explicit: str | None = None) -> Policy:
    """Read ``explicit`` or ``<root>/.ztgate.yaml``; defaults when the default file is absent."""
    path = Path(explicit) if explicit else root / POLICY_FILE
    if not path.exists():
        if explicit:
            raise UserError("policy file not found", where=explicit)
        return Policy()
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise UserError(f"cannot read policy: {error}", where=str(path)) from error
    return parse_policy(text, explicit or POLICY_FILE)
