"""HTML + CSS (Jinja2) templates rendered to PDF/A with WeasyPrint.

One template per result type (``templates/results/<procedure's result_template>.html``) and
the one-stop desk's forms (``templates/forms/``: Mẫu 01 receipt slip, Mẫu 02 supplement
request, Mẫu 03 refusal, the fee e-receipt). Every template extends ``base.html``: national
header, issuing agency, number and symbol, place and date, the body, the signer, and a QR code
of the public verification URL.

WeasyPrint is imported lazily (0.6–2.6 s) and warmed up once per process: :func:`warm_up`.
Fonts are named explicitly (Noto Serif / Noto Sans, full Vietnamese coverage) and embedded.
"""

from __future__ import annotations

import io
import threading
from datetime import date, datetime
from pathlib import Path

import jinja2

from backend.core.clock import VN_TZ

TEMPLATE_DIR = Path(__file__).parent / "templates"
#: PDF/A-2a: archival, and tagged (WeasyPrint writes the structure tree for the "a" level).
DEFAULT_VARIANT = "pdf/a-2a"

FORM_TEMPLATES = {
    "receipt_slip": "forms/receipt_slip.html",
    "supplement_request": "forms/supplement_request.html",
    "refusal": "forms/refusal.html",
    "fee_receipt": "forms/fee_receipt.html",
}

_lock = threading.Lock()
#: One render at a time per process: the font configuration below is shared (WeasyPrint does
#: not promise it is thread-safe), and rendering is CPU-bound anyway.
_render_lock = threading.Lock()
_env: jinja2.Environment | None = None
_css = None
_fonts = None


def _vn_date(value) -> str:
    """``ngày 05 tháng 3 năm 2026`` (ND 30/2020: day and month below 10 take a leading zero
    for the day only when below 10, and months 1 and 2 keep one for clarity)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.astimezone(VN_TZ).date() if value.tzinfo else value.date()
    month = f"{value.month:02d}" if value.month < 3 else str(value.month)
    return f"ngày {value.day:02d} tháng {month} năm {value.year}"


def _vn_datetime(value) -> str:
    if value is None:
        return ""
    if value.tzinfo:
        value = value.astimezone(VN_TZ)
    return f"{value:%H} giờ {value:%M} phút, {_vn_date(value)}"


def _short_date(value) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, datetime) and value.tzinfo:
        value = value.astimezone(VN_TZ)
    return f"{value:%d/%m/%Y}"


def _money(value) -> str:
    return f"{int(value or 0):,}".replace(",", ".") + " đồng"


def environment() -> jinja2.Environment:
    global _env
    with _lock:
        if _env is None:
            env = jinja2.Environment(
                loader=jinja2.FileSystemLoader(TEMPLATE_DIR),
                autoescape=jinja2.select_autoescape(["html"]),
                undefined=jinja2.ChainableUndefined,
                trim_blocks=True,
                lstrip_blocks=True,
            )
            env.filters.update(
                vn_date=_vn_date,
                vn_datetime=_vn_datetime,
                short_date=_short_date,
                money=_money,
            )
            _env = env
        return _env


def template_exists(name: str) -> bool:
    return (TEMPLATE_DIR / name).is_file()


def qr_svg(url: str) -> str:
    """The QR code of ``url`` as an inline SVG (vector, crisp when printed)."""
    import qrcode
    from qrcode.image.svg import SvgPathImage

    code = qrcode.QRCode(border=2, error_correction=qrcode.constants.ERROR_CORRECT_M)
    code.add_data(url)
    code.make(fit=True)
    image = code.make_image(image_factory=SvgPathImage)
    svg = image.to_string(encoding="unicode")
    return svg[svg.index("<svg") :]


def render_html(template: str, context: dict) -> str:
    context = dict(context)
    if context.get("verify_url"):
        context["qr"] = qr_svg(context["verify_url"])
    return environment().get_template(template).render(**context)


def _stylesheet():
    """The stylesheet and the font configuration, made once per process: reusing the fonts
    WeasyPrint loaded saves about a third of each render."""
    global _css, _fonts
    if _css is None:
        from weasyprint import CSS
        from weasyprint.text.fonts import FontConfiguration

        _fonts = FontConfiguration()
        _css = CSS(filename=str(TEMPLATE_DIR / "style.css"), font_config=_fonts)
    return _css, _fonts


def render_pdf(template: str, context: dict, *, variant: str | None = DEFAULT_VARIANT) -> bytes:
    """Render ``template`` with ``context`` to PDF bytes (PDF/A ``variant``, tagged)."""
    from weasyprint import HTML

    html = render_html(template, context)
    output = io.BytesIO()
    with _render_lock:
        css, fonts = _stylesheet()
        HTML(string=html, base_url=str(TEMPLATE_DIR)).write_pdf(
            output,
            stylesheets=[css],
            font_config=fonts,
            pdf_variant=variant or None,
            pdf_tags=True,
            uncompressed_pdf=False,
            custom_metadata=False,
            pdf_identifier=context.get("pdf_identifier"),
        )
    return output.getvalue()


def warm_up() -> None:
    """Import WeasyPrint and render once (the first render is 1.5–3x a warm one)."""
    render_pdf("forms/receipt_slip.html", sample_context())


def sample_context() -> dict:
    """A filled-in context for previews, warm-up and the benchmark."""
    now = datetime.now(VN_TZ)
    return {
        "agency": {
            "name": "UBND phường Nha Trang",
            "parent": "UBND tỉnh Khánh Hòa",
            "code": "000.31.01.H56",
        },
        "number": "123",
        "symbol": "GKS",
        "place": "Nha Trang",
        "issued_at": now,
        "title": "Giấy tiếp nhận hồ sơ và hẹn trả kết quả",
        "holder": {"name": "Nguyễn Thị Ánh Tuyết", "personal_id": "001090123456"},
        "dossier": {
            "code": "000.31.01.H56-260305-0001",
            "procedure": "Thủ tục đăng ký khai sinh",
            "received_at": now,
            "due_at": now,
            "components": [{"name": "Tờ khai đăng ký khai sinh", "filename": "to-khai.pdf"}],
            "applicant_phone": "0912345678",
            "applicant_email": "tuyet@example.vn",
            "channel": "Trực tuyến",
        },
        "form": {},
        "sections": [],
        "signer": {"title": "NGƯỜI TIẾP NHẬN", "name": "Trần Văn Đức"},
        "verify_url": "https://dichvucong.example.vn/xac-minh/sample",
    }
