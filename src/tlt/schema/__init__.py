"""JSON Schemas (shipped in the package) and validation of loaded documents into positioned problems.

Imports `tlt.problems` and `tlt.loading.safeyaml` only. No remote `$ref` is ever resolved: every schema is
self-contained and the validator is given a registry that retrieves nothing. `load_schema` is what tlt validates
with; `published_schema` is what it gives people and editors (`tlt schema`, `tlt init`): the same checks, with
the messages editors read (see `tlt.schema.published`).
"""

from tlt.schema.published import published_schema
from tlt.schema.validate import SCHEMA_NAMES, load_schema, validate_document

__all__ = ["SCHEMA_NAMES", "load_schema", "published_schema", "validate_document"]
