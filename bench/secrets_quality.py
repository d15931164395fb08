"""Detection quality of the secrets gate on a labeled corpus: recall and false-positive rate.

Each example is written to its own file and scanned through the gate's file scanner, as a
commit would be. Usage: python bench/secrets_quality.py [CORPUS.jsonl] [--misses]

Corpus rows: {"id", "text", "is_secret", "rule", "ambiguous"}. Recall = secrets flagged /
secrets; false-positive rate = clean look-alikes flagged / clean look-alikes, where "clean"
excludes rows marked ambiguous (another detector may rightly fire on those).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "hooks"))

from ztgate.policy import Policy, SecretsPolicy  # noqa: E402
from ztgate.secrets.gate import most_specific, with_severity  # noqa: E402
from ztgate.secrets.scan import mask, scan_files  # noqa: E402

DEFAULT_CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "secrets-dev.jsonl"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", default=str(DEFAULT_CORPUS))
    parser.add_argument(
        "--misses", action="store_true", help="list missed secrets and false positives (masked)"
    )
    parser.add_argument(
        "--name", default="example.txt", help="file name each example is scanned as"
    )
    args = parser.parse_args()
    rows = [
        json.loads(line)
        for line in Path(args.corpus).read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    policy = Policy(secrets=SecretsPolicy(secret_files=False))
    found_by_rule: Counter[str] = Counter()
    total_by_rule: Counter[str] = Counter()
    secrets = flagged_secrets = clean = flagged_clean = warned_clean = 0
    with tempfile.TemporaryDirectory() as workdir:
        root = Path(workdir)
        for row in rows:
            (root / args.name).write_text(row["text"], encoding="utf-8")
            all_hits = with_severity(
                most_specific(scan_files([args.name], policy.secrets, root).hits), policy
            )
            # A commit is blocked by errors; warnings are shown but do not block.
            hits = [h for h in all_hits if h.severity == "error"]
            if row["is_secret"]:
                secrets += 1
                total_by_rule[row["rule"]] += 1
                if hits:
                    flagged_secrets += 1
                    found_by_rule[row["rule"]] += 1
                elif args.misses:
                    print(f"MISS {row['rule']:<40} {row['id']} {mask(row['text'].strip())}")
            elif not row.get("ambiguous"):
                clean += 1
                warned_clean += bool(all_hits) and not hits
                if hits:
                    flagged_clean += 1
                    if args.misses:
                        kinds = ", ".join(sorted({h.secret_type for h in hits}))
                        print(
                            f"FP   {row['rule']:<40} {row['id']} flagged as {kinds} "
                            f"{hits[0].masked}"
                        )
    recall = flagged_secrets / secrets if secrets else 0.0
    fp_rate = flagged_clean / clean if clean else 0.0
    print(f"corpus: {args.corpus}")
    print(f"recall: {recall:.3f} ({flagged_secrets}/{secrets} secrets found; goal >= 0.90)")
    print(
        f"false-positive rate: {fp_rate:.3f} ({flagged_clean}/{clean} clean look-alikes "
        "flagged; goal <= 0.03)"
    )
    print(f"  clean look-alikes shown as non-blocking warnings: {warned_clean}/{clean}")
    weakest = sorted(total_by_rule, key=lambda r: found_by_rule[r] / total_by_rule[r])[:8]
    print(
        "weakest kinds: " + ", ".join(f"{r} {found_by_rule[r]}/{total_by_rule[r]}" for r in weakest)
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
