"""`tlt site OUTDIR` (SPEC 12): the program page and its CSV files, on examples/bps and small repositories.

What a reader of the page sees: every panel, the same figures as the CSV commands, every value as text, no
teacher's name in the totals, nothing fetched from anywhere, and the git revision, D and the term named. The
page in a real browser: tests/test_site_browser.py.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import pytest

from example_dates import REPORT_AS_OF, REPORT_TERM

PROJECT = Path(__file__).resolve().parents[1]
BPS = PROJECT / "examples" / "bps"
D = "2025-10-01"  # the as-of date of the small repositories; D + 90 days = 2025-12-30
PANELS = [
    "staffing", "caseloads", "stipends-by-role", "stipends-by-school", "stipends-by-fund", "eligibility", "expiring",
    "activity", "credits",
]  # fmt: skip
SCRIPT_NAME = "<script>alert(1)</script>"
ATTRIBUTE_NAME = '"><img src=x onerror="document.title=\'pwned\'">'

CONFIG = """\
program: Site Test
organization: SIT
terms:
  - {id: 2024-25, start: 2024-08-26, end: 2025-06-13}
  - {id: 2025-26, start: 2025-08-25, end: 2026-06-12}
"""
MENTOR = """\
id: mentor
title: Mentor
category: mentoring
caseload: {max: 2}
staffing: {min_percent: 10, max_percent: 30}
compensation:
  stipend: {amount: 1000}
"""
COACH = """\
id: coach
title: Coach
category: coaching
eligibility:
  required:
    - experience: {min_years: 5}
"""


def holder(tid: str, name: str, school: str, members: str, extra: str = "") -> str:
    return (
        f"id: {tid}\nname: '{name}'\nschool: {school}\n{extra}"
        f"assignments:\n  - {{role: mentor, start: 2025-08-25, caseload: [{members}]}}\n"
    )


@pytest.fixture
def small(make_repo) -> Path:
    """Five teachers; two hold mentor all of 2025-26 (2 of 5 = 40.0%, above the 10–30% range): t1 with three
    members (over the cap of 2), t2 with one. Each earns the whole amount: 1000.00, total 2000.00. Hostile names
    on both holders; t1's license expires within 90 days of D."""
    license = "licenses:\n  - {state: MA, type: initial, number: '7', expires: 2025-11-30}\n"  # D + 60
    return make_repo(
        config=CONFIG,
        roles={"mentor": MENTOR, "coach": COACH},
        teachers={
            "t1": holder("t1", SCRIPT_NAME.replace("'", "''"), "North", "t3, t4, t5", license),
            "t2": holder("t2", ATTRIBUTE_NAME.replace("'", "''"), "South", "t3"),
            "t3": "id: t3\nname: Three\nschool: North\n",
            "t4": "id: t4\nname: Four\nschool: North\n",
            "t5": "id: t5\nname: Five\nschool: South\n",
        },
    )


def build(run, repo: Path, out: Path, *args: str) -> str:
    code, _, err = run(["-C", repo, "site", out, *args])
    assert code == 0, err
    return (out / "index.html").read_text(encoding="utf-8")


def command_csv(run, repo: Path, *args: str) -> str:
    code, out, err = run(["-C", repo, *args, "--format", "csv"])
    assert code == 0, err
    return out


class Page(HTMLParser):
    """The page as a reader's tools see it: every start tag with its attributes, the text of each panel
    (`section` by id), and each panel's table rows and footer as cell texts."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: dict[str, list[str]] = {}
        self.rows: dict[str, list[list[str]]] = {}
        self.footer: dict[str, list[str]] = {}
        self._section: str | None = None
        self._in_foot = False
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self.title = ""
        self._in_title = False
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag == "section":
            self._section = dict(attrs)["id"]
            self.text[self._section or ""] = []
        elif tag == "tfoot":
            self._in_foot = True
        elif tag == "tr":
            self._row = []
        elif tag == "td":
            self._cell = []
        elif tag == "title":
            self._in_title = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "section":
            self._section = None
        elif tag == "tfoot":
            self._in_foot = False
        elif tag == "td" and self._row is not None and self._cell is not None:
            self._row.append("".join(self._cell))
            self._cell = None
        elif tag == "tr" and self._row is not None and self._section:
            if self._in_foot:
                self.footer[self._section] = self._row
            elif self._row:
                self.rows.setdefault(self._section, []).append(self._row)
            self._row = None
        elif tag == "title":
            self._in_title = False

    def handle_data(self, data: str) -> None:
        if self._section:
            self.text[self._section].append(data)
        if self._cell is not None:
            self._cell.append(data)
        if self._in_title:
            self.title += data

    def panel_text(self, ident: str) -> str:
        return "".join(self.text[ident])


# ---- examples/bps ---------------------------------------------------------------------------------------------


def test_every_panel_is_on_the_page_with_its_csv(run, tmp_path: Path) -> None:
    out = tmp_path / "page"
    html = build(run, BPS, out, "--term", REPORT_TERM, "--as-of", REPORT_AS_OF.isoformat())
    page = Page(html)
    assert [a["id"] for t, a in page.tags if t == "section"] == PANELS
    for ident in PANELS:
        assert (out / f"{ident}.csv").is_file()
        assert ("a", {"href": f"{ident}.csv", "download": None}) in page.tags
    assert sorted(p.name for p in out.iterdir()) == sorted([*(f"{p}.csv" for p in PANELS), "index.html"])
    provenance = re.sub(r"\s+", " ", html.split('id="provenance">', 1)[1].split("</p>", 1)[0])
    assert f"Term <strong>{REPORT_TERM}</strong>" in provenance
    assert f"as of <strong>{REPORT_AS_OF.isoformat()}</strong>" in provenance


def test_the_csv_files_are_what_the_commands_print(run, tmp_path: Path) -> None:
    out = tmp_path / "page"
    term, d = REPORT_TERM, REPORT_AS_OF.isoformat()
    build(run, BPS, out, "--term", term, "--as-of", d)
    same = {
        "caseloads.csv": ("caseload", "--term", term, "--as-of", d),
        "stipends-by-role.csv": ("stipends", "--by", "role", "--term", term, "--as-of", d),
        "stipends-by-school.csv": ("stipends", "--by", "school", "--term", term, "--as-of", d),
        "stipends-by-fund.csv": ("stipends", "--by", "fund", "--term", term, "--as-of", d),
        "expiring.csv": ("expiring", "--as-of", d),
        "activity.csv": ("activity", "--term", term, "--as-of", d),
        "credits.csv": ("credits", "--renewals", "--as-of", d),
    }
    for name, args in same.items():
        assert (out / name).read_text(encoding="utf-8") == command_csv(run, BPS, *args), name


def test_the_totals_are_those_of_tlt_stipends_json(run, tmp_path: Path) -> None:
    out = tmp_path / "page"
    term, d = REPORT_TERM, REPORT_AS_OF.isoformat()
    page = Page(build(run, BPS, out, "--term", term, "--as-of", d))
    code, text, err = run(["-C", BPS, "stipends", "--term", term, "--as-of", d, "--format", "json"])
    assert code == 0, err
    total = json.loads(text)["total"]
    for by in ("role", "school", "fund"):
        assert page.footer[f"stipends-by-{by}"][-1] == total
        assert f"total {total}" in page.panel_text(f"stipends-by-{by}")


def test_eligibility_counts_are_those_of_check_eligibility(run, tmp_path: Path) -> None:
    out = tmp_path / "page"
    d = REPORT_AS_OF.isoformat()
    build(run, BPS, out, "--term", REPORT_TERM, "--as-of", d)
    code, text, err = run(["-C", BPS, "check-eligibility", "--all", "--as-of", d, "--format", "json"])
    assert code == 0, err
    counted: dict[str, dict[str, int]] = {}
    for record in json.loads(text):
        per_role = counted.setdefault(record["role"], {"eligible": 0, "needs_review": 0, "ineligible": 0})
        per_role[record["verdict"]] += 1
    rows = list(csv.DictReader(io.StringIO((out / "eligibility.csv").read_text(encoding="utf-8"))))
    assert {r["role_id"]: {v: int(r[v]) for v in ("eligible", "needs_review", "ineligible")} for r in rows} == counted


def test_the_scale_layer_counts_what_the_plain_judging_counts() -> None:
    from tlt.loading.sources import FileSource
    from tlt.scale.bench import bench_verdicts
    from tlt.site import load_site, plain_verdicts

    plain = load_site(FileSource(BPS), REPORT_TERM, REPORT_AS_OF, judge=plain_verdicts).verdicts
    fast = load_site(FileSource(BPS), REPORT_TERM, REPORT_AS_OF, judge=bench_verdicts).verdicts
    assert fast == plain
    assert sum(plain.values()) == 30 * 2  # every one of the 30 teachers against each of the 2 roles


def test_the_page_fetches_nothing_and_runs_nothing(run, tmp_path: Path) -> None:
    out = tmp_path / "page"
    html = build(run, BPS, out, "--term", REPORT_TERM, "--as-of", REPORT_AS_OF.isoformat())
    page = Page(html)
    assert not {t for t, _ in page.tags} & {"script", "link", "img", "iframe", "object", "embed", "base"}
    for _, attrs in page.tags:
        assert not any(k.startswith("on") for k in attrs)
        for key in ("href", "src", "action"):
            value = attrs.get(key)
            assert value is None or re.fullmatch(r"#[\w-]+|[\w-]+\.csv", value), value
    assert not re.search(r"https?:|//[a-z]|url\(|@import", html.split("<body>", 1)[1].split("</style>")[-1])
    assert not re.search(r"url\(|@import|https?:", html.split("<style>", 1)[1].split("</style>", 1)[0])


def test_the_same_repository_gives_the_same_bytes(run, tmp_path: Path) -> None:
    args = ("--term", REPORT_TERM, "--as-of", REPORT_AS_OF.isoformat())
    build(run, BPS, tmp_path / "a", *args)
    build(run, BPS, tmp_path / "b", *args)
    for f in (tmp_path / "a").iterdir():
        assert f.read_bytes() == (tmp_path / "b" / f.name).read_bytes(), f.name


def test_the_bps_activity_panel_lists_the_missed_rows_and_counts_per_role(run, tmp_path: Path) -> None:
    # 2024-25 has ended by D = 2025-07-01: every requirement is met or missed; t-0002's member t-0021 is short
    # (examples/bps/teachers/t-0002.yaml), so the table holds missed rows only, the chart counts per role
    out = tmp_path / "page"
    page = Page(build(run, BPS, out, "--term", "2024-25", "--as-of", "2025-07-01"))
    full = list(csv.DictReader(io.StringIO((out / "activity.csv").read_text(encoding="utf-8"))))
    assert (out / "activity.csv").read_text(encoding="utf-8") == command_csv(
        run, BPS, "activity", "--term", "2024-25", "--as-of", "2025-07-01"
    )
    missed = [(r["teacher_id"], r["member"], r["requirement"]) for r in full if r["status"] == "missed"]
    assert ("t-0002", "t-0021") in {(t, m) for t, m, _ in missed}
    assert [(r[1], r[4], r[5]) for r in page.rows["activity"]] == missed
    assert all(r[8] == "missed" for r in page.rows["activity"])
    text = page.panel_text("activity")
    for role in {r["role_id"] for r in full}:
        c = Counter(r["status"] for r in full if r["role_id"] == role)
        assert f"{c['met']} / {c['due']} / {c['missed']}" in text


def test_the_jps_credits_panel_is_tlt_credits_renewals(run, tmp_path: Path) -> None:
    # examples/jps t-0001: license MS standard 304117 needs 10.00; as of 2026-06-30 the coursework and mentor
    # credits dated 2012-07-01..2029-06-30 add to what `tlt credits --renewals` says; the page shows that row
    out = tmp_path / "page"
    jps = PROJECT / "examples" / "jps"
    page = Page(build(run, jps, out, "--as-of", "2026-06-30"))
    expected = command_csv(run, jps, "credits", "--renewals", "--as-of", "2026-06-30")
    assert (out / "credits.csv").read_text(encoding="utf-8") == expected
    rows = list(csv.reader(io.StringIO(expected)))[1:]
    assert page.rows["credits"] == rows
    assert rows[0][:2] == ["t-0001", "MS standard 304117"] and rows[0][5] == "10.00"
    assert f"{rows[0][6]}" in page.panel_text("credits")


# ---- a small repository, figures by hand ----------------------------------------------------------------------


def test_figures_of_a_small_repository(run, small: Path, tmp_path: Path) -> None:
    out = tmp_path / "page"
    page = Page(build(run, small, out, "--term", "2025-26", "--as-of", D))
    # staffing: 2 of 5 teachers hold mentor = 40.0%, above its 10–30%; coach has no range, 0 of 5 = 0.0%
    assert page.rows["staffing"] == [
        ["2025-26", "coach", "Coach", "0", "5", "0", "", "", "no range"],
        ["2025-26", "mentor", "Mentor", "2", "5", "40", "10", "30", "above"],
    ]
    # caseloads: t1 has 3 members against a cap of 2 (over, first), t2 has 1
    assert [(r[1], r[4], r[5], r[6]) for r in page.rows["caseloads"]] == [
        ("t1", "3", "2", "true"),
        ("t2", "1", "2", "false"),
    ]
    # stipends: 1000 × (whole term) each: 1000.00 + 1000.00 = 2000.00; by school North 1000.00, South 1000.00
    assert page.rows["stipends-by-role"] == [["2025-26", "mentor", "2", "2000.00"]]
    assert page.rows["stipends-by-school"] == [
        ["2025-26", "North", "1", "1000.00"],
        ["2025-26", "South", "1", "1000.00"],
    ]
    assert page.footer["stipends-by-school"] == ["total", "", "2", "2000.00"]
    # eligibility: coach wants 5 years of experience, which no file records: needs_review for all 5; mentor
    # states no requirement: all 5 eligible
    assert page.rows["eligibility"] == [["coach", "Coach", "0", "5", "0"], ["mentor", "Mentor", "5", "0", "0"]]
    # expiring: t1's license expires 2025-11-30, 60 days after D
    assert [(r[0], r[6], r[7], r[8]) for r in page.rows["expiring"]] == [("t1", "2025-11-30", "60", "expiring")]


ACTIVE = MENTOR + "activity:\n  - {kind: meeting, min: 2}\n"


def test_activity_and_credits_figures_of_a_small_repository(run, make_repo, tmp_path: Path) -> None:
    # mentor asks 2 meetings per member a term; 2024-25 ended before D = 2025-10-01, so short is missed:
    #   h1 (member m): 1 meeting -> missed; h2 (member m): 2 meetings -> met. Per role: 1 met / 0 due / 1 missed.
    # renewals (no assignment needed): r1 needs 3, has coursework 2 (2025-01-10) -> short (2.00 < 3.00);
    #   r2's license expired 2025-06-30 < D -> expired; r3 needs 1, coursework 1.5 -> met (1.50 >= 1.00)
    def held(tid: str, dates: list[str]) -> str:
        log = "".join(f"      - {{date: {d}, member: m, kind: meeting}}\n" for d in dates)
        return (
            f"id: {tid}\nname: Holder {tid}\nassignments:\n  - role: mentor\n    start: 2024-08-26\n"
            f"    end: 2025-06-13\n    caseload: [m]\n    activity:\n{log}"
        )

    def renewing(tid: str, needed: str, expires: str, credits: str) -> str:
        return (
            f"id: {tid}\nname: Renewer {tid}\nlicenses:\n  - {{state: MA, type: initial, number: '{tid}', "
            f"issued: 2020-01-01, expires: {expires}, renewal: {{credits: {needed}}}}}\n"
            f"coursework:\n  - {{id: c-{tid}, date: 2025-01-10, credits: {credits}}}\n"
        )

    repo = make_repo(
        config=CONFIG,
        roles={"mentor": ACTIVE},
        teachers={
            "h1": held("h1", ["2024-10-01"]),
            "h2": held("h2", ["2024-10-01", "2025-02-01"]),
            "m": "id: m\nname: Member\n",
            "r1": renewing("r1", "3", "2027-06-30", "2"),
            "r2": renewing("r2", "3", "2025-06-30", "5"),
            "r3": renewing("r3", "1", "2027-06-30", "1.5"),
        },
    )
    out = tmp_path / "page"
    page = Page(build(run, repo, out, "--term", "2024-25", "--as-of", D))
    assert [(r[1], r[4], r[5], r[6], r[7], r[8]) for r in page.rows["activity"]] == [
        ("h1", "m", "meeting", "1", "2", "missed")
    ]
    assert "1 / 0 / 1" in page.panel_text("activity")
    assert "Holder" not in page.panel_text("activity").split("met, due")[0]  # the summary names nobody
    assert [(r[0], r[4], r[5], r[6]) for r in page.rows["credits"]] == [
        ("r1", "2.00", "3.00", "short"),
        ("r2", "5.00", "3.00", "expired"),
        ("r3", "1.50", "1.00", "met"),
    ]
    assert "3 licenses: 1 met, 1 short, 1 expired" in page.panel_text("credits")
    assert (out / "credits.csv").read_text(encoding="utf-8") == command_csv(
        run, repo, "credits", "--renewals", "--as-of", D
    )


def test_no_activity_and_no_renewal_give_a_note(run, small: Path, tmp_path: Path) -> None:
    page = Page(build(run, small, tmp_path / "page", "--term", "2025-26", "--as-of", D))
    assert "No role held in this term asks for activity." in page.panel_text("activity")
    assert "No license of this repository has a renewal requirement." in page.panel_text("credits")
    assert page.rows["activity"] == page.rows["credits"] == [["No rows."]]


def test_every_value_is_text_and_names_stay_out_of_the_totals(run, small: Path, tmp_path: Path) -> None:
    out = tmp_path / "page"
    html = build(run, small, out, "--term", "2025-26", "--as-of", D)
    page = Page(html)
    assert not any(t in ("script", "img") for t, _ in page.tags)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&#34;&gt;&lt;img src=x onerror=&#34;document.title=&#39;pwned&#39;&#34;&gt;" in html
    assert SCRIPT_NAME in page.panel_text("caseloads") and ATTRIBUTE_NAME in page.panel_text("caseloads")
    assert SCRIPT_NAME in page.panel_text("expiring")
    for totals in ("staffing", "stipends-by-role", "stipends-by-school", "stipends-by-fund", "eligibility"):
        text = page.panel_text(totals)
        assert "script" not in text and "onerror" not in text, totals
        assert "Three" not in text and "Four" not in text, totals


def test_control_characters_show_as_escapes(run, make_repo, tmp_path: Path) -> None:
    # a right-to-left override would reverse the text after it; a terminal escape is no text at all (SPEC 7)
    teacher = holder("t1", "NAME", "North", "t2").replace("'NAME'", '"Eve\\u202e rorrim \\e[31mred"')
    repo = make_repo(config=CONFIG, roles={"mentor": MENTOR}, teachers={"t1": teacher, "t2": "id: t2\nname: Two\n"})
    html = build(run, repo, tmp_path / "page", "--term", "2025-26", "--as-of", D)
    assert "\u202e" not in html and "\x1b" not in html
    assert "Eve\\u202e rorrim \\x1b[31mred" in html


def test_a_long_panel_shows_its_first_rows_and_the_csv_has_them_all(
    run, small: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tlt.site

    monkeypatch.setattr(tlt.site, "SHOWN_ROWS", 1)
    out = tmp_path / "page"
    page = Page(build(run, small, out, "--term", "2025-26", "--as-of", D))
    assert [r[1] for r in page.rows["caseloads"]] == ["t1"]  # the over-cap one
    assert "The first 1 of 2 rows; caseloads.csv has them all." in page.panel_text("caseloads")
    assert len((out / "caseloads.csv").read_text(encoding="utf-8").splitlines()) == 3  # header + 2 rows


def test_the_page_names_the_git_revision(run, small: Path, tmp_path: Path) -> None:
    out = tmp_path / "page"
    assert "not in git (no revision)" in build(run, small, out, "--as-of", D)
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@t"}  # fmt: skip
    for args in (["init", "-q"], ["add", "."], ["commit", "-q", "-m", "data"]):
        subprocess.run(["git", *args], cwd=small, check=True, env=env)
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=small, check=True, capture_output=True, text=True)
    assert f"git revision <code>{head.stdout.strip()}</code>" in build(run, small, out, "--as-of", D)


# ---- writing the folder -----------------------------------------------------------------------------------------


def test_an_existing_folder_keeps_its_other_files(run, small: Path, tmp_path: Path) -> None:
    out = tmp_path / "page"
    out.mkdir()
    (out / "README.txt").write_text("mine\n", encoding="utf-8")
    (out / "index.html").write_text("old\n", encoding="utf-8")
    build(run, small, out, "--as-of", D)
    assert (out / "README.txt").read_text(encoding="utf-8") == "mine\n"
    assert (out / "index.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".page.")]  # no temporary folder left


def test_a_broken_repository_writes_nothing(run, make_repo, tmp_path: Path) -> None:
    repo = make_repo(config=CONFIG, roles={"mentor": MENTOR}, teachers={"t1": "id: t1\nname: [unclosed\n"})
    out = tmp_path / "page"
    code, _, err = run(["-C", repo, "site", out, "--as-of", D])
    assert code == 1
    assert "1 file has errors" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["repo"]


@pytest.mark.parametrize("what", ["file", "no parent"])
def test_a_folder_that_cannot_be_made_is_exit_2(run, small: Path, tmp_path: Path, what: str) -> None:
    out = tmp_path / "page"
    if what == "file":
        out.write_text("x", encoding="utf-8")
    else:
        out = tmp_path / "missing" / "page"
    code, _, err = run(["-C", small, "site", out, "--as-of", D])
    assert code == 2
    assert ("is not a folder" if what == "file" else "no folder") in err


def test_an_unknown_term_is_exit_2(run, small: Path, tmp_path: Path) -> None:
    code, _, err = run(["-C", small, "site", tmp_path / "page", "--term", "2030-31", "--as-of", D])
    assert code == 2
    assert "no term '2030-31' in tlt.yaml" in err
    assert not (tmp_path / "page").exists()
