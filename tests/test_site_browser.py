"""The program page (`tlt site`, SPEC 12) in a real browser: Debian's chromium, headless.

It takes screenshots at 1280 and 375 px wide, reads the DOM after the page has loaded (`--dump-dom`: whatever a
script would have done is in it) to check that every panel is there, that no script ran from data (a teacher
named `<img src=x onerror="document.title='pwned'">` leaves the title as it was) and that the totals equal
`tlt stipends --format json`; and it checks that no request left the page. The network is shut (every host name
maps to nothing) and every request the browser makes goes through a proxy of the test's own that records it
and answers none. Chromium talks to its own services too (google.com's hosts: the clock, sign-in, variations)
whatever page it shows; those are left out of the count, and a control page that asks for example.org shows
that the count sees what a page asks for. Skipped when chromium is missing, unless TLT_REQUIRE_TOOLS=1
(.ci/run installs it).
"""

from __future__ import annotations

import json
import re
import shutil
import socket
import struct
import subprocess
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[1]
BPS = PROJECT / "examples" / "bps"
from example_dates import REPORT_AS_OF, REPORT_TERM  # noqa: E402

PANELS = [
    "staffing", "caseloads", "stipends-by-role", "stipends-by-school", "stipends-by-fund", "eligibility", "expiring",
    "activity", "credits",
]  # fmt: skip
HOSTILE = "<img src=x onerror=\"document.title='pwned'\">"
#: the hosts of Chromium's own services, which it calls whatever page it shows (not the page's requests)
BROWSER_OWN = re.compile(r"(^|\.)(google\.com|googleapis\.com|gstatic\.com|gvt1\.com)$")


class Proxy:
    """An HTTP proxy on the loopback that records the first line of every request and answers none."""

    def __init__(self) -> None:
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.requests: list[str] = []
        self._lock = threading.Lock()
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.server.accept()
            except OSError:
                return
            with conn:
                conn.settimeout(5)
                try:
                    line = conn.recv(4096).split(b"\r\n", 1)[0].decode("latin-1")
                except OSError:
                    continue
                if line:  # a connection opened ahead and closed unused (a preconnect) asks for nothing
                    with self._lock:
                        self.requests.append(line)

    def from_pages(self) -> list[str]:
        """The recorded requests but those to Chromium's own services."""
        out = []
        with self._lock:
            for line in self.requests:
                parts = line.split()
                target = parts[1] if len(parts) > 1 else ""
                host = re.sub(r"^[a-z]+://", "", target).split("/", 1)[0].rsplit(":", 1)[0]
                if not BROWSER_OWN.search(host):
                    out.append(line)
        return out

    def close(self) -> None:
        self.server.close()


@pytest.fixture
def browser(external_tool, tmp_path: Path) -> Iterator[tuple[Callable[..., str], Proxy]]:
    """`(open(url_or_path, *flags) -> stdout, proxy)`: chromium, headless, with a fresh profile, no sandbox
    (tests run as root in CI), its network shut and every request through the recording proxy."""
    exe = external_tool("chromium", shutil.which("chromium"), "apt-get install chromium (Debian)")
    proxy = Proxy()
    runs = iter(range(1000))

    def open_page(target: Path, *flags: str) -> str:
        profile = tmp_path / f"profile-{next(runs)}"
        cmd = [
            exe, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", f"--user-data-dir={profile}",
            "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--disable-default-apps", "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
            f"--proxy-server=http://127.0.0.1:{proxy.port}", "--proxy-bypass-list=<-loopback>",
            *flags, target.as_uri(),
        ]  # fmt: skip
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)
        assert done.returncode == 0, done.stderr[-2000:]
        return done.stdout

    yield open_page, proxy
    proxy.close()


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def site(run, repo: Path, out: Path, *args: str) -> Path:
    code, _, err = run(["-C", repo, "site", out, *args])
    assert code == 0, err
    return out / "index.html"


def test_the_bps_page_in_a_browser(run, browser, tmp_path: Path) -> None:
    open_page, proxy = browser
    term, d = REPORT_TERM, REPORT_AS_OF.isoformat()
    page = site(run, BPS, tmp_path / "page", "--term", term, "--as-of", d)
    dom = open_page(page, "--dump-dom")
    for ident in PANELS:
        assert f'<section class="panel" id="{ident}"' in dom
    assert f"<title>Educator Supports Program: BPS, term {term}</title>" in dom
    code, text, err = run(["-C", BPS, "stipends", "--term", term, "--as-of", d, "--format", "json"])
    assert code == 0, err
    total = json.loads(text)["total"]
    for by in ("role", "school", "fund"):
        section = dom.split(f'id="stipends-by-{by}"', 1)[1].split("</section>", 1)[0]
        foot = re.search(r"<tfoot>(.*?)</tfoot>", section, flags=re.DOTALL)
        assert foot is not None
        assert re.findall(r"<td[^>]*>([^<]*)</td>", foot.group(1))[-1] == total
    for width in (1280, 375):
        shot = tmp_path / f"page-{width}.png"
        open_page(page, f"--window-size={width},1600", f"--screenshot={shot}")
        assert png_size(shot) == (width, 1600)
    assert proxy.from_pages() == []


def test_no_script_runs_from_data(run, browser, make_repo, tmp_path: Path) -> None:
    open_page, proxy = browser
    repo = make_repo(
        roles={"mentor": "id: mentor\ntitle: Mentor\ncategory: mentoring\ncaseload: {max: 1}\n"},
        teachers={
            "t1": "id: t1\nname: '" + HOSTILE.replace("'", "''") + "'\n"
            "licenses:\n  - {state: MA, expires: 2025-11-30}\n"
            "assignments:\n  - {role: mentor, start: 2025-08-25, caseload: [t2]}\n",
            "t2": "id: t2\nname: Two\n",
        },
    )
    dom = open_page(site(run, repo, tmp_path / "page", "--term", "2025-26", "--as-of", "2025-10-01"), "--dump-dom")
    assert "<title>Test Program: TST, term 2025-26</title>" in dom
    assert "pwned</title>" not in dom and "<img" not in dom
    assert HOSTILE.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") in dom  # shown, as text
    assert proxy.from_pages() == []


def test_the_checks_see_a_script_run_and_a_request_leave(browser, tmp_path: Path) -> None:
    # the control: a page that does what tlt's must not, caught by the same checks
    open_page, proxy = browser
    control = tmp_path / "control.html"
    control.write_text(
        f'<!DOCTYPE html><html><head><title>T</title></head><body>{HOSTILE}<img src="http://example.org/a.png">'
        "</body></html>",
        encoding="utf-8",
    )
    dom = open_page(control, "--dump-dom")
    assert "<title>pwned</title>" in dom
    assert "GET http://example.org/a.png HTTP/1.1" in proxy.from_pages()
