"""PAdES signatures with pyHanko: sign a rendered PDF, validate an uploaded one.

B-T (the signature carries an RFC 3161 timestamp) when ``RESULTS_TSA_URL`` is set, else B-B.
The visible stamp says who signed, for which agency and when, in Vietnamese: its font is a
Latin + Vietnamese subset of Noto Sans made once per process (the whole font would be parsed
for every stamp, STACK.md trap 6).
"""

from __future__ import annotations

import functools
import io
import os
import threading
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from flask import current_app

from backend.core.clock import VN_TZ

#: Where the visible stamp goes on the last page (PDF points from the bottom left).
STAMP_BOX = (300, 40, 560, 110)
FIELD_NAME = "ChuKyCoQuan"
STAMP_FONT = "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf"
#: Latin, Latin-1, Latin Extended-A/B (đ, ơ, ư…), combining marks, Vietnamese (ạ…ỹ), punctuation.
VIETNAMESE_UNICODES = "U+0020-007E,U+00A0-024F,U+0300-0323,U+1EA0-1EF9,U+2010-2027,U+20AB"

_font_lock = threading.Lock()
_font_path: str | None = None


def stamp_font(config=None) -> str:
    """The path of the stamp font subset, written once under the instance folder."""
    global _font_path
    config = config or current_app.config
    with _font_lock:
        if _font_path and Path(_font_path).exists():
            return _font_path
        source = config.get("RESULTS_STAMP_FONT") or STAMP_FONT
        target = Path(config["INSTANCE_DIR"]) / "fonts" / "stamp-vi.ttf"
        if not target.exists():
            from fontTools import subset

            target.parent.mkdir(parents=True, exist_ok=True)
            options = subset.Options()
            # Vietnamese letters are precomposed glyphs in Noto: no shaping tables needed, and
            # without GSUB/GPOS pyHanko's own per-stamp subsetting is several times faster.
            options.layout_features = []
            options.drop_tables += ["GSUB", "GPOS", "GDEF", "BASE", "JSTF", "MATH"]
            options.hinting = False
            with open(source, "rb") as handle:
                font = subset.load_font(handle, options)
                subsetter = subset.Subsetter(options)
                subsetter.populate(unicodes=subset.parse_unicodes(VIETNAMESE_UNICODES))
                subsetter.subset(font)
                tmp = target.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
                subset.save_font(font, str(tmp), options)
                font.close()
            tmp.replace(target)
        _font_path = str(target)
        return _font_path


@functools.cache
def _font_bytes(path: str) -> bytes:
    with open(path, "rb") as handle:
        return handle.read()


@functools.cache
def _font_factory_class():
    from pyhanko.pdf_utils.font.opentype import GlyphAccumulator, GlyphAccumulatorFactory

    class InMemoryFontFactory(GlyphAccumulatorFactory):
        """pyHanko's factory opens (and never closes) the font file for every stamp; this
        one reads it once and hands each stamp a copy in memory."""

        def create_font_engine(self, writer, obj_stream=None):
            if obj_stream is None and writer.stream_xrefs and self.create_objstream_if_needed:
                obj_stream = writer.prepare_object_stream()
            return GlyphAccumulator(
                writer=writer,
                font_handle=io.BytesIO(_font_bytes(self.font_file)),
                font_size=self.font_size,
                obj_stream=obj_stream,
            )

    return InMemoryFontFactory


def _timestamper(config):
    url = config.get("RESULTS_TSA_URL")
    if not url:
        return None
    from pyhanko.sign.timestamps.requests_client import RequestsHTTPTimeStamper

    return RequestsHTTPTimeStamper(url, timeout=config.get("RESULTS_TSA_TIMEOUT", 10))


def sign_pdf(pdf: bytes, *, signer, signer_name: str, agency_name: str, config=None) -> bytes:
    """Sign ``pdf`` as the agency, with a visible stamp on the last page; returns the new PDF."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.text import TextBoxStyle
    from pyhanko.sign import fields, signers
    from pyhanko.sign.fields import SigSeedSubFilter
    from pyhanko.stamp import TextStampStyle

    config = config or current_app.config
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    last_page = int(writer.root["/Pages"]["/Count"]) - 1
    timestamper = _timestamper(config)
    meta = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME,
        md_algorithm="sha256",
        subfilter=SigSeedSubFilter.PADES,
        reason="Ký số văn bản điện tử",
        location="Việt Nam",
        name=signer_name,
    )
    style = TextStampStyle(
        stamp_text="Ký bởi: %(signer)s\nCơ quan: %(agency)s\nThời gian: %(when)s",
        text_box_style=TextBoxStyle(
            font=_font_factory_class()(stamp_font(config), font_size=7), leading=10
        ),
        border_width=1,
    )
    pdf_signer = signers.PdfSigner(
        meta,
        signer=signer,
        timestamper=timestamper,
        stamp_style=style,
        new_field_spec=fields.SigFieldSpec(FIELD_NAME, on_page=last_page, box=STAMP_BOX),
    )
    output = io.BytesIO()
    pdf_signer.sign_pdf(
        writer,
        output=output,
        appearance_text_params={
            "signer": signer_name,
            "agency": agency_name,
            # Vietnam time (the CMS signing time itself is UTC, ISO 8601).
            "when": datetime.now(VN_TZ).strftime("%d/%m/%Y %H:%M:%S +07:00"),
        },
    )
    return output.getvalue()


@dataclass
class SignatureCheck:
    """One signature of a checked PDF, as pyHanko judged it against our trust roots."""

    field: str
    signer: str | None
    #: The signed bytes are unchanged.
    intact: bool
    #: The signer's certificate chains to one of the agencies' roots.
    trusted: bool
    #: The signature covers the whole file (nothing appended after it).
    covers_whole_file: bool
    signed_at: datetime | None
    timestamped: bool
    valid: bool = field(init=False)

    def __post_init__(self):
        self.valid = self.intact and self.trusted and self.covers_whole_file


def validate_pdf(pdf: bytes, roots: list) -> list[SignatureCheck] | None:
    """The signatures of ``pdf`` checked against ``roots``; None when it is not a readable
    PDF. Revocation is not checked (the dev PKI publishes no CRL; a revoked *document* is
    reported from our own records)."""
    from pyhanko.pdf_utils.misc import PdfReadError
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        embedded = list(reader.embedded_signatures)
    except (PdfReadError, ValueError, KeyError, TypeError, IndexError):
        return None
    checks = []
    for sig in embedded:
        context = ValidationContext(trust_roots=roots, allow_fetching=False)
        try:
            status = validate_pdf_signature(sig, context)
        except Exception:  # a malformed signature is simply not valid
            checks.append(SignatureCheck(sig.field_name, None, False, False, False, None, False))
            continue
        cert = status.signing_cert
        signed_at = status.timestamp_validity.timestamp if status.timestamp_validity else None
        signed_at = signed_at or status.signer_reported_dt
        checks.append(
            SignatureCheck(
                field=sig.field_name,
                signer=cert.subject.native.get("common_name") if cert else None,
                intact=bool(status.intact and status.valid),
                trusted=bool(status.trusted),
                covers_whole_file=status.coverage == SignatureCoverageLevel.ENTIRE_FILE,
                signed_at=signed_at.astimezone(VN_TZ) if signed_at else None,
                timestamped=status.timestamp_validity is not None,
            )
        )
    return checks
