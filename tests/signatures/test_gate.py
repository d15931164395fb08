"""Signed-commit checks with real keys made here by ssh-keygen and gpg."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from ztgate.signatures import gate

from tests.conftest import Repo


def ssh_key(tmp_path: Path, name: str) -> Path:
    key = tmp_path / f"{name}_ed25519"
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", str(key)], check=True
    )
    return key.with_suffix(".pub") if key.suffix else Path(f"{key}.pub")


def allow(repo: Repo, email: str, public_key: Path, options: str = 'namespaces="git"') -> None:
    path = repo.path / ".ztgate" / "allowed_signers"
    path.parent.mkdir(exist_ok=True)
    with path.open("a") as stream:
        stream.write(f"{email} {options} {public_key.read_text().strip()}\n")


def as_person(email: str, env: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of a commit made by ``email`` (author and committer)."""
    return {
        **(env or os.environ),
        "GIT_AUTHOR_EMAIL": email,
        "GIT_COMMITTER_EMAIL": email,
        "GIT_AUTHOR_NAME": "Dev",
        "GIT_COMMITTER_NAME": "Dev",
    }


def ssh_commit(
    repo: Repo, public_key: Path, message: str, email: str = "alice@example.test"
) -> str:
    repo.write(f"{message.replace(' ', '_')}.txt", message)
    repo.git("add", "--all")
    subprocess.run(
        [
            "git",
            "-c",
            "gpg.format=ssh",
            "-c",
            f"user.signingkey={public_key}",
            "commit",
            "-q",
            "-S",
            "-m",
            message,
        ],
        cwd=repo.path,
        env=as_person(email),
        check=True,
        capture_output=True,
    )
    return repo.head()


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = gate.main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def test_allowed_ssh_key_passes(
    repo: Repo, adopted: str, alice: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ssh_commit(repo, alice, "work")
    code, out = run(capsys, "--range", f"{adopted}..HEAD")
    assert code == 0, out
    assert "2 commit(s) scanned" in out


def test_unsigned_commit(repo: Repo, adopted: str, capsys: pytest.CaptureFixture[str]) -> None:
    repo.write("x.txt", "x")
    sha = repo.commit("unsigned work")
    code, out = run(capsys, "--range", f"{adopted}..HEAD")
    assert code == 1 and f"{sha[:12]}:" in out and "ZT301" in out and '"unsigned work"' in out


def test_unknown_key(
    repo: Repo, adopted: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mallory = ssh_key(tmp_path, "mallory")
    ssh_commit(repo, mallory, "sneaky")
    code, out = run(capsys, "--range", f"{adopted}..HEAD")
    assert code == 1 and "ZT303" in out and "SHA256:" in out


def test_signer_is_not_the_committer(
    repo: Repo, adopted: str, alice: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ssh_commit(repo, alice, "as bob", email="bob@example.test")
    code, out = run(capsys, "--range", f"{adopted}..HEAD")
    assert code == 1 and "ZT304" in out and "signed by alice@example.test" in out
    # Loosening the option in the work tree changes nothing: options come from the base.
    repo.write(".ztgate.yaml", f"signatures:\n  trust_root: {adopted}\n  identity: none\n")
    assert run(capsys, "--range", f"{adopted}..HEAD")[0] == 1


@pytest.mark.parametrize("principal", ["*", "*@example.test", "b?b@example.test", "*,!x@y"])
def test_wildcard_principal_signs_as_nobody_else(
    repo: Repo,
    adopted: str,
    alice: Path,
    tmp_path: Path,
    principal: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    mallory = ssh_key(tmp_path, "mallory")
    allow(repo, principal, mallory)
    ssh_commit(repo, alice, "allow mallory with a pattern")
    ssh_commit(repo, mallory, "signed as bob", email="bob@example.test")
    code, out = run(capsys)
    assert code == 1 and "ZT304" in out and '"signed as bob"' in out and "literally" in out, out


def test_a_push_cannot_widen_its_own_trust_root(
    repo: Repo, adopted: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mallory = ssh_key(tmp_path, "mallory")
    repo.write(".ztgate.yaml", f"signatures:\n  trust_root: {repo.head()}\n")
    ssh_commit(repo, mallory, "exempt myself", email="mallory@example.test")
    code, out = run(capsys)
    assert code == 1 and '"exempt myself"' in out


def test_bootstrap_needs_the_verifier_to_name_the_trust_root(
    repo: Repo, alice: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    allow(repo, "alice@example.test", alice)
    adoption = ssh_commit(repo, alice, "adopt")
    code, out = run(capsys)
    assert code == 1 and "ZT310" in out and "a root commit has no signer policy" in out
    assert run(capsys, "--trust-root", adoption)[0] == 0


def test_tampered_commit_object(
    repo: Repo, adopted: str, alice: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ssh_commit(repo, alice, "honest message")
    raw = subprocess.run(
        ["git", "cat-file", "commit", "HEAD"], cwd=repo.path, capture_output=True, check=True
    ).stdout.replace(b"honest message", b"evil message!!")
    forged = (
        subprocess.run(
            ["git", "hash-object", "-t", "commit", "-w", "--stdin"],
            cwd=repo.path,
            input=raw,
            capture_output=True,
            check=True,
        )
        .stdout.decode()
        .strip()
    )
    repo.git("update-ref", "refs/heads/main", forged)
    code, out = run(capsys, "--range", f"{adopted}..HEAD")
    assert code == 1 and "ZT302" in out


def test_commit_cannot_authorize_itself(
    repo: Repo, adopted: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mallory = ssh_key(tmp_path, "mallory")
    allow(repo, "mallory@example.test", mallory)
    ssh_commit(repo, mallory, "let me in", email="mallory@example.test")
    code, out = run(capsys)  # pre-push: judged by the policy of the commit's parent
    assert code == 1 and "ZT303" in out and '"let me in"' in out


def test_removed_key_no_longer_signs(
    repo: Repo, adopted: str, alice: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bob = ssh_key(tmp_path, "bob")
    allow(repo, "bob@example.test", bob)
    ssh_commit(repo, alice, "allow bob")
    ssh_commit(repo, bob, "bob works", email="bob@example.test")
    assert run(capsys, "--trust-root", adopted)[0] == 0
    signers = repo.path / ".ztgate" / "allowed_signers"
    signers.write_text(signers.read_text().splitlines()[0] + "\n")
    ssh_commit(repo, alice, "remove bob")
    ssh_commit(repo, bob, "bob again", email="bob@example.test")
    code, out = run(capsys, "--trust-root", adopted)
    assert code == 1 and '"bob again"' in out and "ZT303" in out and '"bob works"' not in out


@pytest.mark.parametrize("options", ['namespaces="file"', 'valid-before="20200101"'])
def test_key_not_valid_for_git_commits(
    repo: Repo,
    adopted: str,
    tmp_path: Path,
    alice: Path,
    options: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    carol = ssh_key(tmp_path, "carol")
    allow(repo, "carol@example.test", carol, options)
    ssh_commit(repo, alice, "allow carol narrowly")
    ssh_commit(repo, carol, "carol works", email="carol@example.test")
    code, out = run(capsys)
    assert code == 1 and '"carol works"' in out


def test_user_config_does_not_confuse_parsing(
    repo: Repo, adopted: str, alice: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.git("config", "log.showSignature", "true")
    repo.git("config", "color.ui", "always")
    ssh_commit(repo, alice, "more work")
    assert run(capsys, "--range", f"{adopted}..HEAD")[0] == 0


def test_missing_tool_is_exit_2(
    repo: Repo, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("ztgate.signatures.verify.shutil.which", lambda tool: None)
    code, out = run(capsys)
    assert code == 2 and "ssh-keygen" in out


@pytest.fixture
def gnupg(gpg_env: dict[str, str]) -> dict[str, str]:
    """A GnuPG home holding alice's signing key."""
    subprocess.run(
        [
            "gpg",
            "--batch",
            "--passphrase",
            "",
            "--quick-gen-key",
            "Alice <alice@example.test>",
            "ed25519",
            "sign",
            "never",
        ],
        env=gpg_env,
        check=True,
        capture_output=True,
    )
    return gpg_env


def test_openpgp_key_without_ownertrust_passes_by_fingerprint(
    repo: Repo, gnupg: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    armored = subprocess.run(
        ["gpg", "--batch", "--armor", "--export", "alice@example.test"],
        env=gnupg,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    repo.write(".ztgate/openpgp/alice.asc", armored)
    base = repo.commit("adopt")
    repo.write("work.txt", "work")
    repo.git("add", "work.txt")
    subprocess.run(
        ["git", "-c", "user.signingkey=alice@example.test", "commit", "-q", "-S", "-m", "gpg work"],
        cwd=repo.path,
        env=as_person("alice@example.test", gnupg),
        check=True,
        capture_output=True,
    )
    code, out = run(capsys, "--range", f"{base}..HEAD")
    assert code == 0, out
    # The same signature judged by a policy without the key: the key is missing.
    (repo.path / ".ztgate" / "openpgp" / "alice.asc").unlink()
    allow(repo, "someone@example.test", ssh_key(tmp_path, "someone"))
    repo.commit("drop key")
    subprocess.run(
        [
            "git",
            "-c",
            "user.signingkey=alice@example.test",
            "commit",
            "-q",
            "-S",
            "--allow-empty",
            "-m",
            "after drop",
        ],
        cwd=repo.path,
        env=as_person("alice@example.test", gnupg),
        check=True,
        capture_output=True,
    )
    code, out = run(capsys, "--range", "HEAD~1..HEAD")
    assert code == 1 and "ZT308" in out


def test_goodlist_exempts_an_audited_commit(
    repo: Repo, adopted: str, alice: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.write("x.txt", "x")
    lost = repo.commit("signed with a lost key")
    assert run(capsys, "--range", f"{adopted}..HEAD")[0] == 1
    repo.write(
        ".ztgate.yaml",
        f"signatures:\n  trust_root: {adopted}\n  goodlist:\n"
        f"    {lost}: key lost in the 2026 laptop theft, audited in #42\n",
    )
    ssh_commit(repo, alice, "goodlist the lost commit")
    # Judged by the policy at HEAD~0's base: the goodlist entry now stands before the range.
    code, out = run(capsys, "--range", f"{repo.head()}~1..HEAD")
    assert code == 0, out
    code, out = run(capsys, "--range", f"{adopted}..HEAD")  # a base without the entry
    assert code == 1 and '"signed with a lost key"' in out


def forge_commit(repo: Repo, key: Path, message: str, author: str) -> str:
    """A commit the forge made and signed (a merge, a web edit) on behalf of ``author``."""
    repo.write(f"{message.replace(' ', '_')}.txt", message)
    repo.git("add", "--all")
    subprocess.run(
        ["git", "-c", "gpg.format=ssh", "-c", f"user.signingkey={key}"]
        + ["commit", "-q", "-S", "-m", message],
        cwd=repo.path,
        env={**as_person("noreply@github.com"), "GIT_AUTHOR_EMAIL": author},
        check=True,
        capture_output=True,
    )
    return repo.head()


@pytest.fixture
def web_flow(repo: Repo, adopted: str, alice: Path, tmp_path: Path) -> tuple[Path, str]:
    """The forge's key in .ztgate/forge/, adopted; returns it and the commit that adopts it."""
    key = ssh_key(tmp_path, "web-flow")
    forge = repo.path / ".ztgate" / "forge" / "allowed_signers"
    forge.parent.mkdir(parents=True)
    forge.write_text(f'noreply@github.com namespaces="git" {key.read_text().strip()}\n')
    return key, ssh_commit(repo, alice, "trust the forge's web-flow key")


def test_forge_key_counts_only_on_commits_the_forge_made(
    repo: Repo, web_flow: tuple[Path, str], alice: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    key, base = web_flow
    repo.git("checkout", "-q", "-b", "feature")
    ssh_commit(repo, alice, "feature work")
    repo.git("checkout", "-q", "main")
    repo.git("merge", "-q", "--no-ff", "--no-commit", "feature")
    forge_commit(repo, key, "Merge pull request #1", author="alice@example.test")
    code, out = run(capsys, "--range", f"{base}..HEAD")
    assert code == 0, out
    ssh_commit(repo, key, "ordinary commit signed by the forge key")
    code, out = run(capsys, "--range", f"{base}..HEAD")
    assert code == 1 and '"ordinary commit signed by the forge key"' in out and "ZT303" in out


@pytest.mark.parametrize(
    ("author", "passes"),
    [
        ("alice@example.test", True),
        ("ALICE@example.test", True),
        ("mallory@example.test", False),
        ("noreply@github.com", False),  # the forge's own principal vouches for nobody
    ],
)
def test_web_edit_passes_only_for_an_allowed_author(
    repo: Repo,
    web_flow: tuple[Path, str],
    author: str,
    passes: bool,
    capsys: pytest.CaptureFixture[str],
) -> None:
    key, base = web_flow
    forge_commit(repo, key, "edit README on the web", author=author)
    code, out = run(capsys, "--range", f"{base}..HEAD")
    if passes:
        assert code == 0, out
    else:
        assert code == 1 and '"edit README on the web"' in out and "author" in out, out


def test_sha256_repository(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "sha256"
    subprocess.run(["git", "init", "-q", "--object-format=sha256", str(path)], check=True)
    monkeypatch.chdir(path)
    repository = Repo(path)
    alice = ssh_key(tmp_path, "alice")
    allow(repository, "alice@example.test", alice)
    root = ssh_commit(repository, alice, "adopt")
    assert len(root) == 64
    ssh_commit(repository, alice, "signed")
    repository.write("u.txt", "u")
    unsigned_sha = repository.commit("unsigned")
    code, out = run(capsys, "--range", f"{root}..HEAD")
    assert code == 1 and f"{unsigned_sha[:12]}:" in out and out.count(": ZT3") == 1


def test_shallow_clone_without_the_base_fails_closed(
    repo: Repo,
    adopted: str,
    alice: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    for number in range(3):
        ssh_commit(repo, alice, f"work {number}")
    clone = tmp_path / "shallow"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "1", f"file://{repo.path}", str(clone)], check=True
    )
    monkeypatch.chdir(clone)
    code, out = run(capsys, "--range", f"{adopted}..HEAD")
    assert code == 2 and "fetch-depth: 0" in out


def test_setup_configures_ssh_signing_and_prints_the_allowed_line(
    repo: Repo, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.git("config", "user.email", "dev@example.test")
    code, out = run(capsys, "setup")
    assert code == 1 and "ssh-keygen -t ed25519" in out  # no key yet: how to make one
    ssh_dir = Path(os.environ["HOME"]) / ".ssh"
    ssh_dir.mkdir()
    public = ssh_key(ssh_dir, "id")
    public.rename(ssh_dir / "id_ed25519.pub")
    code, out = run(capsys, "setup")
    assert code == 0, out
    assert repo.git("config", "gpg.format").strip() == "ssh"
    assert repo.git("config", "commit.gpgsign").strip() == "true"
    assert repo.git("config", "user.signingkey").strip().endswith("id_ed25519.pub")
    assert 'dev@example.test namespaces="git" ssh-ed25519 AAAA' in out


def test_too_old_ssh_is_exit_2(
    repo: Repo, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(
        "ztgate.signatures.verify._version", lambda tool: (7, 4) if tool == "ssh-keygen" else (2, 4)
    )
    code, out = run(capsys)
    assert code == 2 and "too old" in out


@pytest.mark.parametrize(
    ("program", "output"),
    [
        ("gpg", "gpg (GnuPG) two point four"),
        ("gpg", ""),
        ("ssh", "OpenSSH_nine, OpenSSL 3.0"),
        ("ssh", "Dropbear v2022.83"),
    ],
)
def test_unrecognised_tool_version_is_exit_2(
    repo: Repo,
    tmp_path: Path,
    program: str,
    output: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    fake = tmp_path / "bin"
    fake.mkdir()
    script = fake / program
    script.write_text(f"#!/bin/sh\necho '{output}' >&2\n")
    script.chmod(0o755)
    monkeypatch.setenv("PATH", f"{fake}{os.pathsep}{os.environ['PATH']}")
    repo.commit("one")
    code, out = run(capsys)
    assert code == 2 and "version" in out, out


def test_a_committer_line_with_two_addresses_names_the_first_as_git_does(repo: Repo) -> None:
    """`committer Alice <alice@…> <mallory@…> …` is Alice to git: ztgate must not read Mallory
    (whose allowed key would then sign as her)."""
    from ztgate.signatures.commits import read_commits

    repo.write("a.txt", "a")
    repo.commit("base")
    tree = repo.git("rev-parse", "HEAD^{tree}").strip()
    raw = (
        f"tree {tree}\n"
        "author Alice <alice@example.test> <mallory@example.test> 1700000000 +0000\n"
        "committer Alice <alice@example.test> <mallory@example.test> 1700000000 +0000\n"
        "\nspoofed\n"
    )
    import subprocess as sp

    sha = sp.run(
        ["git", "hash-object", "-t", "commit", "-w", "--literally", "--stdin"],
        cwd=repo.path,
        input=raw,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    gits = repo.git("log", "-1", "--format=%ce %ae", sha).split()
    (commit,) = read_commits(repo.path, [sha])
    assert [commit.committer_email, commit.author_email] == gits == ["alice@example.test"] * 2


@pytest.mark.parametrize("entry", ["signatures", "pre-push"])
def test_a_policy_file_cannot_be_named_on_the_command_line(
    repo: Repo, entry: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """The signer policy is the one committed at each commit's parent: a `--policy` the push
    or the pipeline could point at a file of its own choosing is not an option at all."""
    from ztgate import prepush

    (repo.path / "mine.yaml").write_text("signatures:\n  identity: none\n")
    main = gate.main if entry == "signatures" else prepush.main
    with pytest.raises(SystemExit) as exit_:
        main(["--policy", "mine.yaml"])
    assert exit_.value.code == 2
    assert "unrecognized arguments: --policy" in capsys.readouterr().err


def test_the_policy_that_judges_a_commit_sets_its_severity(
    repo: Repo, adopted: str, alice: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`signatures.severity` (e.g. unsigned commits warn while a team adopts) is read from the
    policy that judges each commit: a commit cannot lower its own."""
    repo.write(
        ".ztgate.yaml", f"signatures:\n  trust_root: {adopted}\n  severity: {{ZT301: off}}\n"
    )
    repo.commit("unsigned, and silences its own finding")
    code, out = run(capsys, "--range", f"{adopted}..HEAD")
    assert code == 1 and "ZT301" in out, out  # judged by its parent's policy
    repo.write(
        ".ztgate.yaml", f"signatures:\n  trust_root: {adopted}\n  severity: {{ZT301: warning}}\n"
    )
    ssh_commit(repo, alice, "warn on unsigned commits from here on")
    first = repo.commit("unsigned, after the policy that warns")
    code, out = run(capsys, "--range", f"{first}~1..HEAD")
    assert code == 0 and "ZT301 warning" in out, out
    repo.write(
        ".ztgate.yaml", f"signatures:\n  trust_root: {adopted}\n  severity: {{ZT301: off}}\n"
    )
    ssh_commit(repo, alice, "switch unsigned findings off")
    repo.commit("unsigned, after the policy that drops the finding")
    code, out = run(capsys, "--range", "HEAD~1..HEAD")
    assert code == 0 and "ZT301" not in out, out


def commit_with_signature(repo: Repo, signature: str, message: str) -> str:
    """A commit on HEAD whose gpgsig header holds ``signature`` as given."""
    tree = repo.git("write-tree").strip()
    parent = repo.head()
    header = "\n ".join(signature.splitlines())
    raw = (
        f"tree {tree}\nparent {parent}\n"
        "author Dev <alice@example.test> 1700000000 +0000\n"
        "committer Dev <alice@example.test> 1700000000 +0000\n"
        f"gpgsig {header}\n\n{message}\n"
    )
    sha = subprocess.run(
        ["git", "hash-object", "-t", "commit", "-w", "--stdin"],
        cwd=repo.path,
        input=raw,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    repo.git("update-ref", "HEAD", sha)
    return sha


@pytest.mark.parametrize(
    "signature, expected",
    [
        (
            "-----BEGIN SIGNED MESSAGE-----\nMIIB\n-----END SIGNED MESSAGE-----",
            'ZT309 "odd signature" by Dev <alice@example.test>: X.509 (gitsign/S/MIME) '
            "signatures are not supported yet",
        ),
        (
            "-----BEGIN SSH SIGNATURE-----\nU1NIU0lH\n-----END SSH SIGNATURE-----",
            'ZT302 "odd signature" by Dev <alice@example.test>: the SSH signature is malformed',
        ),
    ],
    ids=["x509", "malformed-ssh"],
)
def test_a_signature_ztgate_cannot_judge_blocks_and_says_why(
    repo: Repo, adopted: str, capsys: pytest.CaptureFixture[str], signature: str, expected: str
) -> None:
    sha = commit_with_signature(repo, signature, "odd signature")
    code, out = run(capsys, "--range", f"{adopted}..HEAD")
    assert code == 1, out
    assert f"{sha[:12]}: {expected}" in out, out
