"""Finding, reading and judging the threat-model documents (threat_model/documents.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from ztgate.policy import ThreatModelPolicy
from ztgate.threat_model.documents import documents, read_document, settings_from

from tests.conftest import Repo


@pytest.mark.parametrize(
    ("content", "text", "why"),
    [
        ("# Model\n\ncafé\n".encode(), "# Model\n\ncafé\n", None),
        (b"", "", None),
        (b"# Model\n\x00\x01", None, "binary file, not markdown"),
        ("caf\xe9".encode("latin-1"), None, "not UTF-8 (byte 3)"),
    ],
)
def test_read_document_fails_closed(
    tmp_path: Path, content: bytes, text: str | None, why: str | None
) -> None:
    path = tmp_path / "THREAT_MODEL.md"
    path.write_bytes(content)
    assert read_document(path) == (text, why)


def test_read_document_missing_or_a_folder(tmp_path: Path) -> None:
    missing, why = read_document(tmp_path / "absent.md")
    assert missing is None and why is not None and why.startswith("cannot read the file (")
    folder, why = read_document(tmp_path)
    assert folder is None and why is not None and why.startswith("cannot read the file (")


def test_documents_are_the_named_ones_else_the_policy_files(repo: Repo) -> None:
    repo.write("THREAT_MODEL.md", "# a\n")
    repo.write("docs/threat-models/payments.md", "# b\n")
    repo.write("docs/other.md", "# c\n")
    policy = ThreatModelPolicy()
    assert sorted(documents(repo.path, policy, ())) == [
        "THREAT_MODEL.md",
        "docs/threat-models/payments.md",
    ]
    assert documents(repo.path, policy, ["docs/other.md"]) == ["docs/other.md"]
    narrow = ThreatModelPolicy(files=("docs/*.md",))
    assert documents(repo.path, narrow, ()) == ["docs/other.md"]


def test_settings_from_lowercases_the_policy_names() -> None:
    policy = ThreatModelPolicy(
        data_classes=("Public", "SECRET"),
        sensitive_classes=("Secret",),
        class_map=(("PII", "Secret"),),
        max_review_age_days=30,
        inside_boundary=(("Secret", "error"),),
    )
    settings = settings_from(policy)
    assert settings.data_classes == ("public", "secret")
    assert settings.sensitive_classes == ("secret",)
    assert settings.class_map == (("pii", "secret"),)
    assert settings.max_review_age_days == 30
    assert settings.inside_boundary == (("secret", "error"),)
