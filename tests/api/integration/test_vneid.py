"""Signing in with VNeID: a browser (requests) goes through the app and the OpenID Connect
provider simulator, both over real HTTP; the app exchanges the code and verifies the ID
token with Authlib and joserfc."""

from __future__ import annotations

import re
import time
from datetime import date
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from flask import Flask
from joserfc import jwt
from joserfc.jwk import RSAKey

from backend.accounts.models import User
from backend.integration import vneid
from backend.integration.models import ExternalIdentity
from backend.simulators import vneid as vneid_sim
from tests.factories import CitizenFactory
from tests.http_server import serve

CLIENT_ID, CLIENT_SECRET = "dvc-test", "test-only-vneid-client-secret"
CUONG = "001090012345"


@pytest.fixture
def sites(app, db, monkeypatch):
    """The app and the provider, each on its own port; the app configured for the provider."""
    with serve(app) as app_base:
        callback = app_base + "/api/v1/auth/vneid/callback"
        provider = Flask("vneid-sim")
        with serve(provider) as sim_base:
            provider.config.update(
                VNEID_ISSUER=sim_base + "/simulators/vneid",
                VNEID_CLIENT_ID=CLIENT_ID,
                VNEID_CLIENT_SECRET=CLIENT_SECRET,
                VNEID_REDIRECT_URI=callback,
            )
            sim = vneid_sim.init_app(provider)
            for key, value in provider.config.items():
                if key.startswith("VNEID_"):
                    monkeypatch.setitem(app.config, key, value)
            monkeypatch.setitem(app.extensions, "vneid_cache", {})
            yield app_base, sim_base, sim


def sign_in(app_base, *, person=CUONG, action="login", next_path="/ho-so-cua-toi", browser=None):
    """Click "Đăng nhập bằng VNeID", pick a person on the provider's page; returns the
    browser and the app's final redirect."""
    browser = browser or requests.Session()
    start = browser.get(
        app_base + "/api/v1/auth/vneid/login", params={"next": next_path}, allow_redirects=False
    )
    assert start.status_code == 302, start.text
    page = browser.get(start.headers["Location"])
    assert page.status_code == 200 and "Đăng nhập bằng tài khoản định danh điện tử" in page.text
    form = dict(re.findall(r'type="hidden" name="([^"]+)" value="([^"]*)"', page.text))
    posted = browser.post(
        start.headers["Location"].split("?")[0],
        data={**form, "person": person, "password": "123456", "action": action},
        allow_redirects=False,
    )
    assert posted.status_code == 302
    back = browser.get(posted.headers["Location"], allow_redirects=False)
    return browser, back, posted.headers["Location"]


def test_first_sign_in_creates_a_verified_citizen_account(sites, db):
    app_base, _, _ = sites
    browser, back, _ = sign_in(app_base)

    assert back.status_code == 302 and back.headers["Location"] == "/ho-so-cua-toi"
    me = browser.get(app_base + "/api/v1/auth/me")
    assert me.status_code == 200
    assert me.json()["personal_id"] == CUONG
    assert me.json()["full_name"] == "Phạm Văn Cường"
    assert me.json()["date_of_birth"] == "1990-05-20"
    assert (me.json()["identity_verified"], me.json()["identity_source"]) == (True, "vneid")

    again, back_again, _ = sign_in(app_base)
    assert back_again.status_code == 302
    assert again.get(app_base + "/api/v1/auth/me").json()["id"] == me.json()["id"]
    db.session.expire_all()
    assert db.session.query(User).filter_by(personal_id=CUONG).count() == 1
    assert db.session.query(ExternalIdentity).count() == 1


def test_an_existing_account_with_the_same_identity_is_linked(sites, db):
    citizen = CitizenFactory(
        personal_id="001195000777", full_name="Trần Thị Bình", date_of_birth=date(1995, 3, 8)
    )
    app_base, _, _ = sites
    browser, back, _ = sign_in(app_base, person="001195000777")

    assert back.status_code == 302
    me = browser.get(app_base + "/api/v1/auth/me").json()
    assert me["id"] == str(citizen.uuid) and me["identity_verified"] is True


def test_an_account_whose_birth_date_differs_is_not_taken_over(sites, db):
    CitizenFactory(
        personal_id="001195000777", full_name="Trần Thị Bình", date_of_birth=date(1995, 3, 9)
    )
    app_base, _, _ = sites
    browser, back, _ = sign_in(app_base, person="001195000777")

    assert back.headers["Location"] == "/dang-nhap?vneid_error=identity-conflict"
    assert "access_token" not in browser.cookies
    assert browser.get(app_base + "/api/v1/auth/me").status_code == 401


def test_cancelling_on_the_provider_page_signs_nobody_in(sites):
    app_base, _, _ = sites
    browser, back, _ = sign_in(app_base, action="cancel")
    assert back.headers["Location"] == "/dang-nhap?vneid_error=denied"
    assert browser.get(app_base + "/api/v1/auth/me").status_code == 401


def test_a_forged_state_or_a_reused_code_is_refused(sites):
    app_base, _, _ = sites
    _, _, callback = sign_in(app_base)
    code = parse_qs(urlsplit(callback).query)["code"][0]

    attacker = requests.Session()  # a callback without the state cookie of its own login
    forged = attacker.get(callback, allow_redirects=False)
    assert forged.headers["Location"] == "/dang-nhap?vneid_error=state-missing"

    browser = requests.Session()
    start = browser.get(app_base + "/api/v1/auth/vneid/login", allow_redirects=False)
    state = parse_qs(urlsplit(start.headers["Location"]).query)["state"][0]
    wrong = browser.get(
        app_base + "/api/v1/auth/vneid/callback",
        params={"code": code, "state": "not-" + state},
        allow_redirects=False,
    )
    assert wrong.headers["Location"] == "/dang-nhap?vneid_error=state-mismatch"
    start = browser.get(app_base + "/api/v1/auth/vneid/login", allow_redirects=False)
    state = parse_qs(urlsplit(start.headers["Location"]).query)["state"][0]
    reused = browser.get(
        app_base + "/api/v1/auth/vneid/callback",
        params={"code": code, "state": state},
        allow_redirects=False,
    )
    assert reused.headers["Location"] == "/dang-nhap?vneid_error=token-exchange-failed"
    assert browser.get(app_base + "/api/v1/auth/me").status_code == 401


def test_the_login_redirect_uses_pkce_and_never_leaves_the_site_afterwards(sites):
    app_base, sim_base, _ = sites
    start = requests.get(
        app_base + "/api/v1/auth/vneid/login",
        params={"next": "//evil.example/phish"},
        allow_redirects=False,
    )
    query = parse_qs(urlsplit(start.headers["Location"]).query)
    assert start.headers["Location"].startswith(sim_base + "/simulators/vneid/authorize")
    assert query["code_challenge_method"] == ["S256"] and query["nonce"]
    assert query["client_id"] == [CLIENT_ID]
    _, back, _ = sign_in(app_base, next_path="//evil.example/phish")
    assert back.headers["Location"] == "/"


def test_id_tokens_with_another_key_or_nonce_are_rejected(app, sites):
    _, sim_base, sim = sites
    now = int(time.time())
    claims = {
        **sim.claims(next(iter(vneid_sim.PEOPLE.values()))),
        "iss": sim_base + "/simulators/vneid",
        "aud": CLIENT_ID,
        "iat": now,
        "exp": now + 300,
        "nonce": "n-1",
    }
    good = jwt.encode({"alg": "RS256", "kid": sim.key.kid}, claims, sim.key)
    other = RSAKey.generate_key(2048, parameters={"kid": sim.key.kid})
    forged = jwt.encode({"alg": "RS256", "kid": sim.key.kid}, claims, other)
    expired = jwt.encode(
        {"alg": "RS256", "kid": sim.key.kid}, {**claims, "exp": now - 600}, sim.key
    )
    foreign = jwt.encode(
        {"alg": "RS256", "kid": sim.key.kid}, {**claims, "aud": "someone-else"}, sim.key
    )
    with app.app_context():
        assert vneid.verify_id_token(good, nonce="n-1")["SoDinhDanh"] == claims["SoDinhDanh"]
        for token, nonce in ((good, "n-2"), (forged, "n-1"), (expired, "n-1"), (foreign, "n-1")):
            with pytest.raises(vneid.VneidError, match="id-token-invalid"):
                vneid.verify_id_token(token, nonce=nonce)
