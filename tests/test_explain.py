"""``explain``: normalization changes, spans with their rule and id, links, HTML."""
from __future__ import annotations

import sys
from html.parser import HTMLParser

import pytest

from pipeline.explain import explain_text, main, render_html, render_plain, render_rich
from tests.conftest import RAW, RULES

SEED = RAW / "000_4a8186a5b212eb3e.txt"


def seed_paragraph(start: str) -> str:
    """The first paragraph of the seed essay that starts with ``start`` (homoglyphs and all)."""
    text = SEED.read_text(encoding="utf-8")
    return next(p for p in text.split("\n") if p.replace("\u0435", "e").startswith(start))


@pytest.fixture
def cache_env(tmp_path_factory, monkeypatch):
    """One start-up cache folder for this module, never the user's."""
    folder = tmp_path_factory.getbasetemp() / "explain-cache"
    monkeypatch.setenv("ORGFUNCTIONS_CACHE", str(folder))
    return folder


def test_seed_sentence_spans_rules_ids_and_links(ctx):
    sentence = seed_paragraph("Organizations like the International Telecommunication")
    assert "\u0435" in sentence          # the seed essay's Cyrillic look-alikes
    e = explain_text(sentence, ctx)

    assert e.changes and {c.kind for c in e.changes} == {"homoglyph"}
    for c in e.changes:
        assert c.original == "\u0435" and c.replacement == "e"
        assert e.text[c.at:c.at + len(c.replacement)] == c.replacement
        assert sentence[c.raw:c.raw + len(c.original)] == c.original

    spans = {(s.text, s.label, s.rule_id, s.rule_file, s.id) for s in e.spans}
    assert {
        ("International Telecommunication Union", "ORG", "definition:long_form", "pipeline/acronyms.py", "itu"),
        ("ITU", "ORG", "definition:short_form", "pipeline/acronyms.py", "itu"),
        ("Organization of American States", "ORG", "definition:long_form", "pipeline/acronyms.py", "oas"),
        ("OAS", "ORG", "definition:short_form", "pipeline/acronyms.py", "oas"),
        ("information sharing", "FUNCTION", "information_sharing/phrase", "rules/functions.yml",
         "information_sharing"),
    } <= spans
    for s in e.spans:
        assert e.text[s.start:s.end] == s.text
        assert sentence[s.raw_start:s.raw_end].replace("\u0435", "e") == s.text

    links = {(k.org_id, k.function_id, k.method) for k in e.links}
    assert {("itu", "information_sharing", "sentence"), ("oas", "information_sharing", "sentence")} <= links
    assert all(k.sentence.startswith("Organizations like the International") for k in e.links)

    out = render_plain(e)
    assert "homoglyph" in out and "'\u0435' (U+0435) -> 'e'" in out
    rows = [" ".join(line.split()) for line in out.splitlines()]
    assert any(r.startswith("23-60 ORG International Telecommunication Union definition:long_form") for r in rows)
    assert any("itu information_sharing sentence information sharing Organizations like" in r for r in rows)


def test_organization_outside_the_gazetteer_gets_the_dataset_id(ctx):
    from pipeline.names import slug
    e = explain_text(seed_paragraph("Organizations like the International Cyber"), ctx)
    icpo = [s for s in e.spans if s.text == "International Cyber Police Organisation"]
    assert icpo and icpo[0].rule_id == "definition:long_form"
    assert icpo[0].id == slug("International Cyber Police Organisation")
    assert icpo[0].key.startswith("new:")
    # ICPO is INTERPOL's acronym in the gazetteer; the document's own definition wins and is noted.
    assert any("ICPO" in note and "interpol" in note for note in e.notes)
    assert (icpo[0].id, "capacity_building", "sentence") in {(k.org_id, k.function_id, k.method) for k in e.links}


def test_tokens_show_the_norm_patterns_compare_with(ctx):
    out = render_plain(explain_text("Organisations issued Warnings.", ctx), show_tokens=True)
    rows = [line.split() for line in out.split("Tokens")[1].splitlines()[1:] if line.strip()]
    assert ["Organisations", "organization"] in rows and ["Warnings", "warn"] in rows


def test_rich_tables(ctx):
    from rich.console import Console
    console = Console(record=True, width=240, force_terminal=True)
    render_rich(explain_text("The ITU and the OAS facilitate information sharing.", ctx), console)
    text = console.export_text()
    for expected in ("Spans", "Links", "gazetteer:oas:acronym", "information_sharing/phrase", "sentence"):
        assert expected in text


class _Checker(HTMLParser):
    """Fails on an end tag that closes nothing open (displaCy's markup is simple and balanced)."""

    VOID = {"meta", "br", "img", "link", "hr", "input"}

    def __init__(self):
        super().__init__()
        self.stack, self.text = [], []

    def handle_starttag(self, tag, attrs):
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        assert self.stack and self.stack[-1] == tag, f"</{tag}> closes {self.stack[-1:]}"
        self.stack.pop()

    def handle_data(self, data):
        self.text.append(data)


def test_command_line_plain_output_and_html(tmp_path, capsys, cache_env):
    out_html = tmp_path / "spans.html"
    sentence = "Organizations like the ITU and the OAS facilitate information sharing.\nThey also fund research."
    assert main(["--rules", str(RULES), "--html", str(out_html), sentence]) == 0
    out = capsys.readouterr().out
    rows = [" ".join(line.split()) for line in out.splitlines()]
    assert "23-26 ORG ITU gazetteer:itu:acronym rules/organizations/un_system.yml itu" in rows
    assert ("50-69 FUNCTION information sharing information_sharing/phrase rules/functions.yml "
            "information_sharing") in rows
    assert any(r.startswith("oas funding anaphora fund") for r in rows)
    assert "Normalization changes:" in out and "none" in out

    page = out_html.read_text(encoding="utf-8")
    assert page.lstrip().startswith("<!DOCTYPE html>")
    checker = _Checker()
    checker.feed(page)
    checker.close()
    assert checker.stack == []
    words = " ".join(" ".join(checker.text).split())
    for expected in ("ITU", "OAS", "information", "sharing", "ORG", "FUNCTION", "itu (gazetteer:itu:acronym)",
                     "information_sharing (information_sharing/phrase)"):
        assert expected in words


def test_file_input_terminal_output_and_errors(tmp_path, capsys, cache_env, monkeypatch):
    assert main(["--rules", str(RULES), "--file", str(SEED)]) == 0
    out = capsys.readouterr().out
    assert f"{SEED} (utf-8)" in out and "homoglyph" in out and "definition:long_form" in out

    with monkeypatch.context() as patch:
        patch.setattr(sys.stdout, "isatty", lambda: True)
        assert main(["--rules", str(RULES), "The OAS runs workshops."]) == 0
    out = capsys.readouterr().out
    assert "\x1b[" in out and "Spans" in out and "OAS" in out      # rich tables, not plain text

    assert main(["--rules", str(RULES), "--file", str(tmp_path / "missing.txt")]) == 3
    assert "missing.txt" in capsys.readouterr().err
    assert main(["--rules", str(RULES)]) == 2
    assert main(["--rules", str(RULES), "--file", str(SEED), "text"]) == 2
    bad = tmp_path / "rules"
    bad.mkdir()
    assert main(["--rules", str(bad), "some text"]) == 2
    assert "problem(s) in the rule files" in capsys.readouterr().err


def test_html_escapes_text_and_title(ctx):
    from dataclasses import replace
    e = replace(explain_text('The <Script> Initiative and the OAS met.', ctx), source="<b>notes</b>")
    page = render_html(e)
    assert "<Script" not in page and "&lt;" in page
    assert "<b>" not in page and "&lt;b&gt;notes&lt;/b&gt;" in page


def test_the_sample_in_rules_readme_is_what_explain_prints(ctx):
    from tests.test_walkthroughs import README, readme_blocks
    text = README.read_text(encoding="utf-8")
    sample = next(body for info, body in readme_blocks(text) if info[1:2] == ["explain-sample"])
    sentence = "Organizations like the ITU and the OAS facilitate information sharing."
    assert f'explain "{sentence}"' in text
    printed = [" ".join(line.split()) for line in render_plain(explain_text(sentence, ctx)).splitlines()]
    for line in sample.splitlines():
        if line.strip():
            assert " ".join(line.split()) in printed, f"rules/README.md shows {line.strip()!r}"
