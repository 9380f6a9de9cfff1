"""Structured extraction of China's government information disclosure annual reports.

    from extractor import extract
    report = extract("report.txt")        # or the report's text itself
    report.flatten()                      # {"proactive.total": 137, ...}
    report.findings                       # [Finding(field=..., kind=...), ...]
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .errors import ExtractorError

if TYPE_CHECKING:
    from .pipeline import extract
    from .schemas.report import Report

__all__ = ["ExtractorError", "Report", "extract"]
__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    # Importing the pipeline pulls in every stage; a caller that only needs the data
    # types or the vocabulary should not pay for that.
    if name == "extract":
        from .pipeline import extract

        return extract
    if name == "Report":
        from .schemas.report import Report

        return Report
    raise AttributeError(name)
