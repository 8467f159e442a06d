"""A new user's install, end to end: a fresh venv, `pip install` of this checkout (not editable), run
from /tmp with HOME, GAZETTEER_CACHE, XDG_DATA_HOME and DASHBOARD_DB in empty temporary folders.

Prints each command with its output (trimmed) and timings:
  liveblog-map --version, gazetteer --version
  gazetteer geocode Hmeimim --json              (builds the place index on first use)
  liveblog-map serve --port N                   (/_stcore/health; Chromium: the sample's markers, the
                                                 map's scripts from /app/static/, nothing off loopback)
  gazetteer geoparse --jsonl (GeoWebNews dev texts), installed copy against this checkout: diff

    .venv/bin/python bench/fresh_install.py [--keep]

Takes a few minutes (the install, and the index built twice: once by each copy's own cache).
pip itself reads the invoking user's pip configuration (PIP_CONFIG_FILE), so it finds the same
package indexes; nothing the installed program reads comes from the real home folder.
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests import browser_support as B  # noqa: E402
from tests.conftest import SHARED, find_chromium  # noqa: E402

CORPUS = SHARED / "bench" / "gwn-dev.jsonl"


def show(command: list[str], done: subprocess.CompletedProcess, seconds: float, keep: int = 6) -> None:
    print(f"$ {' '.join(command)}    # exit {done.returncode}, {seconds:.1f} s")
    for stream in (done.stdout, done.stderr):
        lines = (stream or "").rstrip().splitlines()
        for line in lines[:keep]:
            print("  " + (line if len(line) < 300 else line[:300] + " …"))
        if len(lines) > keep:
            print(f"  … ({len(lines) - keep} more lines)")


def run(command: list[str], env: dict, cwd: Path, timeout: float = 900, keep: int = 6) -> subprocess.CompletedProcess:
    started = time.perf_counter()
    done = subprocess.run(command, env=env, cwd=cwd, capture_output=True, text=True, timeout=timeout)
    show(command, done, time.perf_counter() - started, keep)
    return done


def browser_check(url: str, store: Path) -> None:
    from playwright.sync_api import sync_playwright

    from dashboard.store import EventStore
    from dashboard.view import mapdata

    chromium = find_chromium()
    if chromium is None:
        print("Chromium: not found, browser check skipped")
        return
    with sync_playwright() as playwright:
        browser = B.launch(playwright, chromium)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        static: dict[str, tuple[int, str]] = {}
        page.on("response", lambda r: static.__setitem__(r.url.split("/app/static/", 1)[1],
                                                         (r.status, r.headers.get("content-type", "")))
                if "/app/static/" in r.url else None)
        guard = B.LoopbackGuard()
        page.route("**/*", guard)
        started = time.perf_counter()
        page.goto(url)
        frame = B.map_frame(page, timeout=300_000)
        B.wait_idle(page)
        shown = B.layer_places(frame)
        print(f"Chromium: map with {len(shown)} places after {time.perf_counter() - started:.1f} s "
              f"(first visit: the sample read into {store})")
        with EventStore(store) as events:
            (source,) = events.sources()["source_id"]
            data = mapdata.prepare(events.entries([source]), events.mentions([source]), [source])
        times = sorted(data.entries["time_utc"].unique())
        places = mapdata.window_places(data, (times[0], times[-1]))
        expected = dict(zip(places["label"], places["count"].astype(int), strict=True))
        print(f"  markers equal the store's places for the whole window: {shown == expected} "
              f"({sorted(shown.items(), key=lambda kv: -kv[1])[:4]} …)")
        for name, (status, kind) in sorted(static.items()):
            print(f"  /app/static/{name}: {status} {kind}")
        print(f"  requests off loopback (not tiles): {guard.outside or 'none'}; tiles tried: {len(guard.tiles)}")
        browser.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="fresh-install-"))
    folders = {name: work / name for name in ("home", "cache", "xdg", "store", "venv")}
    for name in ("home", "cache", "xdg", "store"):
        folders[name].mkdir()
    env = {"PATH": f"{folders['venv'] / 'bin'}:/usr/bin:/bin", "HOME": str(folders["home"]),
           "GAZETTEER_CACHE": str(folders["cache"]), "XDG_DATA_HOME": str(folders["xdg"]),
           "DASHBOARD_DB": str(folders["store"] / "events.db"), "LANG": "C.UTF-8"}
    print(f"HOME={env['HOME']} GAZETTEER_CACHE={env['GAZETTEER_CACHE']} XDG_DATA_HOME={env['XDG_DATA_HOME']} "
          f"DASHBOARD_DB={env['DASHBOARD_DB']}  (all empty)")
    tmp = Path("/tmp")
    try:
        run([sys.executable, "-m", "venv", str(folders["venv"])], env, tmp)
        pip_env = {**env, "PIP_CACHE_DIR": str(Path.home() / ".cache" / "pip"),
                   **{k: v for k, v in os.environ.items() if k.startswith("PIP_")}}
        user_pip = Path.home() / ".config" / "pip" / "pip.conf"
        if user_pip.is_file():
            pip_env["PIP_CONFIG_FILE"] = str(user_pip)
        done = run([str(folders["venv"] / "bin" / "pip"), "install", "-q", str(ROOT)], pip_env, tmp, timeout=1800)
        if done.returncode:
            return 1
        bin_dir = folders["venv"] / "bin"
        run([str(bin_dir / "liveblog-map"), "--version"], env, tmp)
        run([str(bin_dir / "gazetteer"), "--version"], env, tmp)
        done = run([str(bin_dir / "gazetteer"), "geocode", "Hmeimim", "--json"], env, tmp, keep=3)
        first = json.loads(done.stdout)[0]
        print(f"  first answer: {first['name']} ({first['feature_code']}, {first['country_code']}) "
              f"at {first['lat']}, {first['lon']}")

        port = B.free_port()
        log = work / "serve.log"
        command = [str(bin_dir / "liveblog-map"), "serve", "--port", str(port)]
        print(f"$ {' '.join(command)}")
        started = time.perf_counter()
        with open(log, "w") as handle:
            server = subprocess.Popen(command, env=env, cwd=tmp, stdout=handle, stderr=subprocess.STDOUT)
        try:
            url = f"http://127.0.0.1:{port}"
            while True:
                if server.poll() is not None:
                    print(log.read_text())
                    return 1
                try:
                    with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                        answer = response.read().decode()
                    print(f"  /_stcore/health: {answer} after {time.perf_counter() - started:.1f} s")
                    break
                except OSError:
                    time.sleep(0.2)
            for line in log.read_text().splitlines()[:8]:
                print("  " + line)
            browser_check(url, Path(env["DASHBOARD_DB"]))
        finally:
            server.terminate()
            server.wait(timeout=20)

        if not CORPUS.is_file():
            print(f"{CORPUS} not found: geoparse comparison skipped")
            return 0
        texts = work / "gwn-texts.jsonl"
        with open(CORPUS, encoding="utf-8") as corpus, open(texts, "w", encoding="utf-8") as out:
            for line in corpus:
                record = json.loads(line)
                out.write(json.dumps({"id": record["id"], "text": record["text"]}, ensure_ascii=False) + "\n")
        installed, checkout = work / "installed.jsonl", work / "checkout.jsonl"
        run([str(bin_dir / "gazetteer"), "geoparse", "--jsonl", str(texts), "--out", str(installed)], env, tmp)
        run([sys.executable, "-m", "gazetteer", "geoparse", "--jsonl", str(texts), "--out", str(checkout)],
            {**os.environ}, ROOT)
        a, b = installed.read_text(encoding="utf-8"), checkout.read_text(encoding="utf-8")
        diff = list(difflib.unified_diff(b.splitlines(), a.splitlines(), "checkout", "installed", lineterm=""))
        mentions = sum(len(json.loads(line)["mentions"]) for line in a.splitlines())
        print(f"$ diff checkout.jsonl installed.jsonl    # {len(a.splitlines())} documents, {mentions} mentions: "
              f"{'identical' if not diff else f'{len(diff)} diff lines'}")
        for line in diff[:20]:
            print("  " + line)
        return 0 if not diff else 1
    finally:
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
