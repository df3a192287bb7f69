"""Score a dataset against hand annotations in the gold format.

Gold format (one JSON file per document, named after the document's stem)::

    {"document": "01_x.txt",
     "organizations": [{"canonical": ..., "acronym": ... | null, "type": ...,
                        "surfaces": [...], "optional": true?}],
     "not_organizations": [...],
     "functions": [{"organization": <canonical>, "function": <id>, "evidence": ...}]}

Matching follows the project's evaluation kit: a predicted organization in a
document matches a gold one when their normalized names, aliases or acronyms
meet; unmatched predictions are false positives, unmatched required gold
organizations are false negatives; links are (organization, function) pairs
per document; across the corpus, a gold organization found under several
org_ids is a split and an org_id matching several gold organizations a merge.

``python -m pipeline.evaluation.gold PROCESSED GOLD_DIR`` prints the scores.
"""
from __future__ import annotations

import json
import re
import sys
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd


def norm(text) -> str:
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", str(text)).casefold()
    text = re.sub(r"^the\s+", "", text.strip())
    text = text.replace("organisation", "organization").replace("programme", "program")
    text = re.sub(r"[\-‐‑'’.]", "", text)
    return re.sub(r"[\s–—,()]+", " ", text).strip()


def gold_keys(entry: dict) -> tuple[set, set]:
    names, acronyms = {norm(entry["canonical"])}, set()
    for surface in entry.get("surfaces", []):
        names.add(norm(re.sub(r"\s*\([^)]*\)\s*", " ", surface).strip()))
        acronyms.update(norm(inner) for inner in re.findall(r"\(([^)]*)\)", surface))
        if surface.isupper() or re.fullmatch(r"[A-Z][A-Za-z]*[A-Z]+[A-Za-z ]*", surface.strip()):
            acronyms.add(norm(surface))
    if entry.get("acronym"):
        acronyms |= {norm(entry["acronym"]), norm(entry["acronym"]).replace(" ", "")}
    return {n for n in names if n}, {a for a in acronyms if a}


def org_keys(row: dict) -> tuple[set, set]:
    names = {norm(row["name"])} | {norm(a) for a in (row.get("aliases") if row.get("aliases") is not None else [])}
    acronyms = set()
    if row.get("acronym"):
        acronyms |= {norm(row["acronym"]), norm(row["acronym"]).replace(" ", "")}
    acronyms |= {n for n in names if n and " " not in n and len(n) <= 10}
    return {n for n in names if n}, {a for a in acronyms if a}


def matches(gold, predicted) -> bool:
    g_names, g_acr = gold
    p_names, p_acr = predicted
    return bool(g_names & p_names) or bool(g_acr & p_acr) or bool(g_acr & p_names)


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Score:
    orgs: Counts = field(default_factory=Counts)
    links: Counts = field(default_factory=Counts)
    splits: dict = field(default_factory=dict)
    merges: dict = field(default_factory=dict)
    errors: list = field(default_factory=list)

    def line(self) -> str:
        return (f"org P={self.orgs.precision:.3f} R={self.orgs.recall:.3f} F1={self.orgs.f1:.3f} | "
                f"links P={self.links.precision:.3f} R={self.links.recall:.3f} F1={self.links.f1:.3f} | "
                f"splits={len(self.splits)} merges={len(self.merges)}")


def score_tables(documents: pd.DataFrame, mentions: pd.DataFrame, organizations: pd.DataFrame,
                 org_functions: pd.DataFrame, gold_dir: Path) -> Score:
    """Score the four tables against every gold file in ``gold_dir``."""
    doc_by_stem = {Path(str(s)).stem: d for d, s in zip(documents["doc_id"], documents["source"])}
    orgs = {r["org_id"]: org_keys(r) for r in organizations.to_dict("records")}
    orgs_in_doc = mentions[mentions["label"] == "ORG"].groupby("doc_id")["entity_id"].agg(set).to_dict()
    links_in_doc = defaultdict(set)
    for r in org_functions.to_dict("records"):
        for d in list(r["doc_ids"]):
            links_in_doc[d].add((r["org_id"], r["function_id"]))
    result = Score()
    gold_to_ids, id_to_gold = defaultdict(set), defaultdict(set)
    for gold_file in sorted(Path(gold_dir).glob("*.json")):
        gold = json.loads(gold_file.read_text(encoding="utf-8"))
        doc_id = doc_by_stem.get(gold_file.stem)
        entries = gold["organizations"]
        keys = [gold_keys(g) for g in entries]
        found, to_gold = set(), {}
        for org_id in sorted(orgs_in_doc.get(doc_id, set())):
            hit = [i for i, k in enumerate(keys) if org_id in orgs and matches(k, orgs[org_id])]
            if hit:
                to_gold[org_id] = hit
                found.update(hit)
                for i in hit:
                    gold_to_ids[norm(entries[i]["canonical"])].add(org_id)
                    id_to_gold[org_id].add(norm(entries[i]["canonical"]))
            else:
                result.orgs.fp += 1
                result.errors.append((gold_file.stem, "spurious org", org_id))
        required = [i for i, g in enumerate(entries) if not g.get("optional")]
        result.orgs.tp += sum(1 for i in required if i in found)
        for i in required:
            if i not in found:
                result.orgs.fn += 1
                result.errors.append((gold_file.stem, "missed org", entries[i]["canonical"]))
        gold_links = {(norm(x["organization"]), x["function"]) for x in gold.get("functions", [])}
        predicted = set()
        for org_id, function_id in sorted(links_in_doc.get(doc_id, set())):
            targets = to_gold.get(org_id)
            if targets is None and org_id in orgs:
                targets = [i for i, k in enumerate(keys) if matches(k, orgs[org_id])]
            if targets:
                predicted |= {(norm(entries[i]["canonical"]), function_id) for i in targets}
            else:
                result.links.fp += 1
                result.errors.append((gold_file.stem, "spurious link", f"{org_id}:{function_id}"))
        result.links.tp += len(gold_links & predicted)
        result.links.fp += len(predicted - gold_links)
        result.links.fn += len(gold_links - predicted)
        result.errors += [(gold_file.stem, "missed link", f"{o}:{f}") for o, f in sorted(gold_links - predicted)]
        result.errors += [(gold_file.stem, "spurious link", f"{o}:{f}") for o, f in sorted(predicted - gold_links)]
    result.splits = {g: sorted(ids) for g, ids in gold_to_ids.items() if len(ids) > 1}
    result.merges = {o: sorted(g) for o, g in id_to_gold.items() if len(g) > 1}
    return result


def read_table(processed: Path, name: str) -> pd.DataFrame:
    for candidate in (Path(processed) / f"{name}.parquet", Path(processed) / name):
        if candidate.exists():
            return pd.read_parquet(candidate)
    raise FileNotFoundError(f"no table {name!r} in {processed}")


def score_dataset(processed: Path, gold_dir: Path) -> Score:
    return score_tables(*(read_table(processed, n) for n in ("documents", "mentions", "organizations",
                                                              "org_functions")), gold_dir)


def main(argv: list[str]) -> int:
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    score = score_dataset(Path(argv[0]), Path(argv[1]))
    if "--errors" in argv:
        for stem, kind, what in score.errors:
            print(f"{stem}: {kind}: {what}")
    print(score.line())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
