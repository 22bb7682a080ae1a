"""Activity (SPEC 10.1): `activity` requirements on roles, `activity` entries on assignments, `tlt activity`, the
`activity` and `activity-entry` problems of `tlt validate`, and `compensation.paid_when: activity_met` in `tlt
stipends` and `tlt report`. Every figure is worked by hand in a comment.

Two terms of exactly 100 days, as in tests/test_pay_parts.py: t1 = 2025-01-01..2025-04-10 and
t2 = 2025-05-01..2025-08-08. During t1 means D in [2025-01-01, 2025-04-10]; after it, D >= 2025-04-11 (the last
day of t1 has then been worked: SPEC 3, D itself has not).
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from example_dates import moved, moved_term

PROJECT = Path(__file__).resolve().parents[1]

CONFIG = """\
program: Activity Test
organization: ACT
terms:
  - {id: t1, start: 2025-01-01, end: 2025-04-10}
  - {id: t2, start: 2025-05-01, end: 2025-08-08}
"""
DURING, AFTER = "2025-03-15", "2025-04-11"

# the BPS consulting teacher's observation requirement (SPEC 10.1's example), for PAR members only
ESP = """\
id: ct
title: Consulting Teacher
category: coaching
caseload: {max: 12}
activity:
  - {kind: observation, tag: announced, min: 1, service: PAR, cite: "ESP posting"}
  - {kind: observation, tag: unannounced, min: 4, service: PAR}
"""
MENTOR = """\
id: mentor
title: Mentor
category: mentoring
activity:
  - {kind: hours, min: 3.05}
"""
PAID = """\
id: paid
title: Paid When Met
category: mentoring
activity:
  - {kind: meeting, min: 2}
compensation:
  stipend: {amount: 1000}
  paid_when: activity_met
"""


def holder(role: str, caseload: str, entries: list[str], *, start: str = "2025-01-01", end: str | None = None) -> str:
    lines = ["id: h", "name: Holder", "assignments:", f"  - role: {role}", f"    start: {start}"]
    if end:
        lines.append(f"    end: {end}")
    lines.append(f"    caseload: {caseload}")
    lines.append("    activity:" if entries else "    activity: []")
    lines.extend(f"      - {e}" for e in entries)
    return "\n".join(lines) + "\n"


def others(*ids: str) -> dict[str, str]:
    return {i: f"id: {i}\nname: Teacher {i}\n" for i in ids}


def rows(run, repo: Path, as_of: str, term: str = "t1", command: str = "activity") -> list[dict[str, str]]:
    code, out, err = run(["-C", repo, command, "--term", term, "--as-of", as_of, "--format", "csv"])
    assert code == 0, err
    return list(csv.DictReader(io.StringIO(out)))


def table(found: list[dict[str, str]]) -> list[tuple[str, str, str, str, str]]:
    return [(r["member"], r["requirement"], r["done"], r["min"], r["status"]) for r in found]


def problems(run, repo: Path, as_of: str) -> tuple[int, list[dict[str, object]]]:
    code, out, err = run(["-C", repo, "validate", "--as-of", as_of, "--format", "json"])
    assert code in (0, 1), err
    return code, [p for p in json.loads(out)["problems"] if str(p["code"]).startswith("activity")]


ONE_AND_THREE = [
    "{date: 2025-01-15, member: p, kind: observation, tag: announced}",
    "{date: 2025-02-01, member: p, kind: observation, tag: unannounced}",
    "{date: 2025-02-15, member: p, kind: observation, tag: unannounced}",
    "{date: 2025-03-01, member: p, kind: observation, tag: unannounced}",
]


def test_one_announced_and_three_unannounced_is_due_during_the_term_and_missed_after(make_repo, run):
    # 1 announced of min 1: met; 3 unannounced of min 4: not met, so `due` while t1 runs (D = 2025-03-15) and
    # `missed` once it has ended before D (D = 2025-04-11, the day after t1's last day)
    repo = make_repo(
        CONFIG, {"ct": ESP}, {"h": holder("ct", "[{teacher: p, service: PAR}]", ONE_AND_THREE), **others("p")}
    )
    header = "term,teacher_id,teacher_name,role_id,member,requirement,done,min,status"
    code, out, _ = run(["-C", repo, "activity", "--term", "t1", "--as-of", DURING, "--format", "csv"])
    assert code == 0 and out.splitlines()[0] == header
    assert table(rows(run, repo, DURING)) == [
        ("p", "observation (announced)", "1", "1", "met"),
        ("p", "observation (unannounced)", "3", "4", "due"),
    ]
    assert table(rows(run, repo, AFTER)) == [
        ("p", "observation (announced)", "1", "1", "met"),
        ("p", "observation (unannounced)", "3", "4", "missed"),
    ]
    # a fourth unannounced observation on 2025-04-01 meets it: 4 of 4
    more = [*ONE_AND_THREE, "{date: 2025-04-01, member: p, kind: observation, tag: unannounced}"]
    repo = make_repo(CONFIG, {"ct": ESP}, {"h": holder("ct", "[{teacher: p, service: PAR}]", more), **others("p")})
    assert table(rows(run, repo, AFTER))[1] == ("p", "observation (unannounced)", "4", "4", "met")


def test_a_pa_member_has_no_observation_requirement(make_repo, run):
    # the requirements name service PAR: the PA member `a` and the member without a service `n` get no row
    caseload = "[{teacher: a, service: PA}, n, {teacher: p, service: PAR}]"
    entries = ["{date: 2025-01-20, member: a, kind: observation, tag: announced}"]
    repo = make_repo(CONFIG, {"ct": ESP}, {"h": holder("ct", caseload, entries), **others("a", "n", "p")})
    assert table(rows(run, repo, AFTER)) == [
        ("p", "observation (announced)", "0", "1", "missed"),
        ("p", "observation (unannounced)", "0", "4", "missed"),
    ]


def test_hours_are_summed_exactly_from_every_entry_with_the_member(make_repo, run):
    # kind hours sums the hours of every entry with the member, whatever its kind: 1.5 + 0.75 + 0.7 + 0.1 = 3.05
    # exactly, which meets min 3.05 (in binary floating point the sum is 3.0500000000000003); the entry without
    # hours adds 0, and the entry with the other member counts for that member only (0.5 of 3.05: due)
    entries = [
        "{date: 2025-01-10, member: m, kind: meeting, hours: 1.5}",
        "{date: 2025-01-17, member: m, kind: observation, hours: 0.75}",
        "{date: 2025-01-24, member: m, kind: meeting, hours: 0.7}",
        "{date: 2025-01-31, member: m, kind: call, hours: 0.1}",
        "{date: 2025-02-07, member: m, kind: meeting}",
        "{date: 2025-02-07, member: k, kind: meeting, hours: 0.5}",
    ]
    repo = make_repo(CONFIG, {"mentor": MENTOR}, {"h": holder("mentor", "[k, m]", entries), **others("k", "m")})
    assert table(rows(run, repo, DURING)) == [
        ("k", "hours", "0.5", "3.05", "due"),
        ("m", "hours", "3.05", "3.05", "met"),
    ]
    code, out, _ = run(["-C", repo, "activity", "--term", "t1", "--as-of", DURING, "--format", "json"])
    assert code == 0
    got = json.loads(out)
    assert [(r["member"], r["done"], r["min"]) for r in got] == [("k", 0.5, 3.05), ("m", 3.05, 3.05)]


ENTRY_RULES = [
    "{date: 2025-01-20, member: late, kind: meeting}",  # before `late` joined on 2025-02-01: an error, not counted
    "{date: 2025-02-10, member: late, kind: meeting}",  # counts
    "{date: 2025-02-20, member: stranger, kind: meeting}",  # not on the caseload: an error
    "{date: 2025-03-15, member: late, kind: meeting}",  # on D itself (not yet worked): not counted, no error
    "{date: 2025-03-20, member: late, kind: meeting}",  # after D: not counted, no error
    "{date: 2025-05-10, member: late, kind: meeting}",  # in t2, not t1: not counted for t1
    "{date: 2025-09-01, member: late, kind: meeting}",  # after the assignment's end 2025-08-08: an error
]


def test_entries_before_the_member_joined_after_d_or_off_the_caseload_do_not_count(make_repo, run):
    # `late` is on the caseload from 2025-02-01; of the seven entries only 2025-02-10 counts for t1 as of
    # D = 2025-03-15: done 1 of 2, due
    caseload = "[{teacher: late, start: 2025-02-01}]"
    t = holder("paid", caseload, ENTRY_RULES, end="2025-08-08")
    repo = make_repo(CONFIG, {"paid": PAID}, {"h": t, **others("late", "stranger")})
    assert table(rows(run, repo, DURING)) == [("late", "meeting", "1", "2", "due")]
    # as of 2025-04-11 the entries of 2025-03-15 and 2025-03-20 count too: 3 of 2, met
    assert table(rows(run, repo, AFTER)) == [("late", "meeting", "3", "2", "met")]
    code, found = problems(run, repo, DURING)
    # `activity-entry` at each entry that can never count (entries are items 0, 2, 6 of the list, lines 9, 11, 15)
    assert code == 1
    assert [(p["code"], p["severity"], p["line"], p["column"], p["message"]) for p in found] == [
        ("activity-entry", "error", 9, 9,
         "activity entry on 2025-01-20 names late, who is not on the caseload that day (on it 2025-02-01 to 2025-08-08) (to paid)"),
        ("activity-entry", "error", 11, 9, "activity entry names stranger, who is not on the caseload (to paid)"),
        ("activity-entry", "error", 15, 9, "activity entry dated 2025-09-01 is after the assignment's end 2025-08-08 (to paid)"),
    ]  # fmt: skip


def test_validate_warns_of_a_missed_requirement_only_once_the_default_term_has_ended(make_repo, run):
    repo = make_repo(
        CONFIG, {"ct": ESP}, {"h": holder("ct", "[{teacher: p, service: PAR}]", ONE_AND_THREE), **others("p")}
    )
    # during t1 the unannounced observations are due: no warning
    assert problems(run, repo, DURING) == (0, [])
    # as of 2025-04-11 the default term is t1 (the latest that started before D), ended: 3 of 4 is missed; the
    # warning sits at the assignment's `role` (line 4, column 11) and quotes the requirement's cite when it has one
    code, found = problems(run, repo, AFTER)
    assert code == 0
    assert [(p["severity"], p["line"], p["column"], p["message"]) for p in found] == [
        ("warning", 4, 11, "h missed observation (unannounced) with p for ct in t1: 3 of 4"),
    ]
    # as of 2025-05-02 the default term is t2 (it contains D), not ended: nothing missed in it
    assert problems(run, repo, "2025-05-02") == (0, [])
    code, out, _ = run(["-C", repo, "validate", "--as-of", AFTER, "--format", "github"])
    assert code == 0
    assert out.splitlines() == [
        "::warning file=teachers/h.yaml,line=4,col=11,title=tlt activity::"
        "h missed observation (unannounced) with p for ct in t1: 3 of 4"
    ]


def test_a_missed_requirement_quotes_its_cite(make_repo, run):
    # nothing at all with p: the announced observation (cited "ESP posting") and the unannounced ones are missed
    repo = make_repo(CONFIG, {"ct": ESP}, {"h": holder("ct", "[{teacher: p, service: PAR}]", []), **others("p")})
    _, found = problems(run, repo, AFTER)
    assert [p["message"] for p in found] == [
        "h missed observation (announced) with p for ct in t1: 0 of 1 (per ESP posting)",
        "h missed observation (unannounced) with p for ct in t1: 0 of 4",
    ]


def test_paid_when_activity_met_withholds_the_stipend_until_every_requirement_is_met(make_repo, run):
    # role `paid`: 1000 a term once 2 meetings with each member are logged. Two members, the whole of t1:
    #   as of 2025-03-15: k has 2 meetings (met), m has 1 (due) -> no amount, the note says why
    #   as of 2025-04-11: m's second meeting on 2025-04-01 counts -> both met -> 1000 × 1 = 1000.00
    entries = [
        "{date: 2025-01-10, member: k, kind: meeting}",
        "{date: 2025-02-10, member: k, kind: meeting}",
        "{date: 2025-01-12, member: m, kind: meeting}",
        "{date: 2025-04-01, member: m, kind: meeting}",
    ]
    repo = make_repo(CONFIG, {"paid": PAID}, {"h": holder("paid", "[k, m]", entries), **others("k", "m")})
    during = rows(run, repo, DURING, command="stipends")
    assert [(r["basis"], r["amount"], r["note"]) for r in during] == [
        ("amount: 1000", "", "activity requirements not met")
    ]
    after = rows(run, repo, AFTER, command="stipends")
    assert [(r["basis"], r["amount"], r["note"]) for r in after] == [("amount: 1000", "1000.00", "")]
    report = rows(run, repo, DURING, command="report")
    assert [(r["stipend"], r["stipend_basis"]) for r in report] == [("", "amount: 1000: activity requirements not met")]
    assert [(r["stipend"], r["stipend_basis"]) for r in rows(run, repo, AFTER, command="report")] == [
        ("1000.00", "amount: 1000")
    ]
    code, out, _ = run(["-C", repo, "stipends", "--term", "t1", "--as-of", DURING, "--format", "json"])
    assert code == 0 and json.loads(out)["total"] == "0.00"


def test_paid_when_a_missed_requirement_leaves_every_part_empty(make_repo, run):
    # two parts; m has 1 meeting of 2 and t1 has ended: missed, so neither part has an amount; the term report
    # names the first part
    role = PAID.replace(
        "  stipend: {amount: 1000}\n", "  parts:\n    - {amount: 600, label: base}\n    - {amount: 400, label: bonus}\n"
    )
    entries = ["{date: 2025-01-12, member: m, kind: meeting}"]
    repo = make_repo(CONFIG, {"paid": role}, {"h": holder("paid", "[m]", entries), **others("m")})
    found = rows(run, repo, AFTER, command="stipends")
    assert [(r["part"], r["amount"], r["note"]) for r in found] == [
        ("base", "", "activity requirements not met"),
        ("bonus", "", "activity requirements not met"),
    ]
    report = rows(run, repo, AFTER, command="report")
    assert [r["stipend_basis"] for r in report] == ["part base (amount: 600): activity requirements not met"]


def test_paid_when_without_a_caseload_pays(make_repo, run):
    # nothing to count: every requirement is met (vacuously), so 1000 × 1 = 1000.00
    t = "id: h\nname: Holder\nassignments:\n  - {role: paid, start: 2025-01-01}\n"
    repo = make_repo(CONFIG, {"paid": PAID}, {"h": t})
    assert [r["amount"] for r in rows(run, repo, DURING, command="stipends")] == ["1000.00"]


def test_activity_follows_the_role_in_force_at_the_terms_start(make_repo, run):
    # from t2 a version asks 1 meeting instead of 2: in t2 one meeting is met; in t1 the same count is due
    role = PAID + "versions:\n  - from: t2\n    activity: [{kind: meeting, min: 1}]\n"
    entries = ["{date: 2025-01-12, member: m, kind: meeting}", "{date: 2025-05-12, member: m, kind: meeting}"]
    repo = make_repo(CONFIG, {"paid": role}, {"h": holder("paid", "[m]", entries), **others("m")})
    assert table(rows(run, repo, "2025-06-01", "t1")) == [("m", "meeting", "1", "2", "missed")]
    assert table(rows(run, repo, "2025-06-01", "t2")) == [("m", "meeting", "1", "1", "met")]


def test_entries_have_no_notes_and_counted_minimums_are_whole(make_repo, run):
    # teacher records are personal data: an entry has no free-text field; a counted kind's min is whole
    entries = ["{date: 2025-01-12, member: m, kind: meeting, notes: struggled with pacing}"]
    role = ESP.replace("min: 4", "min: 3.5")
    repo = make_repo(CONFIG, {"ct": role}, {"h": holder("ct", "[m]", entries), **others("m")})
    code, out, _ = run(["-C", repo, "validate", "--as-of", DURING, "--format", "json"])
    assert code == 1
    found = [(p["path"], p["code"], p["message"]) for p in json.loads(out)["problems"]]
    assert [(path, c) for path, c, _ in found] == [("roles/ct.yaml", "schema"), ("teachers/h.yaml", "schema")]
    assert "notes" in found[1][2] and "pacing" not in found[1][2]


def test_activity_writes_xlsx_and_refuses_an_unknown_term(make_repo, run, tmp_path):
    repo = make_repo(
        CONFIG, {"ct": ESP}, {"h": holder("ct", "[{teacher: p, service: PAR}]", ONE_AND_THREE), **others("p")}
    )
    target = tmp_path / "activity.xlsx"
    code, _, err = run(["-C", repo, "activity", "--term", "t1", "--as-of", AFTER, "--output", target])
    assert code == 0, err
    assert target.read_bytes()[:2] == b"PK"
    code, _, err = run(["-C", repo, "activity", "--term", "t9", "--as-of", AFTER])
    assert code == 2 and "no term 't9'" in err


def test_the_bps_example_has_a_term_of_activity(run):
    # examples/bps, 2024-25 as of 2025-09-15 (after the term): PAR members only (t-0001's caseload has none)
    #   t-0002 / t-0018: 1 announced, 4 unannounced, 1 formative, 1 summative: all met
    #   t-0002 / t-0021: 1 announced, 3 unannounced (missed), 1 formative, no summative (missed)
    #   t-0003 / t-0013: all met;  t-0004 / t-0009: no summative (missed)
    root = PROJECT / "examples" / "bps"
    got = rows(run, root, moved("2025-09-15"), moved_term("2024-25"))
    assert [(r["teacher_id"], r["member"], r["requirement"], r["done"], r["status"]) for r in got] == [
        ("t-0002", "t-0018", "observation (announced)", "1", "met"),
        ("t-0002", "t-0018", "observation (unannounced)", "4", "met"),
        ("t-0002", "t-0018", "formative", "1", "met"),
        ("t-0002", "t-0018", "summative", "1", "met"),
        ("t-0002", "t-0021", "observation (announced)", "1", "met"),
        ("t-0002", "t-0021", "observation (unannounced)", "3", "missed"),
        ("t-0002", "t-0021", "formative", "1", "met"),
        ("t-0002", "t-0021", "summative", "0", "missed"),
        ("t-0003", "t-0013", "observation (announced)", "1", "met"),
        ("t-0003", "t-0013", "observation (unannounced)", "4", "met"),
        ("t-0003", "t-0013", "formative", "1", "met"),
        ("t-0003", "t-0013", "summative", "1", "met"),
        ("t-0004", "t-0009", "observation (announced)", "1", "met"),
        ("t-0004", "t-0009", "observation (unannounced)", "4", "met"),
        ("t-0004", "t-0009", "formative", "1", "met"),
        ("t-0004", "t-0009", "summative", "0", "missed"),
    ]
    # 2025-26 as of 2025-09-15 (the term runs): t-0018's announced observation of 2025-09-09 is met, the rest due
    now = rows(run, root, moved("2025-09-15"), moved_term("2025-26"))
    assert [r["status"] for r in now].count("met") == 1
    assert {r["status"] for r in now} == {"met", "due"} and len(now) == 12


def test_the_page_and_the_diff_withhold_pay_as_of_the_same_date(make_repo, run, tmp_path):
    # The repository of the test above, as of 2025-03-15: m's second meeting (2025-04-01) is after D, so the
    # stipend is withheld, as `tlt stipends` says. The program page and `tlt diff`'s money ask the same date:
    # the page's stipends by role are `tlt stipends --by role`'s, and raising the withheld stipend 1000 -> 1200
    # moves no total at D (0.00 on both sides), so the diff shows no money.
    from gitkit import git

    entries = [
        "{date: 2025-01-10, member: k, kind: meeting}",
        "{date: 2025-02-10, member: k, kind: meeting}",
        "{date: 2025-01-12, member: m, kind: meeting}",
        "{date: 2025-04-01, member: m, kind: meeting}",
    ]
    repo = make_repo(CONFIG, {"paid": PAID}, {"h": holder("paid", "[k, m]", entries), **others("k", "m")})
    code, _, err = run(["-C", repo, "site", tmp_path / "page", "--term", "t1", "--as-of", DURING])
    assert code == 0, err
    code, by_role, err = run(["-C", repo, "stipends", "--by", "role", "--term", "t1", "--as-of", DURING, "-f", "csv"])
    assert code == 0, err
    assert (tmp_path / "page" / "stipends-by-role.csv").read_text(encoding="utf-8") == by_role

    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "before")
    role = next(repo.rglob("paid.yaml"))
    role.write_text(role.read_text(encoding="utf-8").replace("amount: 1000", "amount: 1200"), encoding="utf-8")
    code, out, err = run(["-C", repo, "diff", "HEAD", "--as-of", DURING])
    assert code == 0, err
    assert "this change" not in out
