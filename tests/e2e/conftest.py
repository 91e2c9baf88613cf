"""Browser tests: the app as ``make run`` serves it, driven by Debian's Chromium.

The session starts the real server (``flask run``) on a free port with a fresh instance folder:
SQLite, migrations, the demo seed, simulators on, the built SPA (built first with
``make frontend`` when ``frontend/dist`` is missing or older than the sources). Chromium is
``/usr/bin/chromium`` (never a downloaded browser); axe-core comes from
``frontend/node_modules``. Screenshots go to ``artifacts/e2e/``.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
FRONTEND = ROOT / "frontend"
DIST = FRONTEND / "dist"
ARTIFACTS = ROOT / "artifacts" / "e2e"
AXE = FRONTEND / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VIEWPORTS = {
    "phone": {"width": 390, "height": 844},
    "desktop": {"width": 1280, "height": 800},
    "small": {"width": 360, "height": 740},
}


def pytest_configure(config):
    config.addinivalue_line("markers", "e2e: browser tests against the running app (Chromium)")


def _is_e2e(item) -> bool:
    return "tests/e2e/" in str(item.fspath).replace(os.sep, "/")


def pytest_collection_modifyitems(items):
    for item in items:
        if _is_e2e(item):
            item.add_marker(pytest.mark.e2e)
    # Last: Playwright's sync API keeps an event loop running in this thread while the
    # session-scoped browser lives, and later code calling asyncio.run() (pyHanko) would fail.
    items.sort(key=_is_e2e)


def _stale(dist: Path) -> bool:
    index = dist / "index.html"
    if not index.is_file():
        return True
    built = index.stat().st_mtime
    sources = [FRONTEND / "index.html", FRONTEND / "package.json", FRONTEND / "vite.config.ts"]
    sources += [p for p in (FRONTEND / "src").rglob("*") if p.is_file()]
    sources += [p for p in (FRONTEND / "public").rglob("*") if p.is_file()]
    return any(p.stat().st_mtime > built for p in sources)


def _free_port() -> int:
    wanted = os.environ.get("E2E_PORT")
    if wanted:
        return int(wanted)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def built_frontend() -> Path:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    if shutil.which("npm") is None:
        pytest.skip("npm is not installed: the SPA cannot be built")
    if _stale(DIST):
        subprocess.run(["make", "frontend"], cwd=ROOT, check=True)
    if not AXE.is_file():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=FRONTEND, check=True)
    return DIST


@pytest.fixture(scope="session")
def live_server(built_frontend, tmp_path_factory):
    """The whole product on the embedded default, like ``make run``; yields its base URL."""
    instance = tmp_path_factory.mktemp("e2e-instance")
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "APP_ENV", "REDIS_URL", "CELERY_BROKER_URL")
    }
    env.update(
        INSTANCE_DIR=str(instance),
        PUBLIC_BASE_URL=base,
        FRONTEND_DIST=str(built_frontend),
        FLASK_APP="backend:create_app",
    )
    flask = [sys.executable, "-m", "flask", "--app", "backend:create_app"]
    for args in (["db", "upgrade"], ["seed", "demo"]):
        subprocess.run([*flask, *args], cwd=ROOT, env=env, check=True, capture_output=True)
    log = open(instance / "server.log", "wb")  # noqa: SIM115 - closed at teardown
    server = subprocess.Popen(
        [*flask, "run", "--host", "127.0.0.1", "--port", str(port), "--with-threads"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if requests.get(f"{base}/healthz", timeout=1).ok:
                    break
            except requests.ConnectionError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError((instance / "server.log").read_text()[-4000:])
            time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class Pages:
    """Helpers over one browser context: screenshots, axe-core, CSP violations."""

    def __init__(self, context, name: str, base: str):
        self.context = context
        self.name = name
        self.base = base
        self.page = context.new_page()
        self.console: list[str] = []
        self.page.on("console", lambda m: self.console.append(f"{m.type}: {m.text}"))
        self.page.on("pageerror", lambda e: self.console.append(f"pageerror: {e}"))
        self.shots = 0
        self.axe_source = AXE.read_text(encoding="utf-8")

    def goto(self, path: str):
        self.page.goto(self.base + path)
        self.page.wait_for_selector("main h1")

    def shot(self, label: str) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        self.shots += 1
        path = ARTIFACTS / f"{self.name}-{self.shots:02d}-{label}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def axe(self, label: str) -> None:
        """Run axe-core (WCAG 2.1 A/AA rules) on the current page: no serious or critical."""
        from playwright.sync_api import TimeoutError as PlaywrightTimeout

        # An inline PDF preview may keep the network busy: then go on after 5 s.
        with contextlib.suppress(PlaywrightTimeout):
            self.page.wait_for_load_state("networkidle", timeout=5000)
        self.page.wait_for_selector("main [role=status] .spinner", state="detached")
        # CDP evaluation is not subject to the page's CSP (no inline script is injected).
        cdp = self.context.new_cdp_session(self.page)
        cdp.send("Runtime.evaluate", {"expression": self.axe_source})
        cdp.detach()
        result = self.page.evaluate(
            """async () => {
                const r = await axe.run(document, {runOnly: {type: 'tag',
                    values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}});
                return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                    nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
            }"""
        )
        bad = [v for v in result if v["impact"] in ("serious", "critical")]
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        with open(ARTIFACTS / "axe.jsonl", "a", encoding="utf-8") as out:
            out.write(json.dumps({"page": f"{self.name}:{label}", "violations": result}) + "\n")
        assert not bad, f"axe on {label} ({self.page.url}): {json.dumps(bad, indent=1)}"
        self.shot(label)

    def csp_violations(self) -> list[str]:
        return [line for line in self.console if "Content Security Policy" in line]


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"report_{report.when}", report)


@pytest.fixture
def new_pages(request, browser, live_server):
    contexts = []
    made: list[Pages] = []

    def factory(name: str, viewport: str):
        context = browser.new_context(
            viewport=VIEWPORTS[viewport], locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh"
        )
        context.set_default_timeout(20000)
        contexts.append(context)
        made.append(Pages(context, f"{viewport}-{name}", live_server))
        return made[-1]

    yield factory
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:  # keep what the browser showed
        for pages in made:
            with contextlib.suppress(Exception):
                pages.shot("FAILED")
    for context in contexts:
        context.close()
