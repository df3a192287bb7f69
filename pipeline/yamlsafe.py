"""Safe YAML loading that remembers where every mapping came from.

Rule files are edited by people who do not read Python, so every problem we
report must point at a file and a line. PyYAML's ``SafeLoader`` knows the line
of each node while it composes the document; this loader keeps that line on
the mappings it builds, and refuses every tag that would construct a Python
object (``!!python/object`` and friends), because a rule file is data and must
never run code.

Plain data means strings, numbers, booleans, null, lists and mappings, and
nothing else reaches the rule checker: ``!!binary``, ``!!set``, ``!!omap``,
``!!pairs`` and ``!!timestamp`` are refused like any other tag, and an
unquoted date stays a string. A file is also refused when it nests deeper than
``MAX_DEPTH`` levels (PyYAML would fail with a ``RecursionError``), when it
would expand to more than ``MAX_NODES`` values once its aliases are repeated
(the "billion laughs" file: a few lines that every later walk over the data
would take forever on), or when it holds an integer too long to convert. Each
of those is a ``YamlError`` with a line, like any syntax error.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

MAX_DEPTH = 50          # the real rule files nest 9 levels at most
MAX_NODES = 200_000     # values after alias expansion; the largest rule file has about 2,000


class LineDict(dict):
    """A ``dict`` that knows the 1-based line of the mapping it was read from."""

    line: int = 0
    key_lines: dict


class LineList(list):
    """A ``list`` that knows the 1-based line of each of its items."""

    line: int = 0
    item_lines: list


class YamlError(ValueError):
    """A file that is not valid YAML, with the line of the first problem."""

    def __init__(self, path: str, line: int, message: str, fix: str = "fix the YAML syntax"):
        super().__init__(f"{path}:{line}: {message}")
        self.path, self.line, self.message, self.fix = path, line, message, fix


class _LineLoader(yaml.SafeLoader):
    """SafeLoader whose mappings and sequences carry line numbers.

    YAML 1.1 reads ``on``, ``off``, ``yes``, ``no`` (and ``NO``, the country
    code) as booleans; in word lists that silently turns the word "on" into
    ``True``. Only ``true`` and ``false`` are booleans here.
    """


    def compose_node(self, parent, index):  # noqa: ANN001 - PyYAML's signature
        """Refuse nesting deeper than MAX_DEPTH before Python's own recursion limit is reached."""
        self._depth = getattr(self, "_depth", 0) + 1
        try:
            if self._depth > MAX_DEPTH:
                raise yaml.composer.ComposerError(
                    None, None, f"the data nests more than {MAX_DEPTH} levels deep", self.peek_event().start_mark)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


_NOT_PLAIN = ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:timestamp")
_LineLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag not in _NOT_PLAIN]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_LineLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    result = LineDict()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            hash(key)
        except TypeError:
            raise yaml.constructor.ConstructorError(
                None, None, "a mapping key must be a plain value", key_node.start_mark)
        if key in result:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark)
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = key_node.start_mark.line + 1
    return result


def _construct_sequence(loader: _LineLoader, node: yaml.SequenceNode) -> LineList:
    result = LineList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    result.item_lines = [child.start_mark.line + 1 for child in node.value]
    return result


def _construct_int(loader: _LineLoader, node: yaml.ScalarNode) -> int:
    try:
        return yaml.SafeLoader.construct_yaml_int(loader, node)
    except ValueError:  # more digits than int() converts (sys.get_int_max_str_digits)
        raise yaml.constructor.ConstructorError(
            None, None, "this number is too long; quote it if it is text", node.start_mark) from None


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)
_LineLoader.add_constructor("tag:yaml.org,2002:int", _construct_int)
for _tag in ("binary", "set", "omap", "pairs", "timestamp"):
    _LineLoader.yaml_constructors.pop(f"tag:yaml.org,2002:{_tag}", None)


class _CLineLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """The same loader on libyaml's C parser: same resolvers and constructors, about ten times faster.

    Only documents it reads without any problem are taken from it
    (:func:`_load_fast`); anything else is read again by :class:`_LineLoader`,
    whose messages and checks are the ones rule authors see.
    """

    yaml_implicit_resolvers = _LineLoader.yaml_implicit_resolvers
    yaml_constructors = _LineLoader.yaml_constructors


# What PyYAML's own reader refuses, and the characters on which the two parsers were seen to
# (or may) differ: tabs, carriage returns, the other line breaks and the byte-order mark.
# Text with any of them always goes through the pure-Python loader; the rule files have none.
_NOT_FOR_C = re.compile("[^\x0A\x20-\x7E\xA0-\u2027\u202A-\uD7FF\uE000-\uFEFE\uFF00-\uFFFD"
                        "\U00010000-\U0010FFFF]")
_SLOW = object()    # what :func:`_load_fast` returns when the pure-Python loader must decide


def _load_fast(text: str) -> Any:
    """The document read with libyaml, or ``_SLOW`` when libyaml is missing or anything is amiss.

    Reading the rules is most of a small run's start-up, and PyYAML's
    pure-Python scanner most of that. A document that libyaml parses, that
    passes :func:`_check_size` and constructs without error gives the same
    data and lines as the pure-Python loader (``tests/test_rules_fuzz.py``
    compares them); every failure is left to that loader, so errors are
    reported exactly as before.
    """
    if not yaml.__with_libyaml__ or _NOT_FOR_C.search(text):
        return _SLOW
    loader = _CLineLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _check_size(node)
        return loader.construct_document(node)
    except Exception:  # noqa: BLE001 - the pure-Python loader reads it again and reports the problem
        return _SLOW
    finally:
        loader.dispose()


def _check_size(node: yaml.Node) -> None:
    """Refuse a document that alias repetition makes too deep or too large (see the module docstring).

    Aliases share their anchor's node, so each node is measured once: linear
    in the file however large the expansion, and never deeper than MAX_DEPTH.
    """
    sizes: dict[int, tuple[int, int]] = {}     # id(node) -> (values, levels) once expanded
    busy: set[int] = set()

    def too_big(current: yaml.Node) -> yaml.composer.ComposerError:
        return yaml.composer.ComposerError(
            None, None, f"aliases expand this value to more than {MAX_NODES:,} values or {MAX_DEPTH} levels; "
                        "write the data out instead of repeating anchors", current.start_mark)

    def walk(current: yaml.Node, level: int) -> tuple[int, int]:
        key = id(current)
        if key in busy:
            raise yaml.composer.ComposerError(None, None, "an alias refers to a value that contains it",
                                              current.start_mark)
        if key not in sizes:
            if level > MAX_DEPTH:
                raise too_big(current)
            busy.add(key)
            children = ([child for pair in current.value for child in pair] if isinstance(current, yaml.MappingNode)
                        else current.value if isinstance(current, yaml.SequenceNode) else [])
            values, levels = 1, 1
            for child in children:
                child_values, child_levels = walk(child, level + 1)
                values, levels = values + child_values, max(levels, child_levels + 1)
                if values > MAX_NODES:
                    raise too_big(current)
            busy.discard(key)
            sizes[key] = values, levels
        values, levels = sizes[key]
        if level + levels - 1 > MAX_DEPTH:
            raise too_big(current)
        return values, levels

    walk(node, 1)


def load_yaml(path: Path | str, text: str | None = None) -> Any:
    """Parse one YAML file into plain data with line numbers attached.

    Raises:
        YamlError: the file is not valid YAML or uses a tag that is not plain data.
    """
    path = Path(path)
    if text is None:
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise YamlError(str(path), 1, f"the file cannot be read ({exc.strerror or exc})",
                            "make it a readable file, or move it out of the rules folder")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:   # the line of the first bad byte: one accented letter in a long file
            raise YamlError(str(path), data.count(b"\n", 0, exc.start) + 1,
                            f"the file is not UTF-8 text (byte 0x{data[exc.start]:02X} on this line: {exc.reason})",
                            "save it as UTF-8") from None
    data = _load_fast(text)
    if data is not _SLOW:
        return data
    loader = None
    try:
        loader = _LineLoader(text)
        node = loader.get_single_node()
        if node is None:
            return None
        _check_size(node)
        return loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        problem = exc.problem or exc.context or "invalid YAML"
        if "could not determine a constructor" in str(exc):
            problem = (f"tag {exc.problem.split('tag ')[-1] if exc.problem else ''} is not allowed: "
                       "rule files hold plain data only (strings, numbers, lists, mappings)")
        problem = " ".join(problem.split())  # one line: PyYAML's messages may span several
        raise YamlError(str(path), line, f"{problem}; check indentation and quoting near this line")
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1 if isinstance(exc.position, int) else 1
        what = f"character U+{exc.character:04X}" if isinstance(exc.character, int) else "byte"
        raise YamlError(str(path), line, f"the {what} on this line is not allowed in YAML; remove it")
    except yaml.YAMLError as exc:
        raise YamlError(str(path), 1, f"invalid YAML ({' '.join(str(exc).split())})")
    except RecursionError:  # a safety net: MAX_DEPTH should stop deep nesting first
        raise YamlError(str(path), 1, "the data nests too deeply; flatten it") from None
    finally:
        if loader is not None:
            loader.dispose()
