"""Organization and function mentions on real sentences (the seeds and typical report prose)."""
from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

RAW = Path(__file__).resolve().parent.parent / "raw"


def orgs(extraction):
    return [(m.text, m.key) for m in extraction.mentions if m.label == "ORG"]


def functions(extraction):
    return [(m.text, m.key) for m in extraction.mentions if m.label == "FUNCTION"]


def test_definition_gives_long_form_and_acronym(extract):
    ex = extract("Organizations like the International Telecommunication Union (ITU) share information.")
    assert ("International Telecommunication Union", "itu") in orgs(ex)
    assert ("ITU", "itu") in orgs(ex)


def test_homoglyph_text_is_repaired_before_matching(extract):
    ex = extract("Thе Intеrnational Tеlеcommunication Union (ITU) sеts standards.")
    assert ("International Telecommunication Union", "itu") in orgs(ex)


def test_document_definition_wins_over_gazetteer_and_is_reported(extract):
    ex = extract("Organizations like the International Cyber Police Organisation (ICPO) offer training. "
                 "The ICPO also trains judges.")
    keys = {key for text, key in orgs(ex) if text == "ICPO"}
    assert keys == {"new:international cyber police organization"}
    assert "interpol" in ex.orgs["new:international cyber police organization"].conflicts


def test_compatible_definition_resolves_to_gazetteer(extract):
    # The document drops "and Justice" from UNICRI's official name: still UNICRI.
    ex = extract("The United Nations Inter-regional Crime Research Institute (UNICRI) analyzes threats.")
    assert {key for _, key in orgs(ex)} == {"unicri"}


def test_nested_name_is_not_a_second_mention(extract):
    ex = extract("Agencies like the European Union Agency for Cybersecurity (ENISA) publish reports.")
    assert ("European Union", "european_union") not in orgs(ex)
    assert [key for _, key in orgs(ex)] == ["enisa", "enisa"]


def test_possessive_gives_both_organizations(extract):
    ex = extract("For instance, the ITU's International Multilateral Partnership Against Cyber Threats (IMPACT) "
                 "operates a hub.")
    keys = [key for _, key in orgs(ex)]
    assert keys[0] == "itu" and "impact" in keys


@pytest.mark.parametrize("text, absent", [
    ("Who will respond first to the impact of the attack?", {"who", "first", "impact"}),
    ("WHO STANDS FIRST IN LINE WHEN THE IMPACT IS HIGH", {"who", "first", "impact"}),
])
def test_english_word_acronyms_need_name_context(extract, text, absent):
    assert not absent & {key for _, key in orgs(extract(text))}


def test_english_word_acronym_in_name_context(extract):
    ex = extract("Examples include the WHO and the IMF. FIRST (the Forum of Incident Response and Security "
                 "Teams) connects teams.")
    keys = {key for _, key in orgs(ex)}
    assert {"who", "imf", "first"} <= keys


def test_unlisted_organization_shaped_name(extract):
    ex = extract("The Andean Digital Security Initiative offers training programs for officials.")
    assert ("Andean Digital Security Initiative", "new:andean digital security initiative") in orgs(ex)


@pytest.mark.parametrize("text", [
    "International organizations and regional bodies support member states.",
    "The Budapest Convention and the Sustainable Development Goals guide policy.",
    "Capacity Building and Training:",
])
def test_generic_phrases_documents_and_headings_are_not_organizations(extract, text):
    assert orgs(extract(text)) == []


def test_functions_survive_inflection_and_hyphenation(extract):
    found = {key for _, key in functions(extract(
        "The agency shares threat intelligence, runs information-sharing platforms and "
        "capacity-building workshops, builds capacity, trains officials and sets standards."))}
    assert {"information_sharing", "capacity_building", "standardization"} <= found


def test_function_words_inside_names_are_not_functions(extract):
    ex = extract("The United Nations Institute for Disarmament Research (UNIDIR) publishes papers.")
    assert not any(text == "Research" for text, _ in functions(ex))


def test_offsets_point_at_the_text(extract):
    from pipeline.normalize import normalize_text
    text = normalize_text(open("raw/000_4a8186a5b212eb3e.txt", encoding="utf-8").read())
    ex = extract(text)
    assert ex.mentions
    for m in ex.mentions:
        assert text[m.start:m.end] == m.text


def test_country_code_in_an_acronym_picks_that_country(extract):
    ex = extract("New Zealand's National Cyber Security Centre (NCSC NZ) and the United Kingdom's National Cyber "
                 "Security Centre (NCSC UK) released an advisory.")
    keys = [key for text, key in orgs(ex) if text.startswith("NCSC")]
    assert keys[1] == "ncsc_uk" and keys[0] != "ncsc_uk" and keys[0].startswith("new:")


def test_list_members_and_owners_without_head_words(extract):
    # A real sentence (tests/data/devset/passages/20): "Lumen" is an English word and
    # stays out; Black Lotus Labs, Microsoft and NTT are found from their context alone.
    ex = extract("Burt said Microsoft’s Digital Crimes Unit (DCU) led the investigation. Its partners include "
                 "FS-ISAC, ESET, Lumen’s Black Lotus Labs, NTT, and Symantec, a division of Broadcom.")
    found = dict(orgs(ex))
    assert found["NTT"] == "new:ntt" and found["Black Lotus Labs"] == "new:black lotus labs"
    assert "Microsoft" in found and "Lumen" not in found
    rule_of = {m.text: m.rule_id for m in ex.mentions}
    assert rule_of["NTT"] == "context:list_member"


def test_an_unlisted_owner_is_an_organization_but_a_country_is_not(extract):
    ex = extract("Canada’s Communications Security Establishment and Northwind Analytics’s Threat Research Unit "
                 "published a joint report on ransomware that targets hospitals and schools.")
    found = dict(orgs(ex))
    assert found.get("Northwind Analytics") == "new:northwind analytics"
    assert "Canada" not in found and "Communications Security Establishment" in found


def test_a_long_sentence_full_of_names_is_not_a_headline(extract):
    # The first sentence of a joint advisory (devset passage 14): 40 words, most capitalized.
    ex = extract("The U.S. Cybersecurity and Infrastructure Security Agency (CISA), Australian Cyber Security Centre "
                 "(ACSC), Canada’s Communications Security Establishment, and the Halden Cyber Defence Centre are "
                 "releasing a Joint Cybersecurity Advisory: Technical Approaches to Uncovering and Remediating "
                 "Malicious Activity.")
    assert ("Halden Cyber Defence Centre", "new:halden cyber defense center") in orgs(ex)


def test_name_key_remembered_equals_computed():
    """name_key is cached per text; the cached answer is the function's own (same for a cleared cache)."""
    from pipeline.names import name_key

    names = ["The Organisation for Economic Co-operation and Development", "UN Interregional Crime Research Institute",
             "the ITU's Council", "U.N. Office on Drugs and Crime", "Centre for Cyber-Security", "ＩＴＵ"]
    first = [name_key(n) for n in names]
    assert [name_key(n) for n in names] == first
    name_key.cache_clear()
    assert [name_key.__wrapped__(n) for n in names] == first == [name_key(n) for n in names]


def test_working_with_a_named_organization_is_cooperation(extract):
    ex = extract("EC3 works with the ITU. The OECD works with member states. "
                 "Their networking with the ITU grew.")
    assert functions(ex) == [("works with", "cooperation_diplomacy")]
    assert [m.rule_id for m in ex.mentions if m.label == "FUNCTION"] == [
        "cooperation_diplomacy/works_with_organization"]


def test_a_pattern_never_cuts_through_a_phrase_but_may_hold_it_whole(extract):
    # Phrases "information sharing" and "threat intelligence"; a pattern span from "Sharing" to
    # "Intelligence" would cut both.
    ex = extract("The centre focuses on Information Sharing and Threat Intelligence.")
    assert functions(ex) == [("Information Sharing", "information_sharing"),
                             ("Threat Intelligence", "information_sharing")]
    ex = extract("Europol supports the investigation and prosecution of cybercrime.")
    assert functions(ex) == [("investigation and prosecution of cybercrime", "law_enforcement")]
    # The same holds far into a document that repeats the phrases many times.
    ex = extract("Europol supports the investigation and prosecution of cybercrime. " * 300 +
                 "The centre focuses on Information Sharing and Threat Intelligence.")
    assert functions(ex)[-2:] == [("Information Sharing", "information_sharing"),
                                  ("Threat Intelligence", "information_sharing")]
    assert len(functions(ex)) == 302


@pytest.mark.parametrize("seed", sorted(p.name for p in RAW.glob("*.txt")))
def test_hard_wrapped_seed_gives_the_same_links(extract, seed):
    """The seeds wrapped at 72 columns, as text copied from a PDF or an e-mail would be: every link
    survives (before normalization joined the lines of wrapped paragraphs, most were lost)."""
    text = (RAW / seed).read_text(encoding="utf-8")
    wrapped = "\n".join(textwrap.fill(line, 72, break_long_words=False) if line.strip() else line
                        for line in text.split("\n"))
    assert wrapped.count("\n") > 2 * text.count("\n")      # the wrapping is real
    links = {(link.org_key, link.function_id) for link in extract(text).links}
    assert len(links) > 10
    assert {(link.org_key, link.function_id) for link in extract(wrapped).links} == links
