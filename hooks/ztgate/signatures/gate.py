"""`ztgate signatures`: every outgoing (or pull-request) commit carries a good signature from a
key the repo's policy allowed before that commit."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from ztgate import gitio, runner
from ztgate.errors import UserError
from ztgate.finding import Finding, Report, Rule, Severity, fingerprint, leveled, sorted_findings
from ztgate.policy import FULL_SHA, SignaturesPolicy, load_policy
from ztgate.progress import Progress
from ztgate.report import emit
from ztgate.revisions import (
    all_unpushed_revisions,
    ci_range,
    commit_in_clone,
    commits_in,
    push_revisions,
    range_revisions,
)
from ztgate.signatures import adoption as ad
from ztgate.signatures import verify as v
from ztgate.signatures.adoption import Receiver
from ztgate.signatures.commits import CommitInfo, read_commits
from ztgate.signatures.policy import ALLOWED_SIGNERS, OPENPGP_DIR, SignerPolicy, policies_at

RULES = {
    v.UNSIGNED: Rule("ZT301", "Unsigned commit", "sign it: `git commit --amend --no-edit -S`"),
    v.BAD: Rule("ZT302", "Bad signature", "the commit was changed after signing: re-sign it"),
    v.UNKNOWN_KEY: Rule(
        "ZT303",
        "Signing key not allowed",
        "sign with an allowed key, or add yours to .ztgate/allowed_signers in a "
        "commit signed by an already-allowed key",
    ),
    v.IDENTITY: Rule(
        "ZT304",
        "Signer is not the committer",
        "sign with your own key, whose principal or user id is your e-mail",
    ),
    v.EXPIRED_SIGNATURE: Rule("ZT305", "Expired signature", "re-sign the commit"),
    v.EXPIRED_KEY: Rule("ZT306", "Expired key", "extend or replace the key, then re-sign"),
    v.REVOKED: Rule("ZT307", "Revoked key", "sign with a key that is not revoked"),
    v.MISSING_KEY: Rule(
        "ZT308",
        "Signing key not in the policy",
        f"add the public key to {OPENPGP_DIR}/ in a commit signed by an allowed key",
    ),
    v.UNSUPPORTED: Rule(
        "ZT309",
        "Signature format not supported",
        "sign with SSH or OpenPGP (X.509 support is not there yet)",
    ),
    v.NO_POLICY: Rule(
        "ZT310",
        "No signer policy before this commit",
        "add .ztgate/allowed_signers with your key in a commit you sign, on top of history "
        "the remote has (see README: Signing, first day)",
    ),
}
RESIGN_ALL = (
    "to re-sign them all at once: `git rebase --exec 'git commit --amend --no-edit -S' <base>`, "
    "then `git push --force-with-lease`"
)


def resign_fix(receiver: Receiver | None, failing: Sequence[v.Verdict]) -> str:
    """RESIGN_ALL, `<base>` filled in: what the remote has for the ref, the range's base, else
    the oldest failing commit's parent (`--root` when that commit is a root). When no policy is
    the only problem, re-signing cannot help: ZT310's own fix instead."""
    if failing and all(x.outcome == v.NO_POLICY for x in failing):
        return RULES[v.NO_POLICY].fix
    base = receiver.base if receiver is not None else None
    if base is None and failing:
        oldest = failing[-1].commit  # rev-list order: newest first
        base = oldest.parents[0] if oldest.parents else "--root"
    return RESIGN_ALL.replace("<base>", base or "<base>")


SETUP = (
    "to sign with SSH: `git config gpg.format ssh`, `git config user.signingkey "
    "~/.ssh/id_ed25519.pub`, `git config commit.gpgsign true`; allow the key with a line "
    '`<your e-mail> namespaces="git" <public key>` in .ztgate/allowed_signers'
)

# Failing commits listed one per line in text; JSON and SARIF hold every one.
TEXT_LIMIT = 50


def _finding(verdict: v.Verdict) -> Finding:
    rule = RULES[verdict.outcome]
    commit = verdict.commit
    reason = verdict.detail or rule.title.lower()
    key = f" [{verdict.key_fingerprint}]" if verdict.key_fingerprint else ""
    by = f" (policy at {verdict.policy[:12]})" if verdict.policy else ""
    message = (
        f'"{commit.subject[:60]}" by {commit.committer_name} <{commit.committer_email}>: '
        f"{reason}{key}{by}"
    )
    # A commit has no file and no line: the text shows its sha, JSON `path: null`, SARIF the
    # signer policy (Report.anchor).
    return Finding(
        rule=rule,
        path=None,
        line=0,
        column=0,
        message=message,
        fingerprint=fingerprint(commit.sha, rule.id),
        severity=Severity.ERROR,
        commit=commit.sha,
        properties={
            "subject": commit.subject,
            "committer": commit.committer_email,
            "key": verdict.key_fingerprint,
            "policy": verdict.policy,
        },
    )


def judge(
    root: Path,
    shas: Sequence[str],
    targets: Mapping[str, Sequence[str]] | None = None,
    receiver: Receiver | None = None,
) -> list[v.Verdict]:
    """Verdicts for ``shas``, each commit judged by every policy in force over it.

    Those are the policy at its first parent (none for a root commit) and the policy at each of
    its ``targets`` that has one (the target branch's tip in CI, what the remote has before a
    push): it passes only if all of them allow it, so a key removed on the target no longer
    signs a change branched from before the removal. An exemption (trust root, goodlist) in a
    target's policy covers the commit outright: it is the newest trusted word, and an audited
    exemption always postdates the commit it names.

    The first day (``receiver``: what the remote or the target already has): the adoption
    commit, whose tree has a policy while its first parent's has none, is judged by its own
    policy when that parent is already on the receiving side; pushed to a remote with no refs
    at all, the one adoption commit on the first-parent line is judged by its own policy and
    the history before it is exempt (nothing there to protect yet).
    """
    targets = targets or {}
    plan = _plan(root, read_commits(root, shas), targets, receiver)
    trust = _TrustRoots(root)
    results = _verdicts_by_policy(root, plan, trust)
    return [_verdict(commit, plan, targets, trust, results, receiver) for commit in plan.commits]


@dataclass(frozen=True)
class _Plan:
    """Which policies judge each commit: the sources (commit shas, or ``_ITSELF`` + sha for an
    adoption judged by its own tree, or None for no policy) and the policies read at them."""

    commits: Sequence[CommitInfo]
    known: Mapping[str, SignerPolicy]  # source -> the policy there
    adopting: set[str]  # commits whose tree adopts a policy their first parent lacks
    before_adoption: Mapping[str, str]  # history pushed to an empty remote -> its adoption
    sources_of: Mapping[str, tuple[str | None, ...]]

    def policy_at(self, source: str | None) -> SignerPolicy:
        return self.known[source] if source is not None else SignerPolicy(None)


def _policy_key(policy: SignerPolicy) -> str:
    return f"{policy.digest}:{policy.exists}"


def _plan(
    root: Path,
    commits: Sequence[CommitInfo],
    targets: Mapping[str, Sequence[str]],
    receiver: Receiver | None,
) -> _Plan:
    parent_of = {c.sha: c.parents[0] if c.parents else None for c in commits}
    known = policies_at(
        root,
        sorted(
            {*(p for p in parent_of.values() if p), *(t for ts in targets.values() for t in ts)}
        ),
    )
    adopting, own = _adoptions(root, commits, parent_of, known)
    itself, before_adoption = _judged_by_themselves(
        root, commits, parent_of, known, adopting, receiver
    )
    known.update({_ITSELF + sha: policy for sha, policy in own.items()})

    def sources(commit: CommitInfo) -> tuple[str | None, ...]:
        judging = [t for t in targets.get(commit.sha, ()) if known[t].exists]
        first = _ITSELF + commit.sha if commit.sha in itself else parent_of[commit.sha]
        return tuple(dict.fromkeys((*judging, first)))

    sources_of = {c.sha: sources(c) for c in commits}
    return _Plan(commits, known, adopting, before_adoption, sources_of)


def _judged_by_themselves(
    root: Path,
    commits: Sequence[CommitInfo],
    parent_of: Mapping[str, str | None],
    known: Mapping[str, SignerPolicy],
    adopting: set[str],
    receiver: Receiver | None,
) -> tuple[set[str], dict[str, str]]:
    """The adoption commits judged by their own policy (their parent is already on the
    receiving side; or, pushed to a remote with no refs, the one adoption on the first-parent
    line), and the history before such an adoption (exempt: nothing there to protect yet)."""
    itself = {
        sha
        for sha in adopting
        if receiver is not None and (p := parent_of[sha]) is not None and receiver.has(root, p)
    }
    before_adoption: dict[str, str] = {}
    pending = {sha for sha, p in parent_of.items() if p is None or not known[p].exists}
    if receiver is not None and pending - itself and receiver.is_empty():
        by_sha = {c.sha: c for c in commits}
        for adoption in filter(None, ad.first_parent_adoptions(by_sha, adopting).values()):
            itself.add(adoption)
            before_adoption.update(dict.fromkeys(ad.ancestors(by_sha, adoption), adoption))
    return itself, before_adoption


def _verdicts_by_policy(
    root: Path, plan: _Plan, trust: _TrustRoots
) -> dict[tuple[str, str], v.Verdict]:
    """Each distinct policy judges, in one batch, every commit it is a source for."""
    groups: dict[str, tuple[SignerPolicy, dict[str, CommitInfo]]] = {}
    for commit in plan.commits:
        if commit.sha in plan.before_adoption:
            continue
        for source in plan.sources_of[commit.sha]:
            policy = plan.policy_at(source)
            groups.setdefault(_policy_key(policy), (policy, {}))[1][commit.sha] = commit
    results: dict[tuple[str, str], v.Verdict] = {}
    for key, (policy, members) in groups.items():
        for verdict in _judge_by(root, policy, list(members.values()), trust):
            levels = policy.options.severity
            results[key, verdict.commit.sha] = replace(verdict, levels=levels)
    return results


def _exemption(
    commit: CommitInfo, plan: _Plan, targets: Mapping[str, Sequence[str]], trust: _TrustRoots
) -> str | None:
    for target in targets.get(commit.sha, ()):
        if reason := trust.exemption(plan.known[target].options, commit.sha):
            return reason
    if commit.sha in plan.before_adoption:
        return (
            f"history before the adoption commit {plan.before_adoption[commit.sha][:12]}, "
            "pushed to an empty remote"
        )
    return None


def _verdict(
    commit: CommitInfo,
    plan: _Plan,
    targets: Mapping[str, Sequence[str]],
    trust: _TrustRoots,
    results: Mapping[tuple[str, str], v.Verdict],
    receiver: Receiver | None,
) -> v.Verdict:
    """The commit's verdict: exempt, else the first source's objection, else the last pass."""
    exemption = _exemption(commit, plan, targets, trust)
    if exemption is not None:
        return v.Verdict(commit, v.OK, exemption)
    judged = [
        replace(
            results[_policy_key(plan.policy_at(source)), commit.sha],
            policy=(source or "").removeprefix(_ITSELF),
        )
        for source in plan.sources_of[commit.sha]
    ]
    verdict = next((x for x in judged if x.outcome != v.OK), judged[-1])
    if verdict.outcome == v.NO_POLICY:
        reason = _no_policy_reason(commit, commit.sha in plan.adopting, receiver)
        verdict = replace(verdict, detail=reason)
    return verdict


_ITSELF = "itself:"  # a source meaning "the commit's own tree": an adoption judged by itself


def _adoptions(
    root: Path,
    commits: Sequence[CommitInfo],
    parent_of: Mapping[str, str | None],
    known: Mapping[str, SignerPolicy],
) -> tuple[set[str], dict[str, SignerPolicy]]:
    """The commits that adopt a signer policy (their tree has one, their first parent's has
    none or they have no parent), and the policy each of them brings to judge itself: its keys,
    without its own exemptions (trust root, goodlist) and never with `identity: none`."""
    without = [c.sha for c in commits if (p := parent_of[c.sha]) is None or not known[p].exists]
    own: dict[str, SignerPolicy] = {}
    for sha, policy in policies_at(root, without).items():
        if policy.exists:
            identity = policy.options.identity
            options = replace(
                policy.options,
                trust_root="",
                goodlist=(),
                identity="committer" if identity == "none" else identity,
            )
            own[sha] = replace(policy, options=options)
    return set(own), own


def _no_policy_reason(commit: CommitInfo, adopts: bool, receiver: Receiver | None) -> str:
    where = receiver.where if receiver is not None else "the remote"
    if adopts and commit.parents:
        return (
            f"it adds the signer policy, but its parent {commit.parents[0][:12]} is not in "
            f"what {where} already has: {ad.BUILD_ON}"
        )
    if not commit.parents:
        return f"a root commit has no signer policy before it: {ad.BUILD_ON}"
    return (
        f"no signer policy at its parent {commit.parents[0][:12]}, and this commit is not the "
        f"history before an adoption pushed to an empty remote: {ad.BUILD_ON}"
    )


class _TrustRoots:
    """Which commits a policy's exemptions cover; each trust root's history listed once."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.history: dict[str, frozenset[str]] = {}

    def exemption(self, options: SignaturesPolicy, sha: str) -> str | None:
        goodlist = dict(options.goodlist)
        if sha in goodlist:
            return f"goodlist: {goodlist[sha]}"
        if options.trust_root:
            if options.trust_root not in self.history:
                listed = gitio.rev_list(self.root, [commit_in_clone(self.root, options.trust_root)])
                self.history[options.trust_root] = frozenset(listed)
            if sha in self.history[options.trust_root]:
                return f"history before the trust root {options.trust_root[:12]}"
        return None


def _judge_by(
    root: Path, policy: SignerPolicy, commits: list[CommitInfo], trust: _TrustRoots
) -> list[v.Verdict]:
    """Verdicts for ``commits`` under one policy, its own exemptions and forge keys included."""
    verdicts: list[v.Verdict] = []
    members = []
    for commit in commits:
        reason = trust.exemption(policy.options, commit.sha)
        if reason is None:
            members.append(commit)
        else:
            verdicts.append(v.Verdict(commit, v.OK, reason))
    if not policy.exists:  # signed or not, nothing can allow it: the policy is missing
        return verdicts + [v.Verdict(commit, v.NO_POLICY) for commit in members]
    # A forge signs what its users do in the web UI as itself, so its key vouches only for an
    # author the same policy allows to sign: not for any account on the forge.
    forge = {e.lower() for e in policy.options.forge_committers}
    made_by_forge = [c for c in members if c.committer_email.lower() in forge]
    vouched: set[str] = set()
    if made_by_forge and policy.forge is not None and policy.forge.exists:
        vouched = v.authors_allowed(policy, made_by_forge)
        verdicts.extend(
            v.verify(root, [c for c in made_by_forge if c.sha in vouched], policy.forge)
        )
    unvouched = {c.sha for c in made_by_forge} - vouched
    others = [c for c in members if c.sha not in vouched]
    for verdict in v.verify(root, others, policy):
        if verdict.outcome != v.OK and verdict.commit.sha in unvouched:
            reason = verdict.detail or RULES[verdict.outcome].title.lower()
            verdict = replace(
                verdict,
                detail=f"{reason}; a forge's key signs only for authors the policy allows, "
                f"and {verdict.commit.author_email} is not one",
            )
        verdicts.append(verdict)
    return verdicts


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    if arguments[:1] == ["setup"]:
        from ztgate.signatures import setup

        return setup.main(arguments[1:])
    parser = argparse.ArgumentParser(
        prog="ztgate signatures",
        description="Check that the commits a push sends (default) or a range holds are signed "
        "by keys the repo's policy (.ztgate/allowed_signers, .ztgate/openpgp/*.asc) allowed "
        "before them.",
    )
    parser.add_argument(
        "--range",
        metavar="BASE..HEAD",
        help="judge a range (CI): every commit by the policy at BASE's tip and at its parent",
    )
    parser.add_argument("--remote", help="the remote pushed to (default: pre-commit's variables)")
    parser.add_argument(
        "--ci",
        action="store_true",
        help="take the range from the CI's environment (GitHub event payload, GitLab "
        "merge-request variables)",
    )
    parser.add_argument(
        "--scope",
        choices=("pushed-ref", "all-unpushed"),
        default="pushed-ref",
        help="all-unpushed: every local branch and tag the remote lacks",
    )
    parser.add_argument(
        "--trust-root",
        metavar="COMMIT",
        help="exempt this commit (full sha) and its history; the first day needs no flag (the "
        "adoption commit is judged by its own policy: see README, Signing, first day)",
    )
    runner.add_report_arguments(parser, policy_file=False)
    args = parser.parse_args(arguments)
    return runner.guarded(lambda: _main(args), args.debug)


def _main(args: argparse.Namespace) -> int:
    v.require_tools()
    root = gitio.find_root()
    load_policy(root, None)  # a malformed policy is an error here too
    spec = args.range or (ci_range(dict(os.environ), root) if args.ci else None)
    if args.ci and not spec:
        raise UserError("--ci found no range in this environment", fix="pass --range BASE..HEAD")
    target: str | None = None
    revisions: list[str] | None
    remote = args.remote or os.environ.get("PRE_COMMIT_REMOTE_NAME") or None
    if spec:
        revisions = range_revisions(root, spec)
        target = _range_target(root, spec)
        receiver = ad.range_receiver(target, revisions[1].removeprefix("^"))
    elif args.scope == "all-unpushed":
        revisions = all_unpushed_revisions(remote)
        receiver = ad.push_receiver(root, remote, ())
    else:
        revisions = push_revisions(root, args.remote)
        target = _remote_tip(root, os.environ.get("PRE_COMMIT_FROM_REF") or "")
        receiver = ad.push_receiver(root, remote, (target,) if target else ())
    shas = commits_in(root, revisions) if revisions else []
    targets = {sha: (target,) for sha in shas} if target else {}
    return _judge_and_report(root, shas, targets, args, receiver)


def _range_target(root: Path, spec: str) -> str:
    """The tip of the range's left side: for `main...pr` main itself, not the merge base."""
    return commit_in_clone(root, spec.partition("..")[0])


def _remote_tip(root: Path, sha: str) -> str | None:
    """What the remote has for the pushed ref, when git or pre-commit says and the clone has it."""
    if not sha or gitio.ZERO_SHA.match(sha):
        return None
    return gitio.resolve_commit(root, sha)


# On a terminal, commits are judged in batches of this many so the progress line moves.
PROGRESS_BATCH = 250


def _judge_counted(
    root: Path,
    shas: list[str],
    targets: Mapping[str, Sequence[str]],
    receiver: Receiver | None = None,
) -> list[v.Verdict]:
    """``judge`` over every commit, with a progress line on a terminal. Each commit's verdict
    depends on it and its policies alone, so judging in batches changes nothing but the
    count; piped or in CI it is one batch, as before."""
    with Progress("ztgate signatures", len(shas), "commit(s)") as progress:
        if not progress.enabled or len(shas) <= PROGRESS_BATCH:
            return judge(root, shas, targets, receiver) if shas else []
        verdicts: list[v.Verdict] = []
        for start in range(0, len(shas), PROGRESS_BATCH):
            batch = shas[start : start + PROGRESS_BATCH]
            verdicts.extend(judge(root, batch, targets, receiver))
            progress.advance(len(batch))
        return verdicts


def _judge_and_report(
    root: Path,
    shas: list[str],
    targets: Mapping[str, Sequence[str]],
    args: argparse.Namespace,
    receiver: Receiver | None = None,
) -> int:
    if args.trust_root:
        if not FULL_SHA.fullmatch(args.trust_root):
            raise UserError(
                f"--trust-root needs a full commit sha, not `{args.trust_root[:80]}`",
                fix=f"name the adoption commit itself: `git rev-parse {args.trust_root[:40]}`",
            )
        exempt = set(gitio.rev_list(root, [commit_in_clone(root, args.trust_root)]))
        shas = [sha for sha in shas if sha not in exempt]
    verdicts = _judge_counted(root, shas, targets, receiver)
    failing = [x for x in verdicts if x.outcome != v.OK]
    notes: list[str] = []
    if failing and not all(x.outcome == v.NO_POLICY for x in failing):
        notes.append(resign_fix(receiver, failing))
    if any(x.outcome == v.UNSIGNED for x in failing):
        notes.append(SETUP)
    report = Report(
        gate="signatures",
        rules=tuple(RULES.values()),
        # Each commit's findings at the severity the policy that judged it gives them.
        findings=sorted_findings(
            found for x in failing for found in leveled([_finding(x)], dict(x.levels))
        ),
        scanned=len(shas),
        scanned_noun="commit(s)",
        notes=tuple(notes),
        anchor=ALLOWED_SIGNERS,
        text_limit=TEXT_LIMIT,
        limit_noun="failing commit(s)",
    )
    emit(report, args.format, args.output)
    return report.exit_code


if __name__ == "__main__":
    sys.exit(main())
