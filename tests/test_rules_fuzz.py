"""Rule files fuzzed: whatever a rule file holds, loading fails only with RuleError, as file:line problems.

Each example replaces one file of a copy of ``rules/`` with random YAML: random
nested structures (dumped as block or flow YAML, or as JSON, which is YAML
too), the real file with one value swapped for a random structure, the real
file cut or with a line replaced, random text, random bytes, and a few known
hostile shapes (deep nesting, alias bombs, foreign tags). ``load_rules`` must
then return rules or raise ``RuleError`` whose every problem reads
``path:line: what; fix`` and names a rule file, and ``python -m pipeline rules
check`` must exit 2 without a traceback.

The unchanged files of the copy are parsed once and reused (deep-copied):
parsing the whole gazetteer for every example would cost the suite seconds
while exercising nothing new. ``ORGFUNCTIONS_PROPERTY_SCALE=20`` multiplies
the number of examples for a longer hunt.

A number or boolean as an example's ``match``, ``links`` or ``no_links`` once
raised TypeError; ``test_example_lists_must_be_lists`` keeps it fixed. A line
break in a word-list mapping key (``head_types: {"a\\nb": [[x]]}``), in a token
pattern's key or in a regular expression once split a problem over two lines;
``test_line_breaks_quoted_from_a_rule_file_stay_on_the_problem_line`` keeps it fixed.
A negative number as a token pattern's attribute raised IndexError in spaCy's
validator; ``test_token_attributes_must_be_names`` keeps it fixed. ``REGEX: {}``
passes spaCy's schema and made ``re.compile`` raise TypeError;
``test_regex_must_be_text`` keeps it fixed.
"""
from __future__ import annotations

import copy
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings, strategies as st

import pipeline.rules
from pipeline.cli import main
from pipeline.rules import RuleError, load_rules, rule_files
from tests.conftest import ROOT, RULES

SCALE = int(os.environ.get("ORGFUNCTIONS_PROPERTY_SCALE", "1"))
RULE_FILES = [p.relative_to(RULES).as_posix() for p in rule_files(RULES)]
PROBLEM = re.compile(r"^(?P<path>[^:\n]+):(?P<line>\d+): (?P<what>[^\n]+); (?P<fix>[^\n]+)$")

KEYS = st.sampled_from(["id", "name", "type", "acronyms", "aliases", "parent", "pattern", "patterns", "phrases",
                        "examples", "text", "match", "no_match", "links", "functions", "organizations", "label",
                        "head_words", "anaphors", "question_markers", "LOWER", "REGEX", "OP", "IN", "note", "gap"])
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=20),
                    st.sampled_from(["", "un", "igo", "(?:a+)+$", "[", "capacity_building", "itu", "?", "*", "+"]))
STRUCTURES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=5),
                            st.dictionaries(st.one_of(KEYS, st.text(max_size=8), st.integers()), inner, max_size=5)),
    max_leaves=25)

HOSTILE = [
    "[" * 5000 + "]" * 5000,
    "functions: " + "{a: " * 400 + "1" + "}" * 400,
    "a: &a [x,x,x,x,x,x,x,x,x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{','.join([f'*{chr(97 + i)}'] * 9)}]\n" for i in range(9)),
    "a: &x [*x]\n",
    "organizations: !!python/object/apply:os.system [echo owned]\n",
    "functions: !!set {a, b}\n",
    "functions:\n- id: x\n  label: !!binary AAAA\n",
    "patterns: 1" + "0" * 5000 + "\n",
    "functions:\n- {id: a, label: b, phrases: [2024-01-01, on, NO, ~]}\n",
    "\ufeff\x00\x01binary",
    "organizations:\n- id: a\n  name: b\n  type: igo\n  acronyms: [{a: b}]\n",
    "organizations: [{id: x, name: y, type: igo}]\n---\nsecond: document\n",
    "? [complex, key]\n: value\n",
    "{1: 2, null: 3, true: 4, 1.5: 5, .nan: 6}\n",
    "patterns:\n- id: p\n  pattern: [{LOWER: {REGEX: '(a+)+$'}}]\n",
]


def _dump(data, style: str) -> str:
    if style == "json":
        return json.dumps(data, default=str)
    return yaml.safe_dump(data, default_flow_style=(style == "flow"), allow_unicode=True, sort_keys=False)


def _replace_somewhere(data, replacement, path: list[int]):
    """The real file's data with one value, chosen by ``path``, replaced."""
    data = copy.deepcopy(data)
    node, parent, key = data, None, None
    for step in path:
        if isinstance(node, dict) and node:
            parent, key = node, list(node)[step % len(node)]
        elif isinstance(node, list) and node:
            parent, key = node, step % len(node)
        else:
            break
        node = parent[key]
    if parent is None:
        return replacement
    parent[key] = replacement
    return data


def _cut(text: str, start: float, length: float) -> str:
    lines = text.splitlines(keepends=True)
    i = int(start * len(lines))
    return "".join(lines[:i] + lines[i + max(1, int(length * 10)):])


@st.composite
def rule_file_contents(draw, original: str) -> str | bytes:
    kind = draw(st.sampled_from(["structure", "swap", "cut", "line", "text", "bytes", "hostile"]))
    if kind == "structure":
        return _dump(draw(STRUCTURES), draw(st.sampled_from(["block", "flow", "json"])))
    if kind == "swap":
        data = yaml.safe_load(original)
        path = draw(st.lists(st.integers(0, 1000), min_size=1, max_size=6))
        return _dump(_replace_somewhere(data, draw(STRUCTURES), path), draw(st.sampled_from(["block", "flow"])))
    if kind == "cut":
        return _cut(original, draw(st.floats(0, 1)), draw(st.floats(0, 1)))
    if kind == "line":
        lines = original.splitlines(keepends=True)
        i = draw(st.integers(0, len(lines) - 1))
        lines[i] = draw(st.one_of(st.text(max_size=30), st.sampled_from(["- ", ":", "  - id: x\n", "\t", "&a ", "*a"])))
        return "".join(lines)
    if kind == "text":
        return draw(st.text(max_size=200))
    if kind == "bytes":
        return draw(st.binary(max_size=200))
    return draw(st.sampled_from(HOSTILE))


@pytest.fixture(scope="module")
def rules_dir(tmp_path_factory):
    target = tmp_path_factory.mktemp("fuzz") / "rules"
    shutil.copytree(RULES, target)
    return target


@pytest.fixture(scope="module")
def parse_once():
    """Reuse the parse of unchanged files (keyed on their text), deep-copied for each load."""
    real = pipeline.rules.load_yaml
    cache = {}

    def load_yaml(path, text=None):
        data = Path(path).read_bytes()
        if data not in cache:
            try:
                cache[data] = ("ok", real(path, text))
            except Exception as error:  # noqa: BLE001 - replayed below exactly as raised
                cache[data] = ("error", error)
        kind, value = cache[data]
        if kind == "error":
            raise value
        return copy.deepcopy(value)
    return load_yaml


def check_load(rules_dir: Path) -> None:
    try:
        load_rules(rules_dir)
    except RuleError as error:
        assert error.problems
        for problem in error.problems:
            match = PROBLEM.match(str(problem))
            assert match, f"not 'file:line: what; fix': {problem!s}"
            assert Path(match["path"]).name.endswith(".yml") or match["path"].endswith("organizations")


@pytest.mark.parametrize("name", RULE_FILES)
def test_any_content_gives_rule_errors_only(name, rules_dir, parse_once, monkeypatch):
    monkeypatch.setattr(pipeline.rules, "load_yaml", parse_once)
    target = rules_dir / name
    original = (RULES / name).read_text(encoding="utf-8")

    @settings(max_examples=5 * SCALE, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(rule_file_contents(original))
    def fuzz(content):
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8", errors="surrogatepass")
        try:
            check_load(rules_dir)
        finally:
            target.write_text(original, encoding="utf-8")
    fuzz()


@pytest.mark.parametrize("hostile", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_yaml_in_functions_file(hostile, rules_dir, parse_once, monkeypatch):
    monkeypatch.setattr(pipeline.rules, "load_yaml", parse_once)
    target = rules_dir / "functions.yml"
    original = target.read_text()
    target.write_text(hostile, encoding="utf-8", errors="surrogatepass")
    try:
        with pytest.raises(RuleError):
            load_rules(rules_dir)
        check_load(rules_dir)
    finally:
        target.write_text(original)


BOMB = "a: &a [x,x,x,x,x,x,x,x,x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{','.join([f'*{chr(97 + i)}'] * 9)}]\n" for i in range(8))


@pytest.mark.parametrize("text, line, message", [
    ("functions:\n- id: x\n  phrases: " + "[" * 60 + "]" * 60 + "\n", 3, "nests more than 50 levels"),
    ("functions:\n- id: x\n  label: a\x00b\n", 3, "character U+0000 on this line is not allowed"),
    ("a: 1\n\nb: \x1b[31m\n", 3, "character U+001B on this line is not allowed"),
    (BOMB, 6, "aliases expand this value to more than 200,000 values"),
    ("a: 1\nb: &x [*x]\n", 2, "an alias refers to a value that contains it"),
    ("a: 1\nb: " + "9" * 5000 + "\n", 2, "this number is too long"),
    ("a: 1\nb: !!set {x}\n", 2, "tag 'tag:yaml.org,2002:set' is not allowed"),
    ("a: 1\nb: !!binary AAAA\n", 2, "tag 'tag:yaml.org,2002:binary' is not allowed"),
])
def test_yaml_problems_point_at_their_line(text, line, message):
    from pipeline.yamlsafe import YamlError, load_yaml
    with pytest.raises(YamlError) as error:
        load_yaml("rules/functions.yml", text)
    assert error.value.line == line
    assert message in error.value.message and "\n" not in error.value.message


def test_yaml_plain_data_stays_plain():
    from pipeline.yamlsafe import load_yaml
    data = load_yaml("f.yml", "date: 2024-01-01\nwords: [on, off, yes, NO]\nflag: true\n")
    assert data == {"date": "2024-01-01", "words": ["on", "off", "yes", "NO"], "flag": True}


def test_alias_bomb_where_the_checker_walks(rules_dir, parse_once, monkeypatch, watchdog):
    """In a token pattern the checker copies every value: 9**9 of them without the expansion limit."""
    monkeypatch.setattr(pipeline.rules, "load_yaml", parse_once)
    target = rules_dir / "org_patterns.yml"
    original = target.read_text()
    target.write_text(BOMB.replace("i: &i", "bomb: &i") + "patterns:\n- id: p\n  pattern: [*i]\n")
    try:
        with pytest.raises(RuleError) as error:
            load_rules(rules_dir)
    finally:
        target.write_text(original)
    assert any("aliases expand" in str(problem) for problem in error.value.problems)


def test_rules_check_reports_problems_in_process(rules_dir, capsys):
    target = rules_dir / "linking.yml"
    original = target.read_text()
    target.write_text("anaphors: [\n" + "[" * 3000 + "\n")
    try:
        assert main(["rules", "check", "--rules", str(rules_dir)]) == 2
    finally:
        target.write_text(original)
    lines = capsys.readouterr().err.splitlines()
    assert lines[-1].endswith("problem(s) in the rule files")
    assert all(PROBLEM.match(line) for line in lines[:-1]), lines


def test_rules_check_command_exits_2_without_traceback(tmp_path):
    """The real command, on a copy where several files hold hostile content at once."""
    rules = tmp_path / "rules"
    shutil.copytree(RULES, rules)
    (rules / "functions.yml").write_text(HOSTILE[0])
    (rules / "linking.yml").write_text(HOSTILE[2])
    (rules / "org_patterns.yml").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00binary")
    (rules / "org_shapes.yml").write_text(HOSTILE[4])
    (rules / "organizations" / RULE_FILES[-1].split("/")[-1]).write_text(HOSTILE[7])
    result = subprocess.run([sys.executable, "-m", "pipeline", "rules", "check", "--rules", str(rules)],
                            capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert lines[-1].endswith("problem(s) in the rule files")
    assert all(PROBLEM.match(line) for line in lines[:-1]), lines
    for name in ("functions.yml", "linking.yml", "org_patterns.yml", "org_shapes.yml"):
        assert any(line.startswith(f"rules/{name}:") for line in lines), name


@pytest.mark.parametrize("key", ["match", "links", "no_links"])
def test_example_lists_must_be_lists(key, rules_dir, parse_once, monkeypatch):
    monkeypatch.setattr(pipeline.rules, "load_yaml", parse_once)
    target = rules_dir / "org_patterns.yml"
    original = target.read_text()
    data = yaml.safe_load(original)
    data["examples"][0][key] = True
    target.write_text(yaml.safe_dump(data, sort_keys=False))
    try:
        with pytest.raises(RuleError) as error:
            load_rules(rules_dir)
    finally:
        target.write_text(original)
    assert any(key in str(problem) for problem in error.value.problems)


def _problems_with(rules_dir: Path, name: str, content: str) -> list[str]:
    """The problems ``load_rules`` reports with ``rules/<name>`` replaced by ``content`` (the file is restored).

    ``rules check`` must report without crashing too (``check_load``).
    """
    target = rules_dir / name
    original = target.read_text()
    target.write_text(content)
    try:
        with pytest.raises(RuleError) as error:
            load_rules(rules_dir)
        check_load(rules_dir)
    finally:
        target.write_text(original)
    return [str(problem) for problem in error.value.problems]


@pytest.mark.parametrize("name, content, line, quoted", [
    # A word-list mapping key with a line break, in a mapping where another key holds a list.
    ("org_shapes.yml", 'head_types:\n  Forum: [a]\n  "Initiative\\nx": [[nested]]\n', 3,
     "'head_types: 'Initiative\\nx'' must be a list of strings"),
    # What the fuzzer above once drew (JSON is YAML too): an unknown top-level key is still read as a word list.
    ("org_shapes.yml", r'{"acronyms": {"\n": [[-33421709478100967424, null, "\u00b8|", 1.8123948315677393e-82, '
                       r'"\b\u008d\u0013"], "\ud90f\uddf1\u0017\u00bb\u00c5\u001f"], '
                       r'"\ud815\uddab7>Z\u00f8\ud9c7\udf74\u00b9": {}}, "134217727": [false, 592]}', 1,
     "'acronyms: '\\n'' must be a list of strings"),
    # spaCy's validation message repeats the token's key as written.
    ("org_patterns.yml", 'patterns:\n- id: p\n  pattern: [{"LOWER\\nX": a}]\n', 3, "LOWER\\nX"),
    # re's message repeats the character after '(?' as written.
    ("linking.yml", 'question_markers: ["(?\\n)"]\n', 1, "unknown extension ?\\n"),
], ids=["shapes-mapping-key", "shapes-fuzzed", "token-pattern-key", "regex"])
def test_line_breaks_quoted_from_a_rule_file_stay_on_the_problem_line(name, content, line, quoted, rules_dir,
                                                                        parse_once, monkeypatch):
    """A line break inside a key or a pattern is shown escaped, so the problem is still one file:line line."""
    monkeypatch.setattr(pipeline.rules, "load_yaml", parse_once)
    problems = _problems_with(rules_dir, name, content)
    assert any(p.startswith(f"rules/{name}:{line}: ") and quoted in p for p in problems), problems



@pytest.mark.parametrize("token", ["-47649: {x: '(?:a+)+$'}", "5: true", "true: true"],
                         ids=["negative", "number", "bool"])
def test_token_attributes_must_be_names(token, rules_dir, parse_once, monkeypatch):
    """A numbered attribute (which the fuzzer drew as -47649) made spaCy's validator raise IndexError."""
    monkeypatch.setattr(pipeline.rules, "load_yaml", parse_once)
    problems = _problems_with(rules_dir, "org_patterns.yml",
                              f"patterns:\n- id: p\n  pattern: [{{ORTH: CERT}}, {{{token}}}]\n")
    assert any(p.startswith("rules/org_patterns.yml:3: token attribute ") and "is not a name" in p
               for p in problems), problems


@pytest.mark.parametrize("regex", ["{}", "{REGEX: x}"], ids=["mapping", "nested"])
def test_regex_must_be_text(regex, rules_dir, parse_once, monkeypatch):
    """REGEX: {} (which the fuzzer drew) passes spaCy's schema and then made re.compile raise TypeError."""
    monkeypatch.setattr(pipeline.rules, "load_yaml", parse_once)
    problems = _problems_with(rules_dir, "org_patterns.yml",
                              f"patterns:\n- id: p\n  pattern: [{{ORTH: CERT}}, {{TEXT: {{REGEX: {regex}}}}}]\n")
    assert any(p.startswith("rules/org_patterns.yml:3: TEXT: REGEX must be a regular expression")
               for p in problems), problems


def _pure_python(text: str):
    """What load_yaml gives with the pure-Python loader only: ("ok", data) or ("error", message)."""
    from pipeline import yamlsafe
    try:
        return "ok", _slow_load(text)
    except yamlsafe.YamlError as error:
        return "error", str(error)


def _slow_load(text: str):
    from pipeline import yamlsafe
    real = yamlsafe._load_fast
    yamlsafe._load_fast = lambda text: yamlsafe._SLOW
    try:
        return yamlsafe.load_yaml("x.yml", text)
    finally:
        yamlsafe._load_fast = real


def _same(a, b) -> bool:
    """Equal data, types and line numbers (LineDict.line/key_lines, LineList.line/item_lines)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return (a.line, a.key_lines, list(a)) == (b.line, b.key_lines, list(b)) and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return ((a.line, a.item_lines, len(a)) == (b.line, b.item_lines, len(b))
                and all(_same(x, y) for x, y in zip(a, b)))
    return a == b or (a != a and b != b)   # NaN equals NaN here


def _check_fast_equals_slow(text: str) -> None:
    from pipeline import yamlsafe
    fast = yamlsafe._load_fast(text)
    kind, slow = _pure_python(text)
    if fast is yamlsafe._SLOW:
        return                                   # the pure-Python loader decides: nothing to compare
    assert kind == "ok", f"libyaml accepted what the pure-Python loader refuses: {slow}"
    assert _same(fast, slow)


@pytest.mark.parametrize("name", RULE_FILES)
def test_libyaml_reads_each_rule_file_like_the_pure_python_loader(name):
    """The fast path (pipeline.yamlsafe._load_fast) is taken for the real files and gives the same data and lines."""
    from pipeline import yamlsafe
    text = (RULES / name).read_text(encoding="utf-8")
    if yaml.__with_libyaml__:
        assert yamlsafe._load_fast(text) is not yamlsafe._SLOW
    _check_fast_equals_slow(text)


@pytest.mark.parametrize("hostile", HOSTILE, ids=range(len(HOSTILE)))
def test_libyaml_never_accepts_what_the_pure_python_loader_refuses(hostile):
    _check_fast_equals_slow(hostile)


@settings(max_examples=80 * SCALE, deadline=None, suppress_health_check=list(HealthCheck), database=None)
@given(st.one_of(rule_file_contents((RULES / "org_patterns.yml").read_text(encoding="utf-8")),
                 rule_file_contents((RULES / "org_shapes.yml").read_text(encoding="utf-8"))))
def test_libyaml_and_pure_python_agree_on_random_yaml(content):
    if isinstance(content, bytes):
        content = content.decode("utf-8", "replace")
    _check_fast_equals_slow(content)
