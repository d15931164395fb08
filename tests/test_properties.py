"""Properties that must hold for every input, not only the examples the other tests pick:
the parsers fail only with a user error, a mask shows at most 4 characters, and the
detect-secrets prefilter never hides a line from the plugin that would report it."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ztgate.errors import UserError
from ztgate.policy import parse_policy
from ztgate.secrets import ds_bridge, prefilter
from ztgate.secrets.engine import ScanOptions, _Lines, lower_same_length
from ztgate.secrets.scan import mask
from ztgate.threat_model.parse import parse
from ztgate.threat_model.rules import Settings, run_checks

from tests.fakes import fill

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Pieces that steer random text towards what the parsers and detectors care about.
_MARKDOWN = st.sampled_from(
    [
        "# Threat model\n",
        "## Trust boundaries\n",
        "## Data flows\n",
        "## Threats\n",
        "## Mitigations\n",
        "## Accepted risks\n",
        "## Components\n",
        "## Data classification\n",
        "---\nowner: team\nlast_reviewed: 2026-01-01\n---\n",
        "| id | name | inside | outside |\n",
        "| --- | --- | --- | --- |\n",
        "| ID | Source | Target | Data | Protocol | Authentication | Encryption |\n",
        "| T-01 | S | API | x | open |\n",
        "| M-01 | T-01 | implemented | docs/a.md#x |\n",
        "| TB1 | edge | API, DB | internet |\n",
        "| F1 | user | API | restricted | HTTP | none | TLS 1.0 |\n",
        "<!-- comment -->\n",
        "```mermaid\nflowchart LR\n```\n",
        "- **Threat:** x\n- **Mitigation:** y\n",
        "| | | |\n",
        "|\\|x\\||`code`|[l](#a)|\n",
        "\n",
    ]
)
_TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40
)  # anything, surrogates aside (a str read from a file never holds one)
_DOCUMENT = st.lists(st.one_of(_MARKDOWN, _TEXT), max_size=30).map("".join)


@SETTINGS
@given(_DOCUMENT)
def test_threat_model_parser_and_rules_raise_only_user_errors(text: str) -> None:
    try:
        run_checks(parse(text, "THREAT_MODEL.md"), Settings())
    except UserError:
        pass


_YAML = st.sampled_from(
    [
        "secrets:\n",
        "  disable: [x]\n",
        "  base64_limit: 4.5\n",
        "  severity:\n    aws-access-key-id: warning\n",
        "threat_model:\n",
        "  files: [THREAT_MODEL.md]\n",
        "  inside_boundary:\n    restricted: off\n",
        "signatures:\n",
        "  identity: either\n",
        "pr:\n  components:\n    'src/**': API\n",
        "- a\n",
        ": :\n",
        "&a [*a]\n",
        "!!python/object:os.system x\n",
        "'\n",
        "\t\n",
        "{",
        "version: 1\n",
    ]
)
_POLICY = st.lists(st.one_of(_YAML, _TEXT), max_size=20).map("".join)


@SETTINGS
@given(_POLICY)
def test_policy_parser_raises_only_user_errors(text: str) -> None:
    try:
        parse_policy(text, ".ztgate.yaml")
    except UserError:
        pass


@given(st.text(max_size=200))
def test_a_mask_shows_at_most_four_characters_of_the_secret(secret: str) -> None:
    shown, _, rest = mask(secret).partition("…")
    assert len(shown) <= 4
    assert secret.replace("\n", "").startswith(shown)
    assert rest == f"({len(secret)} chars)"


_SECRETISH = st.sampled_from(
    [
        "password",
        "passwd",
        "secret",
        "api_key",
        "token",
        "auth",
        "AKIA",
        "ghp_",
        "xoxb-",
        "sk_live_",
        "Bearer ",
        "Basic ",
        "-----BEGIN RSA PRIVATE KEY-----",
        "https://user:",
        "@host/db",
        "=",
        " = ",
        ": ",
        ":=",
        "=>",
        '"',
        "'",
        "\n",
        "# ",
        "pragma: allowlist secret",
    ]
)
_BODIES = st.sampled_from(["{a8}", "{a20}", "{a40}", "{h32}", "{h64}", "{b44}", "{u36}", "{d12}"])
_LINES = st.lists(st.one_of(_SECRETISH, _BODIES.map(fill), _TEXT), max_size=25).map("".join)
_FILES = st.sampled_from(
    ["config.py", "settings.yaml", "app.ini", ".env", "a.json", "Main.java", "README.md", "x"]
)
_LIMITS = (4.5, 3.0)  # detect-secrets' default base64 and hex entropy limits


def _reported(filename: str, text: str, plugins_by_line: dict[int, set[str]]) -> set[tuple]:
    lines = text.split("\n")
    unquoted = ds_bridge.wants_unquoted_values(filename)
    return {
        (s.line, s.plugin, s.secret)
        for s in ds_bridge.analyze_lines(filename, lines, plugins_by_line, *_LIMITS, unquoted)
    }


_DS_ONLY = ScanOptions(detectors=(), use_detect_secrets=True)


def _hyperscan_sighting(text: str, lowered: str) -> prefilter.Sighting:
    """The one-pass prefilter's view (the automaton's where Hyperscan does not read the text)."""
    database = _DS_ONLY.database
    seen = database.sighting(text, lowered) if database is not None else None
    return seen or prefilter.python_sighting(lowered, _DS_ONLY.keywords)


@pytest.mark.parametrize("path", ["automaton", "hyperscan"])
@SETTINGS
@given(filename=_FILES, text=_LINES)
def test_the_prefilter_keeps_every_line_a_detect_secrets_plugin_reports(
    path: str, filename: str, text: str
) -> None:
    """What keeps ztgate right across detect-secrets upgrades: every plugin run on every line
    reports nothing that the prefiltered run (plugins only where the prefilter says) misses,
    whether the keyword automaton or the Hyperscan database did the first pass."""
    options = _DS_ONLY
    lowered = lower_same_length(text)
    where = _Lines(text)
    seen = (
        _hyperscan_sighting(text, lowered)
        if path == "hyperscan"
        else prefilter.python_sighting(lowered, options.keywords)
    )
    prefiltered = ds_bridge.candidate_lines(
        filename,
        text,
        lowered,
        seen,
        where.number_of,
        ds_bridge.wants_unquoted_values(filename),
        *_LIMITS,
    )
    everything = {
        number: set(ds_bridge.plugin_names()) for number in range(1, text.count("\n") + 2)
    }
    missed = _reported(filename, text, everything) - _reported(filename, text, prefiltered)
    assert not missed, [(line, plugin) for line, plugin, _ in missed]


@pytest.mark.parametrize("seed", range(3))
def test_the_prefilter_property_has_teeth(seed: int) -> None:
    """The comparison above finds a miss when a prefilter drops a line (it can fail)."""
    text = f'api_key = "{fill("{a40}")}"'
    everything = {1: set(ds_bridge.plugin_names())}
    assert _reported("config.py", text, everything) - _reported("config.py", text, {})


def test_no_detector_example_is_ever_echoed_in_clear() -> None:
    """Every message that quotes user text masks what the engine finds: each detector's own
    documented examples, filled at random, never come back whole from `mask_secrets`."""
    from ztgate.masking import mask_secrets
    from ztgate.secrets.catalog import ALL_DETECTORS
    from ztgate.secrets.engine import scan_text

    options = ScanOptions(detectors=ALL_DETECTORS)
    shown = []
    for detector in ALL_DETECTORS:
        for example in detector.examples:
            text = fill(example)
            for candidate in scan_text(text, "settings.py", options):
                marker = candidate.secret in example  # `service_account`, a PEM header
                if not marker and candidate.secret in mask_secrets(text):
                    shown.append(detector.id)
    assert not shown, shown


@SETTINGS
@given(
    st.text(alphabet="abcdefABCDEF0123456789+/=_-xyzXYZ", min_size=1, max_size=60),
    st.sampled_from([(4.5, 3.0), (3.0, 3.0), (4.0, 2.0), (2.0, 4.5)]),
)
def test_the_entropy_shortcut_changes_no_verdict(value: str, limits: tuple[float, float]) -> None:
    """What the entropy plugins would weigh: skipping values with too few distinct characters
    gives the same verdict as computing their entropy."""
    from ztgate.secrets.detectors import shannon_entropy

    b64_limit, hex_limit = limits
    limit = hex_limit if all(c in "0123456789abcdefABCDEF" for c in value) else b64_limit
    expected = len(value) > 2**limit and shannon_entropy(value) > limit
    assert ds_bridge._above_limit(value, b64_limit, hex_limit) == expected
