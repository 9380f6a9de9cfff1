"""Schemas: the field vocabulary, the report model and the flattening to gold paths."""

from .report import Dispute, FieldValue, Figure, Finding, Provenance, Report, Summary, Usage
from .vocabulary import FieldSpec, is_known, spec_for

__all__ = [
    "Dispute", "FieldSpec", "FieldValue", "Figure", "Finding", "Provenance", "Report", "Summary",
    "Usage", "is_known", "spec_for",
]
