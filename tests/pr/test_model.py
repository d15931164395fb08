"""The PR gate against the threat model: the boundaries a changed component lives in, the
model change the description links, and the policy's component names, all read at the base."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Protocol

import pytest

from tests.conftest import Repo
from tests.pr.test_gate import FILLED, PR_TEMPLATE, github_event, project, run

__all__ = ["project"]  # the fixture, imported for these tests

POLICY = """\
pr:
  components:
    'services/payments/**': Payments worker
    'gateway/**': C2
"""
REASON = "limits only count requests per customer; no new data, flow or boundary."
LINKED = "THREAT_MODEL.md (the worker now also reads the rate table)"


def body(boundaries: str = "TB1", answer: str = f"No threat-model impact: {REASON}") -> str:
    return FILLED.replace("Trust boundaries: TB1", f"Trust boundaries: {boundaries}").replace(
        f"Threat model: No threat-model impact: {REASON}", f"Threat model: {answer}"
    )


@pytest.fixture
def mapped(project: Repo) -> Repo:
    """The base: template, the README's model, a policy mapping two components."""
    project.write(".ztgate.yaml", POLICY)
    project.commit("map components")
    project.git("checkout", "-q", "-b", "pr")
    return project


def pull(
    repo: Repo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str, base: str = "main"
) -> None:
    base_sha = repo.git("rev-parse", base).strip()
    event = github_event(tmp_path, text, base={"sha": base_sha}, head={"sha": repo.head()})
    monkeypatch.setenv("GITHUB_EVENT_PATH", str(event))


def change_limits(repo: Repo) -> str:
    """A commit that changes the payments worker (`services/payments/**`)."""
    repo.write("services/payments/limits.py", "LIMIT = 10\n")
    return repo.commit("limits")


def touch_model(repo: Repo) -> str:
    """A commit that changes THREAT_MODEL.md and nothing it says."""
    repo.write("THREAT_MODEL.md", (repo.path / "THREAT_MODEL.md").read_text() + "\n")
    return repo.commit("model touched")


def based_on(repo: Repo, model: str, policy: str) -> str:
    """The base commit: the PR template, this threat model and this policy."""
    repo.write(".github/PULL_REQUEST_TEMPLATE.md", PR_TEMPLATE)
    repo.write("THREAT_MODEL.md", model)
    repo.write(".ztgate.yaml", policy)
    return repo.commit("base")


class Judge(Protocol):
    def __call__(self, repo: Repo, text: str, *argv: str, base: str = "main") -> tuple[int, str]:
        """The PR gate's exit code and output on a GitHub pull request from ``base`` to the
        repo's HEAD, described by ``text``."""


@pytest.fixture
def judge(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Judge:
    def judged(repo: Repo, text: str, *argv: str, base: str = "main") -> tuple[int, str]:
        pull(repo, tmp_path, monkeypatch, text, base)
        return run(capsys, *argv)

    return judged


def test_a_changed_component_needs_its_boundaries(mapped: Repo, judge: Judge) -> None:
    change_limits(mapped)
    code, out = judge(mapped, body("TB1"))
    assert code == 1, out
    assert "ZT409" in out and "Payments worker (services/payments/limits.py)" in out, out
    assert "leaves out TB2 (Payments VPC)" in out, out
    # By id, by name in any case, or both boundaries: each answers it.
    for named in ("TB2", "payments vpc", "TB1, TB2", "Internet edge; Payments VPC"):
        code, out = judge(mapped, body(named))
        assert code == 0, (named, out)


def test_two_components_each_need_their_own_boundary(mapped: Repo, judge: Judge) -> None:
    mapped.write("services/payments/limits.py", "LIMIT = 10\n")
    mapped.write("gateway/routes.yaml", "routes: []\n")
    mapped.commit("limits and routes")
    code, out = judge(mapped, body("None"))
    assert code == 1, out
    assert out.count(": ZT409 ") == 2, out
    assert "API gateway (gateway/routes.yaml); `Trust boundaries:` leaves out TB1" in out, out
    code, out = judge(mapped, body("TB2"))
    assert code == 1 and out.count(": ZT409 ") == 1 and "leaves out TB1 (Internet edge)" in out, out
    assert judge(mapped, body("TB1, TB2"))[0] == 0


def test_an_untouched_component_asks_for_nothing(mapped: Repo, judge: Judge) -> None:
    mapped.write("docs/usage.md", "How to pay.\n")
    mapped.commit("docs")
    code, out = judge(mapped, body("none"))
    assert code == 0, out


@pytest.mark.parametrize(
    "edit",
    [
        # The worker moved out of TB2 in the head's model.
        lambda model: model.replace(
            "| C3 | Payments worker | process | TB2 |", "| C3 | Payments worker | process | TB1 |"
        ).replace("| Payments worker, Payments DB |", "| Payments DB |"),
        # TB2 dropped from the model altogether.
        lambda model: model.replace(
            "| TB2 | Payments VPC | Payments worker, Payments DB | API gateway, Card processor |\n",
            "",
        ).replace("| TB2 |\n", "| |\n"),
        # The component dropped from the model.
        lambda model: model.replace("| C3 | Payments worker | process | TB2 |\n", ""),
    ],
    ids=["moved", "boundary-dropped", "component-dropped"],
)
def test_the_head_cannot_edit_the_model_out_of_the_requirement(
    mapped: Repo, judge: Judge, edit: object
) -> None:
    assert callable(edit)
    model = (mapped.path / "THREAT_MODEL.md").read_text()
    edited = edit(model)
    assert edited != model
    mapped.write("THREAT_MODEL.md", edited)
    mapped.write("services/payments/limits.py", "LIMIT = 10\n")
    mapped.commit("limits, and a model that no longer puts the worker in TB2")
    code, out = judge(mapped, body("TB1", LINKED))
    assert code == 1 and "ZT409" in out and "leaves out TB2" in out, out
    # Named, it passes: the model change is linked, the base's boundary is named.
    code, out = judge(mapped, body("TB1, TB2", LINKED))
    assert code == 0, out


def test_the_head_cannot_unmap_its_component(mapped: Repo, judge: Judge) -> None:
    mapped.write(".ztgate.yaml", "pr: {}\n")
    mapped.write("services/payments/limits.py", "LIMIT = 10\n")
    mapped.commit("limits, and no more components")
    code, out = judge(mapped, body("TB1"))
    assert code == 1 and "ZT409" in out, out


def test_a_boundary_the_pull_request_adds_may_be_named(mapped: Repo, judge: Judge) -> None:
    model = (mapped.path / "THREAT_MODEL.md").read_text()
    row = "| TB2 | Payments VPC | Payments worker, Payments DB | API gateway, Card processor |\n"
    mapped.write(
        "THREAT_MODEL.md",
        model.replace(row, row + "| TB3 | Ledger subnet | | Payments worker |\n"),
    )
    mapped.write("services/payments/limits.py", "LIMIT = 10\n")
    mapped.commit("a ledger subnet")
    code, out = judge(mapped, body("TB2, TB3", LINKED))
    assert code == 0, out
    # A boundary only in a head that does not change the model is still unknown.
    mapped.git("checkout", "-q", "-b", "other", "main")
    mapped.write("services/payments/limits.py", "LIMIT = 11\n")
    mapped.commit("limits")
    code, out = judge(mapped, body("TB2, TB3"))
    assert code == 1 and "ZT404 trust boundary `TB3`" in out, out


# --- Threat model: the link must be a change this pull request makes. ---


@pytest.mark.parametrize(
    "answer",
    [
        LINKED,
        "[model](https://github.com/acme/pay/blob/feature/THREAT_MODEL.md#data-flows)",
        "see ./THREAT_MODEL.md, flow F4",
        "https://github.com/acme/pay/blob/feature/THREAT_MODEL.md?plain=1",
    ],
)
def test_a_link_to_the_model_the_diff_changes_passes(
    mapped: Repo, judge: Judge, answer: str
) -> None:
    model = (mapped.path / "THREAT_MODEL.md").read_text()
    mapped.write("THREAT_MODEL.md", model.replace("| F4 |", "| F4 |", 1) + "\n<!-- F4 rev -->\n")
    mapped.commit("model: F4 reviewed")
    code, out = judge(mapped, body("TB1", answer))
    assert code == 0, out
    # The same answers, on a diff that leaves the model alone.
    mapped.git("checkout", "-q", "-b", "other", "main")
    mapped.write("docs/usage.md", "How to pay.\n")
    mapped.commit("docs")
    code, out = judge(mapped, body("TB1", answer))
    assert code == 1 and "ZT410" in out and "does not change" in out, out


@pytest.mark.parametrize(
    "answer",
    [
        "#7",
        "https://github.com/acme/pay/pull/7",
        "docs/design/payments.md",
        "[model](https://example.test/wiki/ThreatModel)",
        "OTHER_THREAT_MODEL.md",
    ],
)
def test_a_link_that_is_not_the_model_is_not_an_answer(
    mapped: Repo, judge: Judge, answer: str
) -> None:
    touch_model(mapped)
    code, out = judge(mapped, body("TB1", answer))
    assert code == 1 and "ZT410" in out and ", not a threat-model document" in out, out
    assert "this pull request changes THREAT_MODEL.md: link it" in out, out


def test_a_model_in_a_folder_and_a_new_document(project: Repo, judge: Judge) -> None:
    project.write("docs/threat-models/ledger.md", "# Threat model: Ledger\n")
    project.commit("a second model")
    project.git("checkout", "-q", "-b", "pr")
    project.write("docs/threat-models/refunds.md", "# Threat model: Refunds\n")
    project.commit("a model for refunds")
    for answer, code_wanted in (
        ("docs/threat-models/refunds.md", 0),  # added by this pull request
        ("https://git.example.test/pay/-/blob/pr/docs/threat-models/refunds.md", 0),
        ("docs/threat-models/ledger.md", 1),  # at the base, not changed here
    ):
        code, out = judge(project, body("TB1", answer))
        assert code == code_wanted, (answer, out)
    assert "(it changes docs/threat-models/refunds.md)" in out, out


def test_no_impact_while_the_diff_changes_the_model(mapped: Repo, judge: Judge) -> None:
    touch_model(mapped)
    code, out = judge(mapped, body("TB1"))
    assert code == 1 and "ZT411" in out and "changes THREAT_MODEL.md" in out, out
    assert judge(mapped, body("TB1", "THREAT_MODEL.md (whitespace)"))[0] == 0


@pytest.mark.parametrize("reason", ["", "TODO", "n/a", "-", "<reason>"])
def test_an_empty_or_placeholder_reason_is_no_reason(
    mapped: Repo, judge: Judge, reason: str
) -> None:
    mapped.write("docs/usage.md", "How to pay.\n")
    mapped.commit("docs")
    for text in (
        body("TB1", f"No threat-model impact: {reason}"),
        body("TB1", "").replace("Threat model: \n", f"No threat model impact: {reason}\n"),
    ):
        code, out = judge(mapped, text)
        assert code == 1 and ("ZT406" in out or "ZT402" in out), (reason, out)


def test_the_separate_no_impact_label_answers(mapped: Repo, judge: Judge) -> None:
    change_limits(mapped)
    text = body("TB2", "").replace("Threat model: \n", f"No threat model impact: {REASON}\n")
    code, out = judge(mapped, text)
    assert code == 0, out


# --- The policy's component names. ---


@pytest.mark.parametrize(
    "name, hint",
    [
        ("Payments workr", "Payments worker"),
        ("payment db", "Payments DB"),
        ("C33", "C3"),
        ("Ledger", None),
    ],
)
def test_an_unknown_component_is_a_policy_error_with_a_suggestion(
    project: Repo, judge: Judge, name: str, hint: str | None
) -> None:
    project.write(".ztgate.yaml", f"pr:\n  components:\n    'gateway/**': C2\n    'x/**': {name}\n")
    base = project.commit("a component the model lacks")
    project.write("docs/usage.md", "How to pay.\n")
    project.commit("docs")
    code, out = judge(project, body("TB1"), base=base)
    assert code == 2, out
    assert len(out.strip().splitlines()) == 1, out
    assert f"pr.components maps `x/**` to `{name}`" in out, out
    assert f"{base[:12]}:.ztgate.yaml:4" in out, out
    assert (f"did you mean `{hint}`?" in out) if hint else "did you mean" not in out, out


def test_a_pull_request_cannot_fix_the_policy_for_itself_but_the_skip_label_can(
    project: Repo,
    judge: Judge,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    project.write(".ztgate.yaml", "pr:\n  components:\n    'x/**': Ledger\n")
    base = project.commit("a component the model lacks")
    project.git("checkout", "-q", "-b", "pr")
    project.write(".ztgate.yaml", "pr:\n  components:\n    'x/**': Payments DB\n")
    project.commit("fix the name")
    assert judge(project, body("TB1"), base=base)[0] == 2
    event = github_event(
        tmp_path,
        body("TB1") + "\nztgate-skip: fixes the policy's component name\n",
        base={"sha": base},
        head={"sha": project.head()},
        labels=[{"name": "ztgate-skip"}],
    )
    monkeypatch.setenv("GITHUB_EVENT_PATH", str(event))
    code, out = run(capsys)
    assert code == 0 and "fixes the policy" in out, out


def test_a_component_named_only_in_a_boundary_column(repo: Repo, judge: Judge) -> None:
    # No Components table: membership comes from the Inside column.
    base = based_on(
        repo,
        "# Threat model\n\n## Trust boundaries\n\n| ID | Boundary | Inside | Outside |\n"
        "| --- | --- | --- | --- |\n| B7 | Build network | CI runner | Developer laptop |\n",
        "pr:\n  components:\n    '.github/workflows/*': ci runner\n",
    )
    repo.write(".github/workflows/ci.yaml", "on: push\n")
    repo.commit("ci")
    code, out = judge(repo, body("none"), base=base)
    assert (
        code == 1
        and "CI runner (.github/workflows/ci.yaml); `Trust boundaries:` leaves out B7" in out
    ), out
    assert judge(repo, body("build network"), base=base)[0] == 0


# --- Without a pull request event: --body-file and --base. ---


def test_body_file_with_base_judges_base_to_head(
    mapped: Repo, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    change_limits(mapped)
    described = tmp_path / "body.md"
    described.write_text(body("TB1"))
    code, out = run(capsys, "--body-file", str(described), "--base", "main")
    assert code == 1 and "ZT409" in out, out
    # Without --base the diff is unknown: the components cannot be checked (exit 2).
    code, out = run(capsys, "--body-file", str(described))
    assert code == 2 and "pass --base" in out, out


def test_a_model_link_without_a_diff_is_not_taken_on_trust(
    project: Repo, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    described = tmp_path / "body.md"
    described.write_text(body("TB1", LINKED))
    code, out = run(capsys, "--body-file", str(described))
    assert code == 1 and "ZT410" in out and "diff is not available" in out, out


def test_new_rules_in_sarif(mapped: Repo, judge: Judge) -> None:
    change_limits(mapped)
    code, out = judge(mapped, body("TB1", "THREAT_MODEL.md"), "--format", "sarif")
    sarif = json.loads(out)["runs"][0]
    assert {"ZT409", "ZT410", "ZT411"} <= {rule["id"] for rule in sarif["tool"]["driver"]["rules"]}
    assert sorted(result["ruleId"] for result in sarif["results"]) == ["ZT409", "ZT410"]
    line = FILLED.splitlines().index("Trust boundaries: TB1") + 1
    starts = {
        result["ruleId"]: result["locations"][0]["physicalLocation"]["region"]["startLine"]
        for result in sarif["results"]
    }
    assert starts == {"ZT409": line, "ZT410": line + 2}


# --- Odd but valid models and descriptions. ---

NESTED = """\
# Threat model

## Trust boundaries

| ID | Boundary | Inside | Outside |
| --- | --- | --- | --- |
| TB1 | Cloud account | | Operator |
| | Build network | | Developer laptop |

## Components

| ID | Name | Kind | Boundary |
| --- | --- | --- | --- |
| C1 | Deploy job | process | TB1, Build network |
| C2 | Operator | actor | |
"""


def test_nested_boundaries_and_a_boundary_without_an_id(repo: Repo, judge: Judge) -> None:
    base = based_on(repo, NESTED, "pr:\n  components:\n    'deploy/*': c1\n")
    repo.write("deploy/job.sh", "true\n")
    repo.commit("deploy")
    code, out = judge(repo, body("TB1"), base=base)
    assert code == 1 and "leaves out Build network (it lives in Build network, TB1)" in out, out
    code, out = judge(repo, body("tb1, build network"), base=base)
    assert code == 0, out


def test_an_empty_no_impact_line_beside_a_link_is_ignored(mapped: Repo, judge: Judge) -> None:
    touch_model(mapped)
    text = body("TB1", "THREAT_MODEL.md").replace(
        "Threat model: THREAT_MODEL.md\n",
        "Threat model: THREAT_MODEL.md\nNo threat model impact:\n",
    )
    code, out = judge(mapped, text)
    assert code == 0, out


def test_a_component_moved_out_of_its_folder_still_touches_it(mapped: Repo, judge: Judge) -> None:
    mapped.git("checkout", "-q", "main")
    mapped.write("services/payments/limits.py", "LIMIT = 10\n" * 20)
    base = mapped.commit("limits")
    mapped.git("checkout", "-q", "-b", "move")
    (mapped.path / "lib").mkdir()
    mapped.git("mv", "services/payments/limits.py", "lib/limits.py")
    mapped.commit("move the limits out")
    code, out = judge(mapped, body("TB1"), base=base)
    assert code == 1 and "ZT409" in out and "services/payments/limits.py" in out, out


# --- The pieces, on their own. ---


@pytest.mark.parametrize(
    "answer, found",
    [
        ("THREAT_MODEL.md", ["THREAT_MODEL.md"]),
        ("threat_model.md.", ["THREAT_MODEL.md"]),
        (
            "see docs/threat-models/pay.md, and THREAT_MODEL.md",
            ["docs/threat-models/pay.md", "THREAT_MODEL.md"],
        ),
        (
            "[F7](https://github.com/a/b/blob/main/docs/threat-models/pay.md#f7)",
            ["docs/threat-models/pay.md"],
        ),
        (
            "https://git.example.test/a/b/-/blob/x/docs/threat-models/pay%2Emd?plain=1",
            ["docs/threat-models/pay.md"],
        ),
        ("pay.md", []),  # a file name alone is not the document's path
        ("other/docs/threat-models/pay.md", ["docs/threat-models/pay.md"]),
        ("OLD_THREAT_MODEL.md", []),
        ("https://THREAT_MODEL.md", []),  # a host, not a path
        ("#12, https://github.com/a/b/pull/12", []),
        ("`THREAT_MODEL.md`", ["THREAT_MODEL.md"]),
    ],
)
def test_linked_documents(answer: str, found: list[str]) -> None:
    from ztgate.pr.check import linked_documents

    documents = ("THREAT_MODEL.md", "docs/threat-models/pay.md")
    assert linked_documents(answer, documents) == found


def test_many_changed_paths_are_matched_in_linear_time(tmp_path: Path) -> None:
    from ztgate.policy import Policy, PrPolicy
    from ztgate.pr import gate
    from ztgate.threat_model.parse import parse
    from ztgate.trusted import Trusted

    from tests.threat_model.example import EXAMPLE
    from tests.worst_case import LINEAR, growth_ratio

    models = [parse(EXAMPLE, "THREAT_MODEL.md")]
    policy = Policy(pr=PrPolicy(components=(("services/payments/**", "Payments worker"),)))
    source = Trusted.nothing(tmp_path)

    def touched(text: str) -> object:
        return gate._touched(source, policy, models, text.split("\n"))

    def paths(size: int) -> str:
        return "\n".join(f"services/payments/m{i}.py" for i in range(size // 24))

    assert touched(paths(72)) == (
        gate.Touched(
            "Payments worker",
            ("TB2",),
            ("services/payments/m0.py", "services/payments/m1.py", "services/payments/m2.py"),
        ),
    )
    ratio = growth_ratio(touched, paths, 40_000)
    assert ratio < LINEAR, ratio


def test_gitlab_merged_results_pipeline_judges_the_source_branch_only(
    mapped: Repo, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fork = mapped.git("rev-parse", "main").strip()
    mapped.write("gateway/routes.yaml", "routes: []\n")
    source = mapped.commit("routes")
    mapped.git("checkout", "-q", "main")
    mapped.write("services/payments/limits.py", "LIMIT = 10\n")
    target = mapped.commit("limits, on the target since the fork")
    mapped.git("merge", "-q", "--no-ff", "-m", "merged result", source)
    merged = mapped.head()
    environment = {
        "CI_MERGE_REQUEST_IID": "7",
        "CI_MERGE_REQUEST_DESCRIPTION": body("TB1"),
        "CI_MERGE_REQUEST_DIFF_BASE_SHA": fork,
        "CI_MERGE_REQUEST_TARGET_BRANCH_SHA": target,
        "CI_MERGE_REQUEST_SOURCE_BRANCH_SHA": source,
        "CI_COMMIT_SHA": merged,
    }
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    code, out = run(capsys)
    assert code == 0, out  # the target's limits.py is not this merge request's change
    monkeypatch.setenv("CI_MERGE_REQUEST_DESCRIPTION", body("TB2"))
    code, out = run(capsys)
    assert code == 1 and "API gateway (gateway/routes.yaml)" in out, out
    # A merge request pipeline (no merged result): CI_COMMIT_SHA is the source's tip.
    monkeypatch.delenv("CI_MERGE_REQUEST_SOURCE_BRANCH_SHA")
    monkeypatch.setenv("CI_COMMIT_SHA", source)
    code, out = run(capsys)
    assert code == 1 and "API gateway (gateway/routes.yaml)" in out, out


def test_a_component_added_with_its_code_is_judged_from_the_next_pull_request(
    mapped: Repo, judge: Judge
) -> None:
    model = (mapped.path / "THREAT_MODEL.md").read_text()
    mapped.write(
        "THREAT_MODEL.md",
        model.replace(
            "| C5 | Card processor | external | |\n",
            "| C5 | Card processor | external | |\n| C6 | Ledger | store | TB2 |\n",
        ),
    )
    mapped.write(".ztgate.yaml", POLICY + "    'services/ledger/**': Ledger\n")
    mapped.write("services/ledger/book.py", "ENTRIES = []\n")
    mapped.commit("a ledger, in the model and the policy")
    # The base's policy maps nothing to services/ledger: no boundary is asked for, but the
    # model changed, so the description must link it.
    code, out = judge(mapped, body("none"))
    assert code == 1 and "ZT411" in out and "ZT409" not in out, out
    code, out = judge(mapped, body("none", "THREAT_MODEL.md (adds the Ledger, C6)"))
    assert code == 0, out
    # Merged: the next pull request under services/ledger names TB2.
    mapped.git("checkout", "-q", "-b", "next")
    mapped.write("services/ledger/book.py", "ENTRIES: list[str] = []\n")
    mapped.commit("typed ledger")
    code, out = judge(mapped, body("none"), base="pr")
    assert code == 1 and "Ledger (services/ledger/book.py)" in out and "TB2" in out, out
