"""Upload under load: how long an upload of a 1,000-entry blog takes while readers scrub, against the
same upload with nobody else on the server, and what it does to the readers' steps. Prints figures,
asserts nothing.

    .venv/bin/python bench/bench_upload.py [--sessions 10] [--seconds 45] [--entries 10000]
                                           [--upload-entries 1000] [--readers-nice N] [--editor-nice N]
                                           [--chromium PATH]

One synthetic store (bench/synthetic.py) and one `python -m dashboard serve` on a loopback port, then
three phases, each in the same headless Chromium (Debian's, never downloaded):

1. readers alone: --sessions readers scrub the "Time window" for --seconds (as bench/bench_load.py);
2. readers and an upload: the same readers again, and once all of them have opened the page one more
   session uploads a text blog of --upload-entries entries through the "Add a live blog" form;
3. the upload alone: another blog of the same size, the server otherwise idle.

The upload runs in a browser of its own: with --editor-nice 0 and --readers-nice N, at the server's
niceness while the readers' run below it, as an editor's browser on a machine of their own would (on
one machine, at the readers' niceness, it gets a twelfth of what the readers leave, and the upload's
time is mostly its own page waiting to be drawn).

An upload is timed from the click on "Add to the map" until the form says "Added to the map." (the
ingest worker's child has parsed, geoparsed and committed it, and the session has rerun). The
readers' steps are the key press until the map's layer is replaced; phase 2's include the reruns
that show the new blog's commit to every session. Give --seconds at least the upload's time, so that
the upload runs inside the readers' scrubbing. The blogs are made by bench/bench_ingest.py's
generator (its 1,000-entry blog), each with another seed so that the second is new to the store.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.bench_ingest import generate_liveblog  # noqa: E402
from bench.bench_load import (  # noqa: E402
    OPEN_MS,
    Session,
    Start,
    loopback_only,
    map_frame,
    scrub,
    wait_idle,
)
from bench.server_probe import lower_readers_priority, percentile, synthetic_server  # noqa: E402
from tests import browser_support as B  # noqa: E402
from tests.conftest import find_chromium  # noqa: E402

UPLOAD_MS = 600_000


@dataclass
class Upload:
    """One upload through the app's form: when it was sent and how long it took (None: it failed)."""

    sent_at: float | None = None
    seconds: float | None = None
    error: str | None = None


async def upload(browser, url: str, blog: Path, result: Upload, start: Start | None = None) -> None:
    """Open the page in a session of its own, wait for the readers (if any) to have opened theirs, then
    add `blog` through the sidebar's form and wait for the app to say it was added."""
    context = await browser.new_context(viewport={"width": 1400, "height": 1000})
    page = await context.new_page()
    await page.route("**/*", loopback_only)
    try:
        await page.goto(url, timeout=OPEN_MS)
        await map_frame(page)
        await wait_idle(page)
        if start is not None:
            await start.event.wait()
        await page.get_by_text("Add a live blog").click()
        await page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(blog))
        # The file reaches the server before the form is sent (the uploader names it once it has).
        await page.get_by_text(blog.name).first.wait_for(timeout=60_000)
        result.sent_at = time.perf_counter()
        await page.get_by_role("button", name="Add to the map").click()
        added, refused = page.get_by_text("Added to the map."), page.get_by_text("The blog was not added")
        await added.or_(refused).first.wait_for(timeout=UPLOAD_MS)
        if await refused.count():
            result.error = "refused: " + (await page.locator('[data-testid="stCode"]').last.inner_text())[:200]
            return
        result.seconds = time.perf_counter() - result.sent_at
    except Exception as exc:
        result.error = f"{type(exc).__name__}: {(str(exc).splitlines() or [''])[0][:160]}"
    finally:
        await context.close()


async def readers_phase(browser, url: str, sessions: int, seconds: float, blog: Path | None, editor=None
                        ) -> tuple[list[Session], Upload | None]:
    """`sessions` readers scrubbing for `seconds` (and, given a blog, an upload once they have all
    opened the page, from the `editor` browser, else the readers'): what the readers saw, and the upload."""
    results = [Session() for _ in range(sessions)]
    start = Start(sessions, None)
    uploaded = Upload() if blog is not None else None
    jobs = [scrub(browser, url, number, seconds, result, start) for number, result in enumerate(results)]
    if blog is not None:
        jobs.append(upload(editor or browser, url, blog, uploaded, start))
    await asyncio.gather(*jobs)
    return results, uploaded


def steps_ms(results: list[Session]) -> list[float]:
    return [s * 1000 for r in results for s in r.steps]


def describe_steps(label: str, steps: list[float], errors: int) -> None:
    if not steps:
        print(f"  {label:<34} no step")
        return
    print(f"  {label:<34} median {statistics.median(steps):6.0f} ms, 95th percentile "
          f"{percentile(steps, 0.95):6.0f} ms ({len(steps)} steps), errors {errors}")


async def run(chromium: str, url: str, args: argparse.Namespace, blogs: list[Path]) -> None:
    from playwright.async_api import async_playwright

    # The editor's browser is started first, at the niceness given it; then the readers', at theirs (each
    # Playwright's driver, and the browser it starts, keep the niceness this process had when it began).
    async with async_playwright() as editors, async_playwright() as readers:
        lower_readers_priority(args.editor_nice, who="the editor's browser")
        editor = await editors.chromium.launch(executable_path=chromium, headless=True, args=B.CHROMIUM_ARGS)
        lower_readers_priority(args.readers_nice)
        browser = await readers.chromium.launch(executable_path=chromium, headless=True, args=B.CHROMIUM_ARGS)
        try:
            print("phase 1: readers alone", flush=True)
            alone, _ = await readers_phase(browser, url, args.sessions, args.seconds, None)
            print("phase 2: readers and an upload", flush=True)
            loaded, during = await readers_phase(browser, url, args.sessions, args.seconds, blogs[0], editor)
            print("phase 3: the upload alone", flush=True)
            solo = Upload()
            await upload(editor, url, blogs[1], solo)
        finally:
            await browser.close()
            await editor.close()
    print(f"{args.sessions} readers, {args.seconds:g} s of scrubbing a phase; upload of {args.upload_entries:,} "
          "entries")
    for label, result in (("upload alone", solo), (f"upload while {args.sessions} readers scrub", during)):
        print(f"  {label:<34} " + (f"{result.seconds:6.1f} s" if result.seconds is not None
                                   else f"failed: {result.error}"))
    if solo.seconds and during and during.seconds:
        print(f"  {'ratio (goal <= 1.5)':<34} {during.seconds / solo.seconds:6.2f}")
    describe_steps("readers' steps alone", steps_ms(alone), sum(len(r.errors) for r in alone))
    describe_steps("readers' steps during the upload", steps_ms(loaded), sum(len(r.errors) for r in loaded))
    a, b = steps_ms(alone), steps_ms(loaded)
    if a and b:
        print(f"  {'95th percentile ratio (goal <= 2)':<34} {percentile(b, 0.95) / percentile(a, 0.95):6.2f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=10, help="readers at once")
    parser.add_argument("--seconds", type=float, default=45, help="how long each reader scrubs in a phase")
    parser.add_argument("--entries", type=int, default=10_000, help="entries of the synthetic store")
    parser.add_argument("--places", type=int, default=400, help="distinct cities the store's entries name")
    parser.add_argument("--upload-entries", type=int, default=1_000, help="entries of each uploaded blog")
    parser.add_argument("--readers-nice", type=int, default=0, metavar="N",
                        help="run the readers' browsers at niceness N (server first, as with browsers on other "
                             "machines); default 0: they share the cores")
    parser.add_argument("--editor-nice", type=int, default=None, metavar="N",
                        help="run the uploading editor's browser at niceness N (default: the readers'); 0: at the "
                             "server's, as on an editor's own machine (at most the readers')")
    parser.add_argument("--chromium", default=None, help="Chromium's path (default: found as the tests find it)")
    args = parser.parse_args(argv)
    args.editor_nice = args.readers_nice if args.editor_nice is None else min(args.editor_nice, args.readers_nice)
    chromium = args.chromium or find_chromium()
    if chromium is None:
        print("Chromium not found (apt-get install -y chromium, or --chromium PATH)")
        return 1
    with tempfile.TemporaryDirectory(prefix="bench-upload-") as tmp:
        blogs = []
        for number, seed in enumerate((11, 12)):
            day = date(2031, 3, 2 + number)
            # The generator's blogs carry no date (bench_ingest gives one); a date line under the title
            # gives it here, as a page copied from a browser has.
            title, rest = generate_liveblog(args.upload_entries, day=day, seed=seed).split("\n", 1)
            path = Path(tmp) / f"upload-{number}.txt"
            path.write_text(f"{title}\n\n{day:%A} {day.day} {day:%B %Y}\n{rest}", encoding="utf-8")
            blogs.append(path)
        with synthetic_server(args.entries, args.places) as (url, _pid):
            asyncio.run(run(chromium, url, args, blogs))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
