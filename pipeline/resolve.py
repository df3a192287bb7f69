"""Resolve organizations across the corpus and collapse facts into one row each.

``resolve`` is the stage's one public function: the per-document extraction
tables in, the ``mentions``, ``organizations`` and ``org_functions`` tables out.

Resolution order:

1. gazetteer ids: every mention the gazetteer or a compatible definition
   resolved keeps its id, so ITU and "International Telecommunication Union"
   are one organization in every document;
2. organizations outside the gazetteer merge when their names agree under
   :func:`pipeline.names.name_key` (case, spelling, hyphenation, article,
   possessive) or differ only in spacing ("Cyber Crime"/"Cybercrime"); their id
   is :func:`pipeline.names.slug` of the name, so it is the same in every run
   and every input order;
3. an acronym that two documents define with different long forms names two
   organizations: both are kept and each row lists the other in
   ``acronym_conflicts`` (and the run prints a warning).

Documents marked as duplicates were not extracted, so they add nothing here.
Near-identical evidence sentences for one fact (a conclusion restating the
body) collapse into one evidence entry that keeps every location.
"""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from pipeline.names import name_key, slug

EVIDENCE_SIMILARITY = 0.6
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Resolved:
    mentions: list          # rows of the mentions table
    organizations: list     # rows of the organizations table
    org_functions: list     # rows of the org_functions table
    conflicts: list         # human-readable acronym conflicts


def _compact(key: str) -> str:
    return key.replace(" ", "")


def resolve(documents: dict, local_orgs: list, mentions: list, links: list, rules) -> Resolved:
    """Corpus-wide organizations and facts from the per-document extraction rows.

    Args:
        documents: doc_id -> normalized text (only documents that were extracted).
        local_orgs, mentions, links: rows of the work tables (see pipeline.schemas).
        rules: the loaded rules (gazetteer entries and function labels).
    """
    # 1-2. One org_id per organization key.
    groups: dict[str, list] = defaultdict(list)
    for row in local_orgs:
        if row["gazetteer_id"]:
            groups[row["gazetteer_id"]].append(row)
        else:
            groups["new:" + _compact(row["key"][4:] if row["key"].startswith("new:") else name_key(row["name"]))].append(row)
    key_to_org: dict[tuple[str, str], str] = {}
    org_rows: dict[str, dict] = {}
    for group_key, rows in sorted(groups.items()):
        if not group_key.startswith("new:"):
            org_id = group_key
            entry = rules.organization(org_id)
        else:
            entry = None
            name = _choose_name(rows)
            org_id = slug(name)
        info = org_rows.setdefault(org_id, {"rows": [], "entry": entry})
        info["rows"].extend(rows)
        for row in rows:
            key_to_org[(row["doc_id"], row["key"])] = org_id

    # Mentions get their org_id; function mentions keep their function id.
    out_mentions = []
    seen = set()
    n_mentions: dict[str, int] = defaultdict(int)
    org_docs: dict[str, set] = defaultdict(set)
    surfaces: dict[str, set] = defaultdict(set)
    for m in mentions:
        entity = key_to_org.get((m["doc_id"], m["entity_id"]), m["entity_id"]) if m["label"] == "ORG" else m["entity_id"]
        row = {**m, "entity_id": entity}
        identity = (row["doc_id"], row["start"], row["end"], row["label"], entity)
        if identity in seen:
            continue
        seen.add(identity)
        out_mentions.append(row)
        if m["label"] == "ORG":
            n_mentions[entity] += 1
            org_docs[entity].add(m["doc_id"])
            surfaces[entity].add(m["text"])
    out_mentions.sort(key=lambda r: (r["doc_id"], r["start"], r["end"], r["label"], r["entity_id"]))

    # Facts: one row per (org, function), evidence collapsed.
    labels = {f.id: f.label for f in rules.functions}
    facts: dict[tuple[str, str], list] = defaultdict(list)
    for link in links:
        org_id = key_to_org.get((link["doc_id"], link["org_key"]))
        if org_id is None:
            continue
        facts[(org_id, link["function_id"])].append(link)
    org_function_rows, functions_of = [], defaultdict(set)
    for (org_id, function_id), rows in sorted(facts.items()):
        evidence = _collapse_evidence(rows, documents)
        doc_ids = sorted({r["doc_id"] for r in rows})
        functions_of[org_id].add(function_id)
        org_function_rows.append({
            "org_id": org_id, "function_id": function_id, "function_label": labels.get(function_id, function_id),
            "doc_ids": doc_ids, "n_documents": len(doc_ids),
            "methods": sorted({r["method"] for r in rows}),
            "n_evidence": len(evidence), "evidence": evidence,
        })

    # Acronym conflicts: one acronym, several organizations.
    by_acronym: dict[str, set] = defaultdict(set)
    for org_id, info in org_rows.items():
        for row in info["rows"]:
            if row["acronym"] and row["long_forms"]:
                by_acronym[row["acronym"]].add(org_id)
            for gid in row["conflicts"] or []:
                by_acronym[row["acronym"] or ""].update({org_id, gid})
    conflicts_of: dict[str, set] = defaultdict(set)
    messages = []
    for acronym, ids in sorted(by_acronym.items()):
        if len(ids) > 1 and acronym:
            for org_id in ids:
                conflicts_of[org_id] |= ids - {org_id}
            messages.append(f"acronym {acronym} names {len(ids)} organizations: {', '.join(sorted(ids))}")

    organizations = []
    for org_id, info in sorted(org_rows.items()):
        entry, rows = info["entry"], info["rows"]
        if org_id not in n_mentions:
            continue
        names = set(surfaces[org_id])
        for row in rows:
            names.update(row["long_forms"] or [])
        if entry is not None:
            names.update({entry.name, *entry.aliases, *entry.acronyms})
            name, acronym, org_type, parent = entry.name, (entry.acronyms[0] if entry.acronyms else None), \
                entry.type, entry.parent
        else:
            name = _choose_name(rows)
            acronym = _choose_acronym(rows)
            org_type = next((r["org_type"] for r in rows if r["org_type"] and r["org_type"] != "unknown"), "unknown")
            parent = None
        organizations.append({
            "org_id": org_id, "name": name, "acronym": acronym,
            "aliases": sorted(n for n in names if n and n != name),
            "org_type": org_type, "parent": parent, "in_gazetteer": entry is not None,
            "n_mentions": n_mentions[org_id], "n_documents": len(org_docs[org_id]),
            "doc_ids": sorted(org_docs[org_id]), "functions": sorted(functions_of[org_id]),
            "acronym_conflicts": sorted(conflicts_of.get(org_id, ())),
        })
    return Resolved(out_mentions, organizations, org_function_rows, messages)


def _choose_name(rows: list) -> str:
    """The long form written most often (ties: the longest, then alphabetical)."""
    counts: dict[str, int] = defaultdict(int)
    for row in rows:
        for form in (row["long_forms"] or [row["name"]]):
            counts[form] += 1
    return sorted(counts, key=lambda f: (-counts[f], -len(f), f))[0]


def _choose_acronym(rows: list) -> str | None:
    acronyms = sorted({r["acronym"] for r in rows if r["acronym"]})
    return acronyms[0] if acronyms else None


def _words(text: str) -> set[str]:
    return set(_WORD.findall(text.lower()))


def _collapse_evidence(rows: list, documents: dict) -> list[dict]:
    """Evidence sentences for one fact, near-duplicates merged, every location kept.

    Two sentences are one piece of evidence when their word sets overlap by at
    least :data:`EVIDENCE_SIMILARITY` (Jaccard): a Q&A answer that restates the
    body sentence almost word for word.
    """
    entries: list[dict] = []
    for row in sorted(rows, key=lambda r: (r["doc_id"], r["sentence_start"], r["method"])):
        text = documents.get(row["doc_id"], "")
        sentence = " ".join(text[row["sentence_start"]:row["sentence_end"]].split())
        words = _words(sentence)
        location = {"doc_id": row["doc_id"], "start": row["sentence_start"], "end": row["sentence_end"],
                    "method": row["method"]}
        for entry in entries:
            other = entry["_words"]
            union = words | other
            if union and len(words & other) / len(union) >= EVIDENCE_SIMILARITY:
                if location not in entry["locations"]:
                    entry["locations"].append(location)
                break
        else:
            entries.append({"sentence": sentence, "locations": [location], "_words": words})
    return [{"sentence": e["sentence"], "locations": e["locations"]} for e in entries]
