"""`ztgate secrets --list-detectors`: what the gate looks for, from the detectors' own records."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ztgate.secrets.detectors import Detector

OURS, DS_SOURCE = "ztgate", "detect-secrets"
DS_DOCS = "https://github.com/Yelp/detect-secrets"


@dataclass(frozen=True)
class Listed:
    """One detector as listed: one of ours (its record), or a detect-secrets plugin."""

    id: str
    secret_type: str
    category: str
    severity: str
    keywords: tuple[str, ...]
    docs: str
    source: str  # OURS or DS_SOURCE
    context_only: bool = False
    examples: tuple[str, ...] = ()  # templates (tests/fakes.fill), never a filled-in key
    negatives: tuple[str, ...] = ()


@dataclass(frozen=True)
class Listing:
    detectors: tuple[Listed, ...]

    @property
    def ours(self) -> tuple[Listed, ...]:
        return tuple(d for d in self.detectors if d.source == OURS)

    @property
    def plugins(self) -> tuple[Listed, ...]:
        return tuple(d for d in self.detectors if d.source == DS_SOURCE)

    @property
    def credential_types(self) -> int:
        """How many credential types our detectors tell apart (some take two detectors)."""
        return len({d.secret_type for d in self.ours})

    @property
    def summary(self) -> str:
        return (
            f"{len(self.ours)} detectors of our own, for {self.credential_types} credential "
            f"types, and detect-secrets' {len(self.plugins)} plugins"
        )


def listing(detectors: Sequence[Detector], plugins: Sequence[tuple[str, str]]) -> Listing:
    """Our ``detectors`` in catalog order, then detect-secrets' ``plugins`` (name, type)."""
    ours = (
        Listed(
            d.id,
            d.secret_type,
            d.category,
            d.severity,
            d.keywords,
            d.docs,
            OURS,
            d.context_only,
            d.examples,
            d.negatives,
        )
        for d in detectors
    )
    theirs = (
        Listed(name, secret_type, DS_SOURCE, "error", (), DS_DOCS, DS_SOURCE)
        for name, secret_type in plugins
    )
    return Listing((*ours, *theirs))


def detect_secrets_plugins(names: Sequence[str]) -> tuple[tuple[str, str], ...]:
    """The plugins named (the ones the gate runs), each with its secret type."""
    from detect_secrets.core.plugins.util import get_mapping_from_secret_type_to_class

    mapping: dict[str, type] = get_mapping_from_secret_type_to_class()
    types = {plugin.__name__: kind for kind, plugin in mapping.items()}
    return tuple((name, types.get(name, name)) for name in names)


def render_text(found: Listing) -> str:
    """One aligned line per detector (id, type, category, severity, keywords, docs), then the
    counts."""
    rows = [
        (
            d.id,
            d.secret_type,
            d.category,
            d.severity,
            ",".join(d.keywords) or "-",
            d.docs or "-",
        )
        for d in found.detectors
    ]
    header = ("id", "type", "category", "severity", "keywords", "docs")
    widths = [max(len(row[i]) for row in (header, *rows)) for i in range(len(header) - 1)]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row[:-1], widths, strict=True))
        + "  "
        + row[-1]
        for row in (header, *rows)
    ]
    return "\n".join([*lines, found.summary]) + "\n"


def render_json(found: Listing) -> str:
    """Every field, examples and near misses as templates (`{a36}`: 36 random base62)."""
    document = {
        "detectors": [
            {
                "id": d.id,
                "type": d.secret_type,
                "category": d.category,
                "severity": d.severity,
                "keywords": list(d.keywords),
                "docs": d.docs,
                "source": d.source,
                "context_only": d.context_only,
                "examples": list(d.examples),
                "negatives": list(d.negatives),
            }
            for d in found.detectors
        ],
        "summary": {
            "detectors": len(found.ours),
            "credential_types": found.credential_types,
            "detect_secrets_plugins": len(found.plugins),
            "text": found.summary,
        },
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


RENDERERS: dict[str, Callable[[Listing], str]] = {"text": render_text, "json": render_json}
