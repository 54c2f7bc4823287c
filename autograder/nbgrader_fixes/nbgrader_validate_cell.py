"""nbgrader's cell-metadata check, with its JSON schema checked once instead of per cell.

nbgrader validates the ``nbgrader`` metadata of every cell with
``jsonschema.validate(metadata, schema)``, and that function first checks the
*schema* against its meta-schema, every call: about a tenth of a second per
notebook, paid by every command that reads one (generate_assignment, autograde,
each grade worker and the instructor's process). :func:`install` makes
``BaseMetadataValidator.validate_cell`` use one validator per schema, built and
checked once; the cell is judged by the same rules and a bad cell raises the
same error, ``best_match`` of its errors, as ``jsonschema.validate`` raises.

Can go when nbgrader's ``BaseMetadataValidator`` keeps a validator per schema itself.
"""
from __future__ import annotations


def install() -> None:
    try:
        import jsonschema
        from jsonschema.exceptions import best_match
        from nbgrader.nbgraderformat.common import (BaseMetadataValidator, SchemaTooNewError,
                                                    SchemaTooOldError)
    except ImportError:   # no nbgrader here: nothing to speed up
        return
    if getattr(BaseMetadataValidator.validate_cell, "cached", False):
        return

    def validate_cell(self, cell) -> None:
        if "nbgrader" not in cell.metadata:
            return
        meta = cell.metadata["nbgrader"]
        schema = meta.get("schema_version", 0)
        if schema < self.schema_version:
            raise SchemaTooOldError(f"Outdated schema version: {schema} (expected "
                                    f"{self.schema_version})", schema, self.schema_version)
        if schema > self.schema_version:
            raise SchemaTooNewError(f"Schema version is too new: {schema} (expected "
                                    f"{self.schema_version})", schema, self.schema_version)
        validator = getattr(self, "_cached_validator", None)
        if validator is None:
            cls = jsonschema.validators.validator_for(self.schema)
            cls.check_schema(self.schema)
            validator = self._cached_validator = cls(self.schema)
        error = best_match(validator.iter_errors(meta))
        if error is not None:
            raise error

    validate_cell.cached = True
    BaseMetadataValidator.validate_cell = validate_cell
