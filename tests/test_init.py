"""`ztgate init`: from zero to a gated repository, and templates found from a wheel."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest
from ztgate import init
from ztgate.errors import UserError

from tests.conftest import Repo
from tests.fakes import aws_key_id
from tests.test_precommit import ROOT, pre_commit_home  # noqa: F401 - the session fixture

EXISTING = """\
# our hooks; keep this comment
repos:
  - repo: https://github.com/pre-commit/pre-commit-hooks
    rev: v4.6.0
    hooks:
      - id: trailing-whitespace  # whitespace matters
  - repo: local
    hooks:
      - id: lint
        name: lint
        entry: make lint
        language: system
"""


REMOTE = init.HookSource("https://example.test/ztgate", "v1", "ztgate==0.1.0")
LOCAL = init.HookSource("local", "", "ztgate @ git+https://example.test/ztgate@" + "a" * 40)


def test_merge_keeps_comments_order_and_other_hooks_and_is_idempotent() -> None:
    merged = init.merge_hooks(EXISTING, REMOTE)
    assert merged.startswith("# our hooks; keep this comment\nrepos:")
    assert "id: trailing-whitespace  # whitespace matters" in merged
    assert (
        merged.index("pre-commit-hooks") < merged.index("id: lint") < merged.index("ztgate-secrets")
    )
    for hook_id in init.HOOK_IDS:
        assert f"id: {hook_id}" in merged
    assert init.merge_hooks(merged, REMOTE) == merged
    assert init.merge_hooks(None, REMOTE).count("ztgate-") == len(init.HOOK_IDS)


def test_local_hooks_install_the_running_ztgate_and_pass_pre_commits_validation(
    repo: Repo,
    pre_commit_home: Path,  # noqa: F811
) -> None:
    from ruamel.yaml import YAML
    from ztgate.registry import HOOKS

    merged = init.merge_hooks(EXISTING, LOCAL)
    assert init.merge_hooks(merged, LOCAL) == merged
    config = YAML(typ="safe").load(merged)
    ours = next(r for r in config["repos"] if any(h["id"] == "ztgate-pr" for h in r["hooks"]))
    assert ours["repo"] == "local"
    assert [h["id"] for h in ours["hooks"]] == [hook.id for hook in HOOKS]
    for hook in ours["hooks"]:
        assert hook["additional_dependencies"] == [LOCAL.requirement]
        assert hook["language"] == "python" and hook["entry"].startswith("ztgate ")
    repo.write(".pre-commit-config.yaml", merged)
    result = subprocess.run(
        [sys.executable, "-m", "pre_commit", "validate-config", ".pre-commit-config.yaml"],
        cwd=repo.path,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_ci_job_installs_the_same_ztgate_as_the_hooks() -> None:
    from ztgate.installed import Requirement

    requirement = Requirement(LOCAL.requirement, True)
    for name in ("ci/github-workflow.yml", "ci/gitlab-ci.yml"):
        job = init.ci_job(name, requirement)
        assert f'python -m pip install "{LOCAL.requirement}"' in job
        assert init.SHIPPED_REQUIREMENT not in job


def test_the_requirement_comes_from_the_installation_record() -> None:
    from ztgate.installed import from_direct_url

    sha = "b" * 40
    vcs = {"url": "https://example.test/ztgate.git", "vcs_info": {"vcs": "git", "commit_id": sha}}
    assert from_direct_url(vcs).spec == f"ztgate @ git+https://example.test/ztgate.git@{sha}"
    local = from_direct_url({"url": "file:///src/ztgate", "dir_info": {"editable": True}})
    assert local.spec == "ztgate @ file:///src/ztgate" and not local.portable


def test_the_running_ztgate_is_named_by_its_installation(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from importlib import metadata

    from ztgate import __version__, installed

    here = installed.this_ztgate()  # this checkout, installed editable
    assert here.spec.startswith("ztgate @ file:") and here.shown.endswith(
        "(a path on this machine)"
    )

    def not_installed(name: str) -> metadata.Distribution:
        raise metadata.PackageNotFoundError(name)

    monkeypatch.setattr(metadata, "distribution", not_installed)
    found = installed.this_ztgate()
    assert (found.spec, found.portable, found.shown) == (f"ztgate=={__version__}", True, found.spec)


def test_init_writes_what_is_missing_and_keeps_what_is_there(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.write("app.py", f'AWS_ACCESS_KEY_ID = "{aws_key_id()}"\n')
    repo.write("THREAT_MODEL.md", "# ours\n")
    repo.git("add", "app.py")
    argv = ["--no-install", "--ci", "gitlab", "--requirement", "ztgate==0.1.0"]
    assert init.main(argv) == 0
    out = capsys.readouterr().out
    assert "wrote      .pre-commit-config.yaml: ztgate's hooks" in out
    assert "ztgate     ztgate==0.1.0" in out
    assert "kept       THREAT_MODEL.md (exists; never overwritten)" in out
    assert "add `include: ztgate.gitlab-ci.yml` to .gitlab-ci.yml" in out
    assert (repo.path / "THREAT_MODEL.md").read_text() == "# ours\n"
    assert '"ztgate==0.1.0"' in (repo.path / "ztgate.gitlab-ci.yml").read_text()
    assert (repo.path / ".gitlab/merge_request_templates/Default.md").is_file()
    assert "app.py" in (repo.path / ".secrets.baseline").read_text()
    assert init.main(argv) == 0
    out = capsys.readouterr().out
    assert "kept       .pre-commit-config.yaml (ztgate's hooks already there)" in out
    assert out.count("kept ") == 5 and "wrote" not in out


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--repo", "https://example.test/ztgate"], "--repo needs --rev"),
        (["--requirement", "ztgate; echo $HOME"], "the requirement holds quotes or shell"),
    ],
)
def test_init_refuses_what_it_cannot_write_safely(
    repo: Repo, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    assert init.main(["--no-install", *argv]) == 2
    assert capsys.readouterr().err.startswith(f"ztgate: error: {message}")
    assert not (repo.path / ".pre-commit-config.yaml").exists()


def test_a_pre_commit_config_that_is_not_a_mapping_is_refused() -> None:
    with pytest.raises(UserError) as error:
        init.merge_hooks("- just\n- a list\n", REMOTE)
    assert error.value.one_line() == (
        ".pre-commit-config.yaml: the pre-commit config is not a mapping"
    )


def test_init_never_replaces_a_pre_push_hook_it_did_not_write(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    # This test's git refuses hooks (core.hooksPath), and so does `pre-commit install`.
    assert init.main(["--requirement", "ztgate==0.1.0"]) == 2
    assert capsys.readouterr().err.startswith("ztgate: error: pre-commit install failed: ")
    repo.git("config", "--global", "--unset", "core.hooksPath")
    hook = repo.path / ".git" / "hooks" / "pre-push"
    hook.write_text("#!/bin/sh\nexec make check\n")
    assert init.main(["--requirement", "ztgate==0.1.0"]) == 2
    err = capsys.readouterr().err
    assert "a pre-push hook that ztgate did not write is installed" in err
    assert hook.read_text() == "#!/bin/sh\nexec make check\n"
    hook.unlink()
    assert init.main(["--requirement", "ztgate==0.1.0"]) == 0
    assert "installed  the pre-commit hook (pre-commit) and the pre-push hook" in (
        capsys.readouterr().out
    )
    assert init.PRE_PUSH_MARK in hook.read_text() and os.access(hook, os.X_OK)


def committed_checkout() -> str:
    status = subprocess.run(
        ["git", "status", "--porcelain"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    if status.strip():
        pytest.skip("a `repo:` pins a commit; this checkout has uncommitted changes")
    return subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.strip()


@pytest.mark.integration
def test_init_then_a_key_is_blocked_and_an_unsigned_push_is_blocked(
    repo: Repo,
    tmp_path: Path,
    pre_commit_home: Path,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rev = committed_checkout()
    monkeypatch.setenv("PRE_COMMIT_HOME", str(pre_commit_home))
    repo.git("config", "--global", "--unset", "core.hooksPath")
    repo.write("README.md", "hello\n")
    repo.commit("existing history")
    assert init.main(["--repo", str(ROOT), "--rev", rev, "--ci", "github"]) == 0
    out = capsys.readouterr().out
    assert "the pre-push hook (.git/hooks/pre-push)" in out
    for path in (
        ".pre-commit-config.yaml",
        ".ztgate.yaml",
        "THREAT_MODEL.md",
        ".github/PULL_REQUEST_TEMPLATE.md",
        ".github/workflows/ztgate.yml",
        ".secrets.baseline",
    ):
        assert (repo.path / path).is_file(), path
    before = {p: (repo.path / p).read_bytes() for p in (".pre-commit-config.yaml", ".ztgate.yaml")}
    assert init.main(["--repo", str(ROOT), "--rev", rev, "--no-install"]) == 0
    assert {p: (repo.path / p).read_bytes() for p in before} == before  # twice changes nothing

    repo.write("settings.py", f'AWS_ACCESS_KEY_ID = "{aws_key_id()}"\n')
    repo.git("add", "settings.py")
    commit = subprocess.run(
        ["git", "commit", "-m", "add a key"], cwd=repo.path, capture_output=True, text=True
    )
    assert commit.returncode != 0 and "ZT101" in commit.stdout + commit.stderr

    repo.write("settings.py", "import os\n")
    repo.git("add", "--all")
    subprocess.run(
        ["git", "commit", "-q", "--no-verify", "-m", "adopt ztgate"], cwd=repo.path, check=True
    )
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True)
    repo.git("remote", "add", "origin", str(remote))
    push = subprocess.run(
        ["git", "push", "origin", "main"], cwd=repo.path, capture_output=True, text=True
    )
    # No signer policy was adopted: every commit lacks one (ZT310), nothing to re-sign yet.
    assert push.returncode != 0 and "ZT310" in push.stdout + push.stderr


@pytest.mark.integration
def test_templates_come_from_an_installed_wheel(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(wheels), str(ROOT)],
        check=True,
        capture_output=True,
    )
    environment = tmp_path / "venv"
    venv.create(environment, with_pip=True)
    python = environment / "bin" / "python"
    # The wheel's dependencies come from the interpreter running this suite (a venv or not):
    # its site-packages directories are added as plain paths, so the editable install's own
    # import hook (a .pth processed only in a site directory) does not follow.
    target = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    ours = {sysconfig.get_paths()[key] for key in ("purelib", "platlib")}
    Path(target, "suite-dependencies.pth").write_text("\n".join(sorted(ours)) + "\n")
    wheel = next(wheels.glob("ztgate-*.whl"))
    subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "--no-deps", str(wheel)],
        check=True,
        capture_output=True,
    )
    project = tmp_path / "project"
    subprocess.run(["git", "init", "-q", str(project)], check=True)
    where = subprocess.run(
        [str(python), "-c", "import ztgate; print(ztgate.__file__)"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert str(environment) in where, where  # the wheel's copy, not this checkout
    env = {**os.environ, "PYTHONPATH": ""}
    result = subprocess.run(
        [str(python), "-m", "ztgate", "init", "--no-install"],
        cwd=project,
        capture_output=True,
        text=True,
        env=env,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    shipped = (ROOT / "templates" / "THREAT_MODEL.md").read_text()
    assert (project / "THREAT_MODEL.md").read_text() == shipped
    assert (project / ".github" / "PULL_REQUEST_TEMPLATE.md").is_file()


def test_templates_come_from_a_checkout_then_their_absence_is_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ztgate import shipped

    expected = (ROOT / "templates" / "THREAT_MODEL.md").read_text(encoding="utf-8")
    # No packaged copy (a checkout on a file system without the package's symlink).
    monkeypatch.setattr(shipped.resources, "files", lambda _: tmp_path)
    assert shipped.template_text("THREAT_MODEL.md") == expected
    monkeypatch.setattr(shipped, "__file__", str(tmp_path / "a" / "b" / "shipped.py"))
    with pytest.raises(UserError) as error:
        shipped.template_text("THREAT_MODEL.md")
    assert error.value.one_line() == (
        "ztgate's template THREAT_MODEL.md is missing from this installation"
    )


def test_init_stops_when_the_baseline_cannot_be_written(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.write(".ztgate.yaml", "secrets:\n  max_file_size: big\n")
    assert init.main(["--no-install", "--requirement", "ztgate==0.1.0"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("ztgate: error: could not write the baseline: ztgate: error: ")
    assert "`secrets.max_file_size` must be" in err
    assert not (repo.path / ".secrets.baseline").exists()
