"""Helpers for uploaded and downloaded files (pure: no Flask, no database, no storage).

* :func:`sniff_type` - the real type of a file from its first bytes; names and the MIME type a
  client announces are never trusted.
* :func:`sanitize_filename` - a user's file name made safe to keep and show (it never becomes a
  storage key: those are generated, see ``backend.core.storage``).
* :func:`content_disposition` - the ``Content-Disposition`` header of a download (RFC 6266,
  with an RFC 5987 ``filename*`` for Vietnamese names).
* :class:`HashingReader` - wraps an upload stream: SHA-256 and size while it is stored, and
  :class:`FileTooLarge` as soon as it exceeds its limit.
"""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata
import zipfile
from typing import Any, BinaryIO
from urllib.parse import quote

__all__ = [
    "DOCX",
    "JPEG",
    "PDF",
    "PNG",
    "SNIFF_BYTES",
    "ZIP",
    "FileTooLarge",
    "HashingReader",
    "content_disposition",
    "sanitize_filename",
    "sniff_type",
]

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
ZIP = "application/zip"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

#: How many leading bytes to read for :func:`sniff_type`.
SNIFF_BYTES = 8 * 1024

_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", PDF),
    (b"\xff\xd8\xff", JPEG),
    (b"\x89PNG\r\n\x1a\n", PNG),
)
_ZIP_SIGNATURE = b"PK\x03\x04"
_DOCX_MAIN_PART = "word/document.xml"

#: Longest sanitised file name, in characters, extension included.
MAX_FILENAME_LENGTH = 150
#: Longest suffix still treated as an extension when a name is shortened.
_MAX_EXTENSION_LENGTH = 16

#: Unicode categories removed from file names: controls, format characters (bidi overrides and
#: isolates, zero-width characters, soft hyphen...), surrogates, private use.
_DROPPED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co"})
_WHITESPACE = re.compile(r"\s+")


def sniff_type(head: bytes, stream: BinaryIO | None = None) -> str | None:
    """The MIME type of a file from its first bytes (``head``, ideally :data:`SNIFF_BYTES`).

    Recognises PDF, JPEG, PNG and ZIP; a ZIP is reported as DOCX only when its central
    directory lists ``word/document.xml``. That needs the whole file: pass it as a seekable
    ``stream`` (its position is restored), or ``head`` must be the whole file. Returns ``None``
    for anything else.
    """
    for signature, mime in _SIGNATURES:
        if head.startswith(signature):
            return mime
    if head.startswith(_ZIP_SIGNATURE):
        return DOCX if _is_docx(head, stream) else ZIP
    return None


def _is_docx(head: bytes, stream: BinaryIO | None) -> bool:
    """Whether the ZIP's central directory names the main part of a Word document.

    Only the central directory is read; nothing is decompressed.
    """
    if stream is not None and stream.seekable():
        position = stream.tell()
        try:
            stream.seek(0)
            return _lists_docx_part(stream)
        finally:
            stream.seek(position)
    return _lists_docx_part(io.BytesIO(head))


def _lists_docx_part(source: BinaryIO) -> bool:
    try:
        with zipfile.ZipFile(source) as archive:
            return _DOCX_MAIN_PART in archive.namelist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError):
        return False


def sanitize_filename(name: str | None, *, default: str = "tep-dinh-kem") -> str:
    """A user's file name made safe to store and show, never empty.

    Keeps the last path component (``/`` and ``\\`` both separate), normalises to NFC, drops
    control, format (bidi override, zero-width) and similar invisible characters, collapses
    whitespace to single spaces, strips leading dots and spaces (and trailing ones), and caps
    the length at :data:`MAX_FILENAME_LENGTH` characters while keeping the extension.
    Vietnamese and other letters are kept. Returns ``default`` when nothing is left.
    """
    if not name:
        return default
    name = re.split(r"[/\\]", name)[-1]
    name = _WHITESPACE.sub(" ", name)  # before dropping controls: a tab or newline is a space
    name = "".join(char for char in name if unicodedata.category(char) not in _DROPPED_CATEGORIES)
    # After the removals, which may bring a letter and its combining marks together.
    name = unicodedata.normalize("NFC", name)
    name = _WHITESPACE.sub(" ", name).strip(" .")
    if len(name) > MAX_FILENAME_LENGTH:
        name = _shorten(name, MAX_FILENAME_LENGTH)
    return name or default


def _shorten(name: str, limit: int) -> str:
    stem, dot, extension = name.rpartition(".")
    if dot and stem and 0 < len(extension) < _MAX_EXTENSION_LENGTH and " " not in extension:
        suffix = "." + extension
        return name[: limit - len(suffix)].rstrip(" .") + suffix
    return name[:limit].rstrip(" .")


def _ascii_fold(text: str) -> str:
    """Vietnamese (and other Latin) letters without their diacritics; other characters go."""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if " " <= char <= "~")


def _ascii_fallback(text: str) -> str:
    text = re.sub(r'["\\%]', "", _ascii_fold(text))
    return _WHITESPACE.sub(" ", text).strip(" .")


def content_disposition(filename: str, *, inline: bool = False) -> str:
    """The ``Content-Disposition`` header value for sending ``filename`` (RFC 6266).

    ``filename="..."`` carries an ASCII fallback (diacritics folded, ``"``, ``\\`` and ``%``
    removed); ``filename*=UTF-8''...`` carries the real name, percent-encoded (RFC 5987). The
    name is sanitised first, so no control character reaches the header.
    """
    name = sanitize_filename(filename)
    stem, dot, extension = name.rpartition(".")
    if not dot:
        stem, extension = name, ""
    stem, extension = _ascii_fallback(stem), _ascii_fallback(extension)
    fallback = (stem or "tep-dinh-kem") + ("." + extension if extension else "")
    encoded = quote(name, safe="!#$&+^`|")
    kind = "inline" if inline else "attachment"
    return f"{kind}; filename=\"{fallback}\"; filename*=UTF-8''{encoded}"


class FileTooLarge(Exception):
    """The stream holds more than ``limit`` bytes."""

    def __init__(self, limit: int):
        super().__init__(f"the file is larger than {limit} bytes")
        self.limit = limit


class HashingReader(io.RawIOBase):
    """A read-only, non-seekable view of ``stream`` that hashes and counts what is read.

    Give it to ``Storage.put``; afterwards :attr:`size` and :attr:`hexdigest` describe exactly
    the bytes that were stored. Raises :class:`FileTooLarge` as soon as more than ``limit``
    bytes have been read (the storage then keeps nothing). Closing it leaves ``stream`` open.
    """

    def __init__(self, stream: BinaryIO, limit: int):
        super().__init__()
        if limit < 0:
            raise ValueError("limit must not be negative")
        self._stream = stream
        self.limit = limit
        #: Bytes read so far.
        self.size = 0
        self._hash = hashlib.sha256()

    @property
    def hexdigest(self) -> str:
        """SHA-256 (hex) of the bytes read so far."""
        return self._hash.hexdigest()

    @property
    def digest(self) -> bytes:
        """SHA-256 (raw bytes) of the bytes read so far."""
        return self._hash.digest()

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> bytes:
        """Up to ``size`` bytes (all that is left when ``size`` is negative or ``None``)."""
        if self.closed:
            raise ValueError("I/O operation on closed file")
        if size is None or size < 0:
            # Never more than the limit (plus one byte to notice an excess) in memory.
            parts = []
            while chunk := self.read(min(io.DEFAULT_BUFFER_SIZE * 16, self.limit + 1)):
                parts.append(chunk)
            return b"".join(parts)
        data = self._stream.read(size)
        if data:
            self.size += len(data)
            if self.size > self.limit:
                raise FileTooLarge(self.limit)
            self._hash.update(data)
        return data

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        data = self.read(len(view))
        view[: len(data)] = data
        return len(data)

    def readall(self) -> bytes:
        return self.read(-1)
