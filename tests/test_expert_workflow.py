"""The rule author's workflow as rules/README.md describes it, including the usual slips.

Each test edits a copy of rules/ the way a domain expert would and checks
what ``rules check`` says: one line per real problem, ``file:line: what is
wrong; how to fix it``, and nothing that only follows from another problem.
"""
from __future__ import annotations

import re

import pytest

from pipeline.cli import main

PROBLEM_LINE = re.compile(r"^[^\s:][^:]*:\d+: \S.*; \S.*$")


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


