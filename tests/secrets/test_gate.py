"""The secrets gate end to end: files, formats, secret files, bad input, exit codes."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from ztgate.secrets import gate

from tests.conftest import Repo
from tests.fakes import aws_key_id, fill


def leak(key: str | None = None) -> str:
    return f'AWS_ACCESS_KEY_ID = "{key or aws_key_id()}"\n'


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = gate.main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_clean_file_passes(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.write("app.py", "import os\n\nprint('hello')\n")
    code, out, _ = run(capsys, "app.py")
    assert code == 0
    assert "passed" in out


def test_key_is_reported_masked_with_location_and_hash(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    key = aws_key_id()
    repo.write("settings.py", "x = 1\n" + leak(key))
    code, out, _ = run(capsys, "settings.py")
    assert code == 1
    assert "settings.py:2:22: ZT101 AWS Access Key AKIA…(20 chars)" in out
    assert "hashed_secret " in out
    assert key not in out
    assert key[4:] not in out


@pytest.mark.parametrize("output_format", ["json", "sarif"])
def test_machine_formats_never_hold_the_secret(
    repo: Repo, capsys: pytest.CaptureFixture[str], output_format: str
) -> None:
    key = aws_key_id()
    repo.write("settings.py", leak(key))
    code, out, _ = run(capsys, "--format", output_format, "settings.py")
    assert code == 1
    assert key not in out
    document = json.loads(out)
    if output_format == "json":
        finding = document["findings"][0]
        assert (finding["path"], finding["line"], finding["rule"]) == ("settings.py", 1, "ZT101")
        assert finding["properties"]["masked_secret"].startswith("AKIA…")
    else:
        run_ = document["runs"][0]
        assert document["version"] == "2.1.0"
        rule_ids = {r["id"] for r in run_["tool"]["driver"]["rules"]}
        assert {"ZT101", "ZT102", "ZT103"} <= rule_ids
        assert all(r["help"]["text"] for r in run_["tool"]["driver"]["rules"])
        result = run_["results"][0]
        assert result["ruleId"] == "ZT101"
        location = result["locations"][0]["physicalLocation"]
        assert location["artifactLocation"]["uri"] == "settings.py"
        assert location["region"]["startLine"] == 1
        assert result["partialFingerprints"]["ztgateFingerprint/v1"]


def test_output_file(repo: Repo, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    repo.write("settings.py", leak())
    report = tmp_path / "report.sarif"
    code, out, _ = run(capsys, "--format", "sarif", "--output", str(report), "settings.py")
    assert code == 1
    assert json.loads(report.read_text())["runs"][0]["results"]
    assert "FAILED" in out  # the verdict still reaches the terminal


def test_pragma_allowlist(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.write(
        "a.py",
        leak().rstrip("\n")
        + "  # pragma: allowlist secret\n"
        + "# pragma: allowlist nextline secret\n"
        + leak(),
    )
    repo.write("b.py", leak())
    code, out, _ = run(capsys, "a.py", "b.py")
    # Exactly the commented line and the one after the nextline comment are allowed.
    assert code == 1, out
    assert "b.py:1:22: ZT101" in out and "a.py:" not in out
    assert "note: 2 finding(s) allowed by inline comments" in out


def test_a_pragma_allows_its_own_line_only(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.write(
        "a.py",
        leak().rstrip("\n") + "  # pragma: allowlist secret\n" + "x = 1\n" + leak() + leak(),
    )
    code, out, _ = run(capsys, "a.py")
    assert code == 1, out
    assert "a.py:1:" not in out and "a.py:3:22: ZT101" in out and "a.py:4:22: ZT101" in out
    assert "1 finding(s) allowed by inline comments" in out


@pytest.mark.parametrize(
    "name, content, expected",
    [
        (".env", "DEBUG=1\n", 1),
        ("config/.env.production", "DEBUG=1\n", 1),
        (".env.example", "DEBUG=1\n", 0),
        ("id_rsa", "not even a key\n", 1),
        ("id_rsa.pub", "ssh-ed25519 AAAA user\n", 0),
        ("keystore.p12", b"\x30\x82\x01\x00\x00binary", 1),
        ("release.jks", b"\xfe\xed\xfe\xed\x00", 1),
        ("vault.kdbx", b"\x03\xd9\xa2\x9a\x00", 1),
        ("cert.pem", "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n", 0),
        (".aws/credentials", "[default]\nregion = eu-west-1\n", 1),
        ("docs/credentials", "how to get credentials\n", 0),
    ],
)
def test_secret_files(
    repo: Repo, capsys: pytest.CaptureFixture[str], name: str, content: str | bytes, expected: int
) -> None:
    repo.write(name, content)
    code, out, _ = run(capsys, name)
    assert code == expected, out
    if expected:
        assert "ZT102" in out


def test_pem_holding_a_private_key_is_a_secret_file(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    marker = "PRIVATE" + " KEY-----"
    repo.write("server.pem", fill(f"-----BEGIN {marker}\n{{b64}}\n{{b64}}\n-----END {marker}\n"))
    code, out, _ = run(capsys, "server.pem")
    assert code == 1
    assert "ZT102" in out and "ZT101" in out


def test_bad_input_is_handled(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.write("binary.bin", b"\x00\x01\x02" + leak().encode())
    repo.write("latin1.py", leak().encode("utf-8") + b"caf\xe9\n")
    repo.write("we ird\nname é.py", leak())
    os.symlink("latin1.py", repo.path / "link.py")
    repo.write("gone.py", "x = 1\n")
    repo.commit("tracked, then deleted in the work tree", "gone.py")
    (repo.path / "gone.py").unlink()
    code, out, _ = run(capsys, "binary.bin", "latin1.py", "we ird\nname é.py", "link.py", "gone.py")
    assert code == 1
    assert "latin1.py:1" in out
    assert "name é.py:1" in out
    assert "binary.bin:1:25: ZT101" in out  # a binary's printable strings are scanned
    assert out.count("skipped") == 1  # the symlink only; gone.py was deleted
    assert "skipped 1 file(s), symlink (not followed): link.py" in out


def test_all_files_scans_tracked_files_only(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.write("tracked.py", leak())
    repo.commit("add")
    repo.write("untracked.py", leak())
    code, out, _ = run(capsys, "--all-files")
    assert code == 1
    assert "tracked.py:1" in out and "untracked.py" not in out


def test_policy_disables_and_downgrades(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.write("a.py", leak())
    repo.write(".ztgate.yaml", "secrets:\n  severity:\n    aws-access-key-id: warning\n")
    code, out, _ = run(capsys, "a.py")
    assert code == 0 and "1 warning(s)" in out
    assert "a.py:1:22: ZT101 warning: AWS Access Key" in out
    repo.write(".ztgate.yaml", "secrets:\n  severity:\n    AWS Access Key: 'off'\n")
    code, out, _ = run(capsys, "a.py")
    # `off` drops the finding altogether: not shown, not counted, no warning.
    assert code == 0 and "a.py:1" not in out and "ZT101" not in out
    assert "passed: 0 error(s), 0 warning(s) in 0 file(s); 1 file(s) scanned" in out
    # Only the detector named is off: another secret in the same file still blocks.
    repo.write("a.py", leak() + fill('token = "ghp_{a36}"\n'))
    code, out, _ = run(capsys, "a.py")
    assert code == 1 and "a.py:2:" in out and "a.py:1:" not in out, out


def test_google_api_keys_warn_by_default(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.write("maps.js", fill('const key = "AIza{u35}";\n'))
    code, out, _ = run(capsys, "maps.js")
    assert code == 0 and "1 warning(s)" in out


@pytest.mark.parametrize(
    "policy, message",
    [
        ("secrets:\n  baselin: x\n", ".ztgate.yaml:2: unknown key `secrets.baselin`"),
        ("secrets:\n  max_file_size: big\n", ".ztgate.yaml:2: `secrets.max_file_size` must be"),
        ("secret:\n  x: 1\n", ".ztgate.yaml:1: unknown section `secret`"),
        ("secrets: [\n", ".ztgate.yaml:2: malformed YAML"),
        ("secrets:\n  severity:\n    jwt: loud\n", "`secrets.severity.jwt` must be one of"),
    ],
)
def test_policy_errors_name_key_and_line(
    repo: Repo, capsys: pytest.CaptureFixture[str], policy: str, message: str
) -> None:
    repo.write(".ztgate.yaml", policy)
    repo.write("a.py", "x = 1\n")
    code, _, err = run(capsys, "a.py")
    assert code == 2
    assert message in err
    assert len(err.strip().splitlines()) == 1


def test_internal_error_blocks_without_traceback(
    repo: Repo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def explode(*_: object, **__: object) -> None:
        raise RuntimeError("boom with secret-looking text")

    monkeypatch.setattr("ztgate.secrets.gate.scan_files", explode)
    repo.write("a.py", "x = 1\n")
    code, _, err = run(capsys, "a.py")
    assert code == 2
    assert "internal error: RuntimeError" in err and "Traceback" not in err
    assert "secret-looking" not in err
    code, _, err = run(capsys, "--debug", "a.py")
    assert code == 2 and "Traceback" in err


def test_excluded_paths(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.write(".ztgate.yaml", "secrets:\n  exclude: ['fixtures/*', 'local_*.py']\n")
    names = (
        "fixtures/key.py",
        "fixtures/deep/key.py",
        "fixtures.py",
        "other/fixtures/k.py",
        "app/local_settings.py",
        "app/settings.py",
    )
    for name in names:
        repo.write(name, leak())
    code, out, _ = run(capsys, "fixtures/key.py")
    assert code == 0 and "skipped 1 file(s), excluded by policy: fixtures/key.py" in out
    code, out, _ = run(capsys, *names)
    # A glob matches the whole path from the repository's root (`*` crosses `/`) or the
    # file's name alone.
    assert code == 1, out
    assert "fixtures.py:1:22: ZT101" in out and "other/fixtures/k.py:1:22: ZT101" in out
    assert "app/settings.py:1:22: ZT101" in out
    assert "excluded by policy: fixtures/key.py, fixtures/deep/key.py, app/local_settings.py" in out
    assert "3 error(s)" in out
