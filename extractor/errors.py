"""One exception tree. Every message names the file (where there is one) and says what to do next."""

from __future__ import annotations


class ExtractorError(Exception):
    """Base of every error this package raises on purpose."""

    def __init__(self, message: str, *, source: str | None = None) -> None:
        self.source = source
        super().__init__(f"{source}: {message}" if source else message)

    @property
    def cause(self) -> str:
        """The message without the file name, for failure records."""
        text = str(self)
        prefix = f"{self.source}: " if self.source else ""
        return text[len(prefix):] if prefix and text.startswith(prefix) else text


class InputError(ExtractorError):
    """A file that cannot be read as a report."""


class MissingInputError(InputError):
    pass


class EmptyInputError(InputError):
    pass


class UnsupportedInputError(InputError):
    """Wrong file type or binary content."""


class DecodingError(InputError):
    pass


class InputTooLargeError(InputError):
    pass


class NeedsOCRError(InputError):
    """A PDF without a text layer."""


class ConfigError(ExtractorError):
    """Bad settings: flags, environment variables or library arguments."""


class ModelError(ExtractorError):
    """A model call that failed after every retry."""


class GoldFileError(ExtractorError):
    """A gold file that does not follow the gold format."""
