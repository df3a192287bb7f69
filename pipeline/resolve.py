"""Resolve organizations across the corpus and collapse facts into one row each.

The stage's pure functions work on rows of the extraction work tables:
:func:`resolve` turns the per-document organizations and links into
corpus-wide organization ids and facts; :func:`organization_rows` adds the
counts gathered while the mentions stream through (:class:`MentionStats`).
Nothing here reads files; nothing here holds document texts.

Resolution order:

1. gazetteer ids: every mention the gazetteer or a compatible definition
   resolved keeps its id, so ITU and "International Telecommunication Union"
   are one organization in every document;
2. organizations outside the gazetteer merge when their names agree under
   :func:`pipeline.names.name_key` (case, spelling, hyphenation, article,
   possessive) or differ only in spacing ("Cyber Crime"/"Cybercrime"); their id
   is :func:`pipeline.names.slug` of the name, the same in every run and every
   input order;
3. an acronym that two documents define with different long forms names two
   organizations: both are kept and each row lists the other in
   ``acronym_conflicts`` (and the run prints a warning), never silently merged.

Documents marked as duplicates were not extracted, so they add nothing here.
Near-identical evidence sentences for one fact (a conclusion restating the
body) collapse into one evidence entry that keeps every location.
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Iterable

from pipeline.names import name_key, slug

EVIDENCE_SIMILARITY = 0.75
_WORD = re.compile(r"\w+")


@dataclass
class Resolution:
    key_to_org: dict                 # organization key of a document -> org_id
    groups: dict                     # org_id -> aggregated facts about its names
    org_functions: list              # rows of the org_functions table
    conflicts: dict                  # org_id -> other org_ids sharing an acronym
    messages: list                   # human-readable conflict warnings


@dataclass
class _Group:
    gazetteer_id: str | None
    forms: Counter = field(default_factory=Counter)
    acronyms: set = field(default_factory=set)
    types: Counter = field(default_factory=Counter)
    conflicts: set = field(default_factory=set)
    defined_acronyms: set = field(default_factory=set)


def group_key(row: dict) -> str:
    """The organization a per-document row belongs to, before it has an id."""
    if row["gazetteer_id"]:
        return row["gazetteer_id"]
    key = row["key"][4:] if row["key"].startswith("new:") else name_key(row["name"])
    return "new:" + key.replace(" ", "")


def resolve(local_orgs: Iterable[dict], links, rules) -> Resolution:
    """Corpus-wide organization ids, facts and acronym conflicts from the extraction rows."""
    groups: dict[str, _Group] = {}
    keys: dict[str, str] = {}
    for row in local_orgs:
        gkey = group_key(row)
        keys[row["key"]] = gkey
        group = groups.setdefault(gkey, _Group(row["gazetteer_id"]))
        for form in (row["long_forms"] or [row["name"]]):
            group.forms[form] += 1
        if row["acronym"]:
            group.acronyms.add(row["acronym"])
            if row["long_forms"]:
                group.defined_acronyms.add(row["acronym"])
        if row["org_type"]:
            group.types[row["org_type"]] += 1
        group.conflicts.update(row["conflicts"] or [])
    # "CERT-MU" found on its own in one document is the organization another
    # document defines as "Computer Emergency Response Team of Mauritius (CERT-MU)",
    # when exactly one organization in the corpus defines that acronym.
    defined: dict[str, set] = defaultdict(set)
    for gkey, group in groups.items():
        for acronym in group.defined_acronyms:
            defined[acronym].add(gkey)
    for gkey in [g for g in groups if g.startswith("new:")]:
        forms = set(groups[gkey].forms)
        owners = defined.get(next(iter(forms)), set()) - {gkey} if len(forms) == 1 else set()
        if len(owners) == 1 and not groups[gkey].defined_acronyms:
            target = owners.pop()
            merged = groups.pop(gkey)
            groups[target].types.update(merged.types)
            keys.update({k: target for k, g in keys.items() if g == gkey})
    org_of_group = {g: (g if not g.startswith("new:") else slug(_choose(groups[g].forms))) for g in groups}
    key_to_org = {key: org_of_group[g] for key, g in keys.items()}
    by_org = {org_of_group[g]: group for g, group in groups.items()}

    conflicts: dict[str, set] = defaultdict(set)
    by_acronym: dict[str, set] = defaultdict(set)
    for org_id, group in by_org.items():
        for acronym in group.defined_acronyms:
            by_acronym[acronym].add(org_id)
        for other in group.conflicts:
            for acronym in group.defined_acronyms or group.acronyms:
                by_acronym[acronym].update({org_id, other})
    messages = []
    for acronym, ids in sorted(by_acronym.items()):
        if len(ids) > 1:
            for org_id in ids:
                conflicts[org_id] |= ids - {org_id}
            messages.append(f"acronym {acronym} names {len(ids)} organizations: {', '.join(sorted(ids))}")

    rows = fact_rows(links, key_to_org, {f.id: f.label for f in rules.functions})
    return Resolution(key_to_org, by_org, rows, dict(conflicts), messages)


def fact_rows(links, key_to_org: dict, labels: dict) -> list[dict]:
    """One org_functions row per (organization, function), from the links.

    ``links`` is an Arrow table (or a list of rows). It is sorted by fact and
    turned into Python one fact at a time, so a large corpus's evidence
    sentences stay in compact columns.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    table = links if isinstance(links, pa.Table) else pa.Table.from_pylist(list(links))
    if table.num_rows == 0:
        return []
    org_ids = pa.array([key_to_org.get(k) for k in table.column("org_key").to_pylist()], pa.string())
    table = table.append_column("org_id", org_ids).filter(pc.is_valid(org_ids))
    table = table.take(pc.sort_indices(table, sort_keys=[("org_id", "ascending"), ("function_id", "ascending")]))
    orgs, functions = table.column("org_id").to_pylist(), table.column("function_id").to_pylist()
    rows, start = [], 0
    for end in range(1, len(orgs) + 1):
        if end < len(orgs) and (orgs[end], functions[end]) == (orgs[start], functions[start]):
            continue
        found = table.slice(start, end - start).to_pylist()
        doc_ids = sorted({r["doc_id"] for r in found})
        evidence = collapse_evidence(found)
        rows.append({
            "org_id": orgs[start], "function_id": functions[start],
            "function_label": labels.get(functions[start], functions[start]),
            "doc_ids": doc_ids, "n_documents": len(doc_ids), "methods": sorted({r["method"] for r in found}),
            "n_evidence": len(evidence), "evidence": evidence,
        })
        start = end
    return rows


class MentionStats:
    """Counts gathered while the mentions stream through: per organization, mentions, documents, surfaces."""

    def __init__(self):
        self.n_mentions: Counter = Counter()
        self.documents: dict[str, set] = defaultdict(set)
        self.surfaces: dict[str, set] = defaultdict(set)

    def add(self, org_id: str, doc_id: str, surface: str) -> None:
        self.n_mentions[org_id] += 1
        self.documents[org_id].add(doc_id)
        self.surfaces[org_id].add(surface)


def organization_rows(resolution: Resolution, stats: MentionStats, rules) -> list[dict]:
    """Rows of the organizations table: one per organization mentioned in the corpus."""
    functions_of: dict[str, set] = defaultdict(set)
    for row in resolution.org_functions:
        functions_of[row["org_id"]].add(row["function_id"])
    rows = []
    for org_id in sorted(stats.n_mentions):
        group = resolution.groups.get(org_id)
        entry = rules.organization(org_id)
        names = set(stats.surfaces[org_id]) | (set(group.forms) if group else set())
        if entry is not None:
            names |= {entry.name, *entry.aliases, *entry.acronyms}
            name, acronym = entry.name, (entry.acronyms[0] if entry.acronyms else None)
            org_type, parent = entry.type, entry.parent
        else:
            name = _choose(group.forms) if group else org_id
            acronym = min(group.acronyms) if group and group.acronyms else None
            known = [t for t, _ in (group.types.most_common() if group else []) if t != "unknown"]
            org_type, parent = (known[0] if known else "unknown"), None
        rows.append({
            "org_id": org_id, "name": name, "acronym": acronym,
            "aliases": sorted(n for n in names if n and n != name),
            "org_type": org_type, "parent": parent, "in_gazetteer": entry is not None,
            "n_mentions": stats.n_mentions[org_id], "n_documents": len(stats.documents[org_id]),
            "doc_ids": sorted(stats.documents[org_id]), "functions": sorted(functions_of[org_id]),
            "acronym_conflicts": sorted(resolution.conflicts.get(org_id, ())),
        })
    return disambiguate_names(rows, rules)


_COUNTRY_CODE = re.compile(r".+?[\s-]([A-Z]{2})")
_COUNTRY_ALIASES = {"UK": "GB"}


def disambiguate_names(rows: list[dict], rules) -> list[dict]:
    """Give every organization a name of its own and aliases that name it alone.

    Several countries call their agency "National Cyber Security Centre"; two
    rows with one name would leave an analyst guessing. Organizations sharing a
    name get a qualifier: the country (gazetteer ``country``, or the code of an
    acronym such as "NCSC NZ", named as in ``rules/places.yml``), else the
    acronym, else the id. A name or alias
    that several organizations of the table share moves from ``aliases`` to
    ``shared_names``, so looking an organization up by alias gives one answer.
    """
    owners: dict[str, set] = defaultdict(set)
    for row in rows:
        for text in (row["name"], *row["aliases"]):
            owners[name_key(text)].add(row["org_id"])
    for row in rows:
        shared = sorted(a for a in row["aliases"] if len(owners[name_key(a)]) > 1)
        bare = row["name"]
        if len(owners[name_key(bare)]) > 1:
            row["name"] = f"{bare} ({_qualifier(row, rules)})"
            shared = sorted({*shared, bare})
        row["aliases"] = [a for a in row["aliases"] if a not in shared]
        row["shared_names"] = shared
    return rows


def _qualifier(row: dict, rules) -> str:
    countries = (getattr(rules, "places", None) or {}).get("countries") or {}
    entry = rules.organization(row["org_id"])
    code = entry.country if entry is not None else None
    for acronym in sorted(a for a in (row["acronym"], *row["aliases"]) if a and not code):
        match = _COUNTRY_CODE.fullmatch(acronym)
        if match and acronym.isupper():
            code = _COUNTRY_ALIASES.get(match.group(1), match.group(1))
            break
    if code:
        return (countries.get(code) or (code,))[0]
    return row["acronym"] or row["org_id"]


def _choose(forms: Counter) -> str:
    """The form written most often (ties: the longest, then alphabetical)."""
    return sorted(forms, key=lambda f: (-forms[f], -len(f), f))[0]


def _words(text: str) -> set[str]:
    return set(_WORD.findall(text.lower()))


def collapse_evidence(rows: list[dict]) -> list[dict]:
    """Evidence sentences for one fact, near-duplicates merged, every location kept.

    Two sentences are one piece of evidence when at least
    :data:`EVIDENCE_SIMILARITY` of the shorter one's words are in the other (the
    overlap coefficient): a Q&A answer that restates a body sentence almost word
    for word, often shortened, is the same evidence; Jaccard would keep them apart
    because the longer sentence has more words.
    """
    entries: list[dict] = []
    exact: dict[str, dict] = {}
    by_document: dict[str, list] = defaultdict(list)
    for row in sorted(rows, key=lambda r: (r["doc_id"], r["sentence_start"], r["method"])):
        sentence = " ".join((row.get("sentence") or "").split())
        location = {"doc_id": row["doc_id"], "start": row["sentence_start"], "end": row["sentence_end"],
                    "method": row["method"]}
        # Identical sentences merge anywhere; near-identical ones within a document
        # (comparing every pair across a large corpus would be quadratic).
        entry = exact.get(sentence)
        if entry is None:
            words = _words(sentence)
            for candidate in by_document[row["doc_id"]]:
                shorter = min(len(words), len(candidate["_words"]))
                if shorter and len(words & candidate["_words"]) / shorter >= EVIDENCE_SIMILARITY:
                    entry = candidate
                    break
            if entry is None:
                entry = {"sentence": sentence, "locations": [], "_words": words}
                entries.append(entry)
                exact[sentence] = entry
        if entry not in by_document[row["doc_id"]]:
            by_document[row["doc_id"]].append(entry)
        if location not in entry["locations"]:
            entry["locations"].append(location)
    return [{"sentence": e["sentence"], "locations": e["locations"]} for e in entries]
