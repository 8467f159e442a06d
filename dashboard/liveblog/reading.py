"""Reading a live blog's bytes: size and binary checks, decoding, and the one error type.

Every rejection is a `LiveBlogError` whose text is one line naming the input.
"""

from __future__ import annotations

import codecs
import re
import time
from dataclasses import dataclass, field
from datetime import date as Date
from datetime import tzinfo

from dashboard import settings


class LiveBlogError(ValueError):
    """A live blog that cannot be read; ``str(err)`` is one line naming the file.

    `field` names what the user can change to fix it ("date", "zone", "encoding"), None when nothing
    given with the blog would: the command line and the app each say it in their own words (a flag,
    a form field), so the message itself names neither.
    """

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field



# How much of the start of a file is sampled to tell text from binary, and the share of control
# characters beyond which it is binary.
_BINARY_SAMPLE = 65536
_BINARY_RATIO = 0.10
_CONTROL_BYTES = bytes([*range(0, 9), 11, *range(14, 32), 127])
CONTROL_CHARS = frozenset(chr(b) for b in _CONTROL_BYTES)
WANTED = "give a live blog as text, HTML, CSV or JSON"

# ---------------------------------------------------------------------------------------------
# Reading and decoding


@dataclass(slots=True)
class Context:
    name: str
    date: Date | None
    tz: tzinfo | None
    warnings: list[str] = field(default_factory=list)
    # The time budget (settings.parse_seconds()), read when parsing starts.
    seconds: float = field(default_factory=settings.parse_seconds)
    deadline: float = 0.0
    _ticks: int = 0

    def __post_init__(self) -> None:
        self.deadline = time.monotonic() + self.seconds

    def error(self, message: str, field: str | None = None) -> LiveBlogError:
        return blog_error(self.name, message, field)

    def tick(self) -> None:
        """Called once per unit of work (a line, a record, an element): rejects the input once it has
        taken longer than the budget. The clock is read every 1,024 units, which keeps this cheap."""
        self._ticks += 1
        if self._ticks & 1023 == 0 and time.monotonic() > self.deadline:
            raise self.error(f"reading it took longer than the {self.seconds:g} s limit for one blog "
                             "(DASHBOARD_PARSE_SECONDS); split it into smaller files")

    def over(self, what: str, limit: int, advice: str = "split it into smaller files") -> LiveBlogError:
        """An input rejected for its shape: more `what` than `limit`."""
        return self.error(f"more than the limit of {limit:,} {what}; {advice}")

    def warn(self, number: int, message: str) -> None:
        self.warnings.append(f"line {number}: {message}" if number else message)


def blog_error(name: str, message: str, field: str | None = None) -> LiveBlogError:
    """A LiveBlogError whose text is one line: "NAME: what is wrong"; `field` is what to change."""
    return LiveBlogError(" ".join(f"{name}: {message}".split()), field)


def quoted(value: object, limit: int = 80) -> str:
    """`value` quoted for a message, cut short in the middle: a hostile file's 5,000-digit "time" or
    megabyte-long line must not become a megabyte-long error."""
    text = repr(value if isinstance(value, str) else str(value))
    return text if len(text) <= limit else f"{text[:limit // 2]}…{text[-(limit // 2):]} ({len(text):,} characters)"


def megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


def too_big(name: str, size: int) -> LiveBlogError:
    return blog_error(name, f"{megabytes(size)} is over the {megabytes(settings.MAX_INPUT_BYTES)} limit")


def decode(data: bytes | str, ctx: Context, encoding: str | None) -> str:
    if len(data) > settings.MAX_INPUT_BYTES:
        raise too_big(ctx.name, len(data))
    text = data if isinstance(data, str) else _decode_bytes(bytes(data), ctx, encoding)
    # Checked on the text, so that a declared encoding (UTF-16, UTF-32) is judged after decoding.
    controls = sum(ch in CONTROL_CHARS for ch in text[:_BINARY_SAMPLE])
    if "\x00" in text or controls > _BINARY_RATIO * min(len(text), _BINARY_SAMPLE):
        raise ctx.error(f"looks binary, not text (NUL or control characters); {WANTED}")
    text = text.removeprefix("\ufeff")
    if not text.strip():
        raise ctx.error("the file is empty" if not text else "the file holds only white space")
    return text


# Byte-order marks that name an encoding; UTF-32's come first, since UTF-16 LE's is a prefix of one.
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def _decode_bytes(data: bytes, ctx: Context, encoding: str | None) -> str:
    if encoding is None:
        encoding = next((name for bom, name in _BOMS if data.startswith(bom)), None)
    if encoding is None:
        # Binary files are told apart before decoding: their first bad byte would otherwise be
        # reported as a UTF-8 problem.
        sample = data[:_BINARY_SAMPLE]
        controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
        if b"\x00" in data or controls > _BINARY_RATIO * len(sample):
            raise ctx.error(f"looks binary, not text (NUL or control bytes); {WANTED}")
        offset = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
        try:
            return data[offset:].decode("utf-8")
        except UnicodeDecodeError as err:
            if offset or _UTF8_SEQUENCE.search(data):
                # Some characters read as UTF-8 and others not: a damaged file, not another encoding.
                raise ctx.error(f"not valid UTF-8 at byte {err.start + offset}, though other characters "
                                "in it are", "encoding") from None
            return _single_byte(data, ctx)
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as err:
        raise ctx.error(f"not valid {encoding} at byte {err.start}", "encoding") from None
    except UnicodeError as err:  # a codec that fails without saying where ("undefined", IDNA's labels)
        raise ctx.error(f"not readable as {encoding} ({err})", "encoding") from None


# A character of two to four bytes as UTF-8 writes it. Text in a one-byte encoding almost never holds
# one (it would take "Ã©" and the like), so a file without any is read as Windows-1252.
_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")


def _single_byte(data: bytes, ctx: Context) -> str:
    """Text that is not UTF-8: Windows-1252 (Latin-1 with curly quotes and dashes), else Latin-1 itself
    (five bytes Windows-1252 leaves undefined)."""
    try:
        text = data.decode("cp1252")
        ctx.warn(0, "not UTF-8: read as Windows-1252 (Western European)")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
        ctx.warn(0, "not UTF-8: read as Latin-1 (ISO 8859-1)")
    return text


def check_encoding(encoding: str | None, name: str) -> None:
    """Reject a name that is not a text encoding: unknown, or a bytes-to-bytes codec (rot13, zlib_codec)."""
    if encoding is None:
        return
    try:
        codecs.lookup(encoding)
        # Decoding refuses a codec that does not make text; an empty input would skip that check,
        # and one byte may be invalid in a real text encoding (UTF-16), which is not this question.
        b"a".decode(encoding)
    except UnicodeDecodeError:
        pass
    except (LookupError, ValueError, UnicodeError):
        raise blog_error(name, f"unknown encoding {quoted(encoding)} (give a text encoding such as utf-8, "
                               "cp1252 or latin-1)") from None

