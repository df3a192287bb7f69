"""``python -m pipeline.evaluation`` (``make eval``): every quality figure of the project in one table.

* the seed documents against their gold annotations;
* the development set of real passages, with the full gazetteer and with the
  gazetteer entries of that set's organizations removed (what the generic rules
  find alone);
* the held-out set, annotated without looking at the rules; no rule is written
  from its errors;
* the acronym-definition detector on the public Ab3P gold set.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from pipeline.evaluation import ab3p
from pipeline.evaluation.ablation import ablate_gazetteer
from pipeline.evaluation.gold import score_dataset

DATA = Path("tests/data")


def run_pipeline(raw: Path, out: Path, rules: Path) -> None:
    from pipeline.cli import main
    code = main(["run", "--raw", str(raw), "--out", str(out), "--rules", str(rules)])
    if code not in (0, 1):
        raise SystemExit(f"the pipeline failed on {raw} (exit {code})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rules", type=Path, default=Path("rules"))
    parser.add_argument("--data", type=Path, default=DATA)
    args = parser.parse_args(argv)
    os.environ.setdefault("ORGFUNCTIONS_NO_PROGRESS", "1")
    rows = []
    with tempfile.TemporaryDirectory(prefix="orgfunctions-eval-") as tmp:
        tmp = Path(tmp)
        run_pipeline(Path("raw"), tmp / "seed", args.rules)
        rows.append(("seed documents", score_dataset(tmp / "seed", args.data / "seed_gold")))
        devset = args.data / "devset"
        run_pipeline(devset / "passages", tmp / "dev", args.rules)
        rows.append(("development set", score_dataset(tmp / "dev", devset / "gold")))
        heldout = args.data / "heldout"
        run_pipeline(heldout / "passages", tmp / "heldout", args.rules)
        rows.append(("held-out set (annotated blind)",
                     score_dataset(tmp / "heldout", heldout / "gold")))
        ablated = tmp / "rules-ablated"
        removed = ablate_gazetteer(args.rules, devset / "gold", ablated)
        run_pipeline(devset / "passages", tmp / "dev-ablated", ablated)
        rows.append((f"development set, {len(removed)} gazetteer entries removed",
                     score_dataset(tmp / "dev-ablated", devset / "gold")))
    print(f"{'set':<52}{'org P':>7}{'org R':>7}{'org F1':>7}{'link P':>8}{'link R':>7}{'link F1':>8}"
          f"{'splits':>8}{'merges':>8}")
    for label, s in rows:
        print(f"{label:<52}{s.orgs.precision:>7.3f}{s.orgs.recall:>7.3f}{s.orgs.f1:>7.3f}"
              f"{s.links.precision:>8.3f}{s.links.recall:>7.3f}{s.links.f1:>8.3f}{len(s.splits):>8}{len(s.merges):>8}")
    score = ab3p.score(ab3p.load_records(args.data / "ab3p" / "MED1250_labeled"))
    print(f"acronym definitions on Ab3P (MED1250): P={score.precision:.3f} R={score.recall:.3f} F1={score.f1:.3f} "
          "(published: Schwartz-Hearst 0.95/0.82, Ab3P 0.965/0.832)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
