"""``explain``: what the pipeline finds in one text, and which rule found it.

    python -m pipeline.explain "The ITU and the OAS facilitate information sharing."
    python -m pipeline.explain --file raw/000_4a8186a5b212eb3e.txt --html out.html
    python -m pipeline.explain --rules my_rules/ --tokens "Organisations share warnings."

Prints, for a rule author checking a rule or a surprising mention:

* the normalized text and every change normalization made (offset, original →
  replacement, kind), since rules match the normalized text;
* every ORG and FUNCTION span: offsets, text, label, the rule that fired
  (``rule_id`` and rule file) and the id the dataset gives it (for an
  organization outside the gazetteer, the slug id of ``pipeline.resolve``);
* every link from an organization to a function, with its method and
  evidence sentence;
* with ``--tokens``, every token with its norm: the value LEMMA and NORM in
  token patterns compare with.

A table on a terminal (rich), plain text otherwise (pipes, files, tests).
``--html`` writes a displaCy rendering of the spans. This module is a thin
shell: the work is done by ``normalize``, ``extract_document`` and
``resolve``, exactly as in a run, on a one-document corpus.

Exit status: 0 done; 2 bad usage or invalid rule files (every problem printed
as ``file:line: what is wrong; how to fix it``); 3 the ``--file`` cannot be
read or is not text; 4 the ``--html`` file cannot be written.
"""
from __future__ import annotations

import argparse
import html
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path

EXIT_OK, EXIT_USAGE, EXIT_NO_INPUT, EXIT_OUTPUT = 0, 2, 3, 4
DOC_ID = "explain"
COLORS = {"ORG": "#7aecec", "FUNCTION": "#feca74"}


@dataclass(frozen=True)
class ChangeRow:
    at: int              # offset in the normalized text
    raw: int             # offset in the text as given (decoded)
    original: str
    replacement: str
    kind: str


@dataclass(frozen=True)
class SpanRow:
    start: int
    end: int
    raw_start: int
    raw_end: int
    text: str
    label: str           # ORG | FUNCTION
    rule_id: str
    rule_file: str
    id: str              # the id in the dataset: org_id or function_id
    key: str             # the document-level key (gazetteer id, new:<name key>, function id)


@dataclass(frozen=True)
class LinkRow:
    org_id: str
    org_text: str
    function_id: str
    function_text: str
    method: str
    sentence: str
    sentence_start: int
    sentence_end: int


@dataclass(frozen=True)
class Explanation:
    source: str
    raw_text: str
    text: str                  # normalized
    changes: tuple
    spans: tuple
    links: tuple
    notes: tuple               # acronym conflicts and the like
    tokens: tuple              # (text, norm) of every token
    doc: object                # the spaCy Doc (for --html)


# -- the pure part ------------------------------------------------------------------

def explain_text(text: str, ctx, source: str = "<text>") -> Explanation:
    """Normalize, extract and resolve ``text`` as a run would, and keep every step's result."""
    from pipeline.extract import extract_document
    from pipeline.normalize import normalize
    from pipeline.resolve import resolve

    normalized = normalize(text)
    norm = normalized.text
    doc = ctx.nlp(norm)
    extraction = extract_document(norm, ctx, doc)
    org_rows = [{"doc_id": DOC_ID, "key": o.key, "name": o.name, "gazetteer_id": o.gazetteer_id,
                 "acronym": o.acronym, "org_type": o.org_type, "surfaces": sorted(o.surfaces),
                 "long_forms": sorted(o.long_forms), "conflicts": sorted(o.conflicts)}
                for o in extraction.orgs.values()]
    link_rows = [{"doc_id": DOC_ID, "org_key": k.org_key, "function_id": k.function_id, "method": k.method,
                  "sentence_start": k.sentence_start, "sentence_end": k.sentence_end, "org_start": k.org_start,
                  "org_end": k.org_end, "function_start": k.function_start, "function_end": k.function_end,
                  "sentence": norm[k.sentence_start:k.sentence_end]}
                 for k in extraction.links]
    resolution = resolve(org_rows, link_rows, ctx.rules)
    org_id = resolution.key_to_org
    spans = []
    for m in extraction.mentions:
        raw_start, raw_end = normalized.raw_span(m.start, m.end)
        rid = org_id.get(m.key, m.key) if m.label == "ORG" else m.key
        spans.append(SpanRow(m.start, m.end, raw_start, raw_end, m.text, m.label, m.rule_id, m.rule_file, rid, m.key))
    links = tuple(
        LinkRow(org_id.get(k.org_key, k.org_key), norm[k.org_start:k.org_end], k.function_id,
                norm[k.function_start:k.function_end], k.method,
                " ".join(norm[k.sentence_start:k.sentence_end].split()), k.sentence_start, k.sentence_end)
        for k in extraction.links)
    changes = tuple(ChangeRow(c.norm_start, c.start, c.original, c.replacement, c.kind)
                    for c in normalized.changes)
    tokens = tuple((t.text, t.norm_) for t in doc if not t.is_space)
    return Explanation(source, text, norm, changes, tuple(spans), links, tuple(resolution.messages), tokens, doc)


def shown(value: str) -> str:
    """A string quoted, with invisible characters escaped and non-ASCII code points named."""
    out = []
    for char in value:
        if char == "\n":
            out.append("\\n")
        elif char == "\t":
            out.append("\\t")
        elif unicodedata.category(char)[0] in "CZ" and char != " ":
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(char)
    codes = [f"U+{ord(c):04X}" for c in value if ord(c) > 0x7E]
    suffix = f" ({' '.join(codes[:6])}{' ...' if len(codes) > 6 else ''})" if codes else ""
    return f"'{''.join(out)}'{suffix}"


# -- plain text -----------------------------------------------------------------------

def _table(headers: list[str], rows: list[list[str]], indent: str = "  ") -> list[str]:
    """Left-aligned columns; the last column is not padded (it holds long text)."""
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(headers)]
    lines = []
    for row in [headers, *rows]:
        cells = [cell.ljust(widths[i]) if i < len(row) - 1 else cell for i, cell in enumerate(row)]
        lines.append((indent + "  ".join(cells)).rstrip())
    return lines


def _span_cells(s: SpanRow) -> list[str]:
    return [f"{s.start}-{s.end}", s.label, s.text, s.rule_id, s.rule_file, s.id]


def _link_cells(k: LinkRow) -> list[str]:
    return [k.org_id, k.function_id, k.method, k.function_text, k.sentence]


def render_plain(e: Explanation, show_tokens: bool = False) -> str:
    n = len(e.changes)
    lines = [f"Source: {e.source}", "",
             f"Normalized text ({len(e.text)} characters, {n} change{'s' if n != 1 else ''}):", ""]
    lines += ["  " + line for line in e.text.splitlines()] or ["  (empty)"]
    lines += ["", "Normalization changes:"]
    if e.changes:
        lines += _table(["at", "raw", "original -> replacement", "kind"],
                        [[str(c.at), str(c.raw), f"{shown(c.original)} -> {shown(c.replacement)}", c.kind]
                         for c in e.changes])
    else:
        lines.append("  none")
    lines += ["", "Spans:"]
    if e.spans:
        lines += _table(["offsets", "label", "text", "rule", "rule file", "id"], [_span_cells(s) for s in e.spans])
    else:
        lines.append("  none")
    lines += ["", "Links:"]
    if e.links:
        lines += _table(["organization", "function", "method", "function mention", "evidence"],
                        [_link_cells(k) for k in e.links])
    else:
        lines.append("  none")
    if e.notes:
        lines += ["", "Notes:"] + [f"  {note}" for note in e.notes]
    if show_tokens:
        lines += ["", "Tokens (text -> norm, the value LEMMA and NORM patterns compare with):"]
        lines += _table(["text", "norm"], [[t, n] for t, n in e.tokens])
    return "\n".join(lines) + "\n"


# -- terminal -------------------------------------------------------------------------

def render_rich(e: Explanation, console, show_tokens: bool = False) -> None:
    from rich.table import Table
    from rich.text import Text

    body = Text(e.text)
    for s in e.spans:
        body.stylize("bold cyan" if s.label == "ORG" else "bold yellow", s.start, s.end)
    console.print(f"[bold]Source:[/bold] {e.source}   [dim]{len(e.changes)} normalization change(s); "
                  "organizations in cyan, functions in yellow[/dim]", highlight=False)
    console.print(body)
    if e.changes:
        table = Table(title="Normalization changes", title_justify="left")
        for header in ("at", "raw", "original", "replacement", "kind"):
            table.add_column(header, overflow="fold")
        for c in e.changes:
            table.add_row(str(c.at), str(c.raw), shown(c.original), shown(c.replacement), c.kind)
        console.print(table)
    table = Table(title="Spans", title_justify="left")
    table.add_column("offsets", no_wrap=True)
    table.add_column("label", no_wrap=True)
    table.add_column("text", overflow="fold")
    table.add_column("rule (file)", overflow="fold")
    table.add_column("id", overflow="fold")
    for s in e.spans:
        rule = Text(s.rule_id)
        rule.append(f"\n{s.rule_file}", style="dim")
        table.add_row(f"{s.start}-{s.end}", s.label, s.text, rule, s.id,
                      style="cyan" if s.label == "ORG" else "yellow")
    console.print(table if e.spans else "[bold]Spans:[/bold] none")
    table = Table(title="Links", title_justify="left")
    table.add_column("organization", overflow="fold")
    table.add_column("function", overflow="fold")
    table.add_column("method", no_wrap=True)
    table.add_column("function mention", overflow="fold")
    table.add_column("evidence", overflow="fold")
    for k in e.links:
        table.add_row(*_link_cells(k))
    console.print(table if e.links else "[bold]Links:[/bold] none")
    for note in e.notes:
        console.print(f"[bold]Note:[/bold] {note}", highlight=False)
    if show_tokens:
        table = Table(title="Tokens (norm = what LEMMA and NORM patterns compare with)", title_justify="left")
        table.add_column("text")
        table.add_column("norm")
        for t, n in e.tokens:
            table.add_row(t, n)
        console.print(table)


# -- HTML -------------------------------------------------------------------------------

def render_html(e: Explanation) -> str:
    """A displaCy page with every span: label ORG or FUNCTION, the dataset id as its link text."""
    from spacy import displacy

    doc = e.doc
    spans = []
    for s in e.spans:
        span = doc.char_span(s.start, s.end, alignment_mode="expand")
        if span is None:
            continue
        spans.append({"start_token": span.start, "end_token": span.end, "label": s.label,
                      "kb_id": html.escape(f"{s.id} ({s.rule_id})"), "kb_url": "#"})
    parsed = {"text": e.text, "tokens": [t.text for t in doc], "spans": spans,
              "title": html.escape(e.source), "settings": {"lang": "en", "direction": "ltr"}}
    return displacy.render(parsed, style="span", manual=True, page=True, jupyter=False,
                           options={"colors": COLORS})


# -- command line -----------------------------------------------------------------------

def add_arguments(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    parser.add_argument("text", nargs="?", help="the text to explain ('-' reads standard input)")
    parser.add_argument("--file", type=Path, help="explain this file instead (decoded as a run decodes it)")
    parser.add_argument("--rules", type=Path, default=Path("rules"), help="rules folder (default: rules)")
    parser.add_argument("--html", type=Path, metavar="OUT.html", help="also write a displaCy rendering of the spans")
    parser.add_argument("--tokens", action="store_true",
                        help="also list every token with its norm (what LEMMA and NORM in patterns compare with)")
    parser.add_argument("--no-cache", action="store_true",
                        help="build the pipeline from the rules instead of loading the start-up cache")
    return parser


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m pipeline.explain",
        description="Show what the pipeline finds in one text: normalization changes, organization and "
                    "function spans with the rule that fired and the resolved id, and links with their evidence.")
    return add_arguments(parser)


def _input(args) -> tuple[str, str] | int:
    """(text, source name), or an exit status after printing why not."""
    if (args.text is None) == (args.file is None):
        print("error: give one text to explain, or --file PATH (not both)", file=sys.stderr)
        return EXIT_USAGE
    if args.file is None:
        if args.text == "-":
            return sys.stdin.read(), "<stdin>"
        return args.text, "<text>"
    from pipeline.decode import UndecodableError, decode_bytes
    try:
        data = Path(args.file).read_bytes()
    except OSError as exc:
        print(f"error: {args.file}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_NO_INPUT
    try:
        decoded = decode_bytes(data)
    except UndecodableError as exc:
        print(f"error: {args.file}: {exc.reason}", file=sys.stderr)
        return EXIT_NO_INPUT
    return decoded.text, f"{args.file} ({decoded.encoding})"


def run(args: argparse.Namespace) -> int:
    """Run ``explain`` with parsed arguments (see :func:`add_arguments`); return the exit status."""
    from pipeline.rules import RuleError

    given = _input(args)
    if isinstance(given, int):
        return given
    text, source = given
    try:
        if getattr(args, "no_cache", False):
            from pipeline.nlp import build_nlp
            from pipeline.rules import load_rules
            rules = load_rules(args.rules)
            nlp = build_nlp(rules)
        else:
            from pipeline.cache import load_nlp_cached
            nlp, rules = load_nlp_cached(args.rules)
    except RuleError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        print(f"{len(exc.problems)} problem(s) in the rule files", file=sys.stderr)
        return EXIT_USAGE
    from pipeline.extract import Context
    explanation = explain_text(text, Context.build(rules, nlp), source)
    if sys.stdout.isatty():
        from rich.console import Console
        render_rich(explanation, Console(), show_tokens=args.tokens)
    else:
        sys.stdout.write(render_plain(explanation, show_tokens=args.tokens))
    if args.html is not None:
        try:
            Path(args.html).write_text(render_html(explanation), encoding="utf-8")
        except OSError as exc:
            print(f"error: {args.html}: {exc.strerror or exc}", file=sys.stderr)
            return EXIT_OUTPUT
        print(f"wrote {args.html}", file=sys.stderr)
    return EXIT_OK


def main(argv: list[str] | None = None) -> int:
    return run(build_parser().parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
