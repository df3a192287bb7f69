"""A copy of the rules without the gazetteer entries of a gold set's organizations.

Scoring the development set with this copy measures what the generic rules
(acronym definitions, organization-shaped names, patterns) find on their own:
the part of the pipeline that has to work on organizations nobody listed.
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import yaml

from pipeline.evaluation.gold import gold_keys, norm
from pipeline.yamlsafe import load_yaml


def _read(path: Path):
    """A rule file as plain data, read the way the pipeline reads it ("on" stays a word, not True)."""
    return _plain(load_yaml(path))


def _plain(value):
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def gold_names(gold_dir: Path) -> tuple[set, set]:
    names, acronyms = set(), set()
    for path in sorted(Path(gold_dir).glob("*.json")):
        for entry in json.loads(path.read_text(encoding="utf-8"))["organizations"]:
            n, a = gold_keys(entry)
            names |= n
            acronyms |= a
    return names, acronyms


def ablate_gazetteer(rules_dir: Path, gold_dir: Path, target: Path) -> set[str]:
    """Copy ``rules_dir`` to ``target`` without the entries that name a gold organization; return their ids."""
    names, acronyms = gold_names(gold_dir)
    shutil.copytree(rules_dir, target)
    removed: set[str] = set()
    files = sorted((target / "organizations").glob("*.yml"))
    data = {path: _read(path) for path in files}
    for content in data.values():
        for entry in content.get("organizations") or []:
            keys = {norm(entry["name"]), *(norm(a) for a in entry.get("aliases") or [])}
            shorts = {norm(a) for a in (entry.get("acronyms") or []) + (entry.get("shared_acronyms") or [])}
            if keys & names or shorts & acronyms:
                removed.add(entry["id"])
    primary = {a for content in data.values() for entry in content.get("organizations") or []
               if entry["id"] not in removed for a in entry.get("acronyms") or []}
    for path, content in data.items():
        kept = []
        for entry in content.get("organizations") or []:
            if entry["id"] in removed:
                continue
            if entry.get("parent") in removed:
                entry.pop("parent")
            if entry.get("shared_acronyms"):
                entry["shared_acronyms"] = [a for a in entry["shared_acronyms"] if a in primary]
            kept.append(entry)
        content["organizations"] = kept
        content["examples"] = _examples_without(content.get("examples") or [], removed) or [
            {"text": "placeholder", "no_match": ["placeholder"]}]
        path.write_text(yaml.safe_dump(content, sort_keys=False, allow_unicode=True), encoding="utf-8")
    for path in sorted(target.glob("*.yml")):
        content = _read(path)
        if isinstance(content, dict) and "examples" in content:
            content["examples"] = _examples_without(content["examples"], removed)
        if isinstance(content, dict) and "functions" in content:
            for function in content["functions"]:
                function["examples"] = _examples_without(function.get("examples") or [], removed)
        path.write_text(yaml.safe_dump(content, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return removed


def _examples_without(examples: list, removed: set) -> list:
    out = []
    for example in examples:
        ids = {m.get("id") for m in example.get("match") or []} | {l.get("org") for l in example.get("links") or []} \
            | {l.get("org") for l in example.get("no_links") or []}
        if not ids & removed:
            out.append(example)
    return out
