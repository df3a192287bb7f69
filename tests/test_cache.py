"""The start-up cache: same pipeline, faster, keyed on everything it depends on, never fatal."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap

import pytest

from pipeline import cache
from tests.conftest import RAW, ROOT, RULES


@pytest.fixture(scope="module")
def rules_dir(tmp_path_factory):
    """A private copy of rules/, so that edits elsewhere cannot change the key mid-test."""
    target = tmp_path_factory.mktemp("cache-rules") / "rules"
    shutil.copytree(RULES, target, ignore=shutil.ignore_patterns("*.md"))
    return target


@pytest.fixture(scope="module")
def stored(rules_dir, tmp_path_factory):
    """(first load, second load, cache folder): a build that was stored, then a load from the cache."""
    folder = tmp_path_factory.mktemp("nlp-cache")
    first = cache.load(rules_dir, folder)
    second = cache.load(rules_dir, folder)
    return first, second, folder


def _extract_seed(nlp, rules):
    from pipeline.corpus import list_documents, read_document
    from pipeline.extract import Context, extract_document
    from pipeline.normalize import normalize_text
    ctx = Context.build(rules, nlp)
    out = []
    for path in list_documents(RAW):
        text = normalize_text(read_document(RAW, path).text)
        result = extract_document(text, ctx)
        out.append((path.name, result.mentions, result.links, sorted(result.orgs)))
    return out


def test_second_load_hits_the_cache_and_gives_identical_results(stored):
    first, second, folder = stored
    assert first.status == "built" and second.status == "hit"
    assert first.path == second.path and second.path.parent == folder and second.path.is_file()
    assert oct(second.path.stat().st_mode & 0o777) == oct(0o600)
    assert second.nlp is not first.nlp and second.nlp.pipe_names == first.nlp.pipe_names
    built, loaded = _extract_seed(first.nlp, first.rules), _extract_seed(second.nlp, second.rules)
    assert sum(len(m) for _, m, _, _ in built) > 50
    assert loaded == built


def test_norms_and_anchored_matcher_survive_the_round_trip(stored):
    from pipeline.nlp import FUNCTION_PATTERNS, ORG_PATTERNS
    nlp = stored[1].nlp
    for word in ("Warnings", "Organisations"):
        assert word not in nlp.vocab.strings, f"{word} was already known: not a first sighting"
    doc = nlp("Warnings about Organisations: BJ-CSIRT shares threat intelligence.")
    assert [t.norm_ for t in doc[:3]] == ["warn", "about", "organization"]
    assert [s.kb_id_ for s in doc.spans[FUNCTION_PATTERNS]] == ["information_sharing/share_object"]
    assert [(s.text, s.kb_id_) for s in doc.spans[ORG_PATTERNS]] == [("BJ-CSIRT", "code_dash_cert")]


def test_a_fresh_process_loads_the_entry(stored, rules_dir):
    """The real use: another process, which has not imported pipeline.nlp before unpickling."""
    folder = stored[2]
    code = textwrap.dedent(f"""
        from pipeline import cache
        loaded = cache.load({str(rules_dir)!r}, {str(folder)!r})
        doc = loaded.nlp("Warnings: BJ-CSIRT shares threat intelligence.")
        print(loaded.status, doc[0].norm_, sorted(doc.spans))
    """)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    status, norm, *_ = done.stdout.split()
    assert (status, norm) == ("hit", "warn")
    assert "'function_patterns'" in done.stdout and "'org_patterns'" in done.stdout


def test_key_covers_rules_versions_and_code(rules_dir, stored, tmp_path, monkeypatch):
    from pipeline.rules import load_rules
    rules = stored[0].rules
    parts = cache.key_parts(rules)
    assert set(parts) == {"format", "rules", "spacy", "spacy-lookups-data", "orgfunctions", "python", "source"}
    assert parts["rules"] == rules.fingerprint
    key = cache.cache_key(rules)

    changed = tmp_path / "rules"
    shutil.copytree(rules_dir, changed)
    with open(changed / "org_shapes.yml", "a", encoding="utf-8") as handle:
        handle.write("# a comment is a change too\n")
    assert cache.cache_key(load_rules(changed)) != key

    monkeypatch.setattr(cache, "source_hash", lambda: "other code")
    assert cache.cache_key(rules) != key
    monkeypatch.undo()
    import spacy
    monkeypatch.setattr(spacy, "__version__", "0.0.0")
    assert cache.cache_key(rules) != key


@pytest.fixture
def fake_build(monkeypatch, stored):
    """build_nlp replaced by a counter that returns the stored pipeline (the rebuild itself is tested above)."""
    import pipeline.nlp
    calls = []

    def build(rules):
        calls.append(rules)
        return stored[0].nlp
    monkeypatch.setattr(pipeline.nlp, "build_nlp", build)
    return calls


@pytest.mark.parametrize("damage", ["garbage", "truncated", "flipped", "other-object", "group-writable"])
def test_a_damaged_entry_is_ignored_and_rebuilt(damage, stored, rules_dir, tmp_path, fake_build):
    import pickle
    entry = tmp_path / stored[1].path.name
    shutil.copy2(stored[1].path, entry)
    data = entry.read_bytes()
    if damage == "garbage":
        entry.write_bytes(b"\x00not a pickle at all" * 10)
    elif damage == "truncated":
        entry.write_bytes(data[: len(data) // 2])
    elif damage == "flipped":
        entry.write_bytes(data[:-100] + bytes([data[-100] ^ 0xFF]) + data[-99:])
    elif damage == "other-object":
        payload = pickle.dumps({"not": "a pipeline"})
        header = cache._header(cache.cache_key(stored[0].rules), payload, stored[0].nlp)
        entry.write_bytes(cache.MAGIC + header + payload)
    else:
        entry.chmod(0o666)
    loaded = cache.load(rules_dir, tmp_path)
    assert loaded.status == "built" and len(fake_build) == 1
    assert loaded.nlp.pipe_names == stored[0].nlp.pipe_names
    again = cache.load(rules_dir, tmp_path)
    assert again.status == "hit" and len(fake_build) == 1


def test_an_unusable_folder_never_fails_the_run(stored, rules_dir, tmp_path, fake_build):
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("x")
    loaded = cache.load(rules_dir, not_a_folder / "cache")
    assert loaded.status == "built-uncached" and loaded.nlp is stored[0].nlp
    assert not list(tmp_path.glob("**/.nlp-*"))


def test_environment_chooses_the_folder_or_turns_caching_off(monkeypatch, tmp_path, rules_dir, fake_build):
    monkeypatch.setenv("ORGFUNCTIONS_CACHE", str(tmp_path / "here"))
    assert cache.cache_dir() == tmp_path / "here"
    nlp, rules = cache.load_nlp_cached(rules_dir)
    assert list((tmp_path / "here").glob("nlp-*.pickle")) and rules.functions
    monkeypatch.setenv("ORGFUNCTIONS_CACHE", "off")
    assert cache.cache_dir() is None
    assert cache.load(rules_dir).status == "off"
    monkeypatch.delenv("ORGFUNCTIONS_CACHE")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache.cache_dir() == tmp_path / "xdg" / "orgfunctions"


def test_old_entries_are_pruned(stored, rules_dir, tmp_path, fake_build):
    for i in range(cache.KEEP + 3):
        old = tmp_path / f"nlp-{i:040d}.pickle"
        old.write_bytes(b"old")
        os.utime(old, (1_000_000 + i, 1_000_000 + i))
    stale_tmp = tmp_path / ".nlp-abandoned.tmp"
    stale_tmp.write_bytes(b"")
    os.utime(stale_tmp, (1_000_000, 1_000_000))
    loaded = cache.load(rules_dir, tmp_path)
    entries = sorted(tmp_path.glob("nlp-*.pickle"))
    assert loaded.path in entries and len(entries) == cache.KEEP
    assert tmp_path / f"nlp-{cache.KEEP + 2:040d}.pickle" in entries      # the most recent old ones stay
    assert not stale_tmp.exists()


def test_invalid_rules_are_reported_even_with_a_cache(stored, tmp_path):
    from pipeline.rules import RuleError
    broken = tmp_path / "rules"
    shutil.copytree(RULES, broken, ignore=shutil.ignore_patterns("*.md"))
    path = broken / "functions.yml"
    path.write_text(path.read_text(encoding="utf-8").replace("  - id: funding\n", "  - idd: funding\n", 1),
                    encoding="utf-8")
    with pytest.raises(RuleError) as error:
        cache.load(broken, stored[2])
    assert any("unknown key 'idd'" in str(p) for p in error.value.problems)
