"""The SPA shell, its history-mode fallback, security headers, health endpoints, API docs."""

from __future__ import annotations

import pytest


@pytest.fixture
def spa_app(make_app, tmp_path):
    dist = tmp_path / "dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_text("<!doctype html><title>SPA</title>")
    (dist / "assets" / "app.3f9a.js").write_text("console.log(1)")
    return make_app(FRONTEND_DIST=str(dist))


def test_client_side_routes_get_index_html_uncached(spa_app):
    response = spa_app.test_client().get("/ho-so/000.00.15.H56-261127-0001")

    assert response.status_code == 200
    assert b"<title>SPA</title>" in response.data
    assert "no-cache" in response.headers["Cache-Control"]
    response.close()


def test_hashed_assets_are_cached_for_a_year_and_missing_ones_are_404(spa_app):
    client = spa_app.test_client()

    asset = client.get("/assets/app.3f9a.js")
    missing = client.get("/assets/app.0000.js")

    assert asset.status_code == 200
    asset.close()
    assert "max-age=31536000" in asset.headers["Cache-Control"]
    assert "no-cache" not in asset.headers["Cache-Control"]
    assert missing.status_code == 404
    asset.close()


def test_placeholder_page_until_the_spa_is_built(client):
    response = client.get("/")

    assert response.status_code == 200
    assert "Dịch vụ công trực tuyến" in response.get_data(as_text=True)


def test_strict_security_headers_on_every_response(client):
    for path in ("/", "/healthz", "/api/v1/khong-co"):
        headers = client.get(path).headers
        assert "script-src 'self'" in headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
        assert headers["X-Content-Type-Options"] == "nosniff"


def test_healthz_and_readyz(client):
    assert client.get("/healthz").json == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.json["checks"] == {"database": "ok"}


def test_readyz_checks_redis_when_configured(make_app, tmp_path):
    up = make_app(REDIS_URL="redis://127.0.0.1:6379/0")
    down = make_app(REDIS_URL="redis://127.0.0.1:1/0")

    ok = up.test_client().get("/readyz")
    failing = down.test_client().get("/readyz")

    assert ok.status_code == 200 and ok.json["checks"]["redis"] == "ok"
    assert failing.status_code == 503 and failing.json["checks"]["redis"] == "unreachable"


def test_readyz_reports_an_unreachable_database(make_app, tmp_path):
    app = make_app(DATABASE_URL="postgresql+psycopg://nobody@127.0.0.1:1/x")

    response = app.test_client().get("/readyz")

    assert response.status_code == 503
    assert response.json["checks"]["database"] == "unreachable"


def test_api_docs_page_and_document_are_served_locally(client):
    page = client.get("/api/docs")
    spec = client.get("/api/v1/openapi.json")
    asset = client.get("/api/docs/assets/swagger-ui-bundle.js")

    assert page.status_code == 200 and b"/api/v1/openapi.json" not in page.data
    assert b"/api/docs/init.js" in page.data and b"https://" not in page.data
    assert spec.json["openapi"].startswith("3.")
    assert "/api/v1/auth/login" in spec.json["paths"]
    assert asset.status_code == 200
    asset.close()
