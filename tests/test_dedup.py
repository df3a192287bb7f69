"""Duplicates are marked, not counted twice; one acronym with two long forms stays two organizations."""
from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd

from pipeline.cli import main
from pipeline.dedup import THRESHOLD, DuplicateFinder, Signature, signature, text_digest
from tests.conftest import RAW, RULES

SEED = RAW / "002_7328ff7fe9fe9875.txt"


def build(raw, out):
    assert main(["run", "--raw", str(raw), "--out", str(out), "--rules", str(RULES)]) == 0
    return {name: pd.read_parquet(out / f"{name}.parquet")
            for name in ("documents", "mentions", "organizations", "org_functions")}


def lightly_edited(text: str) -> str:
    return text.replace("crucial", "essential", 2).replace("International institutions play", "Institutions play", 1)


def test_exact_and_near_copies_change_no_count_and_no_fact(tmp_path):
    plain, copies = tmp_path / "plain", tmp_path / "copies"
    plain.mkdir()
    shutil.copytree(RAW, copies)
    for path in RAW.glob("*.txt"):
        shutil.copy(path, plain / path.name)
    text = SEED.read_text(encoding="utf-8")
    (copies / "zz_exact_copy.txt").write_text(text, encoding="utf-8")
    (copies / "zz_edited_copy.txt").write_text(lightly_edited(text), encoding="utf-8")
    a, b = build(plain, tmp_path / "a"), build(copies, tmp_path / "b")

    docs = b["documents"].set_index("source")
    assert docs.loc["zz_exact_copy.txt", "duplicate_kind"] == "exact"
    assert docs.loc["zz_edited_copy.txt", "duplicate_kind"] == "near"
    original = docs.loc["002_7328ff7fe9fe9875.txt", "doc_id"]
    assert docs.loc["zz_edited_copy.txt", "duplicate_of"] == original
    assert THRESHOLD <= docs.loc["zz_edited_copy.txt", "duplicate_similarity"] < 1.0

    columns = ["org_id", "n_mentions", "n_documents"]
    pd.testing.assert_frame_equal(a["organizations"][columns].reset_index(drop=True),
                                  b["organizations"][columns].reset_index(drop=True))
    facts = lambda t: sorted((r.org_id, r.function_id, tuple(r.doc_ids)) for r in t.itertuples())  # noqa: E731
    assert facts(a["org_functions"]) == facts(b["org_functions"])


def test_different_documents_are_not_near_duplicates():
    texts = [p.read_text(encoding="utf-8") for p in sorted(RAW.glob("*.txt"))]
    finder = DuplicateFinder()
    assert [finder.add(str(i), text_digest(t), signature(t)) for i, t in enumerate(texts)] == [None, None]


def test_a_duplicate_always_names_a_kept_document():
    """Edits pile up (A, then B edited from A, then C edited from B): C is near B but far from A. B is A's
    near-duplicate and not extracted, so C is kept rather than named a copy of B; B's exact copy names A."""
    words = [f"w{i}" for i in range(600)]
    a = " ".join(words)
    b = " ".join(words[:-40] + [f"x{i}" for i in range(40)])
    c = " ".join([f"y{i}" for i in range(40)] + words[40:-40] + [f"x{i}" for i in range(40)])
    assert signature(b).jaccard(signature(c)) >= THRESHOLD > signature(a).jaccard(signature(c))
    finder = DuplicateFinder()
    found = {doc: finder.add(doc, text_digest(t), signature(t)) for doc, t in
             [("a", a), ("b", b), ("c", c), ("b-copy", b)]}
    assert found["a"] is None and found["c"] is None
    assert (found["b"].of, found["b"].kind) == ("a", "near") and found["b"].similarity >= THRESHOLD
    assert found["b-copy"] == found["b"]


def test_one_acronym_with_two_long_forms_gives_two_organizations(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "a.txt").write_text("The Baltic Cyber Resilience Council (BCRC) trains officials across the region.\n")
    (raw / "b.txt").write_text("The Black Sea Cybercrime Response Centre (BCRC) investigates ransomware gangs.\n")
    orgs = build(raw, tmp_path / "out")["organizations"]
    bcrc = orgs[orgs["acronym"] == "BCRC"]
    assert len(bcrc) == 2
    for row in bcrc.itertuples():
        assert list(row.acronym_conflicts) == [other for other in bcrc["org_id"] if other != row.org_id]


def test_evidence_restated_in_a_later_section_collapses_into_one_entry(seed_dataset):
    facts = pd.read_parquet(seed_dataset / "org_functions.parquet")
    unodc = facts[(facts.org_id == "unodc") & (facts.function_id == "capacity_building")].iloc[0]
    # The body and the Q&A of the second essay say the same thing almost word for word.
    assert any(len(entry["locations"]) > 1 for entry in unodc["evidence"])
    assert unodc["n_evidence"] == len(unodc["evidence"]) < sum(len(e["locations"]) for e in unodc["evidence"])


def test_agencies_sharing_a_name_get_names_and_aliases_of_their_own(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "a.txt").write_text(
        "The National Cyber Security Centre (NCSC NZ) and the National Cyber Security Centre (NCSC UK) "
        "published a joint advisory on ransomware.\n")
    orgs = build(raw, tmp_path / "out")["organizations"]
    centres = orgs[orgs["name"].str.startswith("National Cyber Security Centre")].set_index("org_id")
    assert sorted(centres["name"]) == ["National Cyber Security Centre (New Zealand)",
                                    "National Cyber Security Centre (United Kingdom)"]
    assert centres.loc["ncsc_uk", "acronym"] == "NCSC"
    for row in centres.itertuples():
        assert list(row.shared_names) == ["National Cyber Security Centre"]
        assert "National Cyber Security Centre" not in list(row.aliases)
    # Every alias left names one organization of the table.
    owners = orgs.explode("aliases").dropna(subset=["aliases"]).groupby("aliases")["org_id"].nunique()
    assert (owners == 1).all(), owners[owners > 1]


def test_another_countrys_agency_of_a_gazetteer_name_is_an_organization_of_its_own(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "a.txt").write_text("New Zealand's National Cyber Security Centre published guidance on ransomware.\n")
    (raw / "b.txt").write_text("The UK's National Cyber Security Centre published guidance on phishing. "
                               "The NCSC NZ later issued alerts.\n")
    (raw / "c.txt").write_text("The National Cyber Security Centre (NCSC NZ) coordinates incident response.\n")
    tables = build(raw, tmp_path / "out")
    orgs = tables["organizations"].set_index("org_id")
    centres = orgs[orgs["name"].str.contains("National Cyber Security Centre")]
    # One UK centre (the gazetteer's) and one New Zealand centre, whichever way it is written.
    assert len(centres) == 2 and "ncsc_uk" in centres.index
    (nz,) = [i for i in centres.index if i != "ncsc_uk"]
    mentions = tables["mentions"]
    assert set(mentions[mentions.entity_id == nz].text) == {"National Cyber Security Centre", "NCSC NZ"}
    assert set(mentions[mentions.entity_id == "ncsc_uk"].text) == {"National Cyber Security Centre"}


def _texts() -> list[str]:
    texts = ["Ünïcode wörds and the ITU, ENISA and FIRST cooperate on incident response " * k for k in (1, 3)]
    texts += [p.read_text(encoding="utf-8") for p in sorted(RAW.glob("*.txt"))]
    texts.append(Path(__file__).read_text(encoding="utf-8"))
    return texts


def test_signature_equals_datasketch_minhash():
    """Our numpy MinHash gives datasketch's hash values and similarities (seed 1, masked crc32)."""
    import zlib

    from datasketch import MinHash

    from pipeline.dedup import _BLOCK, NUM_PERM, SHINGLE, _WORD

    texts = _texts()
    texts.append(" ".join(texts))                             # shingles over several blocks of the computation
    assert len(_WORD.findall(texts[-1])) > 3 * _BLOCK
    texts.append(texts[-1].replace("assert", "check"))        # a near copy: a similarity strictly inside (0, 1)
    plain, ours = [], []
    for text in texts:
        words = _WORD.findall(text.lower())
        m = MinHash(num_perm=NUM_PERM, hashfunc=lambda b: zlib.crc32(b) & 0xFFFFFFFF, seed=1)
        m.update_batch([" ".join(words[i:i + SHINGLE]).encode() for i in range(len(words) - SHINGLE + 1)])
        plain.append(m)
        ours.append(signature(text))
        assert ours[-1].hashvalues.dtype == m.hashvalues.dtype
        assert np.array_equal(ours[-1].hashvalues, m.hashvalues)
    for i in range(len(texts)):
        for j in range(len(texts)):
            assert ours[i].jaccard(ours[j]) == plain[i].jaccard(plain[j])
    assert 0 < ours[-1].jaccard(ours[-2]) < 1


def test_band_index_equals_datasketch_lsh():
    """Same band parameters and the same candidates as datasketch's MinHashLSH."""
    from datasketch import MinHash, MinHashLSH
    from datasketch.lsh import _optimal_param

    from pipeline.dedup import _LSH_PARAMS, NUM_PERM, _BandIndex

    for (threshold, num_perm), params in _LSH_PARAMS.items():
        assert _optimal_param(threshold, num_perm, 0.5, 0.5) == params
    rng = np.random.default_rng(7)
    base = rng.integers(0, 2**32, NUM_PERM, dtype=np.uint32)
    signatures = []
    for _ in range(60):        # variations of one signature: some share bands, some do not
        values = base.copy()
        changed = rng.choice(NUM_PERM, rng.integers(0, NUM_PERM), replace=False)
        values[changed] = rng.integers(0, 2**32, len(changed), dtype=np.uint32)
        signatures.append(Signature(values))
    ours, theirs = _BandIndex(THRESHOLD, NUM_PERM), MinHashLSH(threshold=THRESHOLD, num_perm=NUM_PERM)
    for i, s in enumerate(signatures):
        m = MinHash(num_perm=NUM_PERM, hashvalues=s.hashvalues, scheme="affine32")
        assert ours.query(s) == set(theirs.query(m))
        ours.insert(str(i), s)
        theirs.insert(str(i), m)
    assert any(ours.query(s) for s in signatures) and not all(len(ours.query(s)) == 60 for s in signatures)
