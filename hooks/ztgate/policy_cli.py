"""`ztgate policy`: check the policy file, or print its JSON Schema for editors."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import Any

from ztgate import gitio, runner
from ztgate.policy import POLICY_FILE, SECTIONS, FieldSpec, load_policy

SCHEMA_ID = "https://ztgate.invalid/schemas/policy.v1.json"


def _value_schema(spec: FieldSpec) -> dict[str, Any]:
    if dict in spec.kinds:
        items: dict[str, Any] = {"type": "string"}
        if spec.choices:
            items["enum"] = list(spec.choices)
        mapping: dict[str, Any] = {"type": "object", "additionalProperties": items}
        if spec.key_pattern is not None:
            mapping["propertyNames"] = {"pattern": f"^(?:{spec.key_pattern.pattern})$"}
        return mapping
    if list in spec.kinds:
        return {"type": "array", "items": {"type": "string"}}
    kind = spec.kinds[0]
    schema: dict[str, Any] = {
        str: {"type": "string"},
        int: {"type": "integer"},
        float: {"type": "number"},
        bool: {"type": "boolean"},
    }[kind]
    if spec.values:
        schema["enum"] = list(spec.values)
    if spec.pattern is not None:
        schema["pattern"] = f"^(?:|{spec.pattern.pattern})$"
    if spec.bounds is not None:
        schema["minimum"], schema["maximum"] = spec.bounds
    return schema


def policy_schema() -> dict[str, Any]:
    """The JSON Schema of `.ztgate.yaml`, from the one declaration in `ztgate.policy`."""
    sections = {
        name: {
            "type": ["object", "null"],
            "additionalProperties": False,
            "properties": {
                key: {**_value_schema(spec), "description": spec.help}
                for key, spec in specs.items()
            },
        }
        for name, specs in SECTIONS.items()
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": f"ztgate policy ({POLICY_FILE})",
        "type": ["object", "null"],
        "additionalProperties": False,
        "properties": sections,
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="ztgate policy",
        description=f"Check {POLICY_FILE} (or --policy FILE) and print what it sets; --schema "
        "prints its JSON Schema (editors: `# yaml-language-server: $schema=FILE`).",
    )
    parser.add_argument("--schema", action="store_true", help="print the JSON Schema")
    parser.add_argument("--policy", metavar="FILE", help=f"policy file (default: {POLICY_FILE})")
    parser.add_argument("--debug", action="store_true")
    args = parser.parse_args(argv)

    def run() -> int:
        if args.schema:
            sys.stdout.write(json.dumps(policy_schema(), indent=2) + "\n")
            return 0
        policy = load_policy(gitio.find_root(), args.policy)
        print(f"{policy.source or 'built-in defaults'}: valid")
        return 0

    return runner.guarded(run, args.debug)


if __name__ == "__main__":
    sys.exit(main())
