"""`ztgate threat-model convert`: a Threagile model becomes a threat model the gate judges with
the same meaning (boundaries, crossings, protection, accepted and mitigated risks), and bad
YAML stops with one line that says where."""

from __future__ import annotations

import re
import shutil
from datetime import date, timedelta
from pathlib import Path

import pytest
from ztgate import cli
from ztgate.threat_model import components, convert, gate, rules
from ztgate.threat_model.model import ACCEPTED, BOUNDARIES, COMPONENTS, FLOWS, THREATS
from ztgate.threat_model.parse import parse

from tests.conftest import Repo
from tests.worst_case import growth_ratio

ROOT = Path(__file__).resolve().parents[2]
# 8x the input: linear costs ~8x, quadratic ~64x; the bound leaves room for a loaded machine.
FACTOR, LINEAR = 8, 24.0
EXAMPLE = ROOT / "examples" / "threagile.yaml"
LATER = str(date.today() + timedelta(days=365))


def reviewed_today(text: str) -> str:
    """The example, modelled today (the gate's review-age rule runs against the real date)."""
    return text.replace("\ndate: 2026-11-02\n", f"\ndate: {date.today()}\n")


def run_convert(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = convert.main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def lint(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = gate.main(["--format", "text", *argv])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def findings(out: str, stride: bool = False) -> list[tuple[int, str, str]]:
    """(line, rule, message) of each finding in the text report; STRIDE-per-element warnings
    (ZT238: what Threagile's risk tracking never considered) only when asked for."""
    return [
        (int(m.group(1)), m.group(2), m.group(3))
        for m in re.finditer(r"^THREAT_MODEL\.md:(\d+):\d+: (ZT\d+) (.*)$", out, re.M)
        if stride or m.group(2) != "ZT238"
    ]


def rules_in(out: str) -> set[str]:
    """The rules the text report found (ZT238 aside)."""
    return {rule for _, rule, _ in findings(out)}


def converted(
    repo: Repo, capsys: pytest.CaptureFixture[str], *extra: str, yaml: str | None = None
) -> str:
    """Convert a Threagile model in the repository (the example, modelled today, unless
    ``yaml`` is given) to THREAT_MODEL.md; the document written."""
    name = "threagile.yaml" if yaml is None else "model.yaml"
    repo.write(name, reviewed_today(EXAMPLE.read_text(encoding="utf-8")) if yaml is None else yaml)
    code, out, err = run_convert(capsys, name, "--output", "THREAT_MODEL.md", *extra)
    assert code == 0, err
    assert f"THREAT_MODEL.md: written from {name}" in out
    return (repo.path / "THREAT_MODEL.md").read_text(encoding="utf-8")


def convert_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], yaml: str
) -> tuple[int, str, str]:
    """Convert ``yaml`` (written to a file outside any repository) to stdout."""
    path = tmp_path / "model.yaml"
    path.write_text(yaml, encoding="utf-8")
    return run_convert(capsys, str(path))


def row_of(text: str, kind: str, ident: str) -> dict[str, str]:
    model = parse(text, "THREAT_MODEL.md")
    for row in model.rows(kind):
        if row.get("id" if kind != ACCEPTED else "threat") == ident:
            return {column: row.get(column) for column in row.cells}
    raise AssertionError(f"no {kind} row {ident}")


def test_the_gate_judges_the_converted_model_by_its_meaning(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    text = converted(repo, capsys, "--accept-until", LATER)
    code, out = lint(capsys)
    assert code == 1, out
    found = findings(out)
    # What the Threagile model leaves open, and nothing the conversion got wrong: no broken
    # table, reference, placeholder, crossing, status or evidence.
    assert rules_in(out) == {"ZT215", "ZT217", "ZT210", "ZT222", "ZT224"}, out
    # What the tracked risks leave out is reported per element, as warnings.
    assert any(rule == "ZT238" for _, rule, _ in findings(out, stride=True)), out

    # The plain-HTTP link behind the proxy carries customer accounts (strictly confidential,
    # restricted here) across two boundaries: IP filtering does not make it authenticated.
    plain_http = row_of(text, FLOWS, "F3")
    assert (plain_http["from"], plain_http["to"]) == ("Edge proxy", "Web shop")
    assert plain_http["authentication"].startswith("none (IP filtered only")
    assert [message for _, rule, message in found if rule == "ZT215"] == [
        "flow F3 carries sensitive data across TB1, TB2 without authentication and "
        "encryption in transit"
    ]
    # `externalized` names no mechanism: the gate asks instead of passing it.
    assert any(rule == "ZT224" and "flow F4" in message for _, rule, message in found)

    # Boundaries, nesting and crossings: the VPC holds its subnets' assets; a flow from the
    # application subnet to the VPC's database crosses only the subnet.
    model = parse(text, "THREAT_MODEL.md")
    names = {row.get("id"): row.get("boundary") for row in model.rows(BOUNDARIES)}
    assert names == {
        "TB1": "Application subnet",
        "TB2": "DMZ",
        "TB3": "Office network",
        "TB4": "Shop VPC",
    }
    places = components.places(model)
    assert places.inside["tb4"] >= {"web shop", "edge proxy", "order database"}
    assert places.inside["tb1"] == {"web shop", "order worker"}
    crossings = {row.get("id"): rules.derived_crossings(row, places) for row in model.rows(FLOWS)}
    assert crossings["F7"] == {"tb1"}
    assert crossings["F3"] == {"tb1", "tb2"}
    assert crossings["F8"] == {"tb1", "tb4"}
    assert all(
        rules.declared_crossings(row) == crossings[row.get("id")] for row in model.rows(FLOWS)
    )
    kinds = {row.get("name"): row.get("kind") for row in model.rows(COMPONENTS)}
    assert kinds["Customer browser"] == "actor"
    assert kinds["Payment provider"] == "external"
    assert kinds["Order database"] == "store"

    # Accepted, mitigated with its ticket as evidence, in progress with a planned control,
    # false positive as not applicable; STRIDE from the category.
    accepted = row_of(text, ACCEPTED, "T4")
    assert accepted["owner"] == "dana@example.com" and accepted["expires"] == LATER
    assert row_of(text, THREATS, "T4")["status"] == "accepted"
    xss = row_of(text, THREATS, "T2")
    assert (xss["stride"], xss["status"], xss["mitigations"]) == ("Tampering", "mitigated", "M2")
    assert row_of(text, "mitigations", "M2")["evidence"] == "SHOP-77"
    assert row_of(text, "mitigations", "M4")["status"] == "planned"
    assert row_of(text, THREATS, "T7")["status"] == "open"
    false_positive = row_of(text, THREATS, "T5")
    assert (false_positive["status"], false_positive["checked by"]) == (
        "not-applicable",
        "sam@example.com",
    )
    assert row_of(text, THREATS, "T3")["ticket"] == "-"
    assert row_of(text, THREATS, "T7")["ticket"] == "SHOP-112"
    refund = row_of(text, THREATS, "T1")
    assert (refund["stride"], refund["target"]) == ("Repudiation", "F1, C9")
    assert (
        "coverage THREAT_MODEL.md: 7 threat(s): 3 mitigated, 1 accepted, 0 transferred, "
        "1 not applicable, 2 open" in out
    )


def test_without_an_expiry_the_acceptance_asks_for_one(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    converted(repo, capsys)
    code, out = lint(capsys)
    assert code == 1
    assert any(
        rule == "ZT204" and "Threagile records no expiry" in message
        for _, rule, message in findings(out)
    ), out


def test_the_cli_routes_convert_and_writes_to_stdout(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["threat-model", "convert", str(EXAMPLE)]) == 0
    captured = capsys.readouterr()
    assert captured.out.startswith('---\nsystem: "Corner Shop online store"\n')
    assert captured.err == ""


def test_the_output_is_deterministic_whatever_the_yaml_order(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from ruamel.yaml import YAML

    yaml = YAML()
    document = yaml.load(EXAMPLE.read_text(encoding="utf-8"))
    for section in ("data_assets", "technical_assets", "trust_boundaries", "risk_tracking"):
        items = list(document[section].items())
        document[section].clear()
        document[section].update(reversed(items))
    for asset in document["technical_assets"].values():
        links = asset.get("communication_links")
        if links:
            items = list(links.items())
            links.clear()
            links.update(reversed(items))
    shuffled = tmp_path / "shuffled" / "threagile.yaml"
    shuffled.parent.mkdir()
    with shuffled.open("w", encoding="utf-8") as stream:
        yaml.dump(document, stream)
    first = run_convert(capsys, str(EXAMPLE))
    again = run_convert(capsys, str(EXAMPLE))
    reordered = run_convert(capsys, str(shuffled))
    assert first[0] == 0 and first == again
    assert reordered[1] == first[1]


MINIMAL = """\
title: Escapes
date: {today}
author:
  name: team@example.com
data_assets:
  "Card * data | raw":
    id: card-data
    confidentiality: strictly-confidential
technical_assets:
  "Shop | admin":
    id: shop
    type: process
    communication_links:
      Export:
        target: store
        protocol: ftp
        authentication: none
        data_assets_sent: [card-data]
  "Store\\nroom":
    id: store
    type: datastore
trust_boundaries:
  Back:
    id: back
    technical_assets_inside: [store]
"""


def minimal(extra: str = "") -> str:
    """The minimal model, modelled today, with ``extra`` YAML after it."""
    return MINIMAL.format(today=date.today()) + extra


def test_cells_escape_pipes_newlines_and_markdown(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    text = converted(repo, capsys, yaml=minimal())
    assert "| Shop \\| admin |" in text and "Store room" in text
    flow = row_of(text, FLOWS, "F1")
    assert (flow["from"], flow["to"], flow["data"]) == (
        "Shop | admin",
        "Store room",
        "Card * data | raw",
    )
    assert (flow["protocol"], flow["encryption"]) == ("FTP", "none")
    code, out = lint(capsys)
    assert rules_in(out) == {"ZT215", "ZT217"}, out


def test_an_unknown_risk_category_is_left_for_the_team(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.write(
        "model.yaml", minimal("risk_tracking:\n  our-own-rule@shop:\n    status: unchecked\n")
    )
    code, out, err = run_convert(capsys, "model.yaml")
    assert code == 0
    assert "<STRIDE category>" in out
    assert err == (
        "ztgate: note: risk category `our-own-rule` has no STRIDE category ztgate knows: its "
        "threats say `<STRIDE category>` for you to fill in\n"
    )


# Each malformed model: (what is wrong, YAML, the one line's place and words).
BASE = MINIMAL.format(today="2026-11-02")
MALFORMED = [
    ("not YAML", "title: [unclosed\n", ":2:", "not valid YAML"),
    ("not a mapping", "- a\n- b\n", ":1:", "a Threagile model is a YAML mapping"),
    ("empty", "", ":1:", "the file is empty"),
    ("no title", BASE.replace("title: Escapes\n", ""), ":1:", "`title` is missing"),
    (
        "unknown asset type",
        BASE.replace("type: datastore", "type: database"),
        ":21:",
        "`technical_assets.Store room.type` is `database`, not one of Threagile's values",
    ),
    (
        "link to an undefined asset",
        BASE.replace("target: store", "target: nowhere"),
        ":15:",
        "`technical_assets.Shop | admin.communication_links.Export.target` names `nowhere`, "
        "which no technical asset has as id",
    ),
    (
        "undefined data asset",
        BASE.replace("[card-data]", "[card-data, pins]"),
        ":18:",
        "names `pins`, which no data asset has as id",
    ),
    (
        "unknown protocol",
        BASE.replace("protocol: ftp", "protocol: gopher"),
        ":16:",
        "`technical_assets.Shop | admin.communication_links.Export.protocol` is `gopher`",
    ),
    (
        "a flag that is not a boolean",
        BASE.replace("authentication: none", "authentication: none\n        vpn: yes"),
        ":18:",
        "`technical_assets.Shop | admin.communication_links.Export.vpn` must be true or "
        "false, not `yes`",
    ),
    (
        "wrong type",
        BASE.replace("data_assets_sent: [card-data]", "data_assets_sent: card-data"),
        ":18:",
        "must be a list, not `card-data`",
    ),
    (
        "duplicate key",
        BASE.replace("    id: shop\n", "    id: shop\n    id: shop2\n"),
        ":12:",
        "twice",
    ),
    (
        "duplicate id",
        BASE.replace("    id: store\n", "    id: shop\n"),
        ":",
        "technical asset id `shop` is also used on line",
    ),
    (
        "boundary names an undefined asset",
        BASE.replace("technical_assets_inside: [store]", "technical_assets_inside: [vault]"),
        ":25:",
        "names `vault`, which no technical asset has as id",
    ),
    (
        "boundary nested in itself",
        BASE + "    trust_boundaries_nested: [back]\n",
        ":26:",
        "trust boundary `back` is nested in itself",
    ),
    (
        "asset in two boundaries",
        BASE + "  Front:\n    id: front\n    technical_assets_inside: [store]\n",
        ":",
        "technical asset `store` is directly inside both",
    ),
    (
        "tracking names an undefined element",
        BASE + "risk_tracking:\n  missing-hardening@vault:\n    status: accepted\n",
        ":27:",
        "risk_tracking `missing-hardening@vault` names `vault`",
    ),
    (
        "tracking status",
        BASE + "risk_tracking:\n  missing-hardening@shop:\n    status: done\n",
        ":28:",
        "`risk_tracking.missing-hardening@shop.status` is `done`",
    ),
    (
        "tracking orphaned in an individual category",
        BASE
        + "individual_risk_categories:\n  Mine:\n    id: mine\n    stride: spoofing\n"
        + "risk_tracking:\n  mine@shop:\n    status: accepted\n",
        ":31:",
        "matches no risk identified in individual risk category `mine`",
    ),
    (
        "a Python tag is never run",
        "title: !!python/object/apply:os.system ['touch pwned']\n",
        ":1:",
        "unsupported YAML tag",
    ),
    (
        "alias bomb",
        "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
        + "".join(
            f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 10)}]\n"
            for i in range(7)
        )
        + "title: *h\n",
        ":",
        "an alias bomb",
    ),
    ("recursive alias", "title: &a [*a]\n", ":1:", "nests deeper than"),
    ("deep nesting", "title: " + "[" * 3000 + "]" * 3000 + "\n", "", "nested too deeply"),
    ("includes", BASE + "includes: [other.yaml]\n", ":26:", "`includes` are not supported"),
    ("merge of a scalar", "title: x\nauthor:\n  <<: plain\n", ":3:", "`<<` must merge a mapping"),
    ("complex key", "title: x\n? [a, b]\n: c\n", ":2:", "has a key that is not a plain value"),
    ("a set", "title: !!set {a, b}\n", ":1:", "unsupported YAML tag `tag:yaml.org,2002:set`"),
    ("a local tag", "title: !shell ls\n", ":1:", "unsupported YAML tag `!shell`"),
]


@pytest.mark.parametrize(
    ("text", "where", "words"),
    [pytest.param(text, where, words, id=what) for what, text, where, words in MALFORMED],
)
def test_malformed_models_fail_closed_with_one_line(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    text: str,
    where: str,
    words: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "model.yaml").write_text(text, encoding="utf-8")
    code, out, err = run_convert(capsys, "model.yaml", "--output", "out.md")
    assert code == 2 and out == ""
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith(f"ztgate: error: model.yaml{where}"), err
    assert words in lines[0], err
    assert not (tmp_path / "out.md").exists() and not (tmp_path / "pwned").exists()


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"title: x\n\x00", "binary file"),
        ("title: caf\xe9\n".encode("latin-1"), "not UTF-8"),
        (b"title: x\n#" + b"x" * (5 * 1024 * 1024), "larger than the 4 MiB"),
    ],
    ids=["binary", "latin-1", "huge"],
)
def test_unreadable_files_fail_closed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes, words: str
) -> None:
    path = tmp_path / "model.yaml"
    path.write_bytes(content)
    code, _, err = run_convert(capsys, str(path))
    assert code == 2 and len(err.splitlines()) == 1 and words in err, err


def test_an_existing_output_is_kept_unless_forced(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copy(EXAMPLE, repo.path / "threagile.yaml")
    repo.write("THREAT_MODEL.md", "our own\n")
    code, _, err = run_convert(capsys, "threagile.yaml", "--output", "THREAT_MODEL.md")
    assert code == 2 and "THREAT_MODEL.md: already exists (pass --force" in err
    assert (repo.path / "THREAT_MODEL.md").read_text() == "our own\n"
    code, _, err = run_convert(capsys, "threagile.yaml", "--output", "THREAT_MODEL.md", "--force")
    assert code == 0 and (repo.path / "THREAT_MODEL.md").read_text().startswith("---\n")
    code, _, err = run_convert(capsys, "threagile.yaml", "--accept-until", "soon")
    assert code == 2 and "--accept-until `soon` is not a date" in err


def test_the_readme_documents_the_mappings_and_its_example_runs(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    match = re.search(r"^### From Threagile\n(.*?)(?=^##)", readme, re.S | re.M)
    assert match is not None, "README.md lost its Threagile section"
    section = match.group(1)
    for category, (_, stride) in convert.BUILT_IN_CATEGORIES.items():
        row = re.search(rf"^\| {convert.STRIDE_NAMES[stride]} \|(.*)$", section, re.M)
        assert row is not None and f"`{category}`" in row.group(1), category
    for theirs, ours in convert.CLASS_OF.items():
        assert f"| {theirs} | {ours} |" in section, theirs
    for theirs, ours in convert.STATUS_OF.items():
        assert f"| {theirs} | {ours}" in section, theirs
    commands = re.search(r"```sh\n(.*?)```", section, re.S)
    assert commands is not None
    shutil.copytree(ROOT / "examples", repo.path / "examples")
    for line in commands.group(1).splitlines():
        argv = line.split()
        assert argv[:3] == ["ztgate", "threat-model", "convert"], line
        code, _, err = run_convert(capsys, *argv[3:])
        assert code == 0, err
    assert (repo.path / "THREAT_MODEL.md").read_text(encoding="utf-8").startswith("---\n")


@pytest.mark.parametrize(
    ("work", "text_of"),
    [
        pytest.param(convert.plain, lambda n: "<a" * n, id="tag starts, no end"),
        pytest.param(convert.plain, lambda n: "<b " + "x" * n, id="a long unclosed tag"),
        pytest.param(convert.cell, lambda n: "|*_" * n, id="specials"),
    ],
)
def test_text_cleaning_is_linear(work: object, text_of: object) -> None:
    ratio = growth_ratio(work, text_of, 2000, factor=FACTOR)  # type: ignore[arg-type]
    assert ratio < LINEAR, f"{FACTOR}x the input took {ratio:.1f}x the time"


ANCHORED = """\
title: Anchors
data_assets:
  Orders: &orders
    id: orders
    confidentiality: restricted
    description: Baskets
  Order archive:
    <<: *orders
    id: order-archive
    confidentiality: strictly-confidential
  None:
    <<: *orders
    id: none
technical_assets:
  C2:
    id: C7
    type: process
    communication_links:
      Save:
        target: db
        protocol: jdbc
        authentication: credentials
        data_assets_sent: [orders, order-archive, none]
  Database, primary:
    id: db
    type: datastore
trust_boundaries:
  TB2:
    id: zone
    technical_assets_inside: [db]
individual_risk_categories:
  Archive tampering:
    id: archive-tampering
    stride: tampering
    risks_identified:
      Archive rewritten:
        most_relevant_technical_asset: db
        most_relevant_communication_link: C7>save
risk_tracking:
  archive-tampering@*@*:
    status: in-progress
    justification: Append-only archive planned
  missing-vault@C7:
    status: mitigated
"""


def test_anchors_merges_and_awkward_names(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out, err = convert_file(tmp_path, capsys, ANCHORED)
    assert code == 0, err
    model = parse(out, "THREAT_MODEL.md")
    classes = {
        row.get("data"): (row.get("class"), row.get("notes"))
        for row in model.rows("data classification")
    }
    # The merge key brings the description; the explicit keys win. A name a cell would
    # misread (a duplicate, a `none`, an id of ours, a comma) falls back to the next choice.
    assert classes == {
        "data asset 1": ("confidential", "Baskets"),
        "Order archive": ("restricted", "Baskets"),
        "Orders": ("confidential", "Baskets"),
    }
    names = {row.get("id"): row.get("name") for row in model.rows(COMPONENTS)}
    assert names == {"C1": "technical asset 1", "C2": "db"}
    # A boundary named like one of our ids would resolve a Components row to the wrong one.
    assert [(row.get("id"), row.get("boundary")) for row in model.rows(BOUNDARIES)] == [
        ("TB1", "zone")
    ]
    assert components.places(model).inside["tb1"] == {"db"}
    flow = row_of(out, FLOWS, "F1")
    assert flow["data"] == "data asset 1, Order archive, Orders"
    assert (flow["protocol"], flow["encryption"]) == ("JDBC", "none")
    # A wildcard tracking entry of an individual category tracks its identified risk; in
    # progress is a planned control with no ticket, mitigated with no ticket has no evidence.
    threat = row_of(out, THREATS, "T1")
    assert (threat["threat"], threat["stride"], threat["status"]) == (
        "Archive rewritten",
        "Tampering",
        "open",
    )
    assert threat["target"] == "F1, C2" and threat["mitigations"] == "M1"
    assert row_of(out, "mitigations", "M1")["status"] == "planned"
    assert row_of(out, "mitigations", "M2")["evidence"] == "none: no ticket in the Threagile model"


def test_the_output_never_replaces_the_model(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "model.yaml"
    shutil.copy(EXAMPLE, path)
    code, _, err = run_convert(capsys, str(path), "--output", str(path), "--force")
    assert code == 2 and "is the Threagile model itself" in err
    assert path.read_text(encoding="utf-8") == EXAMPLE.read_text(encoding="utf-8")


def test_a_long_nesting_chain_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    chain = "".join(
        f"  B{i}:\n    id: b{i}\n    trust_boundaries_nested: [b{i + 1}]\n" for i in range(60)
    )
    code, _, err = convert_file(
        tmp_path, capsys, f"title: Deep\ntrust_boundaries:\n{chain}  B60:\n    id: b60\n"
    )
    assert code == 2 and "is nested more than 40 deep" in err and len(err.splitlines()) == 1


# The protocols Threagile's own rules count as encrypted (its `IsEncrypted`).
ENCRYPTED_IN_THREAGILE = {
    "https",
    "wss",
    "jdbc-encrypted",
    "odbc-encrypted",
    "nosql-access-protocol-encrypted",
    "sql-access-protocol-encrypted",
    "binary-encrypted",
    "text-encrypted",
    "ssh",
    "ssh-tunnel",
    "ftps",
    "sftp",
    "scp",
    "ldaps",
    "reverse-proxy-web-protocol-encrypted",
    "iiop-encrypted",
    "jrmp-encrypted",
    "smb-encrypted",
    "smtp-encrypted",
    "pop3-encrypted",
    "imap-encrypted",
}


@pytest.mark.parametrize("protocol", sorted(convert.PROTOCOL_OF))
def test_every_protocol_reads_as_threagile_means_it(protocol: str) -> None:
    from ztgate.threat_model import threagile, vocabulary

    assert protocol in threagile.PROTOCOLS
    written, encryption = convert.PROTOCOL_OF[protocol]
    expected = vocabulary.ENCRYPTED if protocol in ENCRYPTED_IN_THREAGILE else vocabulary.NONE
    assert vocabulary.encryption(encryption).meaning == expected
    assert vocabulary.contradiction(written, encryption) is None


@pytest.mark.parametrize("authentication", sorted(convert.AUTHENTICATION_OF))
def test_every_authentication_reads_as_threagile_means_it(authentication: str) -> None:
    from ztgate.threat_model import vocabulary

    expected = {"none": vocabulary.NONE, "externalized": vocabulary.UNKNOWN}.get(
        authentication, vocabulary.CREDENTIAL
    )
    reading = vocabulary.authentication(convert.AUTHENTICATION_OF[authentication])
    assert reading.meaning == expected


def test_every_threagile_value_has_a_mapping() -> None:
    from ztgate.threat_model import threagile

    assert set(convert.PROTOCOL_OF) == set(threagile.PROTOCOLS)
    assert set(convert.AUTHENTICATION_OF) == set(threagile.AUTHENTICATIONS)
    assert set(convert.AUTHORIZATION_OF) == set(threagile.AUTHORIZATIONS)
    assert set(convert.CLASS_OF) == set(threagile.DATA_CLASSES)
    assert set(convert.STATUS_OF) == set(threagile.STATUSES)
    assert set(convert.STRIDE_NAMES) == set(threagile.STRIDES)
    assert set(convert.STRIDE_NAMES.values()) <= {n.capitalize() for n in rules.STRIDE.values()}


def test_boundaries_no_flow_can_cross_are_named_not_tabled(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    boundaries = (
        "  Empty:\n    id: empty\n  Everything:\n    id: all\n"
        "    technical_assets_inside: [shop]\n    trust_boundaries_nested: [back]\n"
        "risk_tracking:\n  missing-network-segmentation@all:\n    status: unchecked\n"
    )
    document = converted(repo, capsys, yaml=minimal(boundaries))
    assert "none outside): Everything (all), Empty (empty)." in document
    model = parse(document, "THREAT_MODEL.md")
    assert [row.get("id") for row in model.rows(BOUNDARIES)] == ["TB1"]
    assert row_of(document, THREATS, "T1")["target"] == "C1, C2"
    code, out = lint(capsys)
    assert rules_in(out) == {"ZT215", "ZT217", "ZT210"}, out


def test_a_converted_draft_does_not_block_until_enforced(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    converted(repo, capsys, "--accept-until", LATER)
    repo.write(".ztgate.yaml", "threat_model:\n  enforce: false\n")
    code, out = lint(capsys)
    assert code == 0, out
    assert "DRAFT: 8 finding(s) left to fill" in out and "ZT215 warning: flow F3" in out


BUCKET = """\
title: Bucket
data_assets:
  Exports:
    id: exports
    confidentiality: confidential
technical_assets:
  Export bucket:
    id: bucket
    type: datastore
    internet: true
    data_assets_stored: [exports]
  Browser:
    id: browser
    type: external-entity
    internet: true
    used_as_client_by_human: true
"""


def test_an_internet_facing_store_is_attack_surface_even_uncalled(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = convert_file(tmp_path, capsys, BUCKET)
    assert code == 0, err
    entries = parse(out, "THREAT_MODEL.md").rows("attack surface")
    assert [(r.get("entry point"), r.get("exposed to"), r.get("data")) for r in entries] == [
        ("Export bucket (no modelled link)", "Internet", "Exports")
    ]
