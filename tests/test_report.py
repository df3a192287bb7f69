"""The static HTML report (pipeline/report.py): structure, escaping, caps, determinism, and a real browser."""
from __future__ import annotations

import base64
import fcntl
import json
import os
import select
import shutil
import subprocess
import time
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest

from pipeline import report
from pipeline.normalize import KINDS

TABLES = ("documents", "mentions", "organizations", "org_functions", "rejects")


def copy_dataset(source: Path, target: Path) -> Path:
    """A plain copy of a processed folder's tables (the symlinks followed)."""
    target.mkdir(parents=True)
    for table in TABLES:
        shutil.copyfile(source / f"{table}.parquet", target / f"{table}.parquet")
    return target


def read_tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


class Page(HTMLParser):
    """What the tests look at in a page: table rows by table id, links, and displaCy's marks."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.rows: dict[str, int] = {}
        self.links: list[str] = []
        self.marks: list[dict] = []  # {"text": highlighted text, "label": label and entity ids}
        self.body: dict[str, str] = {}
        self._table: list[str] = []
        self._in_tbody = False
        self._mark_depth = 0
        self._in_label = False
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table":
            self._table.append(attrs.get("id", ""))
        elif tag == "tbody":
            self._in_tbody = True
        elif tag == "tr" and self._in_tbody and self._table:
            self.rows[self._table[-1]] = self.rows.get(self._table[-1], 0) + 1
        elif tag == "a" and "href" in attrs:
            self.links.append(attrs["href"])
        elif tag == "body":
            self.body = {k: v or "" for k, v in attrs.items()}
        if tag == "mark" and "entity" in attrs.get("class", ""):
            self.marks.append({"text": "", "label": ""})
            self._mark_depth = 1
        elif self._mark_depth and tag == "span":
            self._in_label = True

    def handle_endtag(self, tag):
        if tag == "table" and self._table:
            self._table.pop()
        elif tag == "tbody":
            self._in_tbody = False
        elif tag == "mark":
            self._mark_depth = 0
        elif tag == "span":
            self._in_label = False

    def handle_data(self, data):
        if self._mark_depth:
            key = "label" if self._in_label else "text"
            self.marks[-1][key] += data


def normalized(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def dataset(seed_dataset, tmp_path_factory) -> Path:
    return copy_dataset(seed_dataset, tmp_path_factory.mktemp("report") / "processed")


@pytest.fixture(scope="module")
def written(dataset) -> Path:
    """The report of the seed dataset, written once for the structural tests."""
    assert report.main(["--out", str(dataset)]) == 0
    return dataset / "report"


@pytest.fixture(scope="module")
def tables(dataset) -> dict[str, pd.DataFrame]:
    return {t: pd.read_parquet(dataset / f"{t}.parquet") for t in TABLES}


def test_index_holds_every_table_with_every_row(written, tables):
    page = Page((written / "index.html").read_text(encoding="utf-8"))
    assert page.rows["organizations"] == len(tables["organizations"])
    assert page.rows["links"] == len(tables["org_functions"])
    assert page.rows["documents"] == len(tables["documents"])
    assert page.rows["functions"] == len(set(tables["org_functions"]["function_id"])
                                         | set(tables["mentions"].query("label == 'FUNCTION'")["entity_id"]))
    assert page.rows["normalization"] == len(KINDS)     # one row per kind of change normalize makes
    assert (written / "heatmap.png").read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    assert "Showing" not in (written / "index.html").read_text(encoding="utf-8")  # nothing is capped


def test_index_links_every_document_page(written, tables):
    links = Page((written / "index.html").read_text(encoding="utf-8")).links
    for doc_id in tables["documents"]["doc_id"]:
        assert f"docs/{doc_id}.html" in links
        assert (written / "docs" / f"{doc_id}.html").is_file()
    assert sorted(p.name for p in (written / "docs").iterdir()) == sorted(
        f"{d}.html" for d in tables["documents"]["doc_id"])


def test_every_document_page_highlights_its_mentions(written, tables):
    documents = tables["documents"].set_index("doc_id")
    for doc_id, mentions in tables["mentions"].groupby("doc_id"):
        text = documents.loc[doc_id, "text"]
        source = (written / "docs" / f"{doc_id}.html").read_text(encoding="utf-8")
        page = Page(source)
        assert '<meta charset="utf-8">' in source and "../index.html" in page.links
        marks = [(normalized(m["text"]), m["label"]) for m in page.marks]
        assert len(marks) <= len(mentions)
        for mention in mentions.itertuples():
            surface = normalized(text[mention.start:mention.end])
            assert any(surface in shown and mention.entity_id in label.split() and mention.label in label
                       for shown, label in marks), f"{doc_id}: {mention.text!r} ({mention.entity_id}) not highlighted"


def test_text_from_the_data_is_escaped(dataset):
    data = report.load_dataset(dataset)
    hostile = '<script>alert("x")</script> & <b>'
    data.organizations.loc[0, "name"] = hostile
    data.org_functions.loc[0, "function_label"] = hostile
    doc_id = data.documents.loc[0, "doc_id"]
    data.documents.loc[0, "source"] = hostile
    files = report.build_report(data)
    for name in ("index.html", f"docs/{doc_id}.html"):
        page = files[name].decode("utf-8")
        assert "<script>alert" not in page and "<b>" not in page, name
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;" in page, name


def test_max_rows_caps_every_table_and_says_how_many_more(dataset, tables, tmp_path):
    capped = copy_dataset(dataset, tmp_path / "processed")
    report.write_report(capped, max_rows=3)
    index = (capped / "report" / "index.html").read_text(encoding="utf-8")
    page = Page(index)
    assert page.rows["organizations"] == page.rows["links"] == 3
    n_orgs, n_links = len(tables["organizations"]), len(tables["org_functions"])
    assert f"Showing 3 of {n_orgs} organizations; {n_orgs - 3} more are in organizations.parquet." in index
    assert f"Showing 3 of {n_links} links; {n_links - 3} more are in org_functions.parquet." in index

    report.write_report(capped, max_rows=1)  # rewriting removes the pages no longer listed
    index = (capped / "report" / "index.html").read_text(encoding="utf-8")
    assert Page(index).rows["documents"] == 1 and len(list((capped / "report" / "docs").iterdir())) == 1
    assert f"Showing 1 of {len(tables['documents'])} documents" in index


def test_same_data_gives_the_same_bytes(dataset, written, tmp_path):
    first = read_tree(written)
    again = copy_dataset(dataset, tmp_path / "elsewhere" / "processed")
    report.write_report(again)
    assert read_tree(again / "report") == first
    report.write_report(again)
    assert read_tree(again / "report") == first
    assert not [p for p in again.iterdir() if p.name.startswith(".report")]  # no staging folder left behind


def test_cli_says_when_there_is_no_dataset(tmp_path, capsys):
    assert report.main(["--out", str(tmp_path)]) == 3
    assert "holds no dataset" in capsys.readouterr().err


# --------------------------------------------------------------------------- a real browser


def find_chromium() -> str | None:
    for candidate in ("/usr/bin/chromium", shutil.which("chromium"), shutil.which("chromium-browser")):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


class DevTools:
    """Headless Chromium driven over the DevTools protocol on a pipe (``--remote-debugging-pipe``:
    the browser reads commands on fd 3 and writes replies and events on fd 4, each a JSON message
    ending in a NUL byte). Standard library only, and no network socket."""

    FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             "--remote-debugging-pipe", "--window-size=1280,2000"]

    def __init__(self, binary: str, profile: Path, timeout: float = 20):
        to_browser = [self._high(fd) for fd in os.pipe()]
        from_browser = [self._high(fd) for fd in os.pipe()]

        def wire():  # runs in the child, before exec
            os.dup2(to_browser[0], 3)
            os.dup2(from_browser[1], 4)

        self.proc = subprocess.Popen([binary, *self.FLAGS, f"--user-data-dir={profile}", "about:blank"],
                                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL, preexec_fn=wire, close_fds=False)
        os.close(to_browser[0])
        os.close(from_browser[1])
        self.out, self.inp = to_browser[1], from_browser[0]
        self.timeout, self.buffer, self.next_id, self.events = timeout, b"", 0, []
        self.session = None

    @staticmethod
    def _high(fd: int) -> int:
        """Move a pipe end above fds 3 and 4, closed on exec, so that dup2 in the child cannot clobber it."""
        high = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10)
        os.close(fd)
        return high

    def _read(self, deadline: float) -> dict:
        while b"\0" not in self.buffer:
            ready, _, _ = select.select([self.inp], [], [], max(0.0, deadline - time.monotonic()))
            chunk = os.read(self.inp, 1 << 20) if ready else b""
            if not chunk:
                raise TimeoutError("no reply from chromium")
            self.buffer += chunk
        message, self.buffer = self.buffer.split(b"\0", 1)
        return json.loads(message)

    def send(self, method: str, session: bool = True, **params) -> dict:
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params}
        if session and self.session:
            message["sessionId"] = self.session
        os.write(self.out, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + self.timeout
        while True:
            reply = self._read(deadline)
            if reply.get("id") == self.next_id:
                assert "error" not in reply, f"{method}: {reply['error']}"
                return reply["result"]
            self.events.append(reply)

    def wait_for(self, method: str) -> dict:
        """The first event ``method`` seen since the last page was opened, waiting for it if need be."""
        deadline = time.monotonic() + self.timeout
        for event in self.events:
            if event.get("method") == method:
                return event
        while True:
            event = self._read(deadline)
            self.events.append(event)
            if event.get("method") == method:
                return event

    def open(self, url: str) -> None:
        """Load ``url`` in the browser's tab (attached on first use) and wait for its load event."""
        if self.session is None:
            targets = self.send("Target.getTargets", session=False)["targetInfos"]
            target = next(t for t in targets if t["type"] == "page")
            self.session = self.send("Target.attachToTarget", session=False, targetId=target["targetId"],
                                     flatten=True)["sessionId"]
            for domain in ("Page", "Runtime", "Log"):
                self.send(f"{domain}.enable")
            self.send("Emulation.setDeviceMetricsOverride", width=1280, height=2000, deviceScaleFactor=1,
                      mobile=False)
        self.events.clear()  # errors() and wait_for() then see this page only
        self.send("Page.navigate", url=url)
        self.wait_for("Page.loadEventFired")

    def evaluate(self, expression: str):
        result = self.send("Runtime.evaluate", expression=expression, returnByValue=True)
        assert "exceptionDetails" not in result, result["exceptionDetails"]
        return result["result"].get("value")

    def errors(self) -> list[str]:
        """Console errors, uncaught exceptions and failed loads of the page last opened."""
        found = []
        for event in self.events:
            method, params = event.get("method"), event.get("params", {})
            if method == "Runtime.exceptionThrown":
                details = params["exceptionDetails"]
                found.append(details.get("exception", {}).get("description") or details.get("text", "exception"))
            elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
                found.append(" ".join(str(a.get("value", a.get("description"))) for a in params["args"]))
            elif method == "Log.entryAdded" and params["entry"]["level"] == "error":
                found.append(params["entry"]["text"])
        return found

    def screenshot(self, path: Path) -> None:
        path.write_bytes(base64.b64decode(self.send("Page.captureScreenshot", format="png")["data"]))

    def close(self) -> None:
        try:
            self.send("Browser.close", session=False)
        except (OSError, TimeoutError, AssertionError):
            pass
        finally:
            for fd in (self.out, self.inp):
                os.close(fd)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


@pytest.fixture
def browser(tmp_path):
    binary = find_chromium()
    if binary is None:
        pytest.skip("chromium not found: run `make browser`")
    devtools = DevTools(binary, tmp_path / "profile")
    yield devtools
    devtools.close()


def test_report_renders_in_a_real_browser(browser, written, tables, tmp_path):
    browser.open((written / "index.html").as_uri())
    assert browser.errors() == []
    assert browser.evaluate("document.body.dataset.heatmapLoaded") not in (None, "error")
    assert browser.evaluate("document.getElementById('heatmap').naturalWidth") > 0
    assert int(browser.evaluate("document.body.dataset.heatmapLoaded")) > 0
    n_orgs = len(tables["organizations"])
    assert browser.evaluate("document.querySelectorAll('#organizations tbody tr').length") == n_orgs
    # nothing wider than the window: no horizontal scrolling
    assert browser.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    # clicking the "mentions" header sorts the rows by mentions, ascending then descending
    column = ("Array.from(document.querySelectorAll('#organizations thead th'))"
              ".findIndex(th => th.textContent.trim().startsWith('mentions'))")
    values = (f"Array.from(document.querySelectorAll('#organizations tbody tr')).map(tr => "
              f"Number(tr.cells[{column}].dataset.sort))")
    click = f"document.querySelectorAll('#organizations thead th')[{column}].querySelector('button').click()"
    browser.evaluate(click)
    assert browser.evaluate(values) == sorted(tables["organizations"]["n_mentions"])
    browser.evaluate(click)
    assert browser.evaluate(values) == sorted(tables["organizations"]["n_mentions"], reverse=True)
    assert browser.errors() == []

    shots = tmp_path / "screenshots"
    shots.mkdir()
    browser.screenshot(shots / "index.png")
    print(f"screenshot: {shots / 'index.png'}")
    assert (shots / "index.png").stat().st_size > 10_000

    doc_id = tables["documents"].loc[0, "doc_id"]
    browser.open((written / "docs" / f"{doc_id}.html").as_uri())
    assert browser.errors() == []
    n_mentions = int((tables["mentions"]["doc_id"] == doc_id).sum())
    assert 0 < browser.evaluate("document.querySelectorAll('mark.entity').length") <= n_mentions
    browser.screenshot(shots / "document.png")
