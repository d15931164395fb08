"""The templates ztgate ships (PR template, threat model), from a wheel or a checkout."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from ztgate.errors import UserError


def template_text(name: str) -> str:
    packaged = resources.files("ztgate").joinpath("templates", name)
    if packaged.is_file():
        return packaged.read_text(encoding="utf-8")
    checkout = Path(__file__).resolve().parents[2] / "templates" / name
    if checkout.is_file():
        return checkout.read_text(encoding="utf-8")
    raise UserError(f"ztgate's template {name} is missing from this installation")
