"""The rule author's workflow as rules/README.md describes it, including the usual slips.

Each test edits a copy of rules/ the way a domain expert would and checks
what ``rules check`` says: one line per real problem, ``file:line: what is
wrong; how to fix it``, and nothing that only follows from another problem.
"""
from __future__ import annotations

import re

import pytest

from pipeline.cli import main
from pipeline.rules import RuleError, load_rules

PROBLEM_LINE = re.compile(r"^[^\s:][^:]*:\d+: \S.*; \S.*$")

# A new function, as the "Functions" section of rules/README.md shows one.
NEW_FUNCTION = """\
  - id: victim_support
    label: Victim support
    definition: Helping people and organizations harmed by cybercrime recover and seek redress.
    phrases:
      - victim support
    patterns:
      - id: assist_victims
        pattern:
          - {LEMMA: {IN: [assist, help, support]}}
          - {IS_ALPHA: true, OP: "{0,2}"}
          - {LOWER: {IN: [victim, victims]}}
    examples:
      - text: "The agency helps cybercrime victims recover their accounts."
        match: [{text: helps cybercrime victims, id: victim_support}]
"""


def check(rules_dir, capsys) -> list[str]:
    """``rules check`` on ``rules_dir``: its problem lines (the count line dropped); it must fail with status 2."""
    assert main(["rules", "check", "--rules", str(rules_dir)]) == 2
    lines = capsys.readouterr().err.splitlines()
    assert lines[-1].endswith("problem(s) in the rule files")
    for line in lines[:-1]:
        assert PROBLEM_LINE.match(line), line
    return lines[:-1]


@pytest.mark.parametrize("slip", ["tab", "unquoted colon", "cp1252", "empty"])
def test_an_unreadable_file_is_one_problem_not_a_cascade(rules_copy, capsys, slip):
    """A syntax error in functions.yml is reported once; the examples elsewhere that name its
    functions are not reported as naming unknown functions (with an empty list to choose from)."""
    path = rules_copy / "functions.yml"
    text = path.read_text(encoding="utf-8")
    if slip == "tab":
        path.write_text(text.replace("      - information sharing\n", "      -\tinformation sharing\n", 1),
                        encoding="utf-8")
    elif slip == "unquoted colon":
        path.write_text(text.replace("    label: Information sharing\n", "    label: Sharing: information\n", 1),
                        encoding="utf-8")
    elif slip == "cp1252":
        path.write_bytes(text.replace("label: Information sharing", "label: Information sharing – all kinds",
                                      1).encode("cp1252"))
    else:
        path.write_text("", encoding="utf-8")
    problems = check(rules_copy, capsys)
    assert len(problems) == 1, problems
    assert problems[0].startswith(f"{rules_copy.name}/functions.yml:")


def test_an_unreadable_gazetteer_file_does_not_orphan_the_others(rules_copy, capsys):
    """regional.yml holds the European Union; a tab in it must not make every other file's
    ``parent: european_union`` and every linking example an error."""
    path = rules_copy / "organizations" / "regional.yml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("\n    type: regional\n", "\n\ttype: regional\n", 1), encoding="utf-8")
    problems = check(rules_copy, capsys)
    assert len(problems) == 1, problems[:5]
    assert problems[0].startswith(f"{rules_copy.name}/organizations/regional.yml:")


@pytest.mark.parametrize("attribute, written", [("LEMMA", "lemma"), ("LOWER", "lower"), ("OP", "op"),
                                                 ("IN", "in")])
def test_a_token_attribute_in_lower_case_is_reported(rules_copy, capsys, attribute, written):
    """spaCy takes ``lemma:`` as its own (empty) lemma, so the pattern would silently never match:
    the README writes the attributes in capitals, and validation holds authors to it."""
    function = NEW_FUNCTION
    if attribute == "IN":
        function = function.replace("{LOWER: {IN: [victim", "{LOWER: {in: [victim")
    elif attribute == "OP":
        function = function.replace('OP: "{0,2}"', 'op: "{0,2}"')
    else:
        function = function.replace(f"{{{attribute}: ", f"{{{written}: ", 1)
    assert function != NEW_FUNCTION
    path = rules_copy / "functions.yml"
    path.write_text(path.read_text(encoding="utf-8") + function, encoding="utf-8")
    problems = check(rules_copy, capsys)
    assert len(problems) == 1, problems
    assert f"'{written}'" in problems[0] and attribute in problems[0]
    assert re.match(rf"{rules_copy.name}/functions\.yml:\d+: ", problems[0])


def test_the_new_function_in_capitals_is_valid_and_matches(rules_copy):
    from pipeline.extract import Context, extract_document
    from pipeline.nlp import build_nlp
    path = rules_copy / "functions.yml"
    path.write_text(path.read_text(encoding="utf-8") + NEW_FUNCTION, encoding="utf-8")
    rules = load_rules(rules_copy)
    context = Context.build(rules, build_nlp(rules))
    found = extract_document("The agency helps cybercrime victims recover their accounts.", context)
    assert [(m.text, m.key) for m in found.mentions if m.label == "FUNCTION"] == \
        [("helps cybercrime victims", "victim_support")]


@pytest.mark.parametrize("name", ["linking.yml", "org_shapes.yml", "places.yml"])
def test_every_rule_file_needs_examples(rules_copy, name):
    """rules/README.md: "Every rule file needs `examples:`"; an emptied linking.yml (no cues at
    all, so no links) must not pass as valid."""
    (rules_copy / name).write_text("", encoding="utf-8")
    with pytest.raises(RuleError) as info:
        load_rules(rules_copy)
    problems = [str(p) for p in info.value.problems]
    assert problems == [f"{rules_copy.name}/{name}:1: this file has no examples; "
                        "add 'examples:' with text that must match and text that must not"]


def test_a_windows_1252_character_is_reported_on_its_line(rules_copy, capsys):
    """A note typed in an editor that saves Windows-1252: the problem names the line of the
    character, not line 1 of a thousand-line file."""
    path = rules_copy / "functions.yml"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    number = next(n for n, line in enumerate(lines, 1) if line.startswith("    label: "))
    lines[number - 1] = lines[number - 1].rstrip("\n") + " – “core”\n"
    path.write_bytes("".join(lines).encode("cp1252"))
    problems = check(rules_copy, capsys)
    assert len(problems) == 1, problems
    assert problems[0].startswith(f"{rules_copy.name}/functions.yml:{number}: ")
    assert problems[0].endswith("; save it as UTF-8")          # not "fix the YAML syntax": the syntax is fine
    assert "YAML" not in problems[0]


def test_a_folder_named_like_a_rule_file_gets_its_own_fix(rules_copy, capsys):
    (rules_copy / "places.yml").unlink()
    (rules_copy / "places.yml").mkdir()
    problems = check(rules_copy, capsys)
    assert problems == [f"{rules_copy.name}/places.yml:1: the file cannot be read (Is a directory); "
                        "make it a readable file, or move it out of the rules folder"]


def test_a_rule_file_saved_as_yaml_is_not_silently_ignored(rules_copy, capsys):
    """Many editors name YAML files '.yaml'; the rules are read from '*.yml' only, so a new
    gazetteer file 'caribbean.yaml' would pass the check and never add its organization."""
    (rules_copy / "organizations" / "caribbean.yaml").write_text(
        "organizations:\n"
        "  - id: ectel\n"
        "    name: Eastern Caribbean Telecommunications Authority\n"
        "    acronyms: [ECTEL]\n"
        "    type: regional\n"
        "examples:\n"
        "  - text: \"ECTEL regulates telecommunications.\"\n"
        "    match: [{text: ECTEL, id: ectel}]\n", encoding="utf-8")
    problems = check(rules_copy, capsys)
    assert problems == [f"{rules_copy.name}/organizations/caribbean.yaml:1: rule files end in .yml, so this "
                        "file is not read; rename it to caribbean.yml"]


def _add_caribbean_agency(rules_copy, **fields: str) -> int:
    """Append a national agency to regional.yml's organizations; returns the line of its id."""
    path = rules_copy / "organizations" / "regional.yml"
    text = path.read_text(encoding="utf-8")
    head, sep, tail = text.partition("\nexamples:")
    entry = {"id": "lc_cirt", "name": "Saint Lucia Computer Incident Response Team", "acronyms": "[LCIRT]",
             "type": "national_agency", "country": "LC", **fields}
    block = "".join(f"    {k}: {v}\n" if k != "id" else f"  - id: {v}\n" for k, v in entry.items())
    path.write_text(head.rstrip("\n") + "\n" + block + sep + tail, encoding="utf-8")
    return (head.rstrip("\n") + "\n").count("\n") + 1


@pytest.mark.parametrize("country, problem", [
    ("Saint Lucia", "country 'Saint Lucia' is not a two-letter country code"),
    ("lc", "country 'lc' is not a two-letter country code"),
    ("XQ", "country 'XQ' is not in rules/places.yml"),
])
def test_a_country_is_a_code_that_places_yml_knows(rules_copy, capsys, country, problem):
    """Names shared by agencies of several countries are qualified with the country's name, looked up by its code."""
    line = _add_caribbean_agency(rules_copy, country=country)
    problems = check(rules_copy, capsys)
    assert len(problems) == 1, problems
    assert problems[0].startswith(f"{rules_copy.name}/organizations/regional.yml:")
    assert problem in problems[0]
    assert int(problems[0].split(":")[1]) in range(line, line + 6)


def test_a_name_with_an_invisible_character_is_reported(rules_copy, capsys):
    """Pasted from a web page, 'LC\u200bIRT' looks like LCIRT; documents lose the zero-width space, so it could never match."""
    _add_caribbean_agency(rules_copy, acronyms="[\"LC\u200bIRT\"]")
    problems = check(rules_copy, capsys)
    assert len(problems) == 1, problems
    assert "holds the invisible character U+200B" in problems[0]


def test_the_added_agency_is_valid(rules_copy):
    _add_caribbean_agency(rules_copy)
    rules = load_rules(rules_copy)
    assert rules.organization("lc_cirt").country == "LC"
