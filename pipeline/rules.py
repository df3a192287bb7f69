"""Load and validate the rule files in ``rules/``.

The rules are data that domain experts edit: a gazetteer of organizations, a
taxonomy of functions, generic organization patterns, the word lists that shape
organization-like names, and the cues that link an organization to a function.
Loading validates everything at once and reports each problem as
``file:line: what is wrong; how to fix it`` (the presidio and semgrep habit),
so a broken edit never surfaces as a traceback from deep inside spaCy.
"""
from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from pipeline.names import name_key
from pipeline.yamlsafe import LineDict, YamlError, load_yaml

try:  # Python 3.11+: the regex parser moved to private modules; the old names warn.
    from re import _constants as sre_constants, _parser as sre_parse
except ImportError:  # pragma: no cover - older Pythons
    import sre_constants, sre_parse  # type: ignore[no-redef]

ORG_TYPES = (
    "igo", "regional", "un_body", "standards_body", "ngo_or_forum",
    "think_tank", "national_agency", "private_company", "initiative",
)
ID_RE = re.compile(r"^[a-z0-9][a-z0-9_]*$")

ORG_KEYS = {"id", "name", "acronyms", "shared_acronyms", "aliases", "short_names", "type", "parent", "country",
            "note"}
FUNCTION_KEYS = {"id", "label", "definition", "phrases", "patterns", "examples", "note"}
PATTERN_KEYS = {"id", "pattern", "before_name", "owner", "note"}
ORG_PATTERN_KEYS = {"id", "pattern", "type", "note"}
EXAMPLE_KEYS = {"text", "match", "no_match", "links", "no_links", "gap", "note"}
SHAPE_KEYS = {
    "head_words", "head_types", "connectors", "name_initial_stopwords", "generic_modifiers", "place_modifiers",
    "generic_phrases", "non_org_heads", "field_heads", "non_org_names", "non_org_acronyms", "organ_names",
    "list_kinds", "list_openers", "examples",
}
PLACE_KEYS = {"countries", "regions", "subdivisions", "examples"}
COUNTRY_RE = re.compile(r"[A-Z]{2}")       # an organization's country: an ISO 3166-1 code that places.yml lists
# Linking lists compared token by token: a phrase there would never match.
ONE_WORD_KEYS = {"actor_openers", "receiver_prepositions", "possessive_markers", "anaphor_heads", "partner_verbs",
                 "kind_heads", "activity_nouns", "definite_heads", "lead_in_pronouns", "reporting_verbs",
                 "partner_nouns", "singular_anaphors", "participant_nouns", "staff_nouns", "member_nouns",
                 "training_verbs", "receiving_verbs", "relative_pronouns", "instrument_verbs", "clause_joiners",
                 "founding_verbs", "charging_verbs", "participation_verbs", "purpose_heads", "judging_verbs"}
LINKING_KEYS = {
    "actor_openers", "receiver_prepositions", "possessive_markers", "topic_cues", "other_agent_cues", "negations",
    "anaphors", "anaphor_heads", "singular_anaphors", "definite_heads", "example_openers", "example_markers",
    "partner_verbs", "partner_nouns", "participant_nouns", "staff_nouns", "member_nouns", "kind_heads",
    "activity_nouns", "relative_pronouns", "instrument_verbs", "clause_joiners", "lead_in_pronouns", "reporting_verbs", "training_verbs",
    "receiving_verbs", "question_markers", "answer_markers", "lead_adverbials", "founding_verbs", "charging_verbs",
    "praise_verbs", "assigning_verbs", "participation_verbs", "purpose_heads", "judging_verbs", "examples",
}


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a rule file, with the place and the fix."""

    path: str
    line: int
    message: str
    fix: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}; {self.fix}"


class RuleError(ValueError):
    """Raised when rule files have problems; carries all of them."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass(frozen=True)
class Organization:
    id: str
    name: str
    type: str
    acronyms: tuple[str, ...] = ()
    shared_acronyms: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    parent: str | None = None
    country: str | None = None
    path: str = ""
    line: int = 0
    short_names: tuple[str, ...] = ()   # names that count only where the document names it or its parent otherwise


@dataclass(frozen=True)
class TokenPattern:
    id: str
    pattern: tuple
    path: str
    line: int
    type: str | None = None
    before_name: bool = False   # the mention ends before the organization name the pattern's end runs into
    owner: str | None = None    # "before"/"after": the match starts/ends in the name of the one organization doing it


@dataclass(frozen=True)
class Function:
    id: str
    label: str
    definition: str
    phrases: tuple[str, ...]
    patterns: tuple[TokenPattern, ...]
    path: str
    line: int


@dataclass(frozen=True)
class Example:
    """Text that must (or must not) produce a span, a link, or a known gap."""

    path: str
    line: int
    text: str
    match: tuple[tuple[str, str], ...] = ()
    no_match: tuple[str, ...] = ()
    links: tuple[tuple[str, str], ...] = ()
    no_links: tuple[tuple[str, str], ...] = ()
    gap: str | None = None

    @property
    def name(self) -> str:
        return f"{Path(self.path).name}:{self.line}"


@dataclass(frozen=True)
class Rules:
    """Everything in ``rules/``, validated."""

    organizations: tuple[Organization, ...]
    functions: tuple[Function, ...]
    org_patterns: tuple[TokenPattern, ...]
    shapes: dict
    linking: dict
    examples: tuple[Example, ...]
    files: dict = field(default_factory=dict)  # relative path -> sha256
    places: dict = field(default_factory=dict)  # countries: code -> names; regions: names

    @property
    def fingerprint(self) -> str:
        """A hash of every rule file, so caches and run ids change with the rules."""
        digest = hashlib.sha256()
        for name, sha in sorted(self.files.items()):
            digest.update(f"{name}\0{sha}\n".encode())
        return digest.hexdigest()

    def organization(self, org_id: str) -> Organization | None:
        return self._by_id.get(org_id)

    @property
    def _by_id(self) -> dict:
        cache = self.__dict__.get("_org_index")
        if cache is None:
            cache = {o.id: o for o in self.organizations}
            object.__setattr__(self, "_org_index", cache)
        return cache

    @property
    def function_ids(self) -> tuple[str, ...]:
        return tuple(f.id for f in self.functions)


def rule_files(rules_dir: Path) -> list[Path]:
    """Every rule file, in a stable order (the Makefile lists the same set)."""
    return sorted(p for p in Path(rules_dir).rglob("*.yml") if p.is_file())


def load_rules(rules_dir: Path | str) -> Rules:
    """Read, validate and return the rules; raise RuleError with every problem found."""
    rules_dir = Path(rules_dir)
    if not rules_dir.is_dir():
        raise RuleError([Problem(str(rules_dir), 0, "the rules folder does not exist",
                                 "pass --rules with the folder that holds organizations/ and functions.yml")])
    checker = _Checker(rules_dir)
    return checker.run()


_LAST: dict = {}   # the rules this process last loaded: {"key": digest, "rules": Rules}


def _files_key(rules_dir: Path) -> str:
    """A digest of the folder and of every rule file's path and content.

    The folder counts by its real path and by its last name, which is what
    the paths in the rules depend on (they are relative to its parent), so
    ``rules`` and the same folder spelled absolutely share one key.
    """
    digest = hashlib.sha256(f"{rules_dir.resolve()}\0{rules_dir.name}".encode())
    for path in rule_files(rules_dir):
        relative = path.relative_to(rules_dir).as_posix()
        digest.update(f"\0{relative}\0".encode() + hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def load_rules_reused(rules_dir: Path | str) -> Rules:
    """``load_rules``, reusing the rules this process last loaded from the same, unchanged files.

    One ``run`` needs the rules in the extract stage, in the start-up cache of
    the spaCy pipeline and again in resolve; reading and validating the YAML
    took about a third of a second each time. The key is the folder and every
    rule file's path and content, so an edited file is read and validated
    again, and invalid rules (which raise) are never remembered. Forked
    workers inherit what the parent loaded.
    """
    rules_dir = Path(rules_dir)
    if not rules_dir.is_dir():
        return load_rules(rules_dir)       # raises the usual RuleError
    key = _files_key(rules_dir)
    if _LAST.get("key") != key:
        _LAST.clear()
        _LAST.update(key=key, rules=load_rules(rules_dir))
    return _LAST["rules"]


def _alias_key(text: str) -> str:
    """Comparison key for names: case, spelling, hyphen and article variants fold together."""
    return name_key(text)


class _Checker:
    def __init__(self, rules_dir: Path):
        self.rules_dir = rules_dir
        self.problems: list[Problem] = []
        # A file that could not be read hides the ids it defines: checks that other files name
        # known ids would then report every reference to them, burying the one real problem.
        self.unreadable = False
        # Ids of entries skipped for a problem already reported: references to them are not reported again.
        self.skipped: set[str] = set()

    def problem(self, path: Path | str, line: int, message: str, fix: str) -> None:
        self.problems.append(Problem(self._rel(path), line, _one_line(message), _one_line(fix)))

    def _rel(self, path: Path | str) -> str:
        path = Path(path)
        try:
            return str(path.relative_to(self.rules_dir.parent))
        except ValueError:
            return str(path)

    # -- reading -------------------------------------------------------------
    def _read(self, path: Path, required_key: str | None, allowed: set[str]) -> LineDict | None:
        try:
            data = load_yaml(path)
        except YamlError as exc:
            self.problem(path, exc.line, exc.message, exc.fix)
            self.unreadable = True
            return None
        if data is None:
            data = LineDict()
            data.line, data.key_lines = 1, {}
        if not isinstance(data, dict):
            self.problem(path, getattr(data, "line", 1), "the file must be a mapping of keys",
                         f"start the file with '{required_key or 'key'}:'")
            self.unreadable = True
            return None
        for key in data:
            if key not in allowed:
                self.problem(path, data.key_lines.get(key, 1), f"unknown top-level key {key!r}",
                             f"use one of: {', '.join(sorted(allowed))}")
        if required_key and required_key not in data:
            self.problem(path, 1, f"missing top-level key {required_key!r}",
                         f"add '{required_key}:' followed by a list")
            self.unreadable = True
        return data

    def run(self) -> Rules:
        files = rule_files(self.rules_dir)
        hashes = {self._rel(p): hashlib.sha256(p.read_bytes()).hexdigest() for p in files}
        organizations, examples = [], []
        for stray in sorted(p for p in self.rules_dir.rglob("*.yaml") if p.is_file()):
            self.problem(stray, 1, "rule files end in .yml, so this file is not read",
                         f"rename it to {stray.stem}.yml")
            self.unreadable = True
        org_dir = self.rules_dir / "organizations"
        org_files = sorted(org_dir.glob("*.yml")) if org_dir.is_dir() else []
        if not org_files:
            self.problem(org_dir, 0, "no gazetteer files found",
                         "add at least one rules/organizations/*.yml file with an 'organizations:' list")
            self.unreadable = True
        for path in org_files:
            data = self._read(path, "organizations", {"organizations", "examples"})
            if data is None:
                continue
            organizations += self._organizations(path, data.get("organizations"))
            examples += self._examples(path, data.get("examples"), required=True)

        functions = []
        path = self.rules_dir / "functions.yml"
        data = self._read(path, "functions", {"functions"}) if path.exists() else None
        if not path.exists():
            self.problem(path, 0, "missing file", "create rules/functions.yml with a 'functions:' list")
            self.unreadable = True
        if data is not None:
            functions, fexamples = self._functions(path, data.get("functions"))
            examples += fexamples

        org_patterns = []
        path = self.rules_dir / "org_patterns.yml"
        if path.exists():
            data = self._read(path, "patterns", {"patterns", "examples"})
            if data is not None:
                org_patterns = self._patterns(path, data.get("patterns"), ORG_PATTERN_KEYS, kind="organization")
                examples += self._examples(path, data.get("examples"), required=True)

        shapes = self._wordlists(self.rules_dir / "org_shapes.yml", SHAPE_KEYS, examples)
        linking = self._wordlists(self.rules_dir / "linking.yml", LINKING_KEYS, examples)
        places = self._wordlists(self.rules_dir / "places.yml", PLACE_KEYS, examples)
        places.pop("_lines", None)
        codes = places.get("countries", {})
        for org in organizations if codes and not self.unreadable else ():
            if org.country is not None and COUNTRY_RE.fullmatch(org.country) and org.country not in codes:
                self.problem(org.path, org.line, f"country {org.country!r} is not in rules/places.yml",
                             "use the ISO 3166-1 code of the country, or add it to 'countries' in rules/places.yml")
        for key in ("question_markers", "answer_markers"):
            for i, pattern in enumerate(linking.get(key, ())):
                self._check_regex(self.rules_dir / "linking.yml", linking.get("_lines", {}).get(key, 1), pattern)

        self._cross_check(organizations, functions, org_patterns, examples)
        if self.problems:
            raise RuleError(self.problems)
        linking.pop("_lines", None)
        shapes.pop("_lines", None)
        return Rules(tuple(organizations), tuple(functions), tuple(org_patterns), shapes, linking,
                     tuple(examples), hashes, places)

    # -- sections --------------------------------------------------------------
    def _entries(self, path: Path, entries: Any, what: str) -> Iterable[tuple[int, dict]]:
        if entries is None:
            return []
        if not isinstance(entries, list):
            self.problem(path, getattr(entries, "line", 1), f"'{what}' must be a list",
                         f"write each {what[:-1]} as an item starting with '- '")
            return []
        out = []
        for i, entry in enumerate(entries):
            line = entries.item_lines[i] if hasattr(entries, "item_lines") else 1
            if not isinstance(entry, dict):
                self.problem(path, line, f"this {what[:-1]} is not a mapping", "write it as 'key: value' lines")
                continue
            out.append((line, entry))
        return out

    def _skip(self, entry: dict) -> None:
        if isinstance(entry.get("id"), str):
            self.skipped.add(entry["id"])

    def _keys(self, path: Path, line: int, entry: dict, allowed: set[str], required: Iterable[str]) -> bool:
        ok = True
        for key in entry:
            if key not in allowed:
                self.problem(path, entry.key_lines.get(key, line), f"unknown key {key!r}",
                             f"use one of: {', '.join(sorted(allowed))} (check the spelling)")
        for key in required:
            if key not in entry or entry[key] in (None, ""):
                self.problem(path, line, f"missing required key {key!r}", f"add '{key}: ...' to this entry")
                ok = False
        return ok

    def _scalars_ok(self, path: Path, line: int, entry: dict, keys: Iterable[str]) -> bool:
        """Keys that must hold one plain value (a name, an id), never a list or a mapping."""
        ok = True
        for key in keys:
            value = entry.get(key)
            if value is not None and not isinstance(value, (str, int, float)) or isinstance(value, bool):
                self.problem(path, entry.key_lines.get(key, line), f"'{key}' must be a single value, "
                             f"not {type(value).__name__}", f"write '{key}: some text' on one line")
                ok = False
        return ok

    def _strings(self, path: Path, line: int, value: Any, key: str) -> tuple[str, ...]:
        if value is None:
            return ()
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, (str, int, float)) for v in value):
            self.problem(path, line, f"'{key}' must be a list of strings", f"write {key}: [first, second]")
            return ()
        return tuple(str(v).strip() for v in value if str(v).strip())

    def _visible(self, path: Path, line: int, key: str, value: Any) -> None:
        """Names and phrases hold no invisible formatting characters (zero-width space, soft hyphen, ...).

        Normalization removes them from documents, so a name holding one could never match.
        """
        for text in ([value] if isinstance(value, str) else value if isinstance(value, (list, tuple)) else ()):
            hidden = [c for c in str(text) if unicodedata.category(c) == "Cf"]
            if hidden:
                self.problem(path, line, f"{key}: {str(text)!r} holds the invisible character U+{ord(hidden[0]):04X}",
                             "delete it: documents lose such characters before matching, so this could never match")

    def _organizations(self, path: Path, entries: Any) -> list[Organization]:
        out = []
        for line, entry in self._entries(path, entries, "organizations"):
            if not self._keys(path, line, entry, ORG_KEYS, ("id", "name", "type")) or \
                    not self._scalars_ok(path, line, entry, ("id", "name", "type", "parent", "country", "note")):
                self._skip(entry)
                continue
            org_id = str(entry["id"])
            if not ID_RE.match(org_id):
                self.problem(path, line, f"id {org_id!r} is not lowercase snake_case",
                             "use only a-z, 0-9 and _ (for example 'un_gge')")
            if entry["type"] not in ORG_TYPES:
                self.problem(path, entry.key_lines.get("type", line), f"unknown organization type {entry['type']!r}",
                             f"use one of: {', '.join(ORG_TYPES)}")
            country = entry.get("country")
            if country is not None and not COUNTRY_RE.fullmatch(str(country)):
                self.problem(path, entry.key_lines.get("country", line),
                             f"country {country!r} is not a two-letter country code",
                             "write the ISO 3166-1 code in capitals, as in rules/places.yml (for example LC)")
            for key in ("name", "acronyms", "shared_acronyms", "aliases", "short_names"):
                self._visible(path, entry.key_lines.get(key, line), key, entry.get(key))
            out.append(Organization(
                id=org_id, name=str(entry["name"]).strip(), type=str(entry["type"]),
                acronyms=self._strings(path, line, entry.get("acronyms"), "acronyms"),
                shared_acronyms=self._strings(path, line, entry.get("shared_acronyms"), "shared_acronyms"),
                aliases=self._strings(path, line, entry.get("aliases"), "aliases"),
                short_names=self._strings(path, line, entry.get("short_names"), "short_names"),
                parent=None if entry.get("parent") is None else str(entry["parent"]),
                country=None if entry.get("country") is None else str(entry["country"]),
                path=self._rel(path), line=line))
        return out

    def _patterns(self, path: Path, entries: Any, allowed: set[str], kind: str) -> list[TokenPattern]:
        from spacy.schemas import validate_token_pattern
        out = []
        for line, entry in self._entries(path, entries, "patterns"):
            if not self._keys(path, line, entry, allowed, ("id", "pattern")) or \
                    not self._scalars_ok(path, line, entry, ("id", "type")):
                continue
            pattern = _plain(entry["pattern"])
            if not isinstance(pattern, list) or not pattern:
                self.problem(path, line, "'pattern' must be a non-empty list of token descriptions",
                             "write pattern: [{LOWER: word}, ...] as in spaCy's Matcher")
                continue
            # spaCy reads an integer key as an attribute's number (and raises IndexError on one out of range);
            # in a rule file it is a typo, never a choice.
            unnamed = [key for token in pattern if isinstance(token, dict) for key in token if not isinstance(key, str)]
            if unnamed:
                self.problem(path, entry.key_lines.get("pattern", line),
                             f"token attribute {unnamed[0]!r} is not a name",
                             "write each attribute by name as in spaCy's Matcher, such as LOWER or ORTH")
                continue
            # spaCy reads 'lemma:' as its own LEMMA (empty here: ours is the one 'LEMMA' is turned into), and the
            # anchor words and window lengths read the capitalized names only: a pattern would silently misfire.
            lower = [key for token in pattern if isinstance(token, dict) for key in _attribute_keys(token)
                     if key != key.upper()]
            if lower:
                self.problem(path, entry.key_lines.get("pattern", line),
                             f"token attribute {lower[0]!r} is written in lower case",
                             f"write it in capitals, {lower[0].upper()}, like every attribute and operator "
                             "of a token pattern")
                continue
            errors = validate_token_pattern(pattern)
            for error in errors:
                self.problem(path, entry.key_lines.get("pattern", line), f"spaCy rejects this token pattern: {error}",
                             "see https://spacy.io/usage/rule-based-matching#matcher for the token attributes")
            if errors:
                continue
            for token in pattern:
                for attr, value in token.items():
                    if isinstance(value, dict) and "REGEX" in value:
                        if isinstance(value["REGEX"], str):
                            self._check_regex(path, entry.key_lines.get("pattern", line), value["REGEX"])
                        else:   # spaCy's schema lets a mapping through here
                            self.problem(path, entry.key_lines.get("pattern", line),
                                         f"{attr}: REGEX must be a regular expression written as text, "
                                         f"not {type(value['REGEX']).__name__}", f"write {attr}: {{REGEX: '^word$'}}")
            if not _anchors(pattern):
                self.problem(path, entry.key_lines.get("pattern", line),
                             "the pattern has no required literal word (LOWER, ORTH or LEMMA with a value or IN list)",
                             "add at least one token without OP that names its word(s); it keeps matching fast")
            if entry.get("type") is not None and entry["type"] not in ORG_TYPES:
                self.problem(path, line, f"unknown organization type {entry['type']!r}",
                             f"use one of: {', '.join(ORG_TYPES)}")
            before_name = entry.get("before_name", False)
            if not isinstance(before_name, bool):
                self.problem(path, entry.key_lines.get("before_name", line),
                             f"before_name must be true or false, not {before_name!r}", "write before_name: true")
                before_name = False
            owner = entry.get("owner")
            if owner is not None and owner not in ("before", "after"):
                self.problem(path, entry.key_lines.get("owner", line),
                             f"owner must be before or after, not {owner!r}",
                             "write owner: before (the name comes first, 'a WHO report') or owner: after "
                             "('a study by the OECD')")
                owner = None
            if owner and before_name:
                self.problem(path, entry.key_lines.get("owner", line),
                             "a pattern has either owner or before_name, not both",
                             "keep owner if the name beside the match does the function, before_name if it only "
                             "follows the verb ('funds the OAS')")
            out.append(TokenPattern(str(entry["id"]), _freeze(pattern), self._rel(path), line, entry.get("type"),
                                    before_name, owner))
        return out

    def _functions(self, path: Path, entries: Any) -> tuple[list[Function], list[Example]]:
        functions, examples = [], []
        for line, entry in self._entries(path, entries, "functions"):
            if not self._keys(path, line, entry, FUNCTION_KEYS, ("id", "label", "definition")) or \
                    not self._scalars_ok(path, line, entry, ("id", "label", "definition")):
                self._skip(entry)
                continue
            fid = str(entry["id"])
            if not ID_RE.match(fid):
                self.problem(path, line, f"function id {fid!r} is not lowercase snake_case", "use only a-z, 0-9 and _")
            phrases = self._strings(path, entry.key_lines.get("phrases", line), entry.get("phrases"), "phrases")
            self._visible(path, entry.key_lines.get("phrases", line), "phrases", phrases)
            patterns = self._patterns(path, entry.get("patterns"), PATTERN_KEYS, kind="function")
            if not phrases and not patterns:
                self.problem(path, line, f"function {fid!r} has no phrases and no patterns",
                             "add 'phrases:' with at least one trigger phrase")
            functions.append(Function(fid, str(entry["label"]), str(entry["definition"]), phrases,
                                      tuple(patterns), self._rel(path), line))
            examples += self._examples(path, entry.get("examples"), required=True, owner=fid)
        return functions, examples

    def _wordlists(self, path: Path, allowed: set[str], examples: list[Example]) -> dict:
        if not path.exists():
            self.problem(path, 0, "missing file", f"restore {path.name} (see rules/README.md)")
            return {}
        data = self._read(path, None, allowed)
        if data is None:
            return {}
        out: dict = {"_lines": dict(data.key_lines)}
        examples += self._examples(path, data.get("examples"), required=True)
        for key, value in data.items():
            if key == "examples":
                continue
            elif isinstance(value, dict) and any(isinstance(v, list) for v in value.values()):
                key_lines = getattr(value, "key_lines", {})
                out[key] = {str(k): self._strings(path, key_lines.get(k, data.key_lines.get(key, 1)), v,
                                                  f"{key}: {_shown(k)}")
                            for k, v in value.items()}
            elif isinstance(value, dict):
                out[key] = {str(k): (str(v) if v is not None else None) for k, v in value.items()}
            else:
                out[key] = self._strings(path, data.key_lines.get(key, 1), value, key)
                if key in ONE_WORD_KEYS:
                    for word in out[key]:
                        if len(word.split()) != 1:
                            self.problem(path, data.key_lines.get(key, 1),
                                         f"{key}: {word!r} is not one word (this list is compared word by word)",
                                         "write one word per entry; phrases go in the lists that take them")
        return out

    def _examples(self, path: Path, entries: Any, required: bool, owner: str | None = None) -> list[Example]:
        if entries is None:
            if required:
                where = f"function {owner!r}" if owner else "this file"
                self.problem(path, 1, f"{where} has no examples",
                             "add 'examples:' with text that must match and text that must not")
            return []
        out = []
        for line, entry in self._entries(path, entries, "examples"):
            if not self._keys(path, line, entry, EXAMPLE_KEYS, ("text",)) or \
                    not self._scalars_ok(path, line, entry, ("text", "gap", "note")):
                continue
            text = str(entry["text"])
            match = []
            for key in ("match", "links", "no_links"):
                if entry.get(key) is not None and not isinstance(entry[key], list):
                    self.problem(path, entry.key_lines.get(key, line), f"'{key}' must be a list",
                                 f"write {key}: [...] with one item per expected span or link")
                    entry[key] = None
            for item in entry.get("match") or []:
                if not isinstance(item, dict) or "text" not in item or "id" not in item:
                    self.problem(path, line, "each 'match' item needs 'text' and 'id'",
                                 "write match: [{text: ITU, id: itu}]")
                    continue
                if str(item["text"]) not in text:
                    self.problem(path, line, f"match text {item['text']!r} does not occur in the example text",
                                 "copy the span exactly as it is written in 'text'")
                match.append((str(item["text"]), str(item["id"])))
            no_match = self._strings(path, line, entry.get("no_match"), "no_match")
            for span in no_match:
                if span not in text:
                    self.problem(path, line, f"no_match text {span!r} does not occur in the example text",
                                 "copy the span exactly as it is written in 'text'")
            links = tuple(self._pairs(path, line, entry.get("links"), "links"))
            no_links = tuple(self._pairs(path, line, entry.get("no_links"), "no_links"))
            if not (match or no_match or links or no_links):
                self.problem(path, line, "the example says nothing to check",
                             "add 'match:', 'no_match:', 'links:' or 'no_links:'")
            gap = entry.get("gap")
            out.append(Example(self._rel(path), line, text, tuple(match), no_match, links, no_links,
                               str(gap) if gap else None))
        return out

    def _pairs(self, path: Path, line: int, items: Any, key: str) -> list[tuple[str, str]]:
        out = []
        for item in items or []:
            if not isinstance(item, dict) or "org" not in item or "function" not in item:
                self.problem(path, line, f"each '{key}' item needs 'org' and 'function'",
                             f"write {key}: [{{org: itu, function: information_sharing}}]")
                continue
            out.append((str(item["org"]), str(item["function"])))
        return out

    def _check_regex(self, path: Path, line: int, pattern: str) -> None:
        try:
            re.compile(pattern)
        except re.error as exc:
            self.problem(path, line, f"regular expression {pattern!r} does not compile ({exc})",
                         "escape special characters such as ( ) [ ] . with a backslash")
            return
        if _can_backtrack_catastrophically(pattern):
            self.problem(path, line, f"regular expression {pattern!r} nests repetitions and can backtrack "
                         "catastrophically", "remove the inner + or * (for example write (ab)+ instead of (a+b)+)")

    # -- cross-file checks -------------------------------------------------------
    def _cross_check(self, organizations, functions, org_patterns, examples) -> None:
        seen: dict[str, Organization] = {}
        for org in organizations:
            if org.id in seen:
                first = seen[org.id]
                self.problem(org.path, org.line, f"duplicate organization id {org.id!r} (first at {first.path}:{first.line})",
                             "give one of them another id")
            seen.setdefault(org.id, org)
        acronym_owner: dict[str, Organization] = {}
        alias_owner: dict[str, tuple[Organization, str]] = {}
        for org in organizations:
            if org.parent is not None and org.parent not in seen and org.parent not in self.skipped \
                    and not self.unreadable:
                self.problem(org.path, org.line, f"parent {org.parent!r} is not the id of any organization",
                             "use the id of an entry in rules/organizations/ or remove 'parent'")
            for acronym in org.acronyms:
                other = acronym_owner.get(acronym)
                if other is not None and other.id != org.id:
                    self.problem(org.path, org.line, f"acronym {acronym!r} is already claimed by {other.id!r} "
                                 f"({other.path}:{other.line})",
                                 "keep it in 'acronyms' of one entry and move it to 'shared_acronyms' of the other")
                acronym_owner.setdefault(acronym, org)
            for name in (org.name, *org.aliases, *org.short_names):
                key = _alias_key(name)
                owner = alias_owner.get(key)
                if owner is not None and owner[0].id != org.id:
                    self.problem(org.path, org.line, f"name {name!r} is also a name of {owner[0].id!r} "
                                 f"({owner[0].path}:{owner[0].line})",
                                 "an alias can belong to one organization only: remove it from one of them")
                alias_owner.setdefault(key, (org, name))
        for org in organizations:
            for acronym in org.shared_acronyms:
                if acronym not in acronym_owner and not self.unreadable:
                    self.problem(org.path, org.line, f"shared acronym {acronym!r} is nobody's main acronym",
                                 "move it to 'acronyms' or add it to the organization that mainly uses it")
        fids: dict[str, Function] = {}
        for fn in functions:
            if fn.id in fids:
                self.problem(fn.path, fn.line, f"duplicate function id {fn.id!r}", "give one of them another id")
            fids.setdefault(fn.id, fn)
        phrase_owner: dict[str, str] = {}
        for fn in functions:
            for phrase in fn.phrases:
                key = " ".join(phrase.lower().replace("-", " ").split())
                if key in phrase_owner and phrase_owner[key] != fn.id:
                    self.problem(fn.path, fn.line, f"phrase {phrase!r} is listed under {phrase_owner[key]!r} and {fn.id!r}",
                                 "keep it under the more specific function only")
                phrase_owner.setdefault(key, fn.id)
        pattern_ids: set[str] = set()
        for pattern in org_patterns:
            if pattern.id in pattern_ids:
                self.problem(pattern.path, pattern.line, f"duplicate pattern id {pattern.id!r}", "give it another id")
            pattern_ids.add(pattern.id)
        known = set(seen) | set(fids) | self.skipped
        for example in examples if not self.unreadable else ():
            for _, eid in example.match:
                if eid not in known and not eid.startswith("new:"):
                    self.problem(example.path, example.line, f"example refers to unknown id {eid!r}",
                                 "use an organization id, a function id, or 'new:<name>' for an organization "
                                 "that is not in the gazetteer")
            for org_id, fid in (*example.links, *example.no_links):
                if fid not in fids and fid not in self.skipped:
                    self.problem(example.path, example.line, f"example refers to unknown function {fid!r}",
                                 f"use one of: {', '.join(sorted(fids))}")
                # A no_link on an id nothing can have would pass whatever the pipeline does.
                if org_id not in seen and org_id not in self.skipped and not org_id.startswith("new:"):
                    self.problem(example.path, example.line, f"example refers to unknown organization {org_id!r}",
                                 "use a gazetteer id, or 'new:<name>' for an organization the gazetteer lacks")


# What str.splitlines() splits on: in a problem each would start a new line.
_LINE_BREAKS = re.compile("[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")


def _one_line(text: str) -> str:
    """``text`` with every line break written as its escape (``\\n``), so a problem stays one line.

    Messages quote what the rule file holds: a mapping key, spaCy's and
    ``re``'s own error texts, which repeat the author's keys and patterns as
    written. A quoted line break would split ``file:line: what; fix`` in two.
    """
    return _LINE_BREAKS.sub(lambda m: repr(m.group())[1:-1], text)


def _shown(key: Any) -> str:
    """A mapping key as a message shows it: as written when it is printable text, else its repr."""
    return key if isinstance(key, str) and key.isprintable() else repr(key)


def _plain(value: Any) -> Any:
    """LineDict/LineList → plain dict/list (spaCy's validators expect plain types)."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _freeze(value: Any) -> Any:
    """Plain data → hashable tuples, so Rules stays immutable."""
    if isinstance(value, dict):
        return tuple((k, _freeze(v)) for k, v in value.items())
    if isinstance(value, list):
        return tuple(_freeze(v) for v in value)
    return value


def thaw(value: Any) -> Any:
    """Inverse of ``_freeze`` for token patterns: tuples of pairs become dicts again."""
    if isinstance(value, tuple) and value and all(isinstance(v, tuple) and len(v) == 2 and isinstance(v[0], str)
                                                  for v in value):
        return {k: thaw(v) for k, v in value}
    if isinstance(value, tuple):
        return [thaw(v) for v in value]
    return value


_LITERAL_ATTRS = {"ORTH", "LOWER", "LEMMA", "NORM", "TEXT"}


def _anchors(pattern: list[dict]) -> set[str]:
    """The words a match must contain: literal values of tokens that are not optional.

    Returns lowercase words; an empty set means the pattern could match anywhere.
    """
    words: set[str] = set()
    for token in pattern:
        if token.get("OP") in ("?", "*", "!") or str(token.get("OP", "")).startswith("{0"):
            continue
        for attr, value in token.items():
            if attr not in _LITERAL_ATTRS:
                continue
            if isinstance(value, str):
                return {value.lower()}
            if isinstance(value, dict) and isinstance(value.get("IN"), list):
                return {str(v).lower() for v in value["IN"]}
    return words


def _attribute_keys(token: dict) -> Iterable[str]:
    """A token description's attribute names and the operators of their values (IN, REGEX, ...).

    The names inside ``_`` are custom extensions, named by whoever registered them, so they are not included.
    """
    for attr, value in token.items():
        yield attr
        if attr != "_" and isinstance(value, dict):
            yield from (key for key in value if isinstance(key, str))


def _can_backtrack_catastrophically(pattern: str) -> bool:
    """True when an unbounded repetition contains another unbounded repetition.

    Nested quantifiers such as ``(a+)+`` or ``(\\w*\\s?)*`` are the classic cause of
    exponential backtracking in Python's ``re`` (OWASP, "Regular expression Denial
    of Service"). This check is conservative: it flags every nesting, including
    some that a smarter analysis would prove safe.
    """
    try:
        parsed = sre_parse.parse(pattern)
    except (sre_constants.error, re.error):
        return False

    def walk(items, inside_repeat: bool) -> bool:
        for op, arg in items:
            if op in (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT):
                low, high, sub = arg
                unbounded = high == sre_constants.MAXREPEAT or high > 100
                if unbounded and inside_repeat:
                    return True
                if walk(sub, inside_repeat or unbounded):
                    return True
            elif op == sre_constants.SUBPATTERN:
                if walk(arg[-1], inside_repeat):
                    return True
            elif op == sre_constants.BRANCH:
                if any(walk(branch, inside_repeat) for branch in arg[1]):
                    return True
        return False

    return walk(parsed, False)
