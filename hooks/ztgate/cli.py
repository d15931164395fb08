"""The `ztgate` command: one subcommand per gate, each a module with `main(argv) -> int`."""

from __future__ import annotations

import argparse
import importlib
import sys
import traceback
from collections.abc import Callable, Sequence

from ztgate import __version__
from ztgate.errors import UserError
from ztgate.report import FORMATS, printable

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

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


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


def add_report_arguments(parser: argparse.ArgumentParser, policy_file: bool = True) -> None:
    """Options every gate shares: output format and file, policy file, debug tracebacks.

    A gate that reads its policy only from history (signatures: the policy committed at each
    commit's parent) offers no `--policy`: a file named on the command line could only let
    the change choose its own judge."""
    parser.add_argument("--format", choices=FORMATS, default="text", help="output format")
    parser.add_argument("--output", metavar="FILE", help="write the report to FILE")
    if policy_file:
        parser.add_argument("--policy", metavar="FILE", help="policy file (default: .ztgate.yaml)")
    parser.add_argument("--debug", action="store_true", help="show tracebacks of internal errors")


# Seconds a whole gate run may take (ZTGATE_RUN_TIMEOUT overrides): past it the gate blocks.
DEFAULT_RUN_TIMEOUT = 1800.0


class RunTimeout(Exception):
    """The whole run took longer than its limit."""


def _run_limit() -> float:
    import os

    raw = os.environ.get("ZTGATE_RUN_TIMEOUT", "")
    try:
        value = float(raw) if raw else DEFAULT_RUN_TIMEOUT
    except ValueError:
        raise UserError(
            f"ZTGATE_RUN_TIMEOUT must be a number of seconds, not `{raw[:20]}`"
        ) from None
    if not 0 < value < 1e7:
        raise UserError("ZTGATE_RUN_TIMEOUT must be a positive number of seconds")
    return value


def _with_deadline(body: Callable[[], int], seconds: float) -> int:
    """Run ``body`` under a wall-clock limit (SIGALRM: main thread, POSIX). A gate run inside
    another (`ztgate ci`, `ztgate pre-push`) keeps the outer limit."""
    import signal
    import threading

    if (
        not hasattr(signal, "setitimer")
        or threading.current_thread() is not threading.main_thread()
        or signal.getitimer(signal.ITIMER_REAL)[0] > 0
    ):
        return body()

    def expire(signum: int, frame: object) -> None:
        from ztgate import gitio

        raise RunTimeout(gitio.current_step() or "scanning")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        return body()
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def guarded(body: Callable[[], int], debug: bool) -> int:
    """Run a gate; any failure blocks with exit 2 and one clear line (fail closed)."""
    try:
        return _with_deadline(body, _run_limit())
    except RunTimeout as expired:
        step = expired.args[0] if expired.args else "scanning"
        print(
            f"ztgate: error: timed out after {_run_limit():g} s while {step}; nothing was "
            "checked to the end, so this blocks (raise ZTGATE_RUN_TIMEOUT for a larger run)",
            file=sys.stderr,
        )
        return EXIT_ERROR
    except UserError as error:
        print(f"ztgate: error: {printable(error.one_line())}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print(
            "ztgate: interrupted: nothing was checked to the end, so this blocks", file=sys.stderr
        )
        return EXIT_ERROR
    except Exception as error:  # noqa: BLE001 - fail closed on every bug
        if debug:
            traceback.print_exc()
        frame = traceback.extract_tb(error.__traceback__)[-1:]
        place = f" at {frame[0].filename.rsplit('/', 1)[-1]}:{frame[0].lineno}" if frame else ""
        # The exception text may quote scanned content, so it is shown only under --debug.
        print(
            f"ztgate: internal error: {type(error).__name__}{place}; the gate blocks "
            "(run with --debug for the traceback and report it)",
            file=sys.stderr,
        )
        return EXIT_ERROR


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
