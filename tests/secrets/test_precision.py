"""Precision filters: each drops the look-alikes real code holds and keeps real credentials.

Every table pairs what a filter must drop (as real repositories hold it) with credential-shaped
values it must keep: a filter that drops a real key is worse than noise.
"""

from __future__ import annotations

import base64
import gzip
import re
from pathlib import Path

import pytest
from ztgate.lazyre import LazyPattern
from ztgate.secrets import filters, gate
from ztgate.secrets.catalog import ALL_DETECTORS
from ztgate.secrets.engine import ScanOptions, scan_text_allowing

from tests import fakes
from tests.conftest import Repo
from tests.fakes import fill, github_style, pypi_token
from tests.worst_case import LINEAR, growth_ratio, scale, worst_lines

EXPLAIN = ScanOptions(detectors=ALL_DETECTORS, explain=True)


def reported(text: str, filename: str = "app.py") -> list[str]:
    return [c.detector_id for c in scan_text_allowing(text, filename, EXPLAIN).candidates]


def dropped_by(text: str, filename: str = "app.py") -> set[str]:
    return {d.drop.filter for d in scan_text_allowing(text, filename, EXPLAIN).dropped}


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


# (filter, file name, text): what real code holds, dropped by the named filter.
LOOK_ALIKES: list[tuple[str, str, str]] = [
    (
        "jwk-public-member",
        "jwks.json",
        '{"keys": [{"kty": "RSA", "kid": "{h40}", "use": "sig",\n "n": "{u342}",\n "e": "AQAB"}]}',
    ),
    ("jwk-public-member", "key.json", '{\n  "kty": "EC",\n  "crv": "P-256",\n  "x": "{u43}",\n'),
    ("integrity-hash|not-secret-key", "index.html", '<script integrity="sha384-{b64}"></script>'),
    ("integrity-hash", "lock.js", 'const hashes = ["sha512-{b86}=="];'),
    (
        "integrity-hash",
        "nginx.conf",
        "add_header Content-Security-Policy \"script-src 'sha256-{b43}='\";",
    ),
    ("encoded-content", "test_blob.py", 'BLOB = "{gzip}"'),
    ("encoded-content", "fixtures.py", 'PAYLOAD = "{prose}"'),
    ("container-id", "events.yaml", '  - "{h64}"  # io.kubernetes.cri.sandbox-id'),
    ("container-id", "README.md", "docker ps shows [<Container '{h64}'>]"),
    ("passwd-line", "setup.yaml", "files:\n  passwd: root:x:0:0:root:/root:/bin/bash"),
    ("passwd-line", "users_test.go", 'passwdLine := "nobody:x:65534:65534:nobody:/:/sbin/nologin"'),
    ("kubernetes-reference|not-secret-key", "pod.yaml", "    secretName: db-credentials-{l12}"),
    ("short-hex", "apt_key.py", 'sample: ["{H16}", "{H16}"]'),
    ("not-secret-key", "get_url.py", '    sample: "{h40}"'),
    (
        "aws-credential-scope",
        "sig.py",
        '"Authorization": "AWS4-HMAC-SHA256 '
        'Credential=AKID{U8}/20150830/us-east-1/iam/aws4_request"',
    ),
    ("code-value", "models.py", '    "secret": "V1SecretVolumeSource",'),
    ("code-value", "models.py", '    "secrets": "secrets"'),
    ("code-value", "user.py", "if self.update_password == 'always':"),
    ("code-value", "types.d.ts", "export type GenerateSecretAlgorithm = 'HS256' | 'A256GCMKW'"),
    ("code-value", "verify.js", "if (typeof secretOrPublicKey === 'function') {"),
    ("code-value", "users.json", '    "PasswordLastUsed": "2016-09-08T21:47:36Z",'),
    ("code-value", "auth.txt", "ADMIN_PASSWORD = 'pbkdf2_sha256$870000${a12}${b43}='"),
    ("ui-text", "form.js", 'const labels = { password: "Enter your password:" };'),
    ("ui-text", "form.js", "const field = { password: '#password-field' };"),
    ("ui-text", "routes.js", "const routes = { password: '/account/reset-password' };"),
    ("url-placeholder", "broker.py", 'BROKER_URL = "amqp://guest:guest@localhost:5672//"'),
    ("url-placeholder|placeholder", "README.md", "clone https://user:password@example.com/r.git"),
    ("url-placeholder", "db.py", 'DSN = "postgres://app:pw@localhost/app"'),
    ("basic-auth-placeholder", "test_sts.py", '"Authorization": "Basic {basic_placeholder}",'),
    ("too-short", "tasks.yml", "  ansible_become_password: yes2"),
    ("vendor-checksum", "ci.env", "GITHUB_TOKEN={github_bad}"),
    ("vendor-checksum", "ci.env", "NPM_TOKEN={npm_bad}"),
    ("vendor-checksum", "ci.env", "GITHUB_TOKEN=github_pat_{a30}"),
    ("pypi-macaroon", ".pypirc", "password = {pypi_bad}"),
]

# Credential-shaped values in the same places: kept.
REAL: list[tuple[str, str, str]] = [
    ("private JWK member d", "jwk.json", '{"kty": "RSA", "n": "{u342}",\n "d": "{u342}"}'),
    ("symmetric JWK k", "jwk.json", '{"kty": "oct",\n "k": "{u43}"}'),
    ("base64 of user:password", "creds.py", 'CREDS = "{basic_real}"'),
    ("base64 of a PEM key", "k8s.py", 'TLS_KEY = "{pem_b64}"'),
    ("64 hex under a secret key", "events.go", 'containerSecret := "{h64}" // docker'),
    ("digits under a password key", "db.py", 'db_password = "{d16}"'),
    ("password with digits", "form.js", 'const user = { password: "{a14}" };'),
    ("URL with a real password", "db.py", 'DSN = "postgres://app:{a18}@db.internal/app"'),
    ("Basic credentials", "client.py", '"Authorization": "Basic {basic_real}",'),
    ("valid GitHub token", "ci.env", "GITHUB_TOKEN={github}"),
    ("valid npm token", "ci.env", "NPM_TOKEN={npm}"),
    ("valid fine-grained token", "ci.env", "GITHUB_TOKEN=github_pat_{a22}_{a59}"),
    ("valid PyPI token", ".pypirc", "password = {pypi}"),
    ("random key named after a word", "settings.py", 'API_SECRET = "{a32}"'),
    ("a one-word password", "form.js", 'const user = { password: "Newcastle1987" };'),
    ("a password like a selector", "db.py", 'db_password = "#k3yW0rd9x7"'),
]


def expand(template: str) -> str:
    values = {
        "{gzip}": lambda: b64(gzip.compress(fill("{a200}").encode())),
        "{prose}": lambda: b64(b"The quick brown fox jumps over the lazy dog near the river bank."),
        "{basic_placeholder}": lambda: b64(b"username:password"),
        "{basic_real}": lambda: b64(fill("deploy:{a40}").encode()),
        "{pem_b64}": lambda: b64(
            ("-----BEGIN RSA PRIVATE KEY-----\n" + fill("{b64}") + "\n").encode()
        ),
        "{github}": lambda: github_style("ghp_"),
        "{github_bad}": lambda: github_style("ghp_", valid=False),
        "{npm}": lambda: github_style("npm_"),
        "{npm_bad}": lambda: github_style("npm_", valid=False),
        "{pypi}": lambda: pypi_token(180),
        "{pypi_bad}": lambda: "pypi-AgEIcHlwaS5vcmc" + fakes.random_body("u", 40),
    }
    # Filled first: `fill` gives vendor-shaped fakes valid checksums, and the bad ones must
    # stay bad.
    template = fill(template)
    for name, make in values.items():
        while name in template:
            template = template.replace(name, make(), 1)
    return template


@pytest.mark.parametrize(
    ("name", "filename", "template"),
    [pytest.param(*case, id=f"{case[0]}:{case[1]}") for case in LOOK_ALIKES],
)
def test_look_alike_is_dropped_by_its_filter(name: str, filename: str, template: str) -> None:
    text = expand(template) + "\n"
    assert reported(text, filename) == [], text
    assert set(name.split("|")) & dropped_by(text, filename)


@pytest.mark.parametrize(
    ("what", "filename", "template"), [pytest.param(*case, id=case[0]) for case in REAL]
)
def test_real_credential_is_kept(what: str, filename: str, template: str) -> None:
    text = expand(template) + "\n"
    assert reported(text, filename) != [], f"{what} dropped: {dropped_by(text, filename)}"


def test_checksums_decide_for_freshly_generated_tokens() -> None:
    for prefix in ("ghp_", "gho_", "ghu_", "ghs_", "ghr_", "npm_"):
        for _ in range(20):
            good, bad = github_style(prefix), github_style(prefix, valid=False)
            assert filters.github_style_token_invalid(good) is None, good[:4]
            assert filters.github_style_token_invalid(bad), bad[:4]
    # The checksum is the CRC32 of the random part only, six base62 digits, zero-padded.
    body = fakes.random_body("a", 30)
    assert len(filters.base62_checksum(body)) == 6
    assert filters.base62_checksum(body) == fakes.crc32_base62(body)
    assert filters.github_style_token_invalid("ghp_" + fakes.random_body("a", 35))
    assert filters.github_style_token_invalid("ghx_" + fakes.random_body("a", 36)) is None


def test_pypi_macaroons_are_decoded() -> None:
    for length in (100, 180, 240):
        assert filters.pypi_token_invalid(pypi_token(length)) is None
    token = pypi_token(180)
    data = bytearray(base64.urlsafe_b64decode(token[5:] + "=" * (-len(token[5:]) % 4)))
    assert filters.macaroon_v2_valid(bytes(data))
    assert not filters.macaroon_v2_valid(bytes(data[:-1]))  # signature cut short
    data[0] = 1
    assert not filters.macaroon_v2_valid(bytes(data))  # not version 2
    assert filters.pypi_token_invalid("pypi-AgEIcHlwaS5vcmc" + fakes.random_body("u", 120))
    assert filters.pypi_token_invalid("pypi-" + "!" * 40)


def test_a_secret_and_a_config_map_in_separate_yaml_documents_are_not_joined() -> None:
    value = fill("{a24}")
    apart = f"kind: ConfigMap\ndata:\n  JAVA_HOME: {value}\n---\nkind: Secret\nmetadata: {{}}\n"
    together = f"kind: ConfigMap\n---\ndata:\n  api_key: {value}\nkind: Secret\n"
    assert "yaml-documents" in dropped_by(apart, "deploy.yaml")
    assert not any(r.startswith("kubernetes-secret") for r in reported(apart, "deploy.yaml"))
    assert any(r.startswith("kubernetes-secret") for r in reported(together, "deploy.yaml"))


def test_numeric_ids_unless_named_as_secrets() -> None:
    digits = fill("{d16}")
    assert filters.numeric_id(digits, f'TWITCH_CHANNEL = "{digits}"', 19)
    assert filters.numeric_id(digits, f'PIN_SECRET = "{digits}"', 15) is None
    assert filters.numeric_id(fill("{a16}"), "x", 1) is None


@pytest.mark.parametrize(
    "value",
    ["V1SecretProjection", "V1AWSElasticBlockStoreVolumeSource", "PersistentVolumeClaimSpec"],
)
def test_class_names_are_not_secrets(value: str) -> None:
    assert filters.class_name(value)


def test_random_values_are_not_class_names() -> None:
    assert not any(filters.class_name(fill("{a24}")) for _ in range(2000))
    assert filters.class_name("SuperSecret") is None  # two parts: could be a password


@pytest.mark.parametrize(
    ("path", "lowered"),
    [
        ("tests/data/service_account.json", True),
        ("pkg/server/server_test.go", True),
        ("src/__tests__/login.spec.ts", True),
        ("docs/ref/settings.txt", True),
        ("test_client.py", True),
        ("README.md", True),
        ("config/.env.example", True),
        ("settings.sample.py", True),
        ("static/app.min.js", True),
        ("vendor/github.com/x/y/z.go", True),
        ("package-lock.json", True),
        ("example.txt", False),
        ("src/examples_runner.py", False),
        ("src/settings.py", False),
        ("contest/app.py", False),
        ("latest/config.yml", False),
    ],
)
def test_fixture_paths(path: str, lowered: bool) -> None:
    assert bool(filters.fixture_path(path)) == lowered


def test_fixture_path_warns_for_generic_findings_and_blocks_vendor_tokens(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.write("tests/test_login.py", fill('api_secret = "{a32}"\n'))
    repo.commit("test data")
    assert gate.main(["--all-files"]) == 0
    out = capsys.readouterr().out
    assert "warning" in out and "test file" in out or "test fixture path" in out
    repo.write("tests/test_ci.py", f'TOKEN = "{github_style("ghp_")}"\n')
    repo.commit("a real-looking token in a test")
    assert gate.main(["--all-files"]) == 1


def test_the_policy_can_block_a_kind_in_fixture_paths_again(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.write(".ztgate.yaml", "secrets:\n  severity:\n    generic-api-key: error\n")
    repo.write("tests/test_login.py", fill('api_secret = "{a32}"\n'))
    repo.commit("test data, strict policy")
    assert gate.main(["--all-files", "--format", "json"]) == 1
    assert '"lowered"' not in capsys.readouterr().out
    repo.write(".ztgate.yaml", "secrets: {}\n")
    repo.commit("default policy")
    assert gate.main(["--all-files", "--format", "json"]) == 0
    assert '"lowered": "test fixture path"' in capsys.readouterr().out


def test_explain_names_the_filter_of_each_dropped_candidate(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = github_style("ghp_", valid=False)
    repo.write(
        "app.py",
        f'token = "{bad}"\nBROKER = "amqp://guest:guest@localhost//"\npassword = "Password"\n',
    )
    repo.commit("look-alikes")
    assert gate.main(["--all-files", "--explain"]) == 0
    out = capsys.readouterr().out
    assert bad not in out  # masked, never echoed
    for name in ("vendor-checksum", "url-placeholder", "placeholder"):
        assert f"`{name}`" in out
    assert re.search(r"app\.py:1: github-pat ghp_…\(40 chars\) dropped by `vendor-checksum`", out)
    # Without --explain nothing about dropped candidates is printed.
    assert gate.main(["--all-files"]) == 0
    assert "dropped by" not in capsys.readouterr().out


def test_explain_goes_to_stderr_with_a_machine_format(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.write("app.py", 'password = "Password"\n')
    repo.commit("label")
    assert gate.main(["--all-files", "--explain", "--format", "json"]) == 0
    captured = capsys.readouterr()
    assert "dropped by `placeholder`" in captured.err
    assert "dropped by" not in captured.out


# The filters' patterns that see unbounded input (a whole line, a value of any length), each on
# its worst inputs: linear (4x the input, ~4x the time; quadratic would be ~16x). The others
# (selectors, routes, labels, JWK key names) only see a bounded window or a short value.
PATTERNS = [
    filters._PASSWD_LINE,
    filters._TYPE_ANNOTATION,
    filters._URL_USERINFO,
    filters._PASSWORD_HASH,
    filters._BASE64_BODY,
    filters._CREDENTIAL_TEXT,
]


@pytest.mark.parametrize("pattern", PATTERNS, ids=lambda p: p.pattern[:30])
def test_filter_patterns_are_linear(pattern: LazyPattern) -> None:
    # As the filters apply them: anchored patterns matched at the start, others searched.
    apply = pattern.match if pattern.pattern.startswith("^") else pattern.search
    # 4,000 characters grown 8x: quadratic work shows as ~64x, clear of any noise. A pattern
    # of many alternatives has hundreds of worst lines: an even sample of 16 of them, each
    # measurement costing about half a second whatever the size.
    lines = [line for _, line in worst_lines(pattern.pattern, pattern.flags, size=4_000)]
    for line in lines[:: max(1, -(-len(lines) // 16))]:
        unit = line[:50]
        # A match found at once takes microseconds, where a loaded machine's noise shows:
        # measured again before it counts as super-linear.
        ratio = growth_ratio(apply, lambda n, unit=unit: scale(unit, n), 4_000)
        if ratio >= LINEAR:
            ratio = growth_ratio(apply, lambda n, unit=unit: scale(unit, n), 4_000)
        assert ratio < LINEAR, (unit, ratio)


@pytest.mark.parametrize(
    "unit",
    ["#password-field .a", "/reset-password", "password: Enter your ", "root:x:0:0:", "Basic "],
)
def test_filters_on_long_lines_are_linear(unit: str) -> None:
    def measure() -> float:
        return growth_ratio(
            lambda text: scan_text_allowing(text, "app.py", EXPLAIN),
            lambda n: 'password = "' + scale(unit, n) + '"',
            2000,
        )

    # Measured again before it counts: a shared machine's load alone can slow one measure;
    # quadratic work is ~64x every time.
    ratio = measure()
    if ratio >= LINEAR:
        ratio = min(ratio, measure())
    assert ratio < LINEAR, ratio


@pytest.mark.parametrize(
    ("name", "filename", "template"),
    [pytest.param(*case, id=f"{case[0]}:{case[1]}") for case in LOOK_ALIKES + REAL],
)
def test_every_detect_secrets_finding_is_reported_or_dropped_by_name(
    name: str, filename: str, template: str, tmp_path: Path
) -> None:
    from detect_secrets.core.secrets_collection import SecretsCollection
    from detect_secrets.settings import default_settings

    text = expand(template) + "\n"
    path = tmp_path / filename
    path.write_text(text, encoding="utf-8")
    with default_settings():
        theirs = SecretsCollection()
        theirs.scan_file(str(path))
    scanned = scan_text_allowing(text, filename, EXPLAIN)
    ours = {
        (c.line, c.secret)
        for candidate in scanned.candidates
        for c in (candidate, *candidate.merged)
    }
    named = {(d.candidate.line, d.candidate.secret) for d in scanned.dropped}
    for _, secret in theirs:
        place = (secret.line_number, secret.secret_value)
        assert place in ours or place in named, (secret.type, secret.line_number)


def test_explain_in_a_commit_range_names_the_commit(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    base = repo.commit("base")
    repo.write("ci.env", f"GITHUB_TOKEN={github_style('ghp_', valid=False)}\n")
    added = repo.commit("a token GitHub never issued")
    assert gate.main(["--range", f"{base}..{added}", "--explain"]) == 0
    out = capsys.readouterr().out
    assert f"ci.env:1 (commit {added[:12]}): github-pat" in out
    assert "dropped by `vendor-checksum`" in out
