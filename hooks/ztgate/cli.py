"""The `ztgate` command: one subcommand per gate, each a module with `main(argv) -> int`."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Sequence

from ztgate import __version__
from ztgate.runner import EXIT_CLEAN, EXIT_ERROR

# Subcommand -> (module, one-line description). Modules are imported only when used, so a hook
# run pays for its own gate alone.
SUBCOMMANDS: dict[str, tuple[str, str]] = {
    "secrets": ("ztgate.secrets.gate", "block credentials in files, commits and pushes"),
    "threat-model": (
        "ztgate.threat_model.gate",
        "check the threat model (markdown); diagram, suggest, diff, export, convert",
    ),
    "signatures": (
        "ztgate.signatures.gate",
        "every outgoing commit signed by a key the repo's policy allows (SSH or OpenPGP)",
    ),
    "pr": ("ztgate.pr.gate", "in CI: the pull request's description fills the template's sections"),
    "pre-push": (
        "ztgate.prepush",
        "git's pre-push hook (stdin): every pushed ref through the secrets and signature gates",
    ),
    "policy": ("ztgate.policy_cli", "check .ztgate.yaml; --schema prints its JSON Schema"),
    "init": ("ztgate.init", "make this repository gated: hooks, policy, templates, baseline"),
    "ci": ("ztgate.ci", "in CI: every gate the repo's pre-commit config enables, one summary"),
    "demo": ("ztgate.demo", "build a throwaway repo with a leaked key and show the gate catch it"),
}


def usage() -> str:
    width = max(len(name) for name in SUBCOMMANDS)
    rows = "\n".join(
        f"  {name:<{width}}  {description}" for name, (_, description) in SUBCOMMANDS.items()
    )
    return (
        "usage: ztgate <command> [options]\n\n"
        f"commands:\n{rows}\n\n"
        "Run `ztgate <command> --help` for a command's options. "
        "Exit codes: 0 clean, 1 findings, 2 usage or internal error.\n"
    )


# What a terminal that cannot show UTF-8 (PYTHONIOENCODING=ascii, a legacy code page) gets.
_ASCII_FALLBACK = {"…": "...", "—": "-", "–": "-", "→": "->", "“": '"', "”": '"', "’": "'"}


def _ascii_fallback(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeEncodeError):
        raise error
    text = error.object[error.start : error.end]
    return "".join(_ASCII_FALLBACK.get(char, "?") for char in text), error.end


def _streams_never_fail_to_encode() -> None:
    """Output the terminal cannot encode degrades to ASCII instead of an internal error."""
    import codecs
    import io

    codecs.register_error("ztgate-ascii", _ascii_fallback)
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="ztgate-ascii")


def main(argv: Sequence[str] | None = None) -> int:
    _streams_never_fail_to_encode()
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in ("-h", "--help"):
        sys.stdout.write(usage())
        return EXIT_CLEAN if args else EXIT_ERROR
    if args[0] == "--version":
        print(f"ztgate {__version__}")
        return EXIT_CLEAN
    name, rest = args[0], args[1:]
    if name not in SUBCOMMANDS:
        sys.stderr.write(f"ztgate: error: unknown command `{name}`\n\n{usage()}")
        return EXIT_ERROR
    module = importlib.import_module(SUBCOMMANDS[name][0])
    gate_main: Callable[[Sequence[str]], int] = module.main
    return gate_main(rest)


if __name__ == "__main__":
    raise SystemExit(main())
