"""No gate prints a credential: every gate, every format, inputs laced with fake tokens."""

from __future__ import annotations

import json
import random
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from ztgate.errors import UserError
from ztgate.masking import mask_secrets
from ztgate.secrets.scan import mask

from tests import fakes
from tests.conftest import Repo
from tests.pr.test_gate import FILLED, PR_TEMPLATE
from tests.threat_model.example import EXAMPLE

# Built in pieces so this file holds no key header, no `password = "..."` line.
KEY_HEADER = "-----BEGIN " + "OPENSSH PRIVATE" + " KEY-----"
PASSWORD = "pass" + "word"


def tokens() -> dict[str, tuple[str, str]]:
    """Vendor -> (the text as pasted, the secret in it that must never be printed)."""
    github = fakes.github_style("ghp_")
    aws = fakes.aws_key_id()
    slack = "xoxb-" + fakes.fill("{d11}-{d12}-{a24}")
    key_body = fakes.random_body("b", 64)
    password = fakes.random_body("a", 24)
    return {
        "github": (github, github),
        "aws": (aws, aws),
        "slack": (slack, slack),
        "private-key": (f"{KEY_HEADER} {key_body}", key_body),
        "password": (f'{PASSWORD} = "{password}"', password),
    }


# Commit and object ids (hex words with a letter): a run of the secret's digits may occur in one
# by chance, which is no leak. A word of digits only is still searched.
_OBJECT_ID = re.compile(r"\b(?=[0-9]*[a-f])[0-9a-f]{7,64}\b")


def leaks(secret: str, printed: str, shown: int = 4) -> list[str]:
    """The pieces of ``secret`` longer than ``shown`` characters that ``printed`` holds."""
    printed = _OBJECT_ID.sub("<id>", printed)
    size = shown + 1
    return [
        secret[i : i + size]
        for i in range(len(secret) - size + 1)
        if secret[i : i + size] in printed
    ]


FORMATS = ("text", "json", "sarif")
# GitLab's secret-detection report: written by the secrets gate (`--gitlab-report FILE`).
SECRETS_FORMATS = (*FORMATS, "gitlab")


def run_gate(
    main: Callable[[list[str]], int],
    argv: list[str],
    output_format: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> tuple[int, str]:
    """Stdout, stderr and the --output file, all of them."""
    report = tmp_path / f"report.{output_format}"
    report.unlink(missing_ok=True)
    if output_format == "gitlab":
        code = main([*argv, "--gitlab-report", str(report)])
    else:
        code = main([*argv, "--format", output_format, "--output", str(report)])
    captured = capsys.readouterr()
    written = report.read_text(encoding="utf-8") if report.exists() else ""
    if output_format != "text" and written:
        json.loads(written)  # still a valid document once masked
    return code, captured.out + captured.err + written


def assert_masked(printed: str, laced: dict[str, tuple[str, str]]) -> None:
    for vendor, (_, secret) in laced.items():
        assert not leaks(secret, printed), (vendor, printed)


@pytest.mark.parametrize("output_format", SECRETS_FORMATS)
def test_secrets_gate(
    repo: Repo, tmp_path: Path, capsys: pytest.CaptureFixture[str], output_format: str
) -> None:
    from ztgate.secrets import gate

    laced = tokens()
    repo.write(
        "config.env",
        "".join(f"{v.upper().replace('-', '_')}={text}\n" for v, (text, _) in laced.items()),
    )
    code, printed = run_gate(gate.main, ["config.env"], output_format, tmp_path, capsys)
    assert code == 1, printed
    assert output_format != "gitlab" or '"vulnerabilities"' in printed, printed
    assert_masked(printed, laced)


@pytest.mark.parametrize("output_format", FORMATS)
def test_threat_model_gate(
    repo: Repo, tmp_path: Path, capsys: pytest.CaptureFixture[str], output_format: str
) -> None:
    from ztgate.threat_model import gate

    laced = tokens()
    text = iter(pasted for pasted, _ in laced.values())
    document = EXAMPLE
    for flow in ("| TB1 | HTTPS |", "| TB2 | gRPC |", "| TB2 | HTTPS |"):
        document = document.replace(flow, f"| {next(text)} |{flow.split('|', 2)[2]}", 1)
    for threat in ("| Spoofing | F1 |", "| Information disclosure | F2 |"):
        document = document.replace(threat, f"| {threat.split('|')[1].strip()} | {next(text)} |", 1)
    repo.write("THREAT_MODEL.md", document)
    code, printed = run_gate(gate.main, ["THREAT_MODEL.md"], output_format, tmp_path, capsys)
    assert code == 1 and printed.count("ZT206") >= 1, printed
    assert_masked(printed, laced)


@pytest.mark.parametrize("output_format", FORMATS)
def test_pr_gate(
    repo: Repo, tmp_path: Path, capsys: pytest.CaptureFixture[str], output_format: str
) -> None:
    from ztgate.pr import gate

    laced = tokens()
    repo.write(".github/PULL_REQUEST_TEMPLATE.md", PR_TEMPLATE)
    repo.write("THREAT_MODEL.md", EXAMPLE)
    names = ", ".join(pasted for pasted, _ in laced.values())
    body = tmp_path / "body.md"
    body.write_text(FILLED.replace("Trust boundaries: TB1", f"Trust boundaries: TB1, {names}"))
    code, printed = run_gate(gate.main, ["--body-file", str(body)], output_format, tmp_path, capsys)
    assert code == 1 and printed.count("ZT404") >= (1 if output_format != "text" else 5), printed
    assert_masked(printed, laced)
    # The skip label's reason, quoted from the description (SARIF has no place for notes).
    base = repo.commit("template and model")
    event = tmp_path / "event.json"
    for vendor, (pasted, secret) in laced.items():
        event.write_text(
            json.dumps(
                {
                    "pull_request": {
                        "body": f"ztgate-skip: {pasted}\n",
                        "user": {"login": "dev"},
                        "labels": [{"name": "ztgate-skip"}],
                        "base": {"sha": base},
                        "head": {"sha": base},
                    }
                }
            )
        )
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("GITHUB_EVENT_PATH", str(event))
            code, printed = run_gate(gate.main, [], output_format, tmp_path, capsys)
        assert code == 0 and ("reason:" in printed or output_format == "sarif"), printed
        assert not leaks(secret, printed), (vendor, printed)


@pytest.mark.parametrize("output_format", FORMATS)
def test_signatures_gate(
    repo: Repo, tmp_path: Path, capsys: pytest.CaptureFixture[str], output_format: str
) -> None:
    from ztgate.signatures import gate

    laced = tokens()
    base = repo.commit("base")
    for pasted, _ in laced.values():
        repo.commit(pasted)
    code, printed = run_gate(
        gate.main, ["--range", f"{base}..HEAD"], output_format, tmp_path, capsys
    )
    assert code == 1 and "ZT310" in printed, printed  # unsigned, and no policy yet
    assert_masked(printed, laced)


@pytest.mark.parametrize("output_format", FORMATS)
@pytest.mark.parametrize("vendor", ["github", "aws", "slack", "private-key", "password"])
def test_policy_error(
    repo: Repo,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    output_format: str,
    vendor: str,
) -> None:
    from ztgate.threat_model import gate

    pasted, secret = tokens()[vendor]
    repo.write(".ztgate.yaml", f"signatures:\n  goodlist:\n    {json.dumps(pasted)}: audited\n")
    code, printed = run_gate(gate.main, [], output_format, tmp_path, capsys)
    assert code == 2 and "goodlist" in printed, printed
    assert not leaks(secret, printed), printed


# --- mask_secrets itself ---

_CONTEXTS = (
    "{}",
    "trust boundary `{}` is not in the threat model",
    '"{}" by Dev <dev@example.test>: not signed',
    "goodlist entry `{}` needs a full commit sha and a reason",
    "skipped; reason: {} (see #12)",
    "{} and again {}",
    "line one\n{}\nline three",
)


def test_at_most_four_characters_of_any_token_survive() -> None:
    draw = random.Random(7)
    for _ in range(300):
        laced = tokens()
        vendor = draw.choice(sorted(laced))
        pasted, secret = laced[vendor]
        context = draw.choice(_CONTEXTS)
        text = context.replace("{}", pasted)
        masked = mask_secrets(text)
        assert not leaks(secret, masked), (vendor, text, masked)
        assert mask(secret) in masked or vendor == "private-key", (vendor, masked)


@pytest.mark.parametrize(
    "text",
    [
        "section `What this changes` is not filled",
        "ztgate pr: passed: 0 error(s), 0 warning(s) in 0 file(s); 1 description(s) scanned",
        "services/payments/limits.py changed; SHA256:" + "Ab1" * 14 + "x",
        "commit " + "0123456789abcdef" * 2 + "01234567 is not signed",
        "",
    ],
)
def test_text_without_a_credential_is_unchanged(text: str) -> None:
    assert mask_secrets(text) == text


def test_masking_consults_the_engine_for_any_sentence() -> None:
    """No cheaper test can say "no credential here" (a command line's `-p` password, an Oracle
    URL's `app/pw@` hold no keyword a short list would name): any text of 8 or more characters
    is read by the engine; only shorter ones skip it."""
    code = (
        "import sys; from ztgate.masking import mask_secrets; "
        "mask_secrets('ok'); print('ztgate.secrets.engine' in sys.modules); "
        "mask_secrets('section `Security` is not filled'); "
        "print('ztgate.secrets.engine' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert result.stdout.split() == ["False", "True"]


def test_user_errors_are_masked() -> None:
    pasted, secret = tokens()["github"]
    error = UserError(f"unknown key `{pasted}`", where=".ztgate.yaml:3", fix=f"remove {pasted}")
    assert not leaks(secret, error.one_line()) and not leaks(secret, str(error))
    assert error.one_line().startswith(".ztgate.yaml:3: unknown key `ghp_…(40 chars)`")


def test_long_text_is_masked_in_pieces() -> None:
    laced = tokens()
    # Tokens across every piece boundary of a long text, and at its very end.
    text = " ".join(
        f"{'word ' * draw} {pasted}"
        for draw, (pasted, _) in zip((390, 7, 401, 3, 250), laced.values(), strict=True)
    )
    masked = mask_secrets(text * 3)
    assert_masked(masked, laced)


@pytest.mark.parametrize("unit", [PASSWORD, KEY_HEADER])
def test_masking_is_linear(unit: str) -> None:
    """8x the text costs about 8x (quadratic would be 64x; the bound leaves room for a shared,
    noisy machine)."""
    from tests.worst_case import LINEAR, growth_ratio, scale

    def work(text: str) -> None:
        mask_secrets.cache_clear()
        mask_secrets(text)

    ratio = growth_ratio(work, lambda size: scale(unit, size), 4096)
    assert ratio < LINEAR, ratio


def test_a_skip_reason_is_masked_before_it_is_cut() -> None:
    from ztgate.pr.check import skip_reason

    pasted, secret = tokens()["github"]
    reason = skip_reason(f"ztgate-skip: {'x' * 180} {pasted}\n")
    assert reason is not None and not leaks(secret, reason)


@pytest.mark.parametrize("output_format", FORMATS)
def test_a_token_cut_by_a_gate_is_still_masked(
    repo: Repo, tmp_path: Path, capsys: pytest.CaptureFixture[str], output_format: str
) -> None:
    # The signatures gate quotes a subject cut to 60 characters; the property holds it whole.
    from ztgate.signatures import gate

    laced = tokens()
    base = repo.commit("base")
    for pasted, _ in laced.values():
        repo.commit(f"{'wip ' * 11}{pasted}")
    code, printed = run_gate(
        gate.main, ["--range", f"{base}..HEAD"], output_format, tmp_path, capsys
    )
    assert code == 1 and "ZT310" in printed, printed  # unsigned, and no policy yet
    assert_masked(printed, laced)


@pytest.mark.parametrize("output_format", SECRETS_FORMATS)
def test_a_token_in_a_path_is_masked(
    repo: Repo, tmp_path: Path, capsys: pytest.CaptureFixture[str], output_format: str
) -> None:
    """A directory named after a pasted token: the finding's location is masked too."""
    from ztgate.secrets import gate

    github = fakes.github_style("ghp_")
    repo.write("README.md", "hello\n")
    base = repo.commit("base")
    repo.write(f"{github}/settings.py", f'AWS_ACCESS_KEY_ID = "{fakes.aws_key_id()}"\n')
    repo.commit("leak under a token-named directory")
    code, printed = run_gate(
        gate.main, ["--range", f"{base}..HEAD"], output_format, tmp_path, capsys
    )
    assert code == 1, printed
    assert not leaks(github, printed), printed
