"""A static HTML report of a processed dataset: ``python -m pipeline.report --out PROCESSED``.

Writes ``PROCESSED/report/``:

- ``index.html``: corpus and normalization summary, the organization-by-function
  heatmap (``heatmap.png``), and sortable tables of organizations, functions,
  links (org_functions), documents and rejected files;
- ``docs/<doc_id>.html``: one page per listed document, its mentions
  highlighted with spaCy's displaCy, and the facts it states.

The report opens from disk: no server, no network resources, a few lines of
inline JavaScript to sort a table by clicking a header. Every table shows at
most ``--max-rows`` rows (and as many documents get a page); the page says how
many more exist. The output is deterministic: the same dataset gives the same
bytes. All text from the data is escaped.

The functions below build HTML strings from DataFrames; :func:`write_report`
writes the files and :func:`main` parses the command line.
"""
from __future__ import annotations

import argparse
import html
import io
import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pandas as pd

from pipeline.schemas import CHANGE_KINDS
from pipeline.write import process_alive

DEFAULT_MAX_ROWS = 500
HEATMAP_MAX_ORGS = 40
TABLES = ("documents", "mentions", "organizations", "org_functions")
COLORS = {"ORG": "#7aecec", "FUNCTION": "#feca74"}
EXIT_OK, EXIT_NO_INPUT, EXIT_OUTPUT = 0, 3, 4


class NoDatasetError(Exception):
    """The folder holds no processed dataset."""


class Markup(str):
    """HTML that is already safe: table cells of this type are not escaped again."""


def esc(value) -> str:
    """Escape any value for HTML text or a quoted attribute (None and NaN become empty)."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return html.escape(str(value), quote=True)


def _list(value) -> list:
    """A list column's value as a Python list (Parquet gives arrays, or None)."""
    return [] if value is None else list(value)


def _num(n) -> str:
    return f"{int(n):,}"


# --------------------------------------------------------------------------- data


@dataclass
class Dataset:
    documents: pd.DataFrame
    mentions: pd.DataFrame
    organizations: pd.DataFrame
    org_functions: pd.DataFrame
    rejects: pd.DataFrame
    metadata: dict


def load_dataset(processed: Path) -> Dataset:
    """Read the four tables (and rejects, when present) of a processed folder."""
    from pipeline.write import read_metadata

    processed = Path(processed)
    missing = [t for t in TABLES if not (processed / f"{t}.parquet").exists()]
    if missing:
        raise NoDatasetError(f"{processed} holds no dataset ({missing[0]}.parquet is missing): "
                             f"build it first with `make all PROCESSED={processed}`")
    frames = {t: pd.read_parquet(processed / f"{t}.parquet") for t in TABLES}
    rejects_path = processed / "rejects.parquet"
    rejects = pd.read_parquet(rejects_path) if rejects_path.exists() else pd.DataFrame(columns=["source", "reason"])
    return Dataset(**frames, rejects=rejects, metadata=read_metadata(processed / "documents.parquet"))


def org_display_name(row) -> str:
    """``Name (ACRONYM)``, or the name alone."""
    acronym = row["acronym"]
    return f"{row['name']} ({acronym})" if isinstance(acronym, str) and acronym else str(row["name"])


def org_names(orgs: pd.DataFrame, label=org_display_name) -> dict[str, str]:
    """``org_id`` -> display name."""
    return {row["org_id"]: label(row) for _, row in orgs.iterrows()}


def heatmap_label(row) -> str:
    """A short row label for the heatmap: ``ACRONYM · Name``, at most 48 characters."""
    acronym = row["acronym"]
    label = f"{acronym} · {row['name']}" if isinstance(acronym, str) and acronym else str(row["name"])
    return _shorten(label, 48)


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def ranked_organizations(orgs: pd.DataFrame) -> pd.DataFrame:
    """Organizations by documents, then mentions, then name."""
    return orgs.sort_values(["n_documents", "n_mentions", "name", "org_id"],
                            ascending=[False, False, True, True], kind="stable")


def ranked_links(facts: pd.DataFrame) -> pd.DataFrame:
    """Facts by documents, then evidence sentences, then organization and function."""
    return facts.sort_values(["n_documents", "n_evidence", "org_id", "function_id"],
                             ascending=[False, False, True, True], kind="stable")


def document_stats(docs: pd.DataFrame, mentions: pd.DataFrame) -> pd.DataFrame:
    """One row per document with its mention counts, ranked by mentions, then source."""
    counts = (mentions.groupby(["doc_id", "label"]).size().unstack(fill_value=0)
              .reindex(columns=["ORG", "FUNCTION"], fill_value=0))
    orgs = mentions[mentions["label"] == "ORG"].groupby("doc_id")["entity_id"].nunique()
    out = docs.drop(columns=["text", "changes"]).set_index("doc_id")
    out["n_org_mentions"] = counts["ORG"].reindex(out.index, fill_value=0).astype("int64")
    out["n_function_mentions"] = counts["FUNCTION"].reindex(out.index, fill_value=0).astype("int64")
    out["n_organizations"] = orgs.reindex(out.index, fill_value=0).astype("int64")
    out["n_changes"] = out[[f"n_{k}" for k in CHANGE_KINDS]].sum(axis=1).astype("int64")
    out["n_mentions"] = out["n_org_mentions"] + out["n_function_mentions"]
    out = out.reset_index()
    return out.sort_values(["n_mentions", "source", "doc_id"], ascending=[False, True, True], kind="stable")


def function_stats(facts: pd.DataFrame, mentions: pd.DataFrame) -> pd.DataFrame:
    """One row per function: organizations linked to it, documents stating it, mentions."""
    labels = facts.drop_duplicates("function_id").set_index("function_id")["function_label"]
    fn_mentions = mentions[mentions["label"] == "FUNCTION"].groupby("entity_id").size()
    ids = sorted(set(labels.index) | set(fn_mentions.index))
    rows = []
    for fid in ids:
        these = facts[facts["function_id"] == fid]
        docs = {d for ds in these["doc_ids"] for d in _list(ds)}
        rows.append({"function_id": fid, "function_label": labels.get(fid, fid),
                     "n_organizations": these["org_id"].nunique(), "n_documents": len(docs),
                     "n_mentions": int(fn_mentions.get(fid, 0))})
    out = pd.DataFrame(rows, columns=["function_id", "function_label", "n_organizations", "n_documents",
                                      "n_mentions"])
    return out.sort_values(["n_organizations", "n_mentions", "function_id"], ascending=[False, False, True],
                           kind="stable")


def normalization_summary(docs: pd.DataFrame) -> pd.DataFrame:
    """Per kind of change: how many changes, in how many documents."""
    return pd.DataFrame([{"kind": kind, "changes": int(docs[f"n_{kind}"].sum()),
                          "documents": int((docs[f"n_{kind}"] > 0).sum())} for kind in CHANGE_KINDS])


def heatmap_matrix(orgs: pd.DataFrame, facts: pd.DataFrame, max_orgs: int = HEATMAP_MAX_ORGS) -> pd.DataFrame:
    """Documents stating each (organization, function) fact: organizations as rows (most functions
    first, at most ``max_orgs``), labelled by :func:`heatmap_label`; function labels as columns (most
    organizations first)."""
    if facts.empty:
        return pd.DataFrame()
    labels = org_names(orgs, heatmap_label)
    matrix = facts.pivot_table(index="org_id", columns="function_label", values="n_documents", aggfunc="sum",
                               fill_value=0)
    ids = pd.Series(matrix.index, index=matrix.index)
    label = ids.map(labels).fillna(ids)
    row_key = pd.DataFrame({"functions": (matrix > 0).sum(axis=1), "documents": matrix.sum(axis=1),
                            "label": label, "id": ids}).reset_index(drop=True)
    order = row_key.sort_values(["functions", "documents", "label", "id"], ascending=[False, False, True, True])
    rows = order["id"].head(max_orgs).to_list()
    col_key = pd.DataFrame({"orgs": (matrix > 0).sum(axis=0), "name": matrix.columns}, index=matrix.columns)
    cols = col_key.sort_values(["orgs", "name"], ascending=[False, True]).index
    out = matrix.loc[rows, cols].astype("int64")
    out.index = label[rows].to_list()
    out.columns = [str(c) for c in cols]
    return out


# --------------------------------------------------------------------------- images


def heatmap_png(matrix: pd.DataFrame) -> bytes:
    """The heatmap as PNG bytes (Agg canvas, no pyplot state, no timestamp or software tag)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    if matrix.empty:
        fig = Figure(figsize=(6, 1.5), dpi=100)
        FigureCanvasAgg(fig)
        fig.text(0.5, 0.5, "No organization is linked to a function.", ha="center", va="center")
    else:
        values = matrix.to_numpy()
        n_rows, n_cols = values.shape
        fig = Figure(figsize=(5.5 + 0.5 * n_cols, 2.4 + 0.28 * n_rows), dpi=100, layout="constrained")
        FigureCanvasAgg(fig)
        ax = fig.add_subplot()
        image = ax.imshow(values, cmap="Blues", aspect="auto", vmin=0, vmax=max(int(values.max()), 2))
        ax.set_xticks(range(n_cols), [str(c) for c in matrix.columns], rotation=45, ha="right",
                      rotation_mode="anchor")
        ax.set_yticks(range(n_rows), [str(i) for i in matrix.index])
        ax.set_xticks([x - 0.5 for x in range(1, n_cols)], minor=True)
        ax.set_yticks([y - 0.5 for y in range(1, n_rows)], minor=True)
        ax.grid(which="minor", color="#e5e7eb", linewidth=0.6)
        ax.tick_params(which="minor", length=0)
        threshold = values.max() / 2
        for i in range(n_rows):
            for j in range(n_cols):
                if values[i, j]:
                    ax.text(j, i, str(values[i, j]), ha="center", va="center", fontsize=8,
                            color="white" if values[i, j] > threshold else "black")
        bar = fig.colorbar(image, ax=ax, label="documents stating the fact", shrink=0.5)
        bar.locator = MaxNLocator(integer=True)
        bar.update_ticks()
        ax.set_title("Organization × function: documents stating the fact")
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()


# --------------------------------------------------------------------------- HTML pieces

STYLE = """
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; margin: 2rem auto;
       max-width: 1200px; padding: 0 1rem; color: #1d1d1f; }
h1 { font-size: 1.6rem; margin-bottom: .2rem; } h2 { margin-top: 2.2rem; border-bottom: 1px solid #ddd; }
.meta { color: #666; margin-top: 0; } .more { color: #7a4b00; font-style: italic; }
table { border-collapse: collapse; margin: .6rem 0; font-size: .9rem; }
th, td { border: 1px solid #ddd; padding: .25rem .5rem; vertical-align: top; text-align: left; }
td { overflow-wrap: break-word; } td.id { font: .8rem ui-monospace, monospace; }
.scroll { overflow-x: auto; max-width: 100%; }
th { background: #f3f4f6; }
th button { all: unset; cursor: pointer; font-weight: 600; }
th button::after { content: " \\2195"; color: #aaa; }
th[aria-sort=ascending] button::after { content: " \\2191"; color: #333; }
th[aria-sort=descending] button::after { content: " \\2193"; color: #333; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
tr:target { background: #fff6d5; }
.figures { display: flex; gap: 2rem; flex-wrap: wrap; align-items: flex-start; }
.figures > div { flex: 1 1 320px; } .figures h3 { margin-top: 0; }
img#heatmap { max-width: 100%; height: auto; border: 1px solid #eee; }
.legend mark { padding: .1rem .4rem; border-radius: .3rem; }
"""

SORT_SCRIPT = """
document.querySelectorAll("table.sortable th button").forEach(function (button) {
  button.addEventListener("click", function () {
    var th = button.parentNode, table = th.closest("table"), body = table.tBodies[0];
    var col = Array.prototype.indexOf.call(th.parentNode.children, th);
    var numeric = th.dataset.type === "number", ascending = th.getAttribute("aria-sort") !== "ascending";
    var key = function (row) { var cell = row.cells[col]; return cell.dataset.sort || cell.textContent; };
    var rows = Array.from(body.rows).sort(function (a, b) {
      var x = key(a), y = key(b), c = numeric ? Number(x) - Number(y) : x.localeCompare(y);
      return ascending ? c : -c;
    });
    table.querySelectorAll("th").forEach(function (h) { h.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    rows.forEach(function (row) { body.appendChild(row); });
  });
});
"""


@dataclass(frozen=True)
class Column:
    """A table column: header, how to get a cell from a row, whether it sorts as a number, and
    whether it holds identifiers (in a small monospace font, broken only after underscores)."""
    header: str
    cell: Callable[[pd.Series], object]  # row -> str, int or Markup
    numeric: bool = False
    ident: bool = False


NUMERIC_HEADER = ' data-type="number"'


def html_table(rows: pd.DataFrame, columns: list[Column], table_id: str, row_id=None) -> str:
    """A sortable table (in a box that scrolls sideways when too wide); numbers sort numerically,
    other cells as text."""
    head = "".join(
        f'<th scope="col"{NUMERIC_HEADER if c.numeric else ""}>'
        f'<button type="button" title="sort by {esc(c.header)}">{esc(c.header)}</button></th>' for c in columns)
    body = []
    for _, row in rows.iterrows():
        cells = []
        for column in columns:
            value = column.cell(row)
            if column.numeric:
                cells.append(f'<td class="num" data-sort="{int(value)}">{_num(value)}</td>')
            else:
                text = value if isinstance(value, Markup) else esc(value)
                if column.ident:  # identifiers may break after an underscore, nowhere else
                    cells.append(f'<td class="id">{text.replace("_", "_<wbr>")}</td>')
                else:
                    cells.append(f"<td>{text}</td>")
        rid = f' id="{esc(row_id(row))}"' if row_id else ""
        body.append(f"<tr{rid}>{''.join(cells)}</tr>")
    return (f'<div class="scroll"><table id="{esc(table_id)}" class="sortable"><thead><tr>{head}</tr></thead>\n'
            f"<tbody>\n" + "\n".join(body) + "\n</tbody></table></div>")


def more_note(shown: int, total: int, what: str, where: str) -> str:
    """Says how many rows a capped table leaves out, and where to find them all."""
    if shown >= total:
        return ""
    return (f'<p class="more">Showing {_num(shown)} of {_num(total)} {esc(what)}; '
            f"{_num(total - shown)} more are in {esc(where)}.</p>")


def doc_link(doc_id: str, label: str, linked: set[str], prefix: str = "docs/") -> Markup:
    """A link to a document page when it was written, else the plain label."""
    if doc_id in linked:
        return Markup(f'<a href="{esc(prefix + doc_id)}.html">{esc(label)}</a>')
    return Markup(esc(label))


def summary_html(data: Dataset) -> str:
    """Corpus numbers: documents, duplicates, rejects, words, mentions, organizations, links."""
    docs, mentions, orgs, facts = data.documents, data.mentions, data.organizations, data.org_functions
    duplicates = docs["duplicate_of"].notna()
    kinds = docs.loc[duplicates, "duplicate_kind"].value_counts().sort_index()
    encodings = docs["encoding"].value_counts()
    encodings = encodings.sort_index(key=lambda i: [(-encodings[e], e) for e in i])
    items = [
        ("Documents", f"{_num(len(docs))} ({_num((~duplicates).sum())} extracted, {_num(duplicates.sum())} "
                      "duplicates" + (" — " + ", ".join(f"{_num(n)} {k}" for k, n in kinds.items())
                                      if len(kinds) else "") + ")"),
        ("Rejected files", _num(len(data.rejects))),
        ("Words", _num(docs["n_words"].sum())),
        ("Encodings", ", ".join(f"{e} ({_num(n)})" for e, n in encodings.items()) or "none"),
        ("Mentions", f"{_num(len(mentions))} ({_num((mentions['label'] == 'ORG').sum())} organization, "
                     f"{_num((mentions['label'] == 'FUNCTION').sum())} function)"),
        ("Organizations", f"{_num(len(orgs))} ({_num(orgs['in_gazetteer'].sum())} in the gazetteer, "
                          f"{_num((~orgs['in_gazetteer']).sum())} found by shape or definition)"),
        ("Links (organization, function)", f"{_num(len(facts))} for {_num(facts['org_id'].nunique())} "
                                           f"organizations and {_num(facts['function_id'].nunique())} functions"),
    ]
    rows = "".join(f'<tr><th scope="row">{esc(k)}</th><td>{esc(v)}</td></tr>' for k, v in items)
    return f'<table id="summary">{rows}</table>'


def normalization_html(docs: pd.DataFrame) -> str:
    summary = normalization_summary(docs)
    rows = "".join(f'<tr><td>{esc(r.kind)}</td><td class="num">{_num(r.changes)}</td>'
                   f'<td class="num">{_num(r.documents)}</td></tr>' for r in summary.itertuples())
    return ('<table id="normalization"><thead><tr><th>change</th><th>changes</th><th>documents</th></tr></thead>'
            f"<tbody>{rows}</tbody></table>"
            "<p>Every change is recorded with its offsets in <code>documents.changes</code>: mojibake repaired, "
            "look-alike Cyrillic or Greek letters folded to Latin, invisible characters removed, unusual spaces, "
            "line breaks and control characters normalized, and the lines of hard-wrapped paragraphs joined.</p>")


def org_link(org_id: str, names: dict[str, str]) -> Markup:
    """A link to an organization's row in the organizations table."""
    return Markup(f'<a href="#org-{esc(org_id)}">{esc(names.get(org_id, org_id))}</a>')


def organizations_html(orgs: pd.DataFrame, function_labels: dict[str, str], max_rows: int) -> str:
    ranked = ranked_organizations(orgs)
    shown = ranked.head(max_rows)
    names = dict(zip(orgs["org_id"], orgs["name"]))

    def aliases(row):
        values = sorted(set(_list(row["aliases"])))
        return "; ".join(values[:8]) + (f"; +{len(values) - 8} more" if len(values) > 8 else "")

    columns = [
        Column("organization", lambda r: r["name"]),
        Column("acronym", lambda r: r["acronym"]),
        Column("type", lambda r: str(r["org_type"]).replace("_", " ")),
        Column("gazetteer", lambda r: "yes" if r["in_gazetteer"] else "no"),
        Column("documents", lambda r: r["n_documents"], numeric=True),
        Column("mentions", lambda r: r["n_mentions"], numeric=True),
        Column("functions", lambda r: ", ".join(function_labels.get(f, f) for f in _list(r["functions"]))),
        Column("aliases", aliases),
        Column("acronym also names", lambda r: Markup(", ".join(org_link(o, names)
                                                                for o in _list(r["acronym_conflicts"])))),
        Column("org_id", lambda r: r["org_id"], ident=True),
    ]
    return (html_table(shown, columns, "organizations", row_id=lambda r: f"org-{r['org_id']}")
            + more_note(len(shown), len(orgs), "organizations", "organizations.parquet"))


def functions_html(stats: pd.DataFrame) -> str:
    columns = [
        Column("function", lambda r: r["function_label"]),
        Column("organizations", lambda r: r["n_organizations"], numeric=True),
        Column("documents", lambda r: r["n_documents"], numeric=True),
        Column("mentions", lambda r: r["n_mentions"], numeric=True),
        Column("function_id", lambda r: r["function_id"], ident=True),
    ]
    return html_table(stats, columns, "functions", row_id=lambda r: f"fn-{r['function_id']}")


def links_html(facts: pd.DataFrame, orgs: pd.DataFrame, sources: dict[str, str], linked: set[str],
               max_rows: int) -> str:
    names = org_names(orgs)
    shown = ranked_links(facts).head(max_rows)

    def evidence(row):
        items = _list(row["evidence"])
        if not items:
            return ""
        first = items[0]
        locations = _list(first["locations"])
        source = ""
        if locations:
            doc_id = locations[0]["doc_id"]
            source = f"({doc_link(doc_id, sources.get(doc_id, doc_id), linked)})"
        extra = f" +{len(items) - 1} more" if len(items) > 1 else ""
        return Markup(f"{esc(_shorten(first['sentence'], 300))} {source}{esc(extra)}")

    columns = [
        Column("organization", lambda r: org_link(r["org_id"], names)),
        Column("function", lambda r: r["function_label"]),
        Column("documents", lambda r: r["n_documents"], numeric=True),
        Column("evidence", lambda r: r["n_evidence"], numeric=True),
        Column("how", lambda r: ", ".join(_list(r["methods"]))),
        Column("first evidence sentence", evidence),
    ]
    return (html_table(shown, columns, "links")
            + more_note(len(shown), len(facts), "links", "org_functions.parquet"))


def documents_html(stats: pd.DataFrame, max_rows: int) -> str:
    shown = stats.head(max_rows)
    linked = set(shown["doc_id"])
    columns = [
        Column("source", lambda r: doc_link(r["doc_id"], r["source"], linked)),
        Column("organization mentions", lambda r: r["n_org_mentions"], numeric=True),
        Column("function mentions", lambda r: r["n_function_mentions"], numeric=True),
        Column("organizations", lambda r: r["n_organizations"], numeric=True),
        Column("words", lambda r: r["n_words"], numeric=True),
        Column("normalization changes", lambda r: r["n_changes"], numeric=True),
        Column("encoding", lambda r: r["encoding"]),
        Column("duplicate of", lambda r: r["duplicate_of"], ident=True),
        Column("doc_id", lambda r: r["doc_id"], ident=True),
    ]
    return (html_table(shown, columns, "documents")
            + more_note(len(shown), len(stats), "documents (those with most mentions have a page)",
                        "documents.parquet"))


def rejects_html(rejects: pd.DataFrame, max_rows: int) -> str:
    if rejects.empty:
        return "<p>No file was rejected.</p>"
    shown = rejects.sort_values(["source"]).head(max_rows)
    columns = [Column("source", lambda r: r["source"]), Column("reason", lambda r: r["reason"])]
    return html_table(shown, columns, "rejects") + more_note(len(shown), len(rejects), "rejected files",
                                                             "rejects.parquet")


def page(title: str, body: str, script: str = "") -> str:
    """A complete HTML page with the shared style."""
    script_tag = f"<script>{script}</script>\n" if script else ""
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{esc(title)}</title>\n<style>{STYLE}</style>\n</head>\n"
            f"<body>\n{body}\n{script_tag}</body>\n</html>\n")


def index_html(data: Dataset, heatmap: pd.DataFrame, max_rows: int) -> str:
    """The report's front page."""
    orgs, facts = data.organizations, data.org_functions
    function_labels = dict(zip(facts["function_id"], facts["function_label"]))
    docs = document_stats(data.documents, data.mentions)
    linked = set(docs.head(max_rows)["doc_id"])
    n_heat_orgs = facts["org_id"].nunique()
    run = data.metadata.get("run_id", "unknown")
    version = data.metadata.get("package_version", "")
    heat_note = (f" The {len(heatmap)} organizations with most functions are shown, of {_num(n_heat_orgs)} with "
                 "a link."
                 if len(heatmap) < n_heat_orgs else "")
    body = f"""<h1>Organizations and their functions</h1>
<p class="meta">Dataset run <code>{esc(run)}</code>{", orgfunctions " + esc(version) if version else ""}.
Click a column header to sort a table. Each table shows at most {_num(max_rows)} rows.</p>
<nav><a href="#corpus">Corpus</a> · <a href="#heatmap-section">Heatmap</a> ·
<a href="#organizations-section">Organizations</a> · <a href="#functions-section">Functions</a> ·
<a href="#links-section">Links</a> · <a href="#documents-section">Documents</a> ·
<a href="#rejects-section">Rejected files</a></nav>
<h2 id="corpus">Corpus</h2>
<div class="figures"><div>{summary_html(data)}</div>
<div><h3>Normalization</h3>{normalization_html(data.documents)}</div></div>
<h2 id="heatmap-section">Which organization does what</h2>
<p>Each cell counts the documents that state that the organization performs the function.{esc(heat_note)}</p>
<img id="heatmap" src="heatmap.png" alt="Heatmap of organizations by function"
 onload="document.body.setAttribute('data-heatmap-loaded', String(this.naturalWidth))"
 onerror="document.body.setAttribute('data-heatmap-loaded', 'error')">
<h2 id="organizations-section">Organizations</h2>
{organizations_html(orgs, function_labels, max_rows)}
<h2 id="functions-section">Functions</h2>
{functions_html(function_stats(facts, data.mentions))}
<h2 id="links-section">Links: organization performs function</h2>
{links_html(facts, orgs, dict(zip(docs["doc_id"], docs["source"])), linked, max_rows)}
<h2 id="documents-section">Documents</h2>
{documents_html(docs, max_rows)}
<h2 id="rejects-section">Rejected files</h2>
{rejects_html(data.rejects, max_rows)}"""
    return page("Organizations and their functions", body, SORT_SCRIPT)


# --------------------------------------------------------------------------- document pages


def displacy_entities(text: str, mentions: pd.DataFrame) -> list[dict]:
    """displaCy ``ent`` spans from mention offsets. displaCy cannot draw a span inside another, so
    overlapping mentions become one span labelled with every entity id it holds."""
    groups: list[dict] = []
    for m in mentions.sort_values(["start", "end"], ascending=[True, False], kind="stable").itertuples():
        if groups and m.start < groups[-1]["end"]:
            group = groups[-1]
            group["end"] = max(group["end"], int(m.end))
            if m.entity_id not in group["ids"]:
                group["ids"].append(m.entity_id)
            continue
        groups.append({"start": int(m.start), "end": int(m.end), "label": m.label, "ids": [m.entity_id]})
    anchor = {"ORG": "org", "FUNCTION": "fn"}
    return [{"start": g["start"], "end": g["end"], "label": esc(g["label"]),
             "kb_id": esc(" + ".join(g["ids"])),
             "kb_url": esc(f"../index.html#{anchor.get(g['label'], 'org')}-{g['ids'][0]}")}
            for g in groups if 0 <= g["start"] < g["end"] <= len(text)]


FACT_COLUMNS = ["doc_id", "start", "organization", "function", "method", "sentence"]


def document_facts(facts: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
    """One row per evidence location: the (organization, function, method, sentence) facts each
    document states, in document and text order."""
    rows = [{"doc_id": loc["doc_id"], "start": int(loc["start"]), "organization": names.get(fact.org_id, fact.org_id),
             "function": fact.function_label, "method": loc["method"], "sentence": item["sentence"]}
            for fact in facts.itertuples() for item in _list(fact.evidence) for loc in _list(item["locations"])]
    out = pd.DataFrame(rows, columns=FACT_COLUMNS)
    return out.sort_values(["doc_id", "start", "organization", "function"], kind="stable")


def document_html(doc: pd.Series, mentions: pd.DataFrame, facts: pd.DataFrame, max_rows: int,
                  original: Markup | None = None) -> str:
    """A document page: its details, its text with mentions highlighted, and the facts it states.
    ``original`` names (and links) the document this one duplicates."""
    from spacy import displacy

    ents = displacy_entities(doc["text"], mentions)
    shown = ents[:max_rows]
    rendered = displacy.render({"text": doc["text"], "ents": shown, "title": None}, style="ent", manual=True,
                               page=True, jupyter=False, options={"colors": COLORS})
    changes = ", ".join(f"{_num(doc[f'n_{k}'])} {k}" for k in CHANGE_KINDS if doc[f"n_{k}"]) or "none"
    duplicate = ""
    if isinstance(doc["duplicate_of"], str):
        duplicate = (f'<p class="more">This document duplicates {original or esc(doc["duplicate_of"])} '
                     f"({esc(doc['duplicate_kind'])}, similarity {doc['duplicate_similarity']:.2f}); "
                     "duplicates are not extracted.</p>")
    stated = facts.head(max_rows)
    stated_html = (html_table(stated, [Column("organization", lambda r: r["organization"]),
                                       Column("function", lambda r: r["function"]),
                                       Column("how", lambda r: r["method"]),
                                       Column("sentence", lambda r: r["sentence"])], "facts")
                   + more_note(len(stated), len(facts), "facts", "org_functions.parquet")
                   if len(facts) else "<p>No fact is stated in this document.</p>")
    header = f"""<header>
<p><a href="../index.html">← Report</a></p>
<h1>{esc(doc['source'])}</h1>
<p class="meta">doc_id <code>{esc(doc['doc_id'])}</code> · {esc(doc['encoding'])} · {_num(doc['n_words'])} words ·
{_num(len(mentions))} mentions · {_num(len(facts))} facts · normalization: {esc(changes)}</p>
{duplicate}
<p class="legend"><mark style="background: {COLORS['ORG']}">ORG</mark> organization ·
<mark style="background: {COLORS['FUNCTION']}">FUNCTION</mark> function; the id after the label links to
its row in the report. <a href="#facts-section">Facts stated in this document</a></p>
{more_note(len(shown), len(ents), "highlighted mentions", "mentions.parquet")}
</header>"""
    footer = f'<h2 id="facts-section">Facts stated in this document</h2>\n{stated_html}'
    return _into_displacy_page(rendered, f"{doc['source']} · organizations and their functions", header, footer)


def _into_displacy_page(rendered: str, title: str, header: str, footer: str) -> str:
    """Give displaCy's page a charset, a title, the shared style, a header above the text and a
    footer below it."""
    head = (f'<meta charset="utf-8">\n<title>{esc(title)}</title>\n'
            f"<style>{STYLE} body {{ padding: 0 1rem !important; }} figure {{ margin: 0 0 2rem 0 !important; }}"
            "</style>")
    assert "<title>displaCy</title>" in rendered and "</body>" in rendered, "unexpected displaCy page template"
    rendered = rendered.replace("<title>displaCy</title>", head, 1)
    body_open = rendered.index(">", rendered.index("<body")) + 1
    body_close = rendered.rindex("</body>")
    return (rendered[:body_open] + "\n" + header + "\n" + rendered[body_open:body_close] + "\n" + footer + "\n"
            + rendered[body_close:] + "\n")


# --------------------------------------------------------------------------- writing


def build_report(data: Dataset, max_rows: int = DEFAULT_MAX_ROWS) -> dict[str, bytes]:
    """Every file of the report, by path relative to the report folder."""
    matrix = heatmap_matrix(data.organizations, data.org_functions)
    files = {"index.html": index_html(data, matrix, max_rows).encode("utf-8"), "heatmap.png": heatmap_png(matrix)}
    names = org_names(data.organizations)
    listed = document_stats(data.documents, data.mentions).head(max_rows)["doc_id"].to_list()
    linked = set(listed)
    docs = data.documents.set_index("doc_id", drop=False)
    sources = dict(zip(data.documents["doc_id"], data.documents["source"]))
    mentions = dict(tuple(data.mentions.groupby("doc_id")))
    facts = dict(tuple(document_facts(data.org_functions, names).groupby("doc_id")))
    no_mentions, no_facts = data.mentions.iloc[0:0], pd.DataFrame(columns=FACT_COLUMNS)
    for doc_id in listed:
        doc = docs.loc[doc_id]
        original = doc["duplicate_of"]
        link = (doc_link(original, sources.get(original, original), linked, prefix="")
                if isinstance(original, str) else None)
        page_html = document_html(doc, mentions.get(doc_id, no_mentions), facts.get(doc_id, no_facts), max_rows,
                                  link)
        files[f"docs/{doc_id}.html"] = page_html.encode("utf-8")
    return files


def write_report(processed: Path, max_rows: int = DEFAULT_MAX_ROWS) -> Path:
    """Write ``<processed>/report/`` and return the path of its ``index.html``.

    The report is written into a staging folder and moved into place, so an
    interrupted run never leaves a half-written report or stale document pages;
    staging folders of killed runs are removed by the next run.
    """
    processed = Path(processed)
    files = build_report(load_dataset(processed), max_rows)
    _remove_stale_staging(processed)
    target = processed / "report"
    staging = processed / f".report.tmp-{os.getpid()}"
    old = processed / f".report.old-{os.getpid()}"
    try:
        for name, content in sorted(files.items()):
            path = staging / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
        if target.exists():
            target.rename(old)
        staging.rename(target)
    except BaseException:
        if old.exists() and not target.exists():  # put the previous report back
            old.rename(target)
        raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        shutil.rmtree(old, ignore_errors=True)
    return target / "index.html"


def _remove_stale_staging(processed: Path) -> None:
    """Remove the ``.report.tmp-<pid>`` and ``.report.old-<pid>`` folders of processes that are gone."""
    for entry in processed.glob(".report.*-*"):
        pid = entry.name.rsplit("-", 1)[-1]
        if pid.isdigit() and not process_alive(int(pid)):
            shutil.rmtree(entry, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipeline.report",
                                     description="Write a static HTML report of a processed dataset to "
                                                 "<out>/report/ (opens from disk, no server).")
    parser.add_argument("--out", type=Path, default=Path("processed"),
                        help="the processed dataset folder (default: processed)")
    parser.add_argument("--max-rows", type=int, default=DEFAULT_MAX_ROWS,
                        help=f"rows per table, and documents given a page (default: {DEFAULT_MAX_ROWS})")
    args = parser.parse_args(argv)
    if args.max_rows < 1:
        parser.error("--max-rows must be at least 1")
    try:
        index = write_report(args.out, args.max_rows)
    except NoDatasetError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_NO_INPUT
    except OSError as exc:
        print(f"error: cannot write the report into {args.out}/report: {exc}", file=sys.stderr)
        return EXIT_OUTPUT
    print(f"report: {index}", file=sys.stderr)
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
