"""Safe YAML loading that remembers where every mapping came from.

Rule files are edited by people who do not read Python, so every problem we
report must point at a file and a line. PyYAML's ``SafeLoader`` knows the line
of each node while it composes the document; this loader keeps that line on
the mappings it builds, and refuses every tag that would construct a Python
object (``!!python/object`` and friends), because a rule file is data and must
never run code.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml


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

    def __init__(self, path: str, line: int, message: str):
        super().__init__(f"{path}:{line}: {message}")
        self.path, self.line, self.message = path, line, message


class _LineLoader(yaml.SafeLoader):
    """SafeLoader whose mappings and sequences carry line numbers.

    YAML 1.1 reads ``on``, ``off``, ``yes``, ``no`` (and ``NO``, the country
    code) as booleans; in word lists that silently turns the word "on" into
    ``True``. Only ``true`` and ``false`` are booleans here.
    """


_LineLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
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


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


def load_yaml(path: Path | str, text: str | None = None) -> Any:
    """Parse one YAML file into plain data with line numbers attached.

    Raises:
        YamlError: the file is not valid YAML or uses a tag that is not plain data.
    """
    path = Path(path)
    if text is None:
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            raise YamlError(str(path), 1, f"the file is not UTF-8 text ({exc.reason}); save it as UTF-8")
    try:
        return yaml.load(text, Loader=_LineLoader)  # noqa: S506 - _LineLoader derives from SafeLoader
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        problem = exc.problem or exc.context or "invalid YAML"
        if "could not determine a constructor" in str(exc):
            problem = (f"tag {exc.problem.split('tag ')[-1] if exc.problem else ''} is not allowed: "
                       "rule files hold plain data only (strings, numbers, lists, mappings)")
        raise YamlError(str(path), line, f"{problem}; check indentation and quoting near this line")
    except yaml.YAMLError as exc:
        raise YamlError(str(path), 1, f"invalid YAML ({exc})")
