"""Rule files are validated on load, and every problem names its file and line."""
from __future__ import annotations

import textwrap

import pytest

from pipeline.cli import main
from pipeline.rules import RuleError, load_rules


def test_the_shipped_rules_are_valid(rules):
    assert len(rules.organizations) >= 250
    assert {f.id for f in rules.functions} >= {
        "information_sharing", "capacity_building", "policy_legislation", "standardization", "norm_development",
        "incident_response", "research", "cooperation_diplomacy", "law_enforcement", "funding", "peace_security",
        "justice_accountability", "sustainable_development", "trade_economic"}


def write(path, text):
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")


def problems_of(rules_dir) -> list[str]:
    with pytest.raises(RuleError) as info:
        load_rules(rules_dir)
    return [str(p) for p in info.value.problems]


def test_broken_copy_reports_every_problem_with_file_and_line(rules_copy, capsys):
    write(rules_copy / "organizations" / "broken.yml", """
        organizations:
          - id: itu
            name: A Second ITU
            type: un_body
          - id: Bad-Id
            name: Something
            type: club
            colour: blue
          - id: dup_alias
            name: International Telecommunication Union
            type: igo
            parent: nowhere
        examples:
          - text: "The ITU."
            match: [{text: ITU, id: itu}]
        """)
    write(rules_copy / "org_patterns.yml", """
        patterns:
          - id: weird
            pattern: [{LOWER: cert, OP: "+++"}]
          - id: slow
            pattern: [{TEXT: {REGEX: "(a+)+$"}}, {LOWER: team}]
        examples:
          - text: "CERT team"
            no_match: [CERT]
        """)
    problems = problems_of(rules_copy)
    joined = "\n".join(problems)
    assert "rules/organizations/broken.yml:8: unknown key 'colour'" in joined
    assert "rules/org_patterns.yml:5: regular expression" in joined
    assert "duplicate organization id 'itu'" in joined
    assert "is not lowercase snake_case" in joined
    assert "unknown organization type 'club'" in joined
    assert "unknown key 'colour'" in joined
    assert "parent 'nowhere'" in joined
    assert "is also a name of" in joined
    assert "spaCy rejects this token pattern" in joined
    assert "backtrack catastrophically" in joined
    assert all(":" in p.split(" ")[0] and "; " in p for p in problems), problems
    # The CLI prints the same list and exits 2.
    assert main(["rules", "check", "--rules", str(rules_copy)]) == 2
    err = capsys.readouterr().err
    assert "rules/organizations/broken.yml:" in err and "problem(s) in the rule files" in err


def test_syntax_error_names_the_line(rules_copy):
    write(rules_copy / "linking.yml", "actor_openers: [like, as\nreceiver_prepositions: [for]\n")
    problems = problems_of(rules_copy)
    assert any(p.startswith("rules/linking.yml:") and "YAML" in p or "flow sequence" in p for p in problems), problems


def test_python_object_tags_are_refused(rules_copy):
    write(rules_copy / "org_shapes.yml", (rules_copy / "org_shapes.yml").read_text() +
          "\nextra_words: !!python/object/apply:os.system ['echo pwned']\n")
    problems = problems_of(rules_copy)
    assert any("org_shapes.yml" in p and "not allowed" in p for p in problems), problems


def test_yaml_words_on_and_no_stay_words(rules):
    assert "on" in rules.shapes["connectors"]


def test_acronym_claimed_twice(rules_copy):
    write(rules_copy / "organizations" / "twice.yml", """
        organizations:
          - id: other_itu
            name: Independent Test Union
            acronyms: [ITU]
            type: igo
        examples:
          - text: "x"
            no_match: [x]
        """)
    assert any("acronym 'ITU' is already claimed" in p for p in problems_of(rules_copy))


def test_unknown_function_in_example(rules_copy):
    text = (rules_copy / "linking.yml").read_text().replace("function: funding}", "function: fundraising}")
    (rules_copy / "linking.yml").write_text(text)
    assert any("unknown function 'fundraising'" in p for p in problems_of(rules_copy))


def test_unknown_organization_in_a_link_example(rules_copy):
    # A no_links entry for an id nothing can carry would pass whatever linking does.
    text = (rules_copy / "linking.yml").read_text().replace("{org: world_bank, function: funding}",
                                                           "{org: world_bnak, function: funding}")
    (rules_copy / "linking.yml").write_text(text)
    assert any("unknown organization 'world_bnak'" in p for p in problems_of(rules_copy))


def test_an_entry_skipped_for_a_missing_key_is_reported_once(rules_copy):
    # The examples that name the entry (here dozens, across files) are not each reported as unknown ids.
    path = rules_copy / "organizations" / "un_system.yml"
    text = path.read_text()
    entry = "  - id: itu\n    name: International Telecommunication Union\n    acronyms: [ITU]\n    type: un_body\n"
    assert entry in text
    path.write_text(text.replace(entry, entry.replace("    type: un_body\n", "")))
    problems = problems_of(rules_copy)
    assert [p for p in problems if "'type'" in p] == [p for p in problems if "un_system.yml" in p]
    assert len(problems) == 1, problems
    assert "missing required key 'type'" in problems[0]
    function = rules_copy / "functions.yml"
    function.write_text(function.read_text().replace("    label: Capacity building\n", "", 1))
    problems = problems_of(rules_copy)
    assert len(problems) == 2 and "missing required key 'label'" in problems[1], problems


@pytest.mark.parametrize("key, good, message", [("before_name", "true", "before_name must be true or false"),
                                                ("owner", "before", "owner must be before or after")])
def test_pattern_name_keys_are_checked(rules_copy, key, good, message):
    path = rules_copy / "functions.yml"
    text = path.read_text()
    assert f"        {key}: {good}\n" in text
    path.write_text(text.replace(f"        {key}: {good}\n", f"        {key}: yes please\n", 1))
    line = text[:text.index(f"        {key}: {good}\n")].count("\n") + 1
    assert any(message in p and f"functions.yml:{line}" in p
               for p in problems_of(rules_copy)), problems_of(rules_copy)


def test_missing_rules_folder(tmp_path):
    assert any("does not exist" in p for p in problems_of(tmp_path / "nope"))


def test_reused_rules_equal_a_fresh_load_and_follow_edits(rules_copy, monkeypatch):
    """load_rules_reused gives what load_rules gives, once per unchanged folder, and re-reads an edited file."""
    from pipeline import rules as rules_module

    monkeypatch.setattr(rules_module, "_LAST", {})
    first = rules_module.load_rules_reused(rules_copy)
    assert first == load_rules(rules_copy)
    assert rules_module.load_rules_reused(rules_copy.resolve()) is first      # same folder, other spelling
    with open(rules_copy / "org_shapes.yml", "a", encoding="utf-8") as handle:
        handle.write("# a comment is a change too\n")
    second = rules_module.load_rules_reused(rules_copy)
    assert second is not first and second == load_rules(rules_copy)
    assert second.fingerprint != first.fingerprint
    write(rules_copy / "org_shapes.yml", "head_words: [\n")
    with pytest.raises(RuleError):
        rules_module.load_rules_reused(rules_copy)
