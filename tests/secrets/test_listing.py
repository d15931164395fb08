"""`ztgate secrets --list-detectors` lists every record, and the README's counts are its counts."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from ztgate.secrets import gate
from ztgate.secrets.catalog import ALL_DETECTORS
from ztgate.secrets.ds_bridge import plugin_names

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")


def listed(capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str, str]:
    code = gate.main(["--list-detectors", *extra])
    out, err = capsys.readouterr()
    return code, out, err


def as_json(capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    code, out, _ = listed(capsys, "--format", "json")
    assert code == 0
    document: dict[str, Any] = json.loads(out)
    return document


def test_readme_counts_are_the_listing_counts(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # no repository needed
    summary = as_json(capsys)["summary"]
    ours, types, plugins = (
        summary["detectors"],
        summary["credential_types"],
        summary["detect_secrets_plugins"],
    )
    assert (ours, plugins) == (len(ALL_DETECTORS), len(plugin_names()))
    assert f"`{summary['text']}`" in README, "README: update the counts from --list-detectors"
    assert f"adds detectors for {types} credential types ({ours} detectors)" in README
    assert f"**{ours} detectors of our own, for {types} credential types**" in README
    assert f"**detect-secrets' {plugins} plugins**" in README
    # No other count of detectors is left behind in the prose.
    stale = {int(n) for n in re.findall(r"(\d+) detectors", README)} - {ours}
    assert not stale, f"README mentions {sorted(stale)} detectors"


def test_json_holds_every_record_with_its_templates(capsys: pytest.CaptureFixture[str]) -> None:
    rows = {row["id"]: row for row in as_json(capsys)["detectors"]}
    for detector in ALL_DETECTORS:
        row = rows[detector.id]
        assert row["source"] == "ztgate"
        assert row["type"] == detector.secret_type
        assert row["category"] == detector.category
        assert row["severity"] == detector.severity
        assert row["keywords"] == list(detector.keywords)
        assert row["docs"] == detector.docs
        # Templates, not filled-in keys: the listing never prints a credential-shaped value.
        assert row["examples"] == list(detector.examples)
        assert row["negatives"] == list(detector.negatives)
    assert rows["google-api-key"]["severity"] == "warning"
    assert rows["generic-api-key"]["context_only"] is True
    assert rows["github-pat"]["context_only"] is False
    for name in plugin_names():
        assert rows[name]["source"] == "detect-secrets"
        assert rows[name]["category"] == "detect-secrets"
    assert rows["AWSKeyDetector"]["type"] == "AWS Access Key"


def test_text_lists_each_detector_on_a_line_and_ends_with_the_counts(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = listed(capsys)
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == ["id", "type", "category", "severity", "keywords", "docs"]
    by_id = {line.split()[0]: line for line in lines[1:-1]}
    assert len(by_id) == len(ALL_DETECTORS) + len(plugin_names())
    github = by_id["github-pat"]
    assert "GitHub" in github and " vcs " in github and "ghp_" in github
    assert github.endswith(
        "https://github.blog/engineering/platform-security/behind-githubs-new-authentication-token-formats/"
    )
    assert " warning " in by_id["google-api-key"]
    assert " detect-secrets " in by_id["KeywordDetector"]
    assert re.fullmatch(
        r"\d+ detectors of our own, for \d+ credential types, and detect-secrets' \d+ plugins",
        lines[-1],
    )


def test_listing_to_a_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    target = tmp_path / "detectors.json"
    code, out, _ = listed(capsys, "--format", "json", "--output", str(target))
    assert code == 0 and out == ""
    assert len(json.loads(target.read_text(encoding="utf-8"))["detectors"]) > len(ALL_DETECTORS)


def test_sarif_is_refused_in_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = listed(capsys, "--format", "sarif")
    assert code == 2 and out == ""
    assert err.strip().splitlines() == [
        "ztgate: error: --list-detectors prints text or json, not sarif "
        "(use `--format text` or `--format json`)"
    ]


def test_listing_is_not_a_scan_mode_to_combine(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        gate.main(["--list-detectors", "--all-files"])
    assert exited.value.code == 2
    assert "not allowed with" in capsys.readouterr().err


def test_listing_takes_no_file_names(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        gate.main(["--list-detectors", "a.py"])
    assert exited.value.code == 2
    assert "--list-detectors takes no file names" in capsys.readouterr().err


def test_an_unwritable_output_is_a_one_line_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out, err = listed(capsys, "--output", str(tmp_path / "missing" / "list.txt"))
    assert code == 2 and out == ""
    assert err.startswith("ztgate: error: ") and err.count("\n") == 1
    assert "missing/list.txt: cannot write report" in err
