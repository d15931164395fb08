"""`ztgate threat-model export FILE`: the model's meaning as JSON, for policy engines (OPA,
conftest) and other tools; the JSON Schema it follows ships in the package (schemas/)."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

from ztgate import gitio, runner
from ztgate.errors import UserError
from ztgate.masking import mask_secrets
from ztgate.report import write_report
from ztgate.threat_model.documents import read_document, settings_from
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
    meaning_of,
)
from ztgate.threat_model.parse import parse
from ztgate.threat_model.rules import Settings
from ztgate.trusted import Trusted

SCHEMA_ID = "https://github.com/ztgate/ztgate/schemas/threat-model/v1"
SCHEMA_VERSION = 1
SCHEMA_FILE = "threat-model.v1.schema.json"


def schema_text() -> str:
    """The JSON Schema of the export, as the installed package ships it."""
    packaged = resources.files("ztgate").joinpath("schemas", SCHEMA_FILE)
    if not packaged.is_file():  # pragma: no cover - the wheel test holds the package to it
        raise UserError(f"ztgate's schema {SCHEMA_FILE} is missing from this installation")
    return packaged.read_text(encoding="utf-8")


def _date(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _protection(protection: Protection) -> dict[str, Any]:
    return {"text": protection.text, "class": protection.meaning, "words": list(protection.words)}


def boundary_json(item: Boundary) -> dict[str, Any]:
    return {
        "id": item.id,
        "name": item.name,
        "inside": list(item.inside),
        "outside": list(item.outside),
    }


def component_json(item: Component) -> dict[str, Any]:
    return {
        "id": item.id or None,
        "name": item.name,
        "kind": item.kind or None,
        "kind_stated": item.kind_stated,
        "boundaries": list(item.boundaries),
    }


def data_class_json(item: DataClass) -> dict[str, Any]:
    return {"name": item.name, "level": item.level, "sensitive": item.sensitive}


def flow_json(item: Flow) -> dict[str, Any]:
    return {
        "id": item.id,
        "source": item.source,
        "target": item.target,
        "data": list(item.data),
        "classes": list(item.classes),
        "protocol": item.protocol,
        "authentication": _protection(item.authentication),
        "encryption": _protection(item.encryption),
        "crossings": {
            "declared": list(item.declared_crossings),
            "derived": None if item.derived_crossings is None else list(item.derived_crossings),
            "all": list(item.crossings),
        },
    }


def entry_point_json(item: EntryPoint) -> dict[str, Any]:
    return {
        "id": item.id,
        "name": item.name,
        "exposed_to": item.exposed_to,
        "data": list(item.data),
        "classes": list(item.classes),
    }


def threat_json(item: Threat) -> dict[str, Any]:
    return {
        "id": item.id,
        "title": item.title,
        "stride": list(item.stride),
        "targets": list(item.targets),
        "status": item.status,
        "effective_status": item.effective_status,
        "controls": list(item.controls),
    }


def control_json(item: Control) -> dict[str, Any]:
    return {
        "id": item.id,
        "name": item.name,
        "threats": list(item.threats),
        "status": item.status,
        "evidence": {"references": list(item.references), "paths": list(item.paths)},
        "families": list(item.families),
    }


def accepted_risk_json(item: AcceptedRisk) -> dict[str, Any]:
    return {
        "threats": list(item.threats),
        "reason": item.reason,
        "owner": item.owner,
        "expires": _date(item.expires),
    }


def masked(value: Any) -> Any:
    """Every string in a JSON value through mask_secrets: a document can quote a credential."""
    if isinstance(value, str):
        return mask_secrets(value)
    if isinstance(value, list):
        return [masked(item) for item in value]
    if isinstance(value, dict):
        return {key: masked(item) for key, item in value.items()}
    return value


def document(meaning: Meaning) -> dict[str, Any]:
    """The export of one model, as the schema describes it."""
    exported: dict[str, Any] = masked(
        {
            "schema": SCHEMA_ID,
            "version": SCHEMA_VERSION,
            "path": meaning.path,
            "system": meaning.system,
            "owner": meaning.owner,
            "last_reviewed": _date(meaning.last_reviewed),
            "boundaries": [boundary_json(item) for item in meaning.boundaries],
            "components": [component_json(item) for item in meaning.components],
            "data_classes": [data_class_json(item) for item in meaning.data_classes],
            "flows": [flow_json(item) for item in meaning.flows],
            "entry_points": [entry_point_json(item) for item in meaning.entry_points],
            "threats": [threat_json(item) for item in meaning.threats],
            "controls": [control_json(item) for item in meaning.controls],
            "accepted_risks": [accepted_risk_json(item) for item in meaning.accepted_risks],
            "notes": list(meaning.notes),
        }
    )
    return exported


def settings_of(source: Trusted, explicit: str | None) -> Settings:
    return settings_from(source.policy(explicit).threat_model)


def read_meaning(text: str | None, where: str, path: str, settings: Settings) -> Meaning:
    """The meaning of a document's text; fails closed on unreadable or malformed input."""
    if text is None:
        raise UserError("no such file", where=where, fix="give the threat model's path")
    if "\0" in text[:8192]:
        raise UserError("binary file, not markdown", where=where)
    # Parsed under ``where`` so an error names the commit (`<sha12>:path:line`).
    return replace(meaning_of(parse(text, where), settings), path=path)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="ztgate threat-model export",
        description="Write a threat model's meaning (boundaries, components, flows and their "
        "protection, threats, controls, accepted risks) as JSON following ztgate's "
        f"versioned schema ({SCHEMA_ID}).",
    )
    parser.add_argument("file", nargs="?", help="the threat-model document")
    parser.add_argument("--output", metavar="PATH", help="write the JSON to PATH")
    parser.add_argument(
        "--policy", metavar="FILE", help="policy for class_map and sensitive classes"
    )
    parser.add_argument(
        "--schema", action="store_true", help="print the JSON Schema instead, and exit"
    )
    parser.add_argument("--debug", action="store_true")
    args = parser.parse_args(argv)

    def run() -> int:
        if args.schema:
            rendered = schema_text()
        else:
            if not args.file:
                raise UserError("export needs FILE", fix="`ztgate threat-model export FILE`")
            text, unreadable = read_document(Path(args.file))
            if text is None:
                raise UserError(unreadable or "unreadable", where=args.file)
            settings = settings_of(Trusted.work_tree(gitio.find_root()), args.policy)
            meaning = read_meaning(text, args.file, args.file, settings)
            rendered = json.dumps(document(meaning), indent=2, ensure_ascii=False) + "\n"
        if args.output:
            write_report(args.output, rendered)
        else:
            sys.stdout.write(rendered)
        return runner.EXIT_CLEAN

    return runner.guarded(run, args.debug)


if __name__ == "__main__":
    sys.exit(main())
