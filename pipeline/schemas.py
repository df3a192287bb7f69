"""The Parquet schemas of the dataset, in one place.

Every table is written with these explicit schemas (never inferred from
pandas), so an empty corpus still yields typed, loadable tables and a column
never changes type between runs. The README's data dictionary documents each
column; ``tests/test_schemas.py`` checks that it documents all of them.
"""
from __future__ import annotations

import pyarrow as pa

CHANGE_KINDS = ("mojibake", "homoglyph", "invisible", "space", "wrap", "newline", "control")

CHANGE = pa.struct([
    ("start", pa.int64()), ("end", pa.int64()), ("norm_start", pa.int64()),
    ("original", pa.string()), ("replacement", pa.string()), ("kind", pa.string()),
])

DOCUMENTS = pa.schema([
    ("doc_id", pa.string()),
    ("source", pa.string()),
    ("text", pa.string()),
    ("encoding", pa.string()),
    ("raw_sha256", pa.string()),
    ("text_sha256", pa.string()),
    ("n_chars", pa.int64()),
    ("n_words", pa.int64()),
    ("duplicate_of", pa.string()),
    ("duplicate_kind", pa.string()),
    ("duplicate_similarity", pa.float64()),
    *[(f"n_{kind}", pa.int64()) for kind in CHANGE_KINDS],
    ("changes", pa.list_(CHANGE)),
])

MENTIONS = pa.schema([
    ("doc_id", pa.string()),
    ("start", pa.int64()),
    ("end", pa.int64()),
    ("raw_start", pa.int64()),
    ("raw_end", pa.int64()),
    ("text", pa.string()),
    ("label", pa.string()),
    ("entity_id", pa.string()),
    ("rule_id", pa.string()),
    ("rule_file", pa.string()),
])

ORGANIZATIONS = pa.schema([
    ("org_id", pa.string()),
    ("name", pa.string()),
    ("acronym", pa.string()),
    ("aliases", pa.list_(pa.string())),
    ("org_type", pa.string()),
    ("parent", pa.string()),
    ("parent_name", pa.string()),
    ("in_gazetteer", pa.bool_()),
    ("n_mentions", pa.int64()),
    ("n_documents", pa.int64()),
    ("doc_ids", pa.list_(pa.string())),
    ("functions", pa.list_(pa.string())),
    ("acronym_conflicts", pa.list_(pa.string())),
    ("shared_names", pa.list_(pa.string())),
])

LOCATION = pa.struct([
    ("doc_id", pa.string()), ("start", pa.int64()), ("end", pa.int64()), ("method", pa.string()),
])
EVIDENCE = pa.struct([
    ("sentence", pa.string()),
    ("locations", pa.list_(LOCATION)),
])

ORG_FUNCTIONS = pa.schema([
    ("org_id", pa.string()),
    ("function_id", pa.string()),
    ("function_label", pa.string()),
    ("doc_ids", pa.list_(pa.string())),
    ("n_documents", pa.int64()),
    ("methods", pa.list_(pa.string())),
    ("n_evidence", pa.int64()),
    ("evidence", pa.list_(EVIDENCE)),
])

REJECTS = pa.schema([
    ("source", pa.string()),
    ("reason", pa.string()),
])

# Work tables between stages (in <out>/.work/), not part of the dataset contract.
LOCAL_ORGS = pa.schema([
    ("doc_id", pa.string()),
    ("key", pa.string()),
    ("name", pa.string()),
    ("gazetteer_id", pa.string()),
    ("acronym", pa.string()),
    ("org_type", pa.string()),
    ("surfaces", pa.list_(pa.string())),
    ("long_forms", pa.list_(pa.string())),
    ("conflicts", pa.list_(pa.string())),
])

LINKS = pa.schema([
    ("doc_id", pa.string()),
    ("org_key", pa.string()),
    ("function_id", pa.string()),
    ("method", pa.string()),
    ("sentence_start", pa.int64()),
    ("sentence_end", pa.int64()),
    ("org_start", pa.int64()),
    ("org_end", pa.int64()),
    ("function_start", pa.int64()),
    ("function_end", pa.int64()),
    ("sentence", pa.string()),
])

EXTRACT_INDEX = pa.schema([
    ("doc_id", pa.string()),
    ("text_sha256", pa.string()),
])

DATASET = {
    "documents": DOCUMENTS,
    "mentions": MENTIONS,
    "organizations": ORGANIZATIONS,
    "org_functions": ORG_FUNCTIONS,
}
