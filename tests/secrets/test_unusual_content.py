"""Content that once slipped past the gate: hidden diffs, binaries, UTF-16/32, huge and
unreadable files, in file mode and in push/range mode."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ztgate.secrets import files, gate

from tests.conftest import Repo
from tests.fakes import aws_key_id, fill


def leak(key: str | None = None) -> str:
    return f'AWS_ACCESS_KEY_ID = "{key or aws_key_id()}"\n'


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = gate.main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def findings(out: str, rule: str) -> list[str]:
    return [line for line in out.splitlines() if f": {rule} " in line]


# Each way a pushed commit can make `git log -p` print "Binary files differ" or a textconv
# output instead of the lines it adds: (.gitattributes, repository config).
HIDING = {
    "no-diff attribute": ("* -diff\n", {}),
    "binary macro": ("* binary\n", {}),
    "textconv driver": ("* diff=hide\n", {"diff.hide.textconv": "sed s/AKIA/XXXX/"}),
    "binary driver": ("* diff=hide\n", {"diff.hide.binary": "true"}),
    "external diff": ("* diff=hide\n", {"diff.hide.command": "true", "diff.external": "true"}),
}


@pytest.mark.parametrize("attributes, config", HIDING.values(), ids=HIDING.keys())
def test_gitattributes_cannot_hide_a_pushed_key(
    repo: Repo, capsys: pytest.CaptureFixture[str], attributes: str, config: dict[str, str]
) -> None:
    base = repo.commit("base")
    for name, value in config.items():
        repo.git("config", name, value)
    repo.write(".gitattributes", attributes)
    repo.write("settings.py", "x = 1\n" + leak())
    repo.commit("hide it")
    code, out = run(capsys, "--range", f"{base}..HEAD")
    assert code == 1, out
    assert findings(out, "ZT103") == [
        line for line in findings(out, "ZT103") if ":settings.py:2:22: ZT103 AWS Access Key" in line
    ]
    assert len(findings(out, "ZT103")) == 1, out


def binary_with_keys(ascii_key: str, wide_key: str) -> bytes:
    return (
        b"\x7fELF\x02\x01\x01\x00\x00\x00"
        + leak(ascii_key).encode()
        + b"\x00\x13\x37\xff\x00"
        + leak(wide_key).encode("utf-16-le")
        + bytes(range(256))
    )


def test_keys_in_binary_files_are_found(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    ascii_key, wide_key = aws_key_id(), aws_key_id()
    repo.write("tool.bin", binary_with_keys(ascii_key, wide_key))
    code, out = run(capsys, "tool.bin")
    assert code == 1, out
    assert len(findings(out, "ZT101")) == 2, out
    assert "tool.bin:1:32: ZT101" in out  # the column of the key's bytes in the file
    assert ascii_key not in out and wide_key not in out


def test_keys_in_binary_files_in_history_are_found(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    base = repo.commit("base")
    repo.write("tool.bin", binary_with_keys(aws_key_id(), aws_key_id()))
    repo.commit("binary")
    code, out = run(capsys, "--range", f"{base}..HEAD")
    assert code == 1, out
    assert len(findings(out, "ZT103")) == 2, out
    assert ":tool.bin:1:32: ZT103" in out


ENCODINGS = {
    "utf-16 with BOM": lambda text: text.encode("utf-16"),
    "utf-16-be with BOM": lambda text: b"\xfe\xff" + text.encode("utf-16-be"),
    "utf-32 with BOM": lambda text: text.encode("utf-32"),
    "utf-16-le without BOM": lambda text: text.encode("utf-16-le"),
    "utf-8 with BOM": lambda text: text.encode("utf-8-sig"),
}


@pytest.mark.parametrize("encode", ENCODINGS.values(), ids=ENCODINGS.keys())
def test_wide_encodings_are_decoded(
    repo: Repo, capsys: pytest.CaptureFixture[str], encode: object
) -> None:
    assert callable(encode)
    base = repo.commit("base")
    repo.write("notes.txt", encode("x = 'é'\n\n" + leak()))
    code, out = run(capsys, "notes.txt")
    assert code == 1 and len(findings(out, "ZT101")) == 1, out
    assert "notes.txt:3:22: ZT101" in out
    repo.commit("wide")
    code, out = run(capsys, "--range", f"{base}..HEAD")
    assert code == 1 and len(findings(out, "ZT103")) == 1, out
    assert ":notes.txt:3:22: ZT103" in out


TRICKS = {
    # Read as UTF-16, ASCII turns into CJK ideographs: the bytes are scanned as well.
    "false BOM": lambda line: b"\xff\xfe" + line.encode(),
    # A text head decides the file is UTF-8; the key follows in UTF-16 past the sniffed bytes.
    "UTF-16 after a text head": lambda line: b"# notes\n" * 2000 + line.encode("utf-16-le"),
}


@pytest.mark.parametrize("encode", TRICKS.values(), ids=TRICKS.keys())
def test_mixed_content_does_not_hide_a_key(
    repo: Repo, capsys: pytest.CaptureFixture[str], encode: object
) -> None:
    assert callable(encode)
    base = repo.commit("base")
    repo.write("trick.txt", encode(leak()))
    code, out = run(capsys, "trick.txt")
    assert code == 1 and len(findings(out, "ZT101")) == 1, out
    repo.commit("trick")
    code, out = run(capsys, "--range", f"{base}..HEAD")
    assert code == 1 and len(findings(out, "ZT103")) == 1, out


def big_file(repo: Repo) -> tuple[str, int]:
    """A file that crosses the 1000-byte chunk size several times, with a key across the
    first boundary; returns its content and the line of the key."""
    head = "".join(f"line_{n:03} = {n}\n" for n in range(70))  # 970 bytes
    return head + leak() + "y = 2\n" * 300 + leak(), 71


def test_huge_file_is_scanned_in_chunks(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.write(".ztgate.yaml", "secrets:\n  max_file_size: 1000\n")
    content, line = big_file(repo)
    repo.write("big.txt", content)
    code, out = run(capsys, "big.txt")
    assert code == 1, out
    assert findings(out, "ZT101") == [
        f"big.txt:{line}:22: ZT101 " + findings(out, "ZT101")[0].split(" ZT101 ")[1],
        f"big.txt:{line + 301}:22: ZT101 " + findings(out, "ZT101")[1].split(" ZT101 ")[1],
    ]


def test_huge_single_line_is_scanned_in_chunks(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.write(".ztgate.yaml", "secrets:\n  max_file_size: 1000\n")
    repo.write("min.js", "var a=1;" * 300 + leak())  # one line of 2446 bytes
    code, out = run(capsys, "min.js")
    assert code == 1, out
    assert findings(out, "ZT101") == [
        line for line in findings(out, "ZT101") if line.startswith("min.js:1:2422: ZT101")
    ]
    assert len(findings(out, "ZT101")) == 1


def test_huge_addition_in_history_is_scanned(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.write(".ztgate.yaml", "secrets:\n  max_file_size: 1000\n")
    base = repo.commit("policy")
    content, line = big_file(repo)
    repo.write("big.txt", content)
    repo.commit("big")
    code, out = run(capsys, "--range", f"{base}..HEAD")
    assert code == 1, out
    assert len(findings(out, "ZT103")) == 2, out
    assert f":big.txt:{line}:22: ZT103" in out and f":big.txt:{line + 301}:22: ZT103" in out


def test_unreadable_file_is_a_finding(
    repo: Repo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    repo.write("locked.py", leak())
    os.mkfifo(repo.path / "pipe")
    repo.write("gone.py", "x = 1\n")
    repo.commit("tracked, then deleted in the work tree", "gone.py")
    (repo.path / "gone.py").unlink()

    def denied(path: str) -> object:
        raise PermissionError(13, "Permission denied", path)

    monkeypatch.setattr(files, "open_binary", denied)
    code, out = run(capsys, "locked.py", "pipe", "gone.py")
    assert code == 1, out
    assert "locked.py:1:1: ZT104 File could not be scanned: unreadable (Permission denied)" in out
    assert "pipe:1:1: ZT104 File could not be scanned: not a regular file" in out
    assert "gone.py" not in out  # a deleted file is nothing to scan

    repo.write(".ztgate.yaml", "secrets:\n  severity:\n    ZT104: warning\n")
    code, out = run(capsys, "locked.py")
    assert code == 0 and "1 warning(s)" in out, out


def test_symlinks_are_noted_not_followed(
    repo: Repo, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    outside = tmp_path / "outside.py"
    outside.write_text(leak())
    os.symlink(outside, repo.path / "link.py")
    code, out = run(capsys, "link.py")
    assert code == 0 and "symlink (not followed): link.py" in out, out
    # A symlink's content is its target's path, and that is scanned.
    os.symlink(f"keys/{aws_key_id()}", repo.path / "odd-link")
    code, out = run(capsys, "odd-link")
    assert code == 1 and "odd-link:1:6: ZT101" in out, out


def test_a_symlinked_env_is_noted_not_followed(
    repo: Repo, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """A `.env` that is a symlink holds a path, not the variables: the working-tree modes
    note it and read neither it nor its target as a secret file; the target is judged by its
    own name when it is in the repository."""
    outside = tmp_path / "outside.env"
    outside.write_text(leak())
    os.symlink(outside, repo.path / ".env")
    repo.write("config/real.env.txt", "DEBUG=1\n")
    os.symlink("real.env.txt", repo.path / "config" / ".env.production")
    code, out = run(capsys, ".env", "config/.env.production", "config/real.env.txt")
    assert code == 0, out
    assert "ZT102" not in out and "ZT101" not in out
    assert "skipped 2 file(s), symlink (not followed): .env, config/.env.production" in out
    repo.write("config/.env.local", "DEBUG=1\n")  # a real file of that name is a secret file
    code, out = run(capsys, "config/.env.local")
    assert code == 1 and "config/.env.local:1:1: ZT102" in out, out


def test_blob_git_cannot_read_is_a_finding(
    repo: Repo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from ztgate.secrets import history

    base = repo.commit("base")
    repo.write("tool.bin", b"\x00" + leak().encode())
    commit = repo.commit("binary")

    def missing(self: object, blob: str) -> object:
        raise files.Unreadable(f"git object {blob[:12]} unreadable (missing)")

    monkeypatch.setattr(history.BlobReader, "blocks", missing)
    code, out = run(capsys, "--range", f"{base}..HEAD")
    assert code == 1, out
    assert f"{commit[:12]}:tool.bin:1:1: ZT104 File could not be scanned: git object " in out


def test_missing_object_in_a_diff_fails_closed(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    base = repo.commit("base")
    repo.write("a.py", leak())
    repo.commit("key")
    blob = repo.git("rev-parse", "HEAD:a.py").strip()
    (repo.path / ".git" / "objects" / blob[:2] / blob[2:]).unlink()
    code, out = run(capsys, "--range", f"{base}..HEAD")
    assert code == 2 and "git log failed" in out and "exit 128" not in out, out


@pytest.mark.parametrize("size", [64, 100, 257])
def test_pieces_cover_every_line_at_its_place(size: int) -> None:
    lines = [("x" * (n * 7 % 150)) + f"#{n}" for n in range(120)]
    content = "\n".join(lines) + "\n"
    covered: set[int] = set()
    for piece in files.pieces([content.encode()[i : i + 50] for i in range(0, 9999, 50)], size):
        assert len(piece.text) <= max(size, 64)
        for number, text in enumerate(piece.text.split("\n"), start=1):
            line, column = piece.place(number, 1)
            if text:
                assert lines[line - 1][column - 1 : column - 1 + len(text)] == text
            if text and column == 1 and text == lines[line - 1]:
                covered.add(line)
    # Every line short enough to fit in the overlap is whole in some piece.
    overlap = max(size, 64) // 4
    assert {n for n, text in enumerate(lines, 1) if len(text) < overlap} <= covered


def test_printable_strings_keep_their_place() -> None:
    raw = b"\x01\x02short\x00" + b"long enough run" + b"\x00\n" + "wide text".encode("utf-16-le")
    view = files.printable_strings(raw.decode("latin-1"))
    assert len(view) == len(raw)
    assert view.split("\n")[0].strip() == "long enough run"
    assert view.index("long") == raw.index(b"long")
    assert view.split("\n")[1].strip() == "wide text"


def _strings_one_by_one(raw: bytes, wide: bool) -> bytes:
    """`strings -n 8` in place, byte by byte: what ``printable_strings`` must equal."""
    out = bytearray(32 if b != 10 else 10 for b in raw)
    printable = set(range(0x20, 0x7F)) | {9}
    at = 0
    while at < len(raw):
        end = at
        while wide and end + 1 < len(raw) and raw[end] in printable and raw[end + 1] == 0:
            end += 2
        if (end - at) // 2 >= 8:
            characters = raw[at:end:2]
            out[at : at + len(characters)] = characters
            at = end
            continue
        end = at
        while end < len(raw) and raw[end] in printable:
            end += 1
        if end - at >= 8:
            out[at:end] = raw[at:end]
            at = end
        else:
            at += 1
    return bytes(out)


@settings(max_examples=300, deadline=None)
@given(
    raw=st.lists(
        st.sampled_from(
            [b"a", b"Z", b" ", b"\t", b"\n", b"\x00", b"\x01", b"\xff", b"longword", b"w\x00"]
        ),
        max_size=60,
    ).map(b"".join)
)
def test_printable_strings_are_what_strings_shows_in_place(raw: bytes) -> None:
    has_wide = files._WIDE_HINT.search(raw) is not None
    view = files.printable_strings(raw.decode("latin-1"))
    assert view.encode("ascii") == _strings_one_by_one(raw, has_wide)
    narrow = files.printable_strings(raw.decode("latin-1"), wide=False)
    assert narrow.encode("ascii") == _strings_one_by_one(raw, False)


@pytest.mark.parametrize("pad", [700, 945, 952, 966, 980, 1001])
def test_a_token_across_a_cut_inside_a_line_is_found_whole_once(
    repo: Repo, capsys: pytest.CaptureFixture[str], pad: int
) -> None:
    token = fill("{b40}")
    repo.write(".ztgate.yaml", "secrets:\n  max_file_size: 1000\n")
    repo.write("min.js", ("a=1;" * 300)[:pad] + f' token = "{token}";' + "b=2;" * 100 + "\n")
    code, out = run(capsys, "--format", "json", "min.js")
    found = json.loads(out)["findings"]
    assert code == 1 and found, out
    assert {(f["line"], f["column"], f["properties"]["masked_secret"]) for f in found} == {
        (1, pad + 11, f"{token[:4]}…(40 chars)")
    }


def test_long_paths_survive_a_small_piece_size(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.write(".ztgate.yaml", "secrets:\n  max_file_size: 100\n")
    base = repo.commit("policy")
    path = "/".join(letter * 200 for letter in "def") + ".py"
    repo.write(path, leak())
    repo.commit("deep")
    code, out = run(capsys, "--range", f"{base}..HEAD")
    assert code == 1 and f":{path}:1:22: ZT103" in out, out


def test_a_directory_is_noted_and_a_path_through_a_file_blocks(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    """A directory named as a file (a submodule's checkout) holds no content of its own; a
    path that cannot be there is a usage error, never a pass."""
    (repo.path / "vendor" / "lib").mkdir(parents=True)
    repo.write("notes.txt", "hello\n")
    code, out = run(capsys, "vendor/lib")
    assert code == 0 and "skipped 1 file(s), directory: vendor/lib" in out, out
    code, out = run(capsys, "notes.txt/inner.py")
    assert code == 2, out
    assert out.startswith("ztgate: error: no such file: notes.txt/inner.py")


def test_utf16_big_endian_without_a_bom_is_decoded(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    key = aws_key_id()
    repo.write("wide.txt", f'aws_access_key_id = "{key}"\n'.encode("utf-16-be"))
    code, out = run(capsys, "wide.txt")
    assert code == 1 and "wide.txt:1:22: ZT101" in out, out
