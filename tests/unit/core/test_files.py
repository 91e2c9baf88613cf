"""Unit tests for the file helpers (backend/core/files.py): no database, no Flask app."""

from __future__ import annotations

import hashlib
import io
import random
import shutil
import unicodedata
import zipfile
from urllib.parse import unquote

import pytest
from werkzeug.http import parse_options_header

from backend.core.files import (
    DOCX,
    JPEG,
    PDF,
    PNG,
    SNIFF_BYTES,
    ZIP,
    FileTooLarge,
    HashingReader,
    content_disposition,
    sanitize_filename,
    sniff_type,
)

# --- sample files -------------------------------------------------------------------------

MINIMAL_PDF = (
    b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"
    b"1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"xref\n0 4\n0000000000 65535 f \n0000000015 00000 n \n0000000060 00000 n \n"
    b"0000000111 00000 n \ntrailer<</Size 4/Root 1 0 R>>\nstartxref\n178\n%%EOF\n"
)
# SOI, APP0 (JFIF) segment, then the start of a quantisation table.
MINIMAL_JPEG = (
    b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    b"\xff\xdb\x00\x43\x00" + bytes(64) + b"\xff\xd9"
)
# Signature, IHDR of a 1x1 RGB image, IEND.
MINIMAL_PNG = (
    b"\x89PNG\r\n\x1a\n"
    b"\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)
# Exif JPEGs start with APP1 instead of APP0.
EXIF_JPEG_HEAD = b"\xff\xd8\xff\xe1\x00\x18Exif\x00\x00"


def build_docx(padding: int = 0) -> bytes:
    """A small but real Word document (the parts Word needs to open it)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/word/document.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
            "</Types>",
        )
        archive.writestr(
            "_rels/.rels",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
            '2006/relationships/officeDocument" Target="word/document.xml"/>'
            "</Relationships>",
        )
        if padding:  # an incompressible part, so the file is larger than the sniffed head
            archive.writestr("word/media/image1.bin", random.Random(0).randbytes(padding))
        archive.writestr(
            "word/document.xml",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
            "<w:body><w:p><w:r><w:t>Tờ khai đăng ký khai sinh</w:t></w:r></w:p></w:body>"
            "</w:document>",
        )
    return buffer.getvalue()


def build_zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


# --- sniff_type ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        pytest.param(MINIMAL_PDF, PDF, id="pdf"),
        pytest.param(MINIMAL_JPEG, JPEG, id="jpeg-jfif"),
        pytest.param(EXIF_JPEG_HEAD, JPEG, id="jpeg-exif"),
        pytest.param(MINIMAL_PNG, PNG, id="png"),
        pytest.param(build_docx(), DOCX, id="docx"),
        pytest.param(build_zip({"a.txt": b"hello"}), ZIP, id="plain-zip"),
        pytest.param(
            build_zip({"notes.txt": b"word/document.xml"}), ZIP, id="zip-naming-docx-in-data"
        ),
        pytest.param(b"%PDF", None, id="truncated-pdf-magic"),
        pytest.param(b"PDF-1.7 %PDF-", None, id="pdf-magic-not-at-start"),
        pytest.param("%PDF giả mạo".encode()[1:], None, id="text-after-percent"),
        pytest.param(b"This is a text file, really.\n", None, id="text"),
        pytest.param(b"\x89PNG\r\n", None, id="truncated-png-signature"),
        pytest.param(b"\xff\xd8", None, id="truncated-jpeg"),
        pytest.param(b"GIF89a\x01\x00", None, id="gif-not-accepted"),
        pytest.param(b"MZ\x90\x00", None, id="exe"),
        pytest.param(b"", None, id="empty"),
    ],
)
def test_sniff_type_from_head(content, expected):
    assert sniff_type(content[:SNIFF_BYTES]) == expected


def test_png_renamed_pdf_is_png():
    # Only the bytes count: the name and the client's type are not even arguments.
    upload = {"filename": "Tờ khai.pdf", "mimetype": "application/pdf", "data": MINIMAL_PNG}
    assert sniff_type(upload["data"][:SNIFF_BYTES]) == PNG


def test_text_claiming_to_be_pdf_is_none():
    upload = {"filename": "ban-sao.pdf", "mimetype": "application/pdf", "data": b"Xin chao\n"}
    assert sniff_type(upload["data"][:SNIFF_BYTES]) is None


def test_large_docx_needs_the_stream():
    content = build_docx(padding=64 * 1024)
    assert len(content) > SNIFF_BYTES
    head = content[:SNIFF_BYTES]
    # The central directory is at the end: the head alone only shows a zip.
    assert sniff_type(head) == ZIP
    stream = io.BytesIO(content)
    stream.seek(1234)
    assert sniff_type(head, stream) == DOCX
    assert stream.tell() == 1234  # position restored


def test_plain_zip_with_stream_is_zip():
    content = build_zip({"word/other.xml": b"<x/>", "document.xml": b"<x/>"})
    assert sniff_type(content[:SNIFF_BYTES], io.BytesIO(content)) == ZIP


def test_broken_zip_is_zip():
    content = build_docx()[:100]  # local header only, no central directory
    assert sniff_type(content, io.BytesIO(content)) == ZIP


def test_non_seekable_stream_falls_back_to_head():
    class Pipe(io.RawIOBase):
        def readable(self):
            return True

    content = build_docx()
    assert sniff_type(content, Pipe()) == DOCX


# --- sanitize_filename --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Tờ khai.pdf", "Tờ khai.pdf"),
        ("Giấy khai sinh – bản sao (1).JPG", "Giấy khai sinh – bản sao (1).JPG"),
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\a\\Tờ khai.pdf", "Tờ khai.pdf"),
        ("/var/tmp/Đơn đề nghị.docx", "Đơn đề nghị.docx"),
        ("a/b\\c/d.png", "d.png"),
        (unicodedata.normalize("NFD", "Tờ khai đăng ký.pdf"), "Tờ khai đăng ký.pdf"),
        ("bad\x00na\x07me\x1b.pdf", "badname.pdf"),
        ("dòng\r\nmới\tvà  tab.pdf", "dòng mới và tab.pdf"),
        ("hoa-don\u202egpj.exe", "hoa-dongpj.exe"),  # right-to-left override
        ("\u2067abc\u2069\u200e\u200f.pdf", "abc.pdf"),  # isolates and marks
        ("zero\u200bwidth\ufeff.pdf", "zerowidth.pdf"),
        ("To\u200b\u0302\u0300 khai.pdf", "Tồ khai.pdf"),  # marks rejoin their letter
        ("  ..hidden.pdf", "hidden.pdf"),
        (".bashrc", "bashrc"),
        ("tài liệu.pdf. . ", "tài liệu.pdf"),
        ("   nhiều     khoảng   trắng .pdf", "nhiều khoảng trắng .pdf"),
        ("", "tep-dinh-kem"),
        (None, "tep-dinh-kem"),
        ("   ", "tep-dinh-kem"),
        ("..", "tep-dinh-kem"),
        ("../../", "tep-dinh-kem"),
        ("\u202e\u200b", "tep-dinh-kem"),
    ],
)
def test_sanitize_filename(raw, expected):
    assert sanitize_filename(raw) == expected


def test_sanitize_filename_custom_default():
    assert sanitize_filename("/", default="ket-qua") == "ket-qua"


@pytest.mark.parametrize(
    ("stem", "extension"),
    [("a" * 300, ".pdf"), ("Đơn đề nghị cấp giấy phép " * 20, ".docx"), ("ệ" * 299, ".jpeg")],
)
def test_long_names_keep_their_extension(stem, extension):
    result = sanitize_filename(stem + extension)
    assert 140 <= len(result) <= 150
    assert result.endswith(extension)
    assert result.startswith(stem[:100])
    assert not result[: -len(extension)].endswith((" ", "."))


def test_long_name_without_extension_is_cut():
    assert sanitize_filename("x" * 300) == "x" * 150
    assert sanitize_filename("x" * 200 + "." + "y" * 100) == ("x" * 200 + "." + "y" * 100)[:150]


def test_sanitize_filename_is_idempotent():
    for raw in ["C:\\a\\ Tờ  khai .pdf", "..\u202ex.pdf", "a" * 300 + ".pdf"]:
        once = sanitize_filename(raw)
        assert sanitize_filename(once) == once


# --- content_disposition ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("filename", "fallback"),
    [
        ("Tờ khai.pdf", "To khai.pdf"),
        ("Đơn đề nghị cấp lại.docx", "Don de nghi cap lai.docx"),
        ("GIẤY KHAI SINH.PNG", "GIAY KHAI SINH.PNG"),
        ("report.pdf", "report.pdf"),
        ('báo "cáo" 100%.pdf', "bao cao 100.pdf"),
        ("文件.pdf", "tep-dinh-kem.pdf"),
        ("ảnh", "anh"),
    ],
)
def test_content_disposition_fallback_and_utf8(filename, fallback):
    header = content_disposition(filename)
    header.encode("ascii")  # header values must be plain ASCII
    assert header.startswith("attachment; ")
    assert f'filename="{fallback}"' in header
    encoded = header.split("filename*=UTF-8''", 1)[1]
    assert " " not in encoded and '"' not in encoded
    assert unquote(encoded, errors="strict") == filename
    kind, options = parse_options_header(header)  # what a client parser makes of it
    assert kind == "attachment"
    assert options["filename"] == filename


def test_content_disposition_exact_value():
    assert content_disposition("Tờ khai.pdf", inline=True) == (
        "inline; filename=\"To khai.pdf\"; filename*=UTF-8''T%E1%BB%9D%20khai.pdf"
    )


def test_content_disposition_cannot_inject_headers():
    header = content_disposition('a\r\nSet-Cookie: x=1; "b\\c.pdf')
    assert "\r" not in header and "\n" not in header
    assert header.count('"') == 2


def test_content_disposition_sanitises_path_and_empty_names():
    assert 'filename="passwd"' in content_disposition("../../etc/passwd")
    assert content_disposition("").startswith('attachment; filename="tep-dinh-kem"')


# --- HashingReader ------------------------------------------------------------------------


def test_hashing_reader_digest_and_size():
    data = bytes(range(256)) * 5000
    reader = HashingReader(io.BytesIO(data), limit=len(data))
    target = io.BytesIO()
    shutil.copyfileobj(reader, target, 4096)
    assert target.getvalue() == data
    assert reader.size == len(data)
    assert reader.hexdigest == hashlib.sha256(data).hexdigest()
    assert reader.digest == hashlib.sha256(data).digest()


def test_hashing_reader_read_all_and_readinto():
    data = "Hồ sơ điện tử".encode() * 1000
    assert HashingReader(io.BytesIO(data), limit=10**6).read() == data
    buffered = io.BufferedReader(HashingReader(io.BytesIO(data), limit=10**6))
    assert buffered.read() == data


def test_hashing_reader_empty_stream():
    reader = HashingReader(io.BytesIO(b""), limit=0)
    assert reader.read() == b""
    assert reader.size == 0
    assert reader.hexdigest == hashlib.sha256(b"").hexdigest()


def test_hashing_reader_limit_is_inclusive():
    reader = HashingReader(io.BytesIO(b"x" * 100), limit=100)
    assert len(reader.read()) == 100


class CountingStream(io.RawIOBase):
    """An endless stream that counts how much was asked of it."""

    def __init__(self):
        self.served = 0

    def readable(self):
        return True

    def readinto(self, buffer):
        size = len(buffer)
        buffer[:size] = b"z" * size
        self.served += size
        return size


@pytest.mark.parametrize("how", ["chunks", "read-all", "copyfileobj"])
def test_hashing_reader_stops_as_soon_as_the_limit_is_passed(how):
    source = CountingStream()
    reader = HashingReader(source, limit=10_000)
    with pytest.raises(FileTooLarge) as caught:
        if how == "chunks":
            while reader.read(1000):
                pass
        elif how == "read-all":
            reader.read()
        else:
            shutil.copyfileobj(reader, io.BytesIO(), 4096)
    assert caught.value.limit == 10_000
    assert "10000" in str(caught.value)
    assert source.served <= 10_000 + 4096  # never far past the limit


def test_hashing_reader_is_not_seekable_and_leaves_the_stream_open():
    source = io.BytesIO(b"abc")
    reader = HashingReader(source, limit=10)
    assert reader.readable() and not reader.seekable() and not reader.writable()
    reader.close()
    assert not source.closed
    with pytest.raises(ValueError):
        reader.read(1)
