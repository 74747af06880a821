"""Domain errors of the engine; callers map them to 4xx responses or form errors."""


class EngineError(Exception):
    """Base class of every error the engine raises on purpose."""


class AssetError(EngineError):
    """A model or voice asset is missing, corrupted or could not be installed."""


class EmptyText(EngineError):
    """The input has nothing to speak once markup and whitespace are removed."""


class TextTooLong(EngineError):
    """The spoken text is longer than the configured maximum."""


class UnknownVoice(EngineError):
    """The voice name is not in the catalogue, or a style array has the wrong shape."""


class BadBlend(EngineError):
    """A blend such as ``af_bella(2)+af_sky(1)`` could not be parsed."""


class UnsupportedLanguage(EngineError):
    """No text front-end is available for the requested language."""


class InvalidSSML(EngineError):
    """The SSML document is malformed or uses an unsupported construct.

    ``line`` and ``column`` are 1-based and point at the offending spot.
    """

    def __init__(self, message: str, *, line: int, column: int) -> None:
        super().__init__(f"{message} (line {line}, column {column})")
        self.line = line
        self.column = column


class UnsupportedProsody(EngineError):
    """Pitch, duration or loudness was asked of a model file that cannot change them."""


class UnsupportedFormat(EngineError):
    """The requested audio format cannot be produced."""


class InvalidSpeed(EngineError):
    """The speed is outside the range the model handles well."""


class TimestampsUnavailable(EngineError):
    """The loaded model file does not output the durations timestamps are made from."""
