"""Speed of the signed-commits gate on N SSH-signed commits (goal: 1,000 in under 3 s),
against `git log --format=%G?` (which runs ssh-keygen once per commit), same run.

    python bench/signatures.py [--commits 1000] [--runs 3]

The commits are signed here with the key ssh-keygen made (OpenSSH's SSHSIG format, exactly
what `git commit -S` writes with gpg.format=ssh), so building 1,000 takes seconds.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import io
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "hooks"))


def _string(value: bytes) -> bytes:
    return len(value).to_bytes(4, "big") + value


def sshsig(private_key: object, public_blob: bytes, payload: bytes) -> str:
    digest = hashlib.sha512(payload).digest()
    signed = b"SSHSIG" + _string(b"git") + _string(b"") + _string(b"sha512") + _string(digest)
    raw = private_key.sign(signed)  # type: ignore[attr-defined]
    blob = (
        b"SSHSIG"
        + (1).to_bytes(4, "big")
        + _string(public_blob)
        + _string(b"git")
        + _string(b"")
        + _string(b"sha512")
        + _string(_string(b"ssh-ed25519") + _string(raw))
    )
    text = base64.b64encode(blob).decode()
    lines = [text[i : i + 70] for i in range(0, len(text), 70)]
    return "-----BEGIN SSH SIGNATURE-----\n" + "\n".join(lines) + "\n-----END SSH SIGNATURE-----"


def build(repo_dir: Path, count: int) -> tuple[str, Path]:
    import git
    from cryptography.hazmat.primitives.serialization import load_ssh_private_key
    from gitdb import IStream

    key = repo_dir.parent / "key"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(key)], check=True)
    public_line = Path(f"{key}.pub").read_text().split()
    public_blob = base64.b64decode(public_line[1])
    private = load_ssh_private_key(key.read_bytes(), password=None)
    subprocess.run(["git", "init", "-q", str(repo_dir)], check=True)
    repo = git.Repo(repo_dir)
    (repo_dir / ".ztgate").mkdir()
    (repo_dir / ".ztgate" / "allowed_signers").write_text(
        f'bench@example.test namespaces="git" {public_line[0]} {public_line[1]}\n'
    )
    repo.index.add([".ztgate/allowed_signers"])
    tree = repo.index.write_tree().hexsha
    person = "Bench <bench@example.test> 1700000000 +0000"
    parent = None
    base = ""
    for number in range(count + 1):
        header = f"tree {tree}\n" + (f"parent {parent}\n" if parent else "")
        header += f"author {person}\ncommitter {person}\n"
        message = f"\ncommit {number}\n"
        signature = sshsig(private, public_blob, (header + message).encode())
        signed = header + "gpgsig " + signature.replace("\n", "\n ") + "\n" + message
        data = signed.encode()
        stored = repo.odb.store(IStream(b"commit", len(data), io.BytesIO(data)))
        parent = stored.hexsha.decode() if isinstance(stored.hexsha, bytes) else stored.hexsha
        if number == 0:
            base = parent
    repo.git.update_ref("refs/heads/main", parent)
    repo.git.symbolic_ref("HEAD", "refs/heads/main")
    return base, Path(f"{key}.pub")


def timed(command: list[str], cwd: Path, runs: int) -> tuple[float, str]:
    times, output = [], ""
    for _ in range(runs):
        start = time.perf_counter()
        process = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
        times.append(time.perf_counter() - start)
        output = process.stdout + process.stderr
    return statistics.median(times), output


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commits", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="ztgate-sig-bench-"))
    try:
        repo = workdir / "repo"
        base, _ = build(repo, args.commits)
        ours, output = timed(
            [sys.executable, "-m", "ztgate", "signatures", "--range", f"{base}..HEAD"],
            repo,
            args.runs,
        )
        if "passed" not in output:
            raise SystemExit(f"ztgate did not pass the signed range:\n{output[-800:]}")
        allowed = repo / ".ztgate" / "allowed_signers"
        git_time, letters = timed(
            [
                "git",
                "-c",
                f"gpg.ssh.allowedSignersFile={allowed}",
                "log",
                "--format=%G?",
                f"{base}..HEAD",
            ],
            repo,
            1,
        )
        good = letters.split().count("G")
        print(f"{args.commits} SSH-signed commits")
        print(f"ztgate signatures --range: median {ours:.2f} s (goal < 3 s)")
        print(f"git log --format=%G?:      {git_time:.2f} s ({good} good)")
        print(f"ratio: ztgate is {git_time / ours:.1f}x faster")
        return 0
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
