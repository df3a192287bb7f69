"""How organization names vary, and the keys that fold the variants together.

One real organization is written many ways: Organisation/Organization,
Co-operation/Cooperation, Inter-regional/Interregional, "the ITU's", "UN" or
"United Nations". Both the gazetteer matcher and entity resolution need the
same idea of "the same name", so it lives here, once.
"""
from __future__ import annotations

import functools
import hashlib
import re
import unicodedata

# British and American spellings that occur in organization names. Keys are the
# forms folded away; the value is the form kept in keys and token norms.
SPELLING = {
    "organisation": "organization", "organisations": "organizations",
    "organisational": "organizational",
    "programme": "program", "programmes": "programs",
    "centre": "center", "centres": "centers",
    "defence": "defense", "labour": "labor", "behaviour": "behavior",
    "harmonisation": "harmonization", "standardisation": "standardization",
    "co-operation": "cooperation", "co-ordination": "coordination",
}

_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2212-"
_ARTICLE = re.compile(r"^(the|an?)\s+")
_POSSESSIVE = re.compile(r"['\u2019]s\b")
_NON_WORD = re.compile(r"[^\w\s]")
_HYPHEN_IN_WORD = re.compile(rf"(?<=\w)[{_DASHES}](?=\w)")


def fold_spelling(word: str) -> str:
    """Lowercase one word and fold its British spelling to the American one."""
    lower = word.lower()
    return SPELLING.get(lower, lower)


@functools.lru_cache(maxsize=1 << 16)
def name_key(text: str) -> str:
    """A comparison key under which spelling, case, hyphen, article and possessive variants agree.

    Remembered per text (a pure function of it): extraction asks for the key of
    the same names tens of thousands of times in a corpus, at five regular
    expressions each.

    >>> name_key("The Organisation for Economic Co-operation and Development")
    'organization for economic cooperation and development'
    >>> name_key("United Nations Inter-regional Crime Research Institute") == name_key("UN Interregional Crime Research Institute")
    True
    """
    text = unicodedata.normalize("NFKC", text).casefold().strip()
    text = _POSSESSIVE.sub("", text)
    text = _ARTICLE.sub("", text)
    text = _HYPHEN_IN_WORD.sub("", text)
    text = _NON_WORD.sub(" ", text)
    words = [SPELLING.get(w, w) for w in text.split()]
    if words[:1] == ["un"]:
        words[:1] = ["united", "nations"]
    if words[:2] == ["u", "n"]:
        words[:2] = ["united", "nations"]
    return " ".join(words)


def content_words(text: str) -> set[str]:
    """The words of a name that carry meaning (for comparing two long forms)."""
    stop = {"of", "for", "on", "and", "the", "in", "against", "to", "de", "&"}
    return {w for w in name_key(text).split() if w not in stop}


def surface_variants(name: str) -> set[str]:
    """Written forms of a name that a tokenizer sees as different token sequences.

    Case and single-word spelling are handled by token norms; what remains is
    hyphenation ("Open-Ended", "Open Ended", "Openended") and the "United
    Nations"/"UN" and "European Union"/"EU" prefixes ("EU Agency for Cybersecurity").
    """
    variants = {name}
    if _HYPHEN_IN_WORD.search(name):
        variants.add(_HYPHEN_IN_WORD.sub(" ", name))
        variants.add(_HYPHEN_IN_WORD.sub("", name))
    for variant in list(variants):
        for long, short in _PREFIXES:
            if variant.startswith(long + " "):
                variants.add(short + variant[len(long):])
            elif variant.startswith(short + " "):
                variants.add(long + variant[len(short):])
    return variants


_PREFIXES = (("United Nations", "UN"), ("European Union", "EU"))


def slug(text: str, max_words: int = 8) -> str:
    """A readable, deterministic id for an organization outside the gazetteer.

    The slug keeps the first words of the name key; a short hash of the whole
    key keeps two long names with the same beginning apart.
    """
    key = name_key(text)
    words = re.sub(r"[^a-z0-9 ]", "", unicodedata.normalize("NFKD", key).encode("ascii", "ignore").decode()).split()
    base = "_".join(words[:max_words]) or "org"
    digest = hashlib.sha256(key.encode()).hexdigest()[:8]
    return f"{base}_{digest}"


_QUALIFIED_ACRONYM = re.compile(r"(.+?)[\s-]([A-Z]{2})")
_COUNTRY_ALIASES = {"UK": "GB"}     # written "NCSC UK"; the ISO 3166-1 code is GB


def split_country(acronym: str) -> tuple[str, str] | None:
    """("NCSC", "NZ") for a national acronym with a country code ("NCSC NZ", "CERT-MU"), else None.

    The code is given as ISO 3166-1 writes it (UK -> GB).

    >>> split_country("NCSC UK")
    ('NCSC', 'GB')
    >>> split_country("ENISA") is None
    True
    """
    match = _QUALIFIED_ACRONYM.fullmatch(acronym)
    if match is None:
        return None
    return match.group(1), _COUNTRY_ALIASES.get(match.group(2), match.group(2))


def country_key(code: str) -> str:
    """A country code as organization keys write it: ISO 3166-1, lowercase ("UK" and "GB" give "gb")."""
    return _COUNTRY_ALIASES.get(code, code).lower()


def place_keys(places: dict, kinds: tuple = ("countries", "regions", "subdivisions")) -> frozenset:
    """Name keys of the places of ``rules/places.yml`` of the given kinds (countries map codes to names)."""
    names = []
    for kind in kinds:
        value = places.get(kind) or ()
        names += [n for group in value.values() for n in group] if isinstance(value, dict) else list(value)
    return frozenset(name_key(n) for n in names)


# The names of months (with their abbreviations) and days, lowercase: a date, not part of a name
# ("the Security Council on Tuesday"), and the heart of a date that opens a sentence.
DATE_WORDS = frozenset({"january", "february", "march", "april", "may", "june", "july", "august", "september",
                        "october", "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep",
                        "sept", "oct", "nov", "dec", "monday", "tuesday", "wednesday", "thursday", "friday",
                        "saturday", "sunday"})
