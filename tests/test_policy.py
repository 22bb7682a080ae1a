"""Policy checks of `tlt validate`: caseload-cap, overlap, tenure-cap, cooling-off, ineligible-assignment,
expiring, staffing — code, path and line, one problem per cause."""

from __future__ import annotations

import re

CONFIG = """\
program: P
organization: BPS
terms:
  - {id: 2022-23, start: 2022-08-29, end: 2023-06-14}
  - {id: 2023-24, start: 2023-08-28, end: 2024-06-14}
  - {id: 2024-25, start: 2024-08-26, end: 2025-06-13}
  - {id: 2025-26, start: 2025-08-25, end: 2026-06-12}
"""

CT = """\
id: ct
title: Consulting Teacher
category: coaching
eligibility:
  required:
    - experience: {min_years: 3}
term_limit: {max_terms: 2}
caseload: {max: 3, weights: {PAR: 2}}
after_service:
  - bars: {categories: [administrator]}
    months: 12
"""
ADMIN = """\
id: admin
title: Administrator
category: administrator
staffing: {min_percent: 10, max_percent: 40}
"""
SENIOR = "id: {id}\nname: N\nexperience: [{{employer: BPS, years: 20}}]\n"


def problems(run, root, as_of="2025-09-15"):
    code, out, err = run(["-C", root, "validate", "--as-of", as_of])
    found = re.findall(r"^(\S+?):(\d+):(\d+): (error|warning)\[([a-z-]+)\] (.*)$", out, re.M)
    return code, [(p, int(line), sev, c, msg) for p, line, _col, sev, c, msg in found]


def base(**teachers):
    t = {f"t-{i}": SENIOR.format(id=f"t-{i}") for i in range(1, 6)}
    t.update(teachers)
    return t


def test_caseload_cap_is_weighted(make_repo, run):
    t = base(
        **{
            "t-1": SENIOR.format(id="t-1")
            + "assignments:\n  - role: ct\n    start: 2025-08-25\n    caseload: [t-2, t-4, {teacher: t-3, service: PAR}]\n"
        }
    )
    root = make_repo(config=CONFIG, roles={"ct": CT}, teachers=t)
    code, found = problems(run, root)
    assert (code, found) == (
        1,
        [
            (
                "teachers/t-1.yaml",
                7,
                "error",
                "caseload-cap",
                "t-1's caseload for ct is 4 (weighted), over the role's maximum of 3",
            )
        ],
    )
    ok = base(
        **{
            "t-1": SENIOR.format(id="t-1")
            + "assignments:\n  - role: ct\n    start: 2025-08-25\n    caseload: [t-2, t-3, t-4]\n"
        }
    )
    root = make_repo(config=CONFIG, roles={"ct": CT}, teachers=ok, root=root.parent / "ok")
    assert problems(run, root) == (0, [])


def test_overlap_points_at_the_later_assignment(make_repo, run):
    text = SENIOR.format(id="t-1") + (
        "assignments:\n  - {role: ct, start: 2025-01-06}\n  - {role: ct, start: 2024-09-02, end: 2025-01-06}\n"
    )
    root = make_repo(config=CONFIG, roles={"ct": CT}, teachers=base(**{"t-1": text}))
    _, found = problems(run, root)
    assert [(p, line, c) for p, line, _, c, _ in found] == [("teachers/t-1.yaml", 5, "overlap")]
    text_ok = text.replace(
        "start: 2025-01-06}\n  - {role: ct, start: 2024-09-02, end: 2025-01-06}",
        "start: 2025-01-07}\n  - {role: ct, start: 2024-09-02, end: 2025-01-06}",
    )
    root = make_repo(config=CONFIG, roles={"ct": CT}, teachers=base(**{"t-1": text_ok}), root=root.parent / "ok")
    assert problems(run, root) == (0, [])


def test_tenure_cap_at_the_start_of_the_assignment_that_passes_it(make_repo, run):
    text = SENIOR.format(id="t-1") + (
        "assignments:\n"
        "  - role: ct\n    start: 2022-09-01\n    end: 2023-06-01\n"
        "  - role: ct\n    start: 2023-09-01\n    end: 2024-06-01\n"
        "  - role: ct\n    start: 2024-09-03\n"
    )
    root = make_repo(config=CONFIG, roles={"ct": CT}, teachers=base(**{"t-1": text}))
    _, found = problems(run, root)
    assert (
        "teachers/t-1.yaml",
        12,
        "error",
        "tenure-cap",
        "t-1 has served 4 terms in ct, over its limit of 2",
    ) in found
    assert [c for *_, c, _ in found].count("tenure-cap") == 1
    # an open-ended assignment counts only terms it overlaps before D
    root2 = make_repo(
        config=CONFIG,
        roles={"ct": CT},
        teachers=base(
            **{"t-1": SENIOR.format(id="t-1") + "assignments:\n  - {role: ct, start: 2024-09-03, prior_terms: 1}\n"}
        ),
        root=root.parent / "b",
    )
    assert problems(run, root2, as_of="2025-08-25")[1] == []
    assert [c for *_, c, _ in problems(run, root2, as_of="2025-08-26")[1]] == ["tenure-cap"]


def test_cooling_off_is_one_problem_not_also_ineligible(make_repo, run):
    admin_strict = ADMIN.replace(
        "staffing: {min_percent: 10, max_percent: 40}\n", "eligibility:\n  required:\n    - degree: {min: master}\n"
    )
    text = SENIOR.format(id="t-1") + (
        "degrees: [{level: bachelor}]\n"
        "assignments:\n"
        "  - {role: ct, start: 2023-08-28, end: 2025-01-31}\n"
        "  - {role: admin, start: 2026-01-31}\n"
    )
    root = make_repo(config=CONFIG, roles={"ct": CT, "admin": admin_strict}, teachers=base(**{"t-1": text}))
    _, found = problems(run, root, as_of="2026-03-01")
    assert found == [
        ("teachers/t-1.yaml", 7, "error", "cooling-off",
         "t-1 starts admin on 2026-01-31 inside a cooling-off: left ct on 2025-01-31; barred from administrator roles until 2026-01-31"),
    ]  # fmt: skip
    later = text.replace("start: 2026-01-31", "start: 2026-02-01")
    root = make_repo(
        config=CONFIG, roles={"ct": CT, "admin": admin_strict}, teachers=base(**{"t-1": later}), root=root.parent / "b"
    )
    _, found = problems(run, root, as_of="2026-03-01")
    assert [(line, c) for _, line, _, c, _ in found] == [(7, "ineligible-assignment")]
    assert found[0][4] == "t-1 was ineligible for admin on 2026-02-01: degree: bachelor, needs master"


def test_ineligible_assignment_is_judged_on_the_start_date(make_repo, run):
    text = "id: t-1\nname: N\nexperience: [{employer: BPS, start: 2021-09-02}]\nassignments:\n  - {role: ct, start: 2024-09-01}\n"
    root = make_repo(config=CONFIG, roles={"ct": CT}, teachers=base(**{"t-1": text}))
    _, found = problems(run, root)
    assert found == [
        (
            "teachers/t-1.yaml",
            5,
            "error",
            "ineligible-assignment",
            "t-1 was ineligible for ct on 2024-09-01: experience: 2.99 years, needs 3",
        )
    ]
    ok = text.replace("start: 2024-09-01}", "start: 2024-09-02}")
    root = make_repo(config=CONFIG, roles={"ct": CT}, teachers=base(**{"t-1": ok}), root=root.parent / "b")
    assert problems(run, root) == (0, [])


def test_expiring_warns_within_60_days_for_current_holders_only(make_repo, run):
    def holder(tid, expires, role_line="  - {role: ct, start: 2025-08-25}\n"):
        return SENIOR.format(id=tid) + f"licenses: [{{state: MA, expires: {expires}}}]\n" + "assignments:\n" + role_line

    t = base(
        **{
            "t-1": holder("t-1", "2025-11-14"),  # D + 60: warns
            "t-2": holder("t-2", "2025-11-15"),  # D + 61: quiet
            "t-3": holder("t-3", "2025-09-14"),  # expired the day before D
            "t-4": holder("t-4", "2025-09-01", "  - {role: ct, start: 2024-09-02, end: 2025-06-01}\n"),  # not current
        }
    )
    root = make_repo(config=CONFIG, roles={"ct": CT}, teachers=t)
    code, found = problems(run, root)
    assert code == 0
    assert [(p, line, sev, c) for p, line, sev, c, _ in found] == [
        ("teachers/t-1.yaml", 4, "warning", "expiring"),
        ("teachers/t-3.yaml", 4, "warning", "expiring"),
    ]
    assert found[0][4] == "t-1 holds ct; their MA license expires 2025-11-14 (in 60 days)"
    assert found[1][4] == "t-3 holds ct; their MA license expired 2025-09-14 (1 days ago)"


def test_staffing_bounds_are_inclusive(make_repo, run):
    holder = SENIOR + "assignments: [{{role: admin, start: 2025-08-25}}]\n"
    # 5 teachers: 2 holders = 40% (inclusive upper bound) is fine, 3 = 60% warns
    t = base(**{"t-1": holder.format(id="t-1"), "t-2": holder.format(id="t-2")})
    root = make_repo(config=CONFIG, roles={"admin": ADMIN}, teachers=t)
    assert problems(run, root) == (0, [])
    t["t-3"] = holder.format(id="t-3")
    root = make_repo(config=CONFIG, roles={"admin": ADMIN}, teachers=t, root=root.parent / "b")
    code, found = problems(run, root)
    assert code == 0
    assert found == [
        (
            "roles/admin.yaml",
            4,
            "warning",
            "staffing",
            "3 of 5 teachers (60.0%) hold admin in 2025-26; the role wants at least 10% to at most 40%",
        )
    ]


def test_ineligible_assignment_names_the_required_rules_only(make_repo, run):
    """SPEC 4: the message names only the failing or unknown required rules; a preferred rule the teacher misses
    is no reason, and a required rule that cannot be judged (no degree recorded) is one."""
    role = (
        "id: lead\ntitle: Lead\ncategory: other\n"
        "eligibility:\n  required:\n    - experience: {min_years: 3}\n    - degree: {min: master}\n"
        "  preferred:\n    - status: {in: [permanent]}\n"
    )
    text = (
        "id: t-1\nname: N\nstatus: probationary\nexperience: [{employer: BPS, start: 2023-09-02}]\n"
        "assignments:\n  - {role: lead, start: 2024-09-01}\n"
    )
    root = make_repo(config=CONFIG, roles={"lead": role}, teachers={"t-1": text})
    _, found = problems(run, root)
    assert [(c, m) for _, _, _, c, m in found] == [
        (
            "ineligible-assignment",
            "t-1 was ineligible for lead on 2024-09-01: experience: 0.99 years, needs 3; degree: degrees not recorded",
        )
    ]
