"""Resolve organizations across the corpus and collapse facts into one row each.

The stage's pure functions work on rows of the extraction work tables:
:func:`resolve_organizations` turns the per-document organizations into
corpus-wide organization ids; :func:`fact_rows` turns links into facts, and
:func:`fact_partitions` cuts the links into partitions whose facts, made one
partition at a time, are the facts of all the links in order (so the stage
never holds every link); :func:`organization_rows` adds the counts gathered
while the mentions stream through (:class:`MentionStats`). :func:`resolve`
does it all in memory, for one text. Nothing here reads files; nothing here
holds document texts.

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

from pipeline.names import name_key, slug, split_country

EVIDENCE_SIMILARITY = 0.75
# The columns of the links work table that make the facts.
LINK_COLUMNS = ("doc_id", "org_key", "function_id", "method", "sentence_start", "sentence_end", "sentence")
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
    """Corpus-wide organization ids, facts and acronym conflicts from the extraction rows.

    Holds every fact in memory: fine for one text (``explain``) or a small
    corpus; the resolve stage calls :func:`resolve_organizations` and builds the
    facts partition by partition with :func:`fact_partitions` and :func:`fact_rows`.
    """
    resolution = resolve_organizations(local_orgs)
    resolution.org_functions = fact_rows(links, resolution.key_to_org, function_labels(rules))
    return resolution


def function_labels(rules) -> dict:
    """function_id -> label, for the ``function_label`` column."""
    return {f.id: f.label for f in rules.functions}


def resolve_organizations(local_orgs: Iterable[dict]) -> Resolution:
    """Corpus-wide organization ids and acronym conflicts from the per-document organizations.

    The result's ``org_functions`` is empty: the facts come from the links,
    which are far larger than the organizations and are resolved separately.
    """
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
    return Resolution(key_to_org, by_org, [], dict(conflicts), messages)


def _fact_order(org_id: str, function_id: str | None) -> tuple:
    """Sort key of a fact, the order of :func:`fact_rows` (Arrow's: strings by code point, nulls last)."""
    return (org_id, function_id is None, function_id or "")


def fact_partitions(link_counts: dict, key_to_org: dict, links_per_partition: int) -> dict:
    """Cut the facts into partitions of about ``links_per_partition`` links, in output order.

    ``link_counts`` maps (org_key, function_id) to its number of links. Returns
    (org_key, function_id) -> partition number (keys no organization resolves
    to are left out: their links make no fact). All links of one fact fall in
    one partition and partition ``i`` holds facts that sort before those of
    ``i + 1``, so :func:`fact_rows` of the partitions, one after the other, are
    :func:`fact_rows` of all the links, while only one partition's links are
    ever in memory. A fact with more links than the target is a partition alone.
    """
    per_fact: Counter = Counter()
    for (key, function_id), n in link_counts.items():
        org_id = key_to_org.get(key)
        if org_id is not None:
            per_fact[(org_id, function_id)] += n
    partition_of_fact, partition, filled = {}, 0, 0
    for fact in sorted(per_fact, key=lambda f: _fact_order(*f)):
        if filled and filled + per_fact[fact] > links_per_partition:
            partition, filled = partition + 1, 0
        partition_of_fact[fact] = partition
        filled += per_fact[fact]
    return {(key, function_id): partition_of_fact[(key_to_org[key], function_id)]
            for key, function_id in link_counts if key in key_to_org}


def fact_rows(links, key_to_org: dict, labels: dict) -> list[dict]:
    """One org_functions row per (organization, function), from the links, sorted by org_id, function_id.

    ``links`` is an Arrow table (or a list of rows) with at least
    :data:`LINK_COLUMNS`. Only the sort keys are copied to find the order; the
    columns a fact needs are taken once in that order and turned into Python
    lists, and each document id string is shared by all its rows.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    table = links if isinstance(links, pa.Table) else pa.Table.from_pylist(list(links))
    if table.num_rows == 0:
        return []
    org_ids = pa.array([key_to_org.get(k) for k in table.column("org_key").to_pylist()], pa.string())
    order = pc.sort_indices(pa.table({"org_id": org_ids, "function_id": table.column("function_id")}),
                            sort_keys=[("org_id", "ascending"), ("function_id", "ascending")])
    # The sort is stable (a fact's links keep the table's order) and puts nulls last.
    order = order.slice(0, len(org_ids) - org_ids.null_count)  # links of no organization make no fact
    orgs = org_ids.take(order).to_pylist()
    columns = table.select([c for c in LINK_COLUMNS if c != "org_key"]).take(order)
    shared: dict[str, str] = {}
    doc_ids = [shared.setdefault(d, d) for d in columns.column("doc_id").to_pylist()]
    functions, methods, starts, ends, sentences = (
        columns.column(name).to_pylist() for name in ("function_id", "method", "sentence_start", "sentence_end",
                                                      "sentence"))
    rows, start = [], 0
    for end in range(1, len(orgs) + 1):
        if end < len(orgs) and orgs[end] == orgs[start] and functions[end] == functions[start]:
            continue
        found = [{"doc_id": doc_ids[i], "method": methods[i], "sentence_start": starts[i],
                  "sentence_end": ends[i], "sentence": sentences[i]} for i in range(start, end)]
        fact_docs = sorted({r["doc_id"] for r in found})
        evidence = collapse_evidence(found)
        rows.append({
            "org_id": orgs[start], "function_id": functions[start],
            "function_label": labels.get(functions[start], functions[start]),
            "doc_ids": fact_docs, "n_documents": len(fact_docs), "methods": sorted({r["method"] for r in found}),
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
        self._shared: dict[str, str] = {}   # one string object per doc_id, however many organizations name it

    def add(self, org_id: str, doc_id: str, surface: str) -> None:
        self.n_mentions[org_id] += 1
        self.documents[org_id].add(self._shared.setdefault(doc_id, doc_id))
        self.surfaces[org_id].add(surface)

    def add_table(self, mentions) -> None:
        """Add a batch of ORG mentions (an Arrow table: ``org_id``, ``doc_id``, ``text``).

        Arrow groups the batch first, so Python sees one row per organization
        and batch instead of one per mention.
        """
        grouped = mentions.group_by("org_id").aggregate(
            [([], "count_all"), ("doc_id", "distinct"), ("text", "distinct")])
        for org_id, n, doc_ids, surfaces in zip(*(grouped.column(c).to_pylist() for c in (
                "org_id", "count_all", "doc_id_distinct", "text_distinct"))):
            self.n_mentions[org_id] += n
            self.documents[org_id].update(self._shared.setdefault(d, d) for d in doc_ids)
            self.surfaces[org_id].update(surfaces)


def organization_rows(resolution: Resolution, stats: MentionStats, rules,
                      functions_of: dict | None = None) -> list[dict]:
    """Rows of the organizations table: one per organization mentioned in the corpus.

    ``functions_of`` (org_id -> function ids) is taken from
    ``resolution.org_functions`` unless given: the resolve stage writes the
    facts as it builds them and keeps only this.
    """
    if functions_of is None:
        functions_of = defaultdict(set)
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
            # The parent need not be mentioned, so a join on `parent` would lose it: its name comes along.
            "parent_name": rules.organization(parent).name if parent and rules.organization(parent) else None,
            "n_mentions": stats.n_mentions[org_id], "n_documents": len(stats.documents[org_id]),
            "doc_ids": sorted(stats.documents[org_id]), "functions": sorted(functions_of.get(org_id, ())),
            "acronym_conflicts": sorted(resolution.conflicts.get(org_id, ())),
        })
    return disambiguate_names(rows, rules)




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
        parts = split_country(acronym)
        if parts and acronym.isupper():
            code = parts[1]
            break
    if code:
        return (countries.get(code) or (code,))[0]
    return row["acronym"] or row["org_id"]


def _choose(forms: Counter) -> str:
    """The form written most often (ties: the longest, then alphabetical)."""
    return sorted(forms, key=lambda f: (-forms[f], -len(f), f))[0]


_LOCATION_FIELDS = ("doc_id", "start", "end", "method")


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
    # Entries seen in each document, keyed by identity, and each entry's
    # locations as tuples: membership tests that compared dicts by value
    # (their location lists and word sets included) made long facts quadratic.
    by_document: dict[str, dict[int, dict]] = defaultdict(dict)
    for row in sorted(rows, key=lambda r: (r["doc_id"], r["sentence_start"], r["method"])):
        sentence = " ".join((row.get("sentence") or "").split())
        location = (row["doc_id"], row["sentence_start"], row["sentence_end"], row["method"])
        # Identical sentences merge anywhere; near-identical ones within a document
        # (comparing every pair across a large corpus would be quadratic).
        entry = exact.get(sentence)
        if entry is None:
            words = _words(sentence)
            for candidate in by_document[row["doc_id"]].values():
                shorter = min(len(words), len(candidate["_words"]))
                if shorter and len(words & candidate["_words"]) / shorter >= EVIDENCE_SIMILARITY:
                    entry = candidate
                    break
            if entry is None:
                entry = {"sentence": sentence, "locations": [], "_words": words, "_seen": set()}
                entries.append(entry)
                exact[sentence] = entry
        by_document[row["doc_id"]].setdefault(id(entry), entry)
        if location not in entry["_seen"]:
            entry["_seen"].add(location)
            entry["locations"].append(dict(zip(_LOCATION_FIELDS, location)))
    return [{"sentence": e["sentence"], "locations": e["locations"]} for e in entries]
