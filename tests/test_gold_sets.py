"""The hand-annotated sets are consistent with their own guidelines (tests/data/devset/README.md).

A gold file whose surface or evidence is not in its passage, or that names one
organization two ways across files, would make the scores measure the
annotation instead of the pipeline.
"""
from __future__ import annotations

import json

import pytest

from tests.conftest import DATA

SETS = ("devset", "heldout")
FUNCTIONS = {"information_sharing", "capacity_building", "policy_legislation", "standardization",
             "norm_development", "incident_response", "research", "cooperation_diplomacy", "law_enforcement",
             "funding", "peace_security", "justice_accountability", "sustainable_development", "trade_economic"}
TYPES = {"igo", "regional", "un_body", "standards_body", "ngo_or_forum", "think_tank", "national_agency",
         "private_company", "initiative", "unit"}
GOLD = [(name, path) for name in SETS for path in sorted((DATA / name / "gold").glob("*.json"))]


@pytest.mark.parametrize("name,path", GOLD, ids=[f"{n}/{p.stem}" for n, p in GOLD])
def test_gold_file_matches_its_passage(name, path):
    gold = json.loads(path.read_text(encoding="utf-8"))
    assert set(gold) == {"document", "source", "organizations", "not_organizations", "functions"}
    passage = (DATA / name / "passages" / gold["document"]).read_text(encoding="utf-8")
    assert gold["document"] == path.stem + ".txt"
    canonical = {o["canonical"] for o in gold["organizations"]}
    assert len(canonical) == len(gold["organizations"]), "an organization is annotated twice"
    for org in gold["organizations"]:
        assert org["type"] in TYPES, org
        for surface in org["surfaces"]:
            assert surface in passage, f"surface {surface!r} is not in {gold['document']}"
    for text in gold["not_organizations"]:
        assert text in passage, f"{text!r} is not in {gold['document']}"
    optional = {o["canonical"] for o in gold["organizations"] if o.get("optional")}
    pairs = [(f["organization"], f["function"]) for f in gold["functions"]]
    assert len(pairs) == len(set(pairs)), "a link is annotated twice"
    for link in gold["functions"]:
        assert link["function"] in FUNCTIONS, link
        assert link["organization"] in canonical - optional, link
        assert link["evidence"] in passage, f"evidence {link['evidence']!r} is not in {gold['document']}"


def test_one_canonical_name_one_acronym_and_type_across_sets():
    seen: dict = {}
    for _, path in GOLD:
        for org in json.loads(path.read_text(encoding="utf-8"))["organizations"]:
            key = (org.get("acronym"), org["type"])
            assert seen.setdefault(org["canonical"], key) == key, (path.name, org["canonical"], seen[org["canonical"]])
