"""Reading one document of a kind (`config`, `role`, `teacher`) from a file's bytes: SPEC section 7 in two steps.

`read_reference(data, path, kind)` parses the bytes as safe YAML with positions (`tlt.loading.safeyaml`) and,
when that found no problem, checks the data against the kind's JSON Schema (`tlt.schema`). The document's
`problems` hold what either step found, so a document without problems is schema-valid: what comes after (ids,
the model) needs to know nothing of how it was read.

A `Reader` is any function of that shape. This is the reference one, the code that runs when no speed layer is
installed; `tlt.pipeline` says which reader it reads with (`READER`).
"""

from __future__ import annotations

from collections.abc import Callable

from tlt.loading.safeyaml import Document, parse_bytes
from tlt.schema import validate_document

#: (the file's bytes, its path as shown, its kind) → the document, its problems those of SPEC section 7
Reader = Callable[[bytes, str, str], Document]


def read_reference(data: bytes, path: str, kind: str) -> Document:
    """The document in `data`: safe YAML, then `kind`'s schema when the YAML had no problem. Never raises for bad
    input."""
    doc = parse_bytes(data, path)
    if doc.data is not None and not doc.problems:
        doc.problems = validate_document(doc, kind)
    return doc
