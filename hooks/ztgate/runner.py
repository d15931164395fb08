"""What every gate's entry point shares: the report options, the fail-closed runner (one
line, exit 2, a deadline for the whole run) and the exit codes. Gates import this, never the
`ztgate` command (`cli`), which only dispatches to them."""

from __future__ import annotations

import argparse
import sys
import traceback
from collections.abc import Callable

from ztgate.errors import UserError
from ztgate.report import FORMATS, printable

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


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
