"""The extract stage's code list is whole: editing any module extraction imports reruns it.

Both the incremental cache (``pipeline.stages.EXTRACT_CODE``, part of the
extraction fingerprint) and the Makefile's ``EXTRACT_CODE`` prerequisites name
the modules by hand; a module missing from either means a stale dataset after
an edit.
"""
from __future__ import annotations

import ast
import re
from pathlib import Path

from pipeline.stages import EXTRACT_CODE

PIPELINE = Path(__file__).resolve().parent.parent / "pipeline"


def module_file(module: str) -> str | None:
    """The file of a pipeline module, relative to pipeline/ ("linking/roles.py"), or None."""
    path = Path(*module.split(".")[1:])
    for candidate in (path.with_suffix(".py"), path / "__init__.py"):
        if (PIPELINE / candidate).exists():
            return candidate.as_posix()
    return None


def imported_modules(start: str) -> set[str]:
    """Files (relative to pipeline/) of the pipeline modules ``start`` imports, directly or not.

    Importing a module of a package runs the package's ``__init__.py`` first, so it counts too.
    """
    seen, todo = set(), [start]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        tree = ast.parse((PIPELINE / name).read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("pipeline."):
                parts = node.module.split(".")
                todo += [file for k in range(2, len(parts) + 1)
                         if (file := module_file(".".join(parts[:k]))) is not None]
    return seen


# Imported by extraction without deciding what it finds: the start-up cache
# loads the same pipeline faster, and nlp.py reads only a size limit from
# corpus.py. Normalize runs those two and decode.py, and its output (the
# extraction's input) changes when they do.
NOT_EXTRACTION = {"cache.py", "corpus.py", "decode.py"}


def test_fingerprint_covers_every_module_extraction_imports():
    assert imported_modules("extract.py") - NOT_EXTRACTION <= set(EXTRACT_CODE)


def test_makefile_rebuilds_extraction_when_any_of_them_changes():
    makefile = (PIPELINE.parent / "Makefile").read_text(encoding="utf-8")
    block = re.search(r"^EXTRACT_CODE\s*:=((?:.*\\\n)*.*)$", makefile, re.M).group(1)
    listed = {Path(p).relative_to("pipeline").as_posix() for p in block.replace("\\\n", " ").split()}
    assert imported_modules("extract.py") - NOT_EXTRACTION <= listed
