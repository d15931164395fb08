"""The threat-model documents: which they are, how one is read (failing closed), and what the
policy says the rules judge them by."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ztgate.policy import ThreatModelPolicy
from ztgate.threat_model.rules import Settings
from ztgate.trusted import Trusted


def documents(root: Path, policy: ThreatModelPolicy, explicit: Sequence[str]) -> list[str]:
    """The documents named on the command line, else the work tree's files the policy names."""
    if explicit:
        return list(explicit)
    return Trusted.work_tree(root).files_matching(policy.files)


def read_document(path: Path) -> tuple[str | None, str | None]:
    """The document's text, or why it cannot be read (binary, not UTF-8, missing)."""
    try:
        data = path.read_bytes()
    except OSError as error:
        return None, f"cannot read the file ({error.strerror})"
    if b"\0" in data[:8192]:
        return None, "binary file, not markdown"
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as error:
        return None, f"not UTF-8 (byte {error.start})"


def settings_from(policy: ThreatModelPolicy) -> Settings:
    """The rules' settings from the policy's `threat_model` section, names lowercased."""
    return Settings(
        data_classes=tuple(c.lower() for c in policy.data_classes),
        sensitive_classes=tuple(c.lower() for c in policy.sensitive_classes),
        class_map=tuple((k.lower(), v.lower()) for k, v in policy.class_map),
        max_review_age_days=policy.max_review_age_days,
        inside_boundary=tuple((k.lower(), v) for k, v in policy.inside_boundary),
    )
