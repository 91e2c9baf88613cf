"""Bundle sizes of the SPA: every chunk (raw and gzip), the initial JavaScript of the citizen
entry (what a phone downloads before the first screen), and what each lazy route adds.

Reads ``frontend/dist`` (built with ``make frontend``; ``--build`` builds it first) and Vite's
manifest. The budget of the issue: the citizen entry's initial JavaScript at most 150 KB gzip,
officer screens lazy-loaded (never in the initial set).

    .venv/bin/python -m bench.frontend.run [--build]
"""

from __future__ import annotations

import argparse
import gzip
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DIST = ROOT / "frontend" / "dist"
BUDGET_GZIP = 150 * 1024


def sizes(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    return len(data), len(gzip.compress(data, compresslevel=9))


def closure(manifest: dict, key: str, seen: set[str] | None = None) -> set[str]:
    """The chunk ``key`` and everything it imports statically (loaded together)."""
    seen = set() if seen is None else seen
    if key in seen:
        return seen
    seen.add(key)
    for child in manifest[key].get("imports", []):
        closure(manifest, child, seen)
    return seen


def kb(n: int) -> str:
    return f"{n / 1024:8.1f} KB"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", action="store_true", help="run `make frontend` first")
    args = parser.parse_args()
    if args.build or not (DIST / "index.html").is_file():
        subprocess.run(["make", "frontend"], cwd=ROOT, check=True)
    manifest = json.loads((DIST / ".vite" / "manifest.json").read_text())

    print(f"{'chunk':<44}{'raw':>12}{'gzip':>12}")
    for path in sorted((DIST / "assets").iterdir(), key=lambda p: -p.stat().st_size):
        raw, gz = sizes(path)
        print(f"{path.name:<44}{kb(raw)}{kb(gz)}")

    entry = next(key for key, chunk in manifest.items() if chunk.get("isEntry"))
    initial = closure(manifest, entry)
    js = [manifest[k]["file"] for k in initial]
    css = {css for k in initial for css in manifest[k].get("css", [])}
    raw_js = sum(sizes(DIST / f)[0] for f in js)
    gz_js = sum(sizes(DIST / f)[1] for f in js)
    gz_css = sum(sizes(DIST / f)[1] for f in css)
    print()
    print(
        f"initial JavaScript of the citizen entry ({len(js)} files): {kb(raw_js)} raw, "
        f"{kb(gz_js)} gzip (budget {BUDGET_GZIP // 1024} KB gzip); CSS {kb(gz_css)} gzip"
    )

    print()
    print(f"{'lazy route (what it adds to the initial set)':<52}{'gzip':>12}")
    for key, chunk in sorted(manifest.items()):
        if not chunk.get("isDynamicEntry"):
            continue
        extra = closure(manifest, key) - initial
        gz = sum(sizes(DIST / manifest[k]["file"])[1] for k in extra)
        print(f"{key.removeprefix('src/views/'):<52}{kb(gz)}")

    officer_in_initial = [k for k in initial if "views/officer/" in k]
    ok = gz_js <= BUDGET_GZIP and not officer_in_initial
    print()
    print("officer screens lazy-loaded:", "yes" if not officer_in_initial else officer_in_initial)
    print("within budget:", "yes" if ok else "NO")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
