"""How a text file is written: its encoding, separator and line end, told from its bytes.

``InputError`` is the one error every reader raises: its message names the file and the problem.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import IO

from app.core.i18n import N_, Figure, LocalizedError, Message, Nn_

__all__ = [
    "SAMPLE_BYTES",
    "SEPARATORS",
    "SEPARATOR_NAMES",
    "Dialect",
    "ByteCounts",
    "Cancelled",
    "InputError",
    "Opened",
    "count_bytes",
    "detect_encoding",
    "detect_newline",
    "detect_separator",
]

SAMPLE_BYTES = 256 * 1024
SEPARATORS = (",", ";", "\t", "|")  # the separators files are told apart by
SEPARATOR_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
_SEPARATED = {
    ",": N_("comma-separated"),
    ";": N_("semicolon-separated"),
    "\t": N_("tab-separated"),
    "|": N_("pipe-separated"),
}
# Control characters other than tab, line feed, form feed and carriage return: text files barely have them.
_CONTROL_BYTES = bytes([*range(9), 11, *range(14, 32)])
_CP1252_UNDEFINED = b"\x81\x8d\x8f\x90\x9d"


@dataclass(frozen=True)
class Opened:
    """An open input: its bytes, and how far into the file on disk the reader is (for progress)."""

    stream: IO[bytes]
    position: Callable[[], int]


class InputError(LocalizedError, ValueError):
    """The input cannot be used; the message names the file and the problem."""


class Cancelled(Exception):
    """The user cancelled a long job; nothing was written."""


@dataclass(frozen=True)
class Dialect:
    """How a file is written: encoding, byte-order mark, separator, line ending and decimal mark."""

    encoding: str
    bom: bool
    separator: str
    newline: str
    decimal: str = "."
    replaced: int = 0  # bytes that are not valid in the encoding, read as U+FFFD (reported per row)
    container: str = ""  # what held the text: "gzip-compressed", "sheet 'Data' of a workbook"; "" for plain
    # The same, to show in any language (None: ``container`` as it is).
    container_note: Message | None = field(default=None, compare=False, repr=False)

    def describe(self) -> str:
        """e.g. ``UTF-8 with BOM, semicolon-separated, decimal comma, CRLF`` (in English: JSON and logs keep it)."""
        return self.note().english()

    def note(self) -> Message:
        """The description, to show in any language."""
        container = self.container_note or self.container
        if self.container.startswith("sheet"):
            return Message.of("{sheet}", sheet=container)
        parts: list[object] = [container] if self.container else []
        encoding = self.encoding.upper()
        parts.append(Message.of(N_("{encoding} with BOM"), encoding=encoding) if self.bom else encoding)
        parts.append(Message.of(_SEPARATED[self.separator]))
        if self.decimal == ",":
            parts.append(Message.of(N_("decimal comma")))
        if self.replaced:
            replaced = Nn_("{count} invalid byte shown as \ufffd", "{count} invalid bytes shown as \ufffd")
            parts.append(Message.of(replaced, count=Figure(self.replaced, grouped=True)))
        parts.append({"\r\n": "CRLF", "\r": "CR"}.get(self.newline, "LF"))
        return Message.of("{parts}", parts=tuple(parts))


def detect_newline(sample: str) -> str:
    """CRLF, LF or a lone CR (old Mac spreadsheets): the line end the first line uses, written back the same."""
    first = re.search(r"\r\n|\n|\r", sample)
    return first.group() if first else "\n"


_STRAY_BYTE = re.compile("[\udc80-\udcff]")
_MULTIBYTE = re.compile("[^\x00-\x7f\udc80-\udcff]")


@dataclass
class ByteCounts:
    """What one pass over a file's bytes found, for telling its encoding."""

    invalid: int = 0  # bytes that are not valid UTF-8
    valid: int = 0  # valid multi-byte UTF-8 characters
    cp1252_undefined: bool = False  # bytes Windows-1252 leaves undefined (then it is Latin-1)


def count_bytes(
    stream: IO[bytes],
    progress: Callable[[int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> ByteCounts:
    """One pass over the bytes, in blocks, reporting progress and honouring Cancel between blocks.

    A legacy (Windows-1252) file has stray bytes and no valid multi-byte characters; a UTF-8 file that one
    program re-saved a cell of has a few stray bytes among many valid ones. Telling them apart keeps the
    second from being read as Windows-1252, which would turn every ``é`` of it into ``Ã©``.
    """
    decoder = codecs.getincrementaldecoder("utf-8")(errors="surrogateescape")
    counts = ByteCounts()
    while block := stream.read(1 << 20):
        if cancelled is not None and cancelled():
            raise Cancelled("cancelled")
        if progress is not None:
            progress(len(block))
        if block.isascii():
            continue
        text = decoder.decode(block)
        counts.invalid += len(_STRAY_BYTE.findall(text))
        counts.valid += len(_MULTIBYTE.findall(text))
        counts.cp1252_undefined |= len(block.translate(None, _CP1252_UNDEFINED)) != len(block)
    counts.invalid += len(_STRAY_BYTE.findall(decoder.decode(b"", final=True)))
    return counts


# Why this is ours and not charset-normalizer (the detector requests uses), measured with
# benchmarks/bench_encoding.py on 24 cases (charset-normalizer 3.5.3, 2 cores):
# - it names the wrong encoding on 11 of 24: cp1250, cp852, cp1125, cp775... for Windows-1252 and Latin-1
#   files (the sample, a header and two rows with "€"), and a UTF-8 file with one stray byte comes out all
#   mojibake (cp1250, iso8859_10), the bug count_bytes is there to prevent. Told to try only the encodings we
#   read (cp_isolation) it is still wrong on 4: every stray-byte file, and Latin-1 with 0x81/0x9D (no match).
#   Ours is wrong on 3, all UTF-16 without a BOM beyond Latin text (xfail in test_encoding_detection.py).
# - on 50 MB: 0.07-0.12 s for clean UTF-8 (ours 0.56-1.15 s, one full pass), but 2.5-4.8 s for Windows-1252
#   and 4.6-9.3 s for UTF-8 with a stray byte; it reads the whole file into memory (peak 142-238 MiB,
#   ours 5 MiB in 1 MB blocks with progress and Cancel).
# - frozen: +0.55 MiB (two mypyc .so files, 0.49 MiB, and its modules), 35-70 ms to import.
def _binary_content(where: object) -> InputError:
    """The error for a file that is not text."""
    return InputError(Message.of(N_("{where}: binary content, not a CSV text file"), where=where))


def _utf16_text(where: object, head: bytes, encoding: str) -> str:
    """``encoding`` when the head reads as UTF-16 text; else the binary-content error. Any two bytes are a UTF-16
    code unit, so binary data behind FF FE (a byte-order mark by chance) decodes too, but into unpaired
    surrogates and, one character in seven, control characters, private-use or unassigned code points, which text
    does not hold (characters beyond the basic plane are not judged: emoji newer than Python's tables are text)."""
    try:
        text = codecs.getincrementaldecoder(encoding)(errors="strict").decode(head, final=False)  # a cut end is fine
    except UnicodeDecodeError:  # an unpaired surrogate
        raise _binary_content(where) from None
    odd = sum(
        1 for c in text if c < "\U00010000" and c not in "\t\r\n" and unicodedata.category(c) in ("Cc", "Co", "Cn")
    )
    if odd > max(1, len(text) // 50):  # as for bytes below: a stray NUL or private-use icon is kept as text
        raise _binary_content(where)
    return encoding


def detect_encoding(where: object, head: bytes, scan: Callable[[], ByteCounts]) -> tuple[str, bool, int]:
    """Encoding, byte-order mark, and how many bytes are not valid in it (UTF-8 only; they read as U+FFFD).

    ``head`` is the file's first bytes; ``scan`` makes one pass over all of them when the head cannot tell.
    """
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig", True, 0
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _utf16_text(where, head, "utf-16"), True, 0
    if head.startswith(b"%PDF"):
        raise InputError(Message.of(N_("{where}: is a PDF document, not CSV"), where=where))
    if head.count(0):
        # UTF-16 without a byte-order mark puts a NUL beside every ASCII character.
        even, odd = head[0::2].count(0), head[1::2].count(0)
        if odd > len(head) // 4 and even == 0:
            return _utf16_text(where, head, "utf-16-le"), False, 0
        if even > len(head) // 4 and odd == 0:
            return _utf16_text(where, head, "utf-16-be"), False, 0
    controls = len(head) - len(head.translate(None, _CONTROL_BYTES))
    if controls > max(1, len(head) // 50):  # a stray NUL from a database export is kept as text
        raise _binary_content(where)
    counts = scan()
    if not counts.invalid or counts.valid >= counts.invalid:
        return "utf-8", False, counts.invalid  # UTF-8, perhaps with a few stray bytes: reported per row
    return ("latin-1" if counts.cp1252_undefined else "cp1252"), False, 0  # latin-1 decodes any byte


def detect_separator(sample: str) -> str:
    """The separator that splits the first records into the most, most consistent fields."""
    lines = sample.splitlines(keepends=True)
    if len(sample) >= SAMPLE_BYTES - 4 and len(lines) > 1:
        lines = lines[:-1]  # the last line of a sample may be cut
    text = "".join(lines[:200])
    best, best_score = ",", (-1.0, 0)
    for separator in SEPARATORS:
        try:
            records = [r for r in csv.reader(io.StringIO(text, newline=""), delimiter=separator) if r][:50]
        except csv.Error:
            continue
        if not records:
            continue
        width = len(records[0])
        consistent = sum(len(r) == width for r in records) / len(records)
        score = (consistent if width > 1 else 0.0, width)
        if score > best_score:
            best, best_score = separator, score
    return best
