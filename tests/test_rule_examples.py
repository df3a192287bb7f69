"""Every example of every rule file, as one generic test.

A domain expert who adds a rule and an example to a file in rules/ gets a test
without writing Python: ``match`` spans must be found with their id, ``no_match``
spans must not be, ``links``/``no_links`` must (not) be made, and an example
with ``gap:`` is a known limitation expected to fail (strict: when it starts to
pass, the test says so and the gap can be promoted to a normal example).
"""
from __future__ import annotations

import pytest

from pipeline.rules import load_rules
from tests.conftest import RULES

EXAMPLES = load_rules(RULES).examples


def check(example, extraction) -> list[str]:
    problems = []
    text = extraction.text
    for span, expected in example.match:
        start = text.find(span)
        hit = [m for m in extraction.mentions if m.start < start + len(span) and start < m.end]
        ids = {m.key.lower() if m.key.startswith("new:") else m.key for m in hit}
        want = f"new:{_key(expected[4:])}" if expected.startswith("new:") else expected
        if want not in ids:
            problems.append(f"expected {span!r} as {expected}, found {sorted(ids) or 'nothing'}")
    for span in example.no_match:
        start = text.find(span)
        hit = [m for m in extraction.mentions if m.start < start + len(span) and start < m.end
               and (m.label == "FUNCTION") == extraction.functions_file]
        if hit:
            problems.append(f"{span!r} must not match, found {[(m.text, m.key) for m in hit]}")
    # An organization no gazetteer lists is named as "new:<its name>", in any case ("new:G5 Sahel").
    pairs = {(link.org_key.lower() if link.org_key.startswith("new:") else link.org_key, link.function_id)
             for link in extraction.links}
    for org, function in example.links:
        org = f"new:{_key(org[4:])}" if org.startswith("new:") else org
        if (org, function) not in pairs:
            problems.append(f"expected link {org} -> {function}, found {sorted(pairs)}")
    found = {m.key.lower() if m.key.startswith("new:") else m.key for m in extraction.mentions if m.label == "ORG"}
    for org, function in example.no_links:
        org = f"new:{_key(org[4:])}" if org.startswith("new:") else org
        if (org, function) in pairs:
            problems.append(f"link {org} -> {function} must not be made")
        if org not in found:
            problems.append(f"no_links names {org}, which the text does not mention: the check cannot fail")
    return problems


def _key(name: str) -> str:
    from pipeline.names import name_key
    return name_key(name)


class _Result:
    def __init__(self, text, extraction, functions_file):
        self.text, self.mentions, self.links = text, extraction.mentions, extraction.links
        self.functions_file = functions_file


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.name for e in EXAMPLES])
def test_rule_example(example, ctx, request):
    from pipeline.extract import extract_document
    from pipeline.normalize import normalize_text
    if example.gap:
        request.applymarker(pytest.mark.xfail(reason=f"known gap: {example.gap}", strict=True))
    text = normalize_text(example.text)
    result = _Result(text, extract_document(text, ctx), example.path.endswith("functions.yml"))
    problems = check(example, result)
    assert not problems, f"{example.path}:{example.line}: " + "; ".join(problems)


def test_every_rule_file_has_examples():
    from pipeline.rules import rule_files
    with_examples = {e.path for e in EXAMPLES}
    for path in rule_files(RULES):
        assert f"rules/{path.relative_to(RULES).as_posix()}" in with_examples, f"{path} has no examples"
