"""Each way prose says "who does what", and the ways it does not."""
from __future__ import annotations


def links(extraction):
    return {(l.org_key, l.function_id, l.method) for l in extraction.links}


def pairs(extraction):
    return {(l.org_key, l.function_id) for l in extraction.links}


def test_sentence_enumeration(extract):
    ex = extract("Organizations like the ITU and the OAS facilitate cybersecurity information sharing platforms "
                 "between member states.")
    assert {("itu", "information_sharing", "sentence"), ("oas", "information_sharing", "sentence")} <= links(ex)


def test_three_actors_with_purpose(extract):
    ex = extract("The OECD, the Council of Europe and the OSCE work with member states to develop international "
                 "cybersecurity frameworks and guidelines.")
    assert {("oecd", "policy_legislation"), ("coe", "policy_legislation"), ("osce", "policy_legislation")} <= pairs(ex)


def test_heading_scopes_the_section(extract):
    ex = extract("2. Capacity Building and Training:\n\nThe World Bank is active in many countries.\n\n"
                 "3. Research:\n\nThe Atlantic Council publishes papers.")
    assert ("world_bank", "capacity_building", "heading") in links(ex)
    assert ("world_bank", "research") not in pairs(ex)


def test_paragraph_lead_scopes_following_paragraphs(extract):
    ex = extract("Information Sharing: Effective exchange matters.\n\nExamples of such bodies include the "
                 "ITU.\n\nNorm Development: Norms matter.")
    assert ("itu", "information_sharing") in pairs(ex)
    assert ("itu", "norm_development") not in pairs(ex)


def test_question_and_answer(extract):
    ex = extract("Q. How do international institutions promote information sharing?\n\n"
                 "Ans. Bodies such as FIRST operate platforms for their members.")
    assert ("first", "information_sharing", "question") in links(ex)


def test_pronoun_points_back(extract):
    ex = extract("International institutions, such as the ITU and FIRST, are active. They establish platforms "
                 "for information sharing.")
    assert {("itu", "information_sharing", "anaphora"), ("first", "information_sharing", "anaphora")} <= links(ex)


def test_demonstrative_with_generic_antecedent_links_nothing(extract):
    ex = extract("International institutions play a critical role. The INTERPOL supports joint investigations. "
                 "These institutions foster trust and enable information sharing.")
    assert ("interpol", "information_sharing") not in pairs(ex)
    assert ("interpol", "law_enforcement") in pairs(ex)


def test_examples_take_the_previous_sentence(extract):
    ex = extract("Institutions collaborate to develop international standards for cybersecurity. "
                 "Examples include the work of the ISO and the IEC.")
    assert {("iso", "standardization", "example"), ("iec", "standardization", "example")} <= links(ex)


def test_generic_subject_links_no_organization(extract):
    ex = extract("International institutions facilitate information sharing between member states.")
    assert ex.links == []


def test_receiver_is_not_the_actor(extract):
    ex = extract("The course offers training for INTERPOL officers.")
    assert ("interpol", "capacity_building") not in pairs(ex)


def test_source_of_funding_is_the_actor(extract):
    ex = extract("The programme relies on funding from the World Bank.")
    assert ("world_bank", "funding") in pairs(ex)


def test_possessor_is_not_the_actor(extract):
    ex = extract("The ITU's International Multilateral Partnership Against Cyber Threats (IMPACT) serves as a "
                 "hub for information exchange.")
    assert ("impact", "information_sharing") in pairs(ex)
    assert ("itu", "information_sharing") not in pairs(ex)


def test_object_of_a_verb_is_not_the_actor(extract):
    ex = extract("The International Multilateral Partnership Against Cyber Threats operates the Global Response "
                 "Center, which serves as a hub for information exchange.")
    assert ("impact", "information_sharing") in pairs(ex)
    assert "impact_grc" in ex.orgs
    assert not any(key == "impact_grc" for key, _ in pairs(ex))


def test_topic_cue_is_not_an_activity(extract):
    ex = extract("The UNODC offers cybersecurity training programs for law enforcement, enhancing their skills "
                 "in investigating cybercrime and responding to cyberattacks.")
    assert ("unodc", "capacity_building") in pairs(ex)
    assert not {("unodc", "law_enforcement"), ("unodc", "incident_response")} & pairs(ex)


def test_other_agent_clause(extract):
    ex = extract("The UN provides neutral spaces where nations can engage in dialogue and negotiate agreements.")
    assert ("un", "cooperation_diplomacy") not in pairs(ex)


def test_list_items_continue_the_sentence_that_introduces_them(extract):
    ex = extract("For each of the cybercrime types mentioned above, EC3:\n"
                 "- supports training and capacity-building for the relevant authorities;\n"
                 "- provides digital forensic support to investigations.\n")
    assert ("ec3", "capacity_building", "list") in links(ex)


def test_definite_description_points_back(extract):
    ex = extract("The European Cybercrime Centre (EC3) opened in 2013 in The Hague.\n\n"
                 "The Centre also offers training programs for prosecutors.")
    assert ("ec3", "capacity_building", "anaphora") in links(ex)


def test_for_example_introduces_actors_not_receivers(extract):
    ex = extract("UN groups (for example, the OEWG) and industry coalitions (for example, the Cybersecurity Tech "
                 "Accord) develop norms of responsible state behaviour.")
    assert ("un_oewg", "norm_development") in pairs(ex)
