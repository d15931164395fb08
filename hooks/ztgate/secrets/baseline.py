"""detect-secrets' baseline format (`.secrets.baseline`), read and written compatibly.

A finding's identity is (path, hashed secret, type), never its line: moving code does not
change the baseline, and a baseline whose identities did not change is never rewritten.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ztgate.errors import UserError
from ztgate.secrets import offline

Identity = tuple[str, str, str]  # (path, hashed_secret, type)

# detect-secrets reads, audits and rewrites `results`, and fails on a type it has no plugin
# for; ztgate's own types live beside it, in a section detect-secrets ignores.
OWN_RESULTS = "ztgate_results"


def hash_secret(secret: str) -> str:
    """detect-secrets' `hashed_secret`: SHA-1 of the secret. Not for security: an identity."""
    import hashlib

    return hashlib.sha1(secret.encode("utf-8"), usedforsecurity=False).hexdigest()


@dataclass(frozen=True)
class BaselineEntry:
    path: str
    hashed_secret: str
    secret_type: str
    line_number: int

    @property
    def identity(self) -> Identity:
        return (self.path, self.hashed_secret, self.secret_type)


@dataclass(frozen=True)
class Baseline:
    path: str
    document: Mapping[str, Any]  # the whole JSON, so a rewrite keeps what we do not model
    entries: tuple[BaselineEntry, ...]

    @property
    def identities(self) -> frozenset[Identity]:
        return frozenset(e.identity for e in self.entries)


def parse_baseline(text: str, display: str) -> Baseline:
    """A baseline from its JSON text; UserError naming the line if it is malformed."""
    import json

    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise UserError(
            f"malformed baseline JSON: {error.msg}",
            where=f"{display}:{error.lineno}",
            fix="restore it from git or regenerate it with `ztgate secrets --update-baseline`",
        ) from error
    results = document.get("results") if isinstance(document, dict) else None
    if not isinstance(results, dict):
        raise UserError(
            "baseline has no `results` mapping",
            where=display,
            fix="regenerate it with `ztgate secrets --update-baseline`",
        )
    ours = document.get(OWN_RESULTS, {})
    if not isinstance(ours, dict):
        raise UserError(f"baseline `{OWN_RESULTS}` must be a mapping", where=display)
    entries = []
    for filename, secrets in [*results.items(), *ours.items()]:
        if not isinstance(secrets, list):
            raise UserError(f"baseline results for `{filename}` must be a list", where=display)
        for item in secrets:
            try:
                entries.append(
                    BaselineEntry(
                        str(item.get("filename", filename)),
                        str(item["hashed_secret"]),
                        str(item["type"]),
                        int(item.get("line_number", 0)),
                    )
                )
            except (AttributeError, KeyError, TypeError, ValueError) as error:
                raise UserError(
                    f"baseline entry for `{filename}` lacks `type` or `hashed_secret`",
                    where=display,
                ) from error
    return Baseline(display, document, tuple(entries))


def _fresh_document() -> dict[str, Any]:
    offline.import_detect_secrets()
    from detect_secrets.__version__ import VERSION
    from detect_secrets.settings import default_settings

    with default_settings() as settings:
        configured = settings.json()
    return {
        "version": VERSION,
        "plugins_used": configured["plugins_used"],
        "filters_used": configured["filters_used"],
        "results": {},
    }


def detect_secrets_types() -> frozenset[str]:
    """The secret types detect-secrets has plugins for (what its audit can re-detect)."""
    offline.import_detect_secrets()
    from detect_secrets.core.plugins.util import get_mapping_from_secret_type_to_class

    return frozenset(get_mapping_from_secret_type_to_class())


def built_in_settings(document: Mapping[str, Any]) -> dict[str, Any]:
    """The baseline's plugin and filter settings, less any custom plugin or filter (a `path`
    to a file): detect-secrets would import and run that file, and a baseline is data, never
    code ztgate runs."""
    names = {cls.__name__ for cls in _plugin_classes()}
    plugins = [
        p
        for p in document.get("plugins_used", ())
        if isinstance(p, dict) and p.get("name") in names and "path" not in p
    ]
    filters = [
        f
        for f in document.get("filters_used", ())
        if isinstance(f, dict)
        and isinstance(f.get("path"), str)
        and f["path"].startswith("detect_secrets.filters.")
    ]
    kept = {"plugins_used": plugins, "filters_used": filters}
    return {key: value for key, value in kept.items() if key in document}


def _plugin_classes() -> list[Any]:
    offline.import_detect_secrets()
    from detect_secrets.core.plugins.util import get_mapping_from_secret_type_to_class

    return list(get_mapping_from_secret_type_to_class().values())


def still_found_by_detect_secrets(root: Path, existing: Baseline) -> set[Identity]:
    """The baseline's detect-secrets entries that detect-secrets itself still finds, with the
    baseline's own plugin settings: a secret that ztgate files under another type, or filters
    out, stays covered for a team that runs detect-secrets' own hook."""
    offline.import_detect_secrets()
    from detect_secrets.core.scan import scan_file
    from detect_secrets.settings import transient_settings

    known = detect_secrets_types()
    wanted = {e.identity for e in existing.entries if e.secret_type in known}
    found: set[Identity] = set()
    with transient_settings(built_in_settings(existing.document)):
        for path in sorted({identity[0] for identity in wanted}):
            if not (root / path).is_file():
                continue
            for secret in scan_file(str(root / path)):
                identity = (path, secret.secret_hash, secret.type)
                if identity in wanted:
                    found.add(identity)
    return found


def updated_document(
    existing: Baseline | None,
    current: Iterable[BaselineEntry],
    kept: Iterable[Identity] = (),
) -> dict[str, Any] | None:
    """The baseline to write for the current findings (and ``kept`` existing entries), or None
    when nothing changed.

    Entries already in the baseline are kept as they are (with their audit flags and original
    line numbers), so adding one secret changes one entry, not every line of the file. Types
    detect-secrets knows go in `results`, ztgate's own in `ztgate_results`.
    """
    current_by_identity = {e.identity: e for e in current}
    old_items: dict[Identity, dict[str, Any]] = {}
    if existing is not None:
        for section in ("results", OWN_RESULTS):
            for filename, items in existing.document.get(section, {}).items():
                for item in items:
                    identity = (
                        str(item.get("filename", filename)),
                        item["hashed_secret"],
                        item["type"],
                    )
                    old_items[identity] = item
    wanted = set(current_by_identity) | (set(kept) & set(old_items))
    if existing is not None and existing.identities == frozenset(wanted):
        return None
    document = dict(existing.document) if existing is not None else _fresh_document()
    known = detect_secrets_types()
    sections: dict[str, dict[str, list[dict[str, Any]]]] = {"results": {}, OWN_RESULTS: {}}
    for identity in sorted(wanted):
        entry = current_by_identity.get(identity)
        item = old_items.get(identity) or {
            "type": identity[2],
            "filename": identity[0],
            "hashed_secret": identity[1],
            "is_verified": False,
            "line_number": entry.line_number if entry else 0,
        }
        section = "results" if identity[2] in known else OWN_RESULTS
        sections[section].setdefault(identity[0], []).append(item)
    for results in sections.values():
        for items in results.values():
            items.sort(key=lambda i: (i.get("line_number", 0), i["hashed_secret"], i["type"]))
    document["results"] = dict(sorted(sections["results"].items()))
    if sections[OWN_RESULTS]:
        document[OWN_RESULTS] = dict(sorted(sections[OWN_RESULTS].items()))
    else:
        document.pop(OWN_RESULTS, None)
    from datetime import datetime, timezone

    document["generated_at"] = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    return document


def write_baseline(path: Path, document: Mapping[str, Any]) -> None:
    """Write atomically, formatted as detect-secrets writes it (2-space JSON, newline)."""
    import json
    import tempfile

    text = json.dumps(document, indent=2) + "\n"
    handle, temporary = tempfile.mkstemp(dir=path.parent or ".", prefix=".secrets.baseline.")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
