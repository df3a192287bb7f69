"""The three walkthroughs of rules/README.md, followed from the README's own text.

For each walkthrough N the README holds:

* a ```` ```text walkthrough-N ```` block: the sentence;
* ```` ```yaml walkthrough-N FILE LIST ```` blocks: lines to paste at the end of
  a list, where LIST is a path of keys (and, inside a list of entries, the
  ``id`` of the entry): ``organizations``, ``functions/capacity_building/phrases``;
* optionally ```` ```text walkthrough-N-before ```` and ``-after`` blocks: lines
  that ``explain`` prints before and after the edit.

The test does what a reader does: copies rules/, pastes each block at the end
of its list with the indentation of the list's items, validates the rules,
rebuilds the pipeline and explains the sentence. The ``match`` items of the
example the walkthrough adds must be found after the edit and not before.
"""
from __future__ import annotations

import re
import shutil
import textwrap
from pathlib import Path

import pytest

from tests.conftest import RULES

README = RULES / "README.md"
_FENCE = re.compile(r"^```([^\n]*)\n(.*?)^```[ \t]*$", re.M | re.S)


def readme_blocks(text: str) -> list[tuple[list[str], str]]:
    """(info words, body) of every fenced code block, in order."""
    return [(info.split(), body) for info, body in _FENCE.findall(text)]


def walkthrough(n: int, text: str | None = None) -> dict:
    """The sentence, the edits and the expected explain lines of walkthrough ``n``."""
    text = README.read_text(encoding="utf-8") if text is None else text
    tag = f"walkthrough-{n}"
    found = {"sentence": None, "edits": [], "before": [], "after": []}
    for info, body in readme_blocks(text):
        if len(info) < 2:
            continue
        lang, name = info[0], info[1]
        if lang == "yaml" and name == tag:
            assert len(info) == 4, f"```yaml {tag} needs a file and a list path, got {info}"
            found["edits"].append((info[2], info[3], body))
        elif lang == "text" and name == tag:
            found["sentence"] = body.strip()
        elif lang == "text" and name in (f"{tag}-before", f"{tag}-after"):
            found[name.rsplit("-", 1)[1]] = [line for line in body.splitlines() if line.strip() not in ("", "...")]
    assert found["sentence"], f"README has no ```text {tag} block"
    assert found["edits"], f"README has no ```yaml {tag} block"
    return found


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def paste_at_end_of_list(path: Path, list_path: str, snippet: str) -> None:
    """Insert ``snippet`` after the last item of the block list at ``list_path``, aligned with its items."""
    from pipeline.yamlsafe import load_yaml

    node = load_yaml(path)
    parts = list_path.split("/")
    for part in parts[:-1]:
        if isinstance(node, list):
            node = next(entry for entry in node if isinstance(entry, dict) and str(entry.get("id")) == part)
        else:
            node = node[part]
    key = parts[-1]
    assert isinstance(node, dict) and key in node, f"{path}: no list {list_path!r}"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    key_at = node.key_lines[key] - 1
    assert re.match(rf"\s*{re.escape(key)}:\s*(#.*)?$", lines[key_at]), \
        f"{path}:{key_at + 1}: {key!r} is not a block list (write its items one per line)"
    items = node[key]
    item_indent = _indent(lines[items.item_lines[0] - 1]) if items else _indent(lines[key_at]) + 2
    key_indent = _indent(lines[key_at])
    last = key_at
    for j in range(key_at + 1, len(lines)):
        line = lines[j]
        if not line.strip():
            continue
        ind = _indent(line)
        if ind > key_indent or (ind == key_indent and line.lstrip().startswith("- ")):
            last = j
        elif line.lstrip().startswith("#"):
            continue          # a comment for whatever comes next
        else:
            break
    pasted = textwrap.indent(textwrap.dedent(snippet), " " * item_indent)
    if not pasted.endswith("\n"):
        pasted += "\n"
    if not lines[last].endswith("\n"):
        lines[last] += "\n"
    lines.insert(last + 1, pasted)
    path.write_text("".join(lines), encoding="utf-8")


def _explain(text: str, ctx):
    from pipeline.explain import explain_text, render_plain
    explanation = explain_text(text, ctx)
    return explanation, [" ".join(line.split()) for line in render_plain(explanation).splitlines()]


def _has_line(output: list[str], expected: str) -> bool:
    want = " ".join(expected.split())
    return any(want in line for line in output)


def _added_examples(edits) -> list[dict]:
    import yaml
    out = []
    for _, list_path, body in edits:
        if list_path.split("/")[-1] == "examples":
            out += yaml.safe_load(textwrap.dedent(body))
    return out


def _found(explanation, span: str, expected: str) -> bool:
    """Whether a mention overlapping the first occurrence of ``span`` has the id ``expected``."""
    from pipeline.names import name_key
    start = explanation.text.find(span)
    assert start >= 0, f"{span!r} is not in {explanation.text!r}"
    want = f"new:{name_key(expected[4:])}" if expected.startswith("new:") else expected
    return any(s.key == want for s in explanation.spans if s.start < start + len(span) and start < s.end)


@pytest.fixture
def rules_dir(tmp_path) -> Path:
    target = tmp_path / "rules"
    shutil.copytree(RULES, target, ignore=shutil.ignore_patterns("*.md"))
    return target


@pytest.mark.parametrize("n", [1, 2, 3])
def test_walkthrough(n, rules_dir, ctx):
    from pipeline.extract import Context
    from pipeline.nlp import build_nlp
    from pipeline.rules import load_rules

    steps = walkthrough(n)
    sentence = steps["sentence"]
    examples = _added_examples(steps["edits"])
    assert examples, f"walkthrough {n} adds no example"
    matches = [(m["text"], m["id"]) for e in examples if e["text"] == sentence for m in e.get("match", [])]
    assert matches, f"walkthrough {n}: no added example has the walkthrough sentence as its text with 'match:'"

    # Before: the sentence does not give the expected ids (the session's pipeline is built from rules/).
    before, before_lines = _explain(sentence, ctx)
    for span, expected in matches:
        assert not _found(before, span, expected), f"walkthrough {n}: {span!r} is already {expected} today"
    for line in steps["before"]:
        assert _has_line(before_lines, line), f"walkthrough {n}: before the edit, explain does not print {line!r}"

    # The edits, as the README says.
    for file, list_path, body in steps["edits"]:
        paste_at_end_of_list(rules_dir / Path(file).relative_to("rules"), list_path, body)

    # Valid, and the new examples are part of the rules.
    rules = load_rules(rules_dir)
    texts = {e.text for e in rules.examples}
    assert all(e["text"] in texts for e in examples)

    # After: the sentence gives the expected ids, and every added example holds.
    after_ctx = Context.build(rules, build_nlp(rules))
    after, after_lines = _explain(sentence, after_ctx)
    for span, expected in matches:
        assert _found(after, span, expected), f"walkthrough {n}: {span!r} is not {expected} after the edit"
    for line in steps["after"]:
        assert _has_line(after_lines, line), \
            f"walkthrough {n}: after the edit, explain does not print {line!r}:\n" + "\n".join(after_lines)
    for example in examples:
        result, _ = _explain(example["text"], after_ctx)
        for item in example.get("match", []):
            assert _found(result, item["text"], item["id"]), f"walkthrough {n}: example {example['text']!r}: {item}"
        for span in example.get("no_match", []):
            start = result.text.find(span)
            hits = [s for s in result.spans if s.start < start + len(span) and start < s.end]
            assert not hits, f"walkthrough {n}: {span!r} must not match, found {hits}"
        links = {(k.org_id, k.function_id) for k in result.links}
        for link in example.get("links", []):
            assert (link["org"], link["function"]) in links, f"walkthrough {n}: missing link {link}"


def test_paste_keeps_the_file_valid_and_aligned(tmp_path):
    """The paste helper itself: a nested list, a list followed by a comment and another key."""
    path = tmp_path / "f.yml"
    path.write_text("functions:\n  - id: a\n    phrases:\n      - one\n      # about two\n      - two\n"
                    "    # next key\n    patterns: []\n  - id: b\n    phrases: [x]\nexamples:\n  - text: t\n",
                    encoding="utf-8")
    paste_at_end_of_list(path, "functions/a/phrases", "- three\n")
    paste_at_end_of_list(path, "examples", "- text: u\n  note: n\n")
    text = path.read_text(encoding="utf-8")
    assert "      - two\n      - three\n    # next key\n" in text
    assert text.endswith("  - text: t\n  - text: u\n    note: n\n")
    import yaml
    data = yaml.safe_load(text)
    assert data["functions"][0]["phrases"] == ["one", "two", "three"]
    assert [e["text"] for e in data["examples"]] == ["t", "u"]


def test_readme_documents_every_rule_file_and_key():
    from pipeline.rules import (EXAMPLE_KEYS, FUNCTION_KEYS, LINKING_KEYS, ORG_KEYS, ORG_PATTERN_KEYS,
                                PLACE_KEYS, SHAPE_KEYS, rule_files)
    text = README.read_text(encoding="utf-8")
    documented = set(re.findall(r"`([a-z_]+)`", text))
    for keys in (ORG_KEYS, FUNCTION_KEYS, ORG_PATTERN_KEYS, EXAMPLE_KEYS, SHAPE_KEYS, LINKING_KEYS, PLACE_KEYS):
        missing = sorted(set(keys) - documented)
        assert not missing, f"rules/README.md does not document {missing}"
    for path in rule_files(RULES):
        name = path.relative_to(RULES).as_posix()
        assert name in text or path.parent.name == "organizations", f"rules/README.md does not mention {name}"
