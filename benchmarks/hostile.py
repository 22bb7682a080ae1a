#!/usr/bin/env python3
"""Hostile repositories: every file under SPEC 7's 1 MiB limit, each built to make one command's work grow faster
than its input (issue 12, item 3). docs/performance.md ("Hostile input") gives the figures before and after.

    python benchmarks/hostile.py CASE DIR [--n N]     # write the repository of CASE under DIR
    python benchmarks/hostile.py --list               # the cases, their default sizes and commands

Each case writes tlt.yaml, a role or two and one large teacher file (or tlt.yaml itself large), sized to stay
under 1 MiB at its default `n`. `CASES[name].commands` are the tlt commands (after `tlt -C DIR`) that the case is
meant for; time them with farm-bench:

    python benchmarks/hostile.py overlap /tmp/h-overlap
    farm-bench -n 3 -- .venv/bin/tlt -C /tmp/h-overlap validate --as-of 2026-03-02

Deterministic: the files depend only on the case and `n`. tests/test_hostile_scale.py writes these repositories
(at their full size where the fixed code takes well under a second, smaller otherwise) and counts the work done.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

LIMIT = 1024 * 1024  # SPEC 7: a file over 1 MiB is refused; every file here stays under it
AS_OF = "2026-03-02"

CONFIG = """\
program: Hostile Program
organization: TST
terms:
  - {id: 2024-25, start: 2024-08-26, end: 2025-06-13}
  - {id: 2025-26, start: 2025-08-25, end: 2026-06-12}
"""

Files = dict[str, str]


def role(ident: str, extra: str = "", category: str = "mentoring") -> str:
    return f"id: {ident}\ntitle: Role {ident}\ncategory: {category}\n{extra}"


def teacher(ident: str, extra: str) -> str:
    return f"id: {ident}\nname: Pat Doe\n{extra}"


def day(i: int, first: date = date(2000, 1, 1)) -> str:
    return (first + timedelta(days=i)).isoformat()


def fill(head: str, line: Callable[[int], str], n: int | None, tail: str = "") -> tuple[str, int]:
    """`head` then `line(0)`, `line(1)`, … : `n` lines, or (n None) as many as keep the file under 1 MiB."""
    parts = [head]
    size = len(head.encode()) + len(tail.encode())
    i = 0
    while n is None or i < n:
        text = line(i)
        if n is None and size + len(text.encode()) >= LIMIT:
            break
        parts.append(text)
        size += len(text.encode())
        i += 1
    parts.append(tail)
    return "".join(parts), i


def unknown_members(n: int | None) -> Files:
    """One holder whose caseload names `n` teachers who have no file (`unknown-teacher`, one each)."""
    text, _ = fill(
        teacher("t-1", "assignments:\n  - role: coach\n    start: 2024-09-01\n    caseload: ["),
        lambda i: f"m{i:05d}, ",
        n,
        "m]\n",
    )
    return {"roles/coach.yaml": role("coach"), "teachers/t-1.yaml": text}


def cooling_off(n: int | None) -> Files:
    """`n` open-ended assignments of a role that bars itself for 100 years after it is left, the one left
    assignment last in the file: every start is a `cooling-off` (and each later one an `overlap`)."""
    text, _ = fill(
        teacher("t-1", "assignments:\n"),
        lambda i: f"  - {{role: a, start: {day(i + 10)}}}\n",
        n,
        "  - {role: a, start: 2000-01-01, end: 2000-01-02}\n",
    )
    barring = "after_service:\n  - {bars: {roles: [a]}, months: 1200}\n"
    return {"roles/a.yaml": role("a", barring), "teachers/t-1.yaml": text}


def one_role(n: int | None) -> Files:
    """`n` one-day assignments of one role, all inside the term 2024-25: `report --term 2024-25` has a row each,
    and each row counts the terms served in the role."""
    text, _ = fill(
        teacher("t-1", "assignments:\n"),
        lambda i: (
            f"  - {{role: a, start: {day(i % 280, date(2024, 8, 26))}, end: {day(i % 280, date(2024, 8, 26))}}}\n"
        ),
        n,
    )
    limit = "term_limit: {max_terms: 4}\ncompensation: {stipend: {amount: 100}}\n"
    return {"roles/a.yaml": role("a", limit), "teachers/t-1.yaml": text}


def overlap(n: int | None) -> Files:
    """`n` one-day assignments of one role on `n` different days: no two overlap, so the overlap check compares
    each with every earlier one."""
    text, _ = fill(
        teacher("t-1", "assignments:\n"),
        lambda i: f"  - {{role: a, start: {day(i)}, end: {day(i)}}}\n",
        n,
    )
    return {"roles/a.yaml": role("a"), "teachers/t-1.yaml": text}


def empty_members(n: int | None) -> Files:
    """A caseload of `n` empty mappings: one schema problem each (a member needs `teacher`)."""
    text, _ = fill(
        teacher("t-1", "assignments:\n  - role: coach\n    start: 2024-09-01\n    caseload: ["),
        lambda i: "{},",
        n,
        "{}]\n",
    )
    return {"roles/coach.yaml": role("coach"), "teachers/t-1.yaml": text}


def number_memberships(n: int | None) -> Files:
    """`memberships: [1, 1, …]`: one schema problem each (a membership is text)."""
    text, _ = fill(teacher("t-1", "memberships: ["), lambda i: "1,", n, "1]\n")
    return {"teachers/t-1.yaml": text}


def mixed_memberships(n: int | None) -> Files:
    """`memberships: [a0, 0, a1, 1, …]`, all different: a list that cannot be sorted, checked for repeats
    (`uniqueItems`)."""
    text, _ = fill(teacher("t-1", "memberships: ["), lambda i: f"a{i},{i}," if i % 2 else f"a{i},", n, "z]\n")
    return {"teachers/t-1.yaml": text}


def mapping_tags(n: int | None) -> Files:
    """An experience entry whose `tags` are `n` different mappings, checked for repeats (`uniqueItems`)."""
    text, _ = fill(
        teacher("t-1", "experience:\n  - employer: X\n    years: 1\n    tags: ["), lambda i: f"{{a: {i}}},", n, "{}]\n"
    )
    return {"teachers/t-1.yaml": text}


def licenses_and_assignments(n: int | None) -> Files:
    """A role that asks for a Massachusetts license, and a holder with `n` assignments of it (each judged on its
    start date: `ineligible-assignment`) and `n` Massachusetts licenses, none valid on those dates."""
    count = n if n is not None else 9000
    head = teacher("t-1", "licenses:\n")
    licenses = "".join(f"  - {{state: MA, issued: {day(i)}, expires: {day(i)}}}\n" for i in range(count))
    assignments = "".join(f"  - {{role: a, start: {day(i, date(2030, 1, 1))}, end: {day(i, date(2030, 1, 1))}}}\n"
                          for i in range(count))  # fmt: skip
    rules = "eligibility:\n  required:\n    - license: {states: [MA]}\n"
    return {"roles/a.yaml": role("a", rules), "teachers/t-1.yaml": head + licenses + "assignments:\n" + assignments}


def prior_role(n: int | None) -> Files:
    """A role that asks for a prior term in it, and a holder of `n` one-day assignments of it over 20,000 terms
    of tlt.yaml: each start is judged (`ineligible-assignment`), counting the terms served before it."""
    count = n if n is not None else 8000
    terms = "".join(f"  - {{id: x{i}, start: {day(i)}, end: {day(i)}}}\n" for i in range(count))
    config = "program: Hostile Program\norganization: TST\nterms:\n" + terms
    assignments = "".join(f"  - {{role: a, start: {day(2 * i)}, end: {day(2 * i)}}}\n" for i in range(count))
    rules = "term_limit: {max_terms: 100000}\neligibility:\n  required:\n    - prior_role: {roles: [a], min_terms: 1}\n"
    return {
        "tlt.yaml": config,
        "roles/a.yaml": role("a", rules),
        "teachers/t-1.yaml": teacher("t-1", "assignments:\n" + assignments),
    }


def category_bars(n: int | None) -> Files:
    """200 roles each barring its whole category for a year after it is left, and a holder of `n` one-day
    assignments spread over them (each start judged for a cooling-off from every other)."""
    roles = {
        f"roles/r{i}.yaml": role(f"r{i}", "after_service:\n  - {bars: {categories: [mentoring]}, months: 12}\n")
        for i in range(200)
    }
    text, _ = fill(
        teacher("t-1", "assignments:\n"),
        lambda i: f"  - {{role: r{i % 200}, start: {day(i, date(2024, 8, 26))}, end: {day(i, date(2024, 8, 26))}}}\n",
        n,
    )
    return {**roles, "teachers/t-1.yaml": text}


def many_entries(n: int | None) -> Files:
    """A role whose 1 MiB of after_service entries bar itself, ever longer, and a holder of 2,000 of its
    assignments."""
    text, _ = fill(
        "id: a\ntitle: A\ncategory: mentoring\nafter_service:\n",
        lambda i: f"  - {{bars: {{roles: [a]}}, months: {i + 1}}}\n",
        n,
    )
    lines = "".join(f"  - {{role: a, start: {day(3 * i)}, end: {day(3 * i)}}}\n" for i in range(2000))
    return {"roles/a.yaml": text, "teachers/t-1.yaml": teacher("t-1", "assignments:\n" + lines)}


def many_rules(n: int | None) -> Files:
    """A role of 1 MiB of status rules, and a holder of 2,000 of its assignments (each judged on its start)."""
    text, _ = fill(
        "id: a\ntitle: A\ncategory: mentoring\neligibility:\n  required:\n",
        lambda i: f"    - status: {{in: [s{i}]}}\n",
        n,
    )
    lines = "".join(f"  - {{role: a, start: {day(i)}, end: {day(i)}}}\n" for i in range(2000))
    return {"roles/a.yaml": text, "teachers/t-1.yaml": teacher("t-1", "status: x\nassignments:\n" + lines)}


def many_kinds(n: int | None) -> Files:
    """A role needing 1 MiB of clearance kinds, and a holder of 2,000 of its assignments."""
    text, _ = fill(
        "id: a\ntitle: A\ncategory: mentoring\neligibility:\n  required:\n    - clearances: {kinds: [",
        lambda i: f"k{i}, ",
        n,
        "z]}\n",
    )
    lines = "".join(f"  - {{role: a, start: {day(i)}, end: {day(i)}}}\n" for i in range(2000))
    extra = "clearances: [{kind: k1, date: 2000-01-01}]\nassignments:\n" + lines
    return {"roles/a.yaml": text, "teachers/t-1.yaml": teacher("t-1", extra)}


def unknown_roles(n: int | None) -> Files:
    """2,000 roles, and a teacher naming `n` roles that none of them is, none close to one."""
    roles = {f"roles/role-{i:04d}.yaml": role(f"role-{i:04d}") for i in range(2000)}
    text, _ = fill(teacher("t-1", "assignments:\n"), lambda i: f"  - {{role: rolx-{i:05d}, start: 2024-09-01}}\n", n)
    return {**roles, "teachers/t-1.yaml": text}


def own_caseload(n: int | None) -> Files:
    """A holder listing itself `n` times on its caseload (a `caseload-member` problem each): the slowest file
    found, as every member of a valid-looking 1 MiB file goes through the reference schema check."""
    text, _ = fill(
        teacher("t-1", "assignments:\n  - role: a\n    start: 2024-09-01\n    caseload: ["),
        lambda i: "t-1, ",
        n,
        "t-1]\n",
    )
    return {"roles/a.yaml": role("a", "caseload: {max: 5}\n"), "teachers/t-1.yaml": text}


def expiring_renewals(n: int | None) -> Files:
    """A current holder with `n` renewals of licenses of 50 types (each renewal replaces the earlier ones)."""
    text, _ = fill(
        teacher("t-1", "assignments:\n  - {role: a, start: 2024-09-01}\nlicenses:\n"),
        lambda i: f"  - {{state: MA, type: t{i % 50}, expires: {day(i, date(2026, 3, 1))}}}\n",
        n,
    )
    return {"roles/a.yaml": role("a"), "teachers/t-1.yaml": text}


@dataclass(frozen=True)
class Case:
    write: Callable[[int | None], Files]
    commands: tuple[tuple[str, ...], ...]


VALIDATE = (("validate", "--as-of", AS_OF),)
CASES: dict[str, Case] = {
    "unknown-members": Case(unknown_members, VALIDATE),
    "cooling-off": Case(cooling_off, VALIDATE),
    "one-role": Case(one_role, (("report", "--term", "2024-25", "--format", "csv", "--as-of", AS_OF), *VALIDATE)),
    "overlap": Case(overlap, VALIDATE),
    "empty-members": Case(empty_members, VALIDATE),
    "number-memberships": Case(number_memberships, VALIDATE),
    "mixed-memberships": Case(mixed_memberships, VALIDATE),
    "mapping-tags": Case(mapping_tags, VALIDATE),
    "licenses": Case(licenses_and_assignments, VALIDATE),
    "prior-role": Case(prior_role, (*VALIDATE, ("check-eligibility", "--all", "--format", "csv", "--as-of", AS_OF))),
    "category-bars": Case(category_bars, VALIDATE),
    "many-entries": Case(many_entries, VALIDATE),
    "many-rules": Case(many_rules, VALIDATE),
    "many-kinds": Case(many_kinds, VALIDATE),
    "unknown-roles": Case(unknown_roles, VALIDATE),
    "own-caseload": Case(own_caseload, VALIDATE),
    "expiring-renewals": Case(expiring_renewals, (("expiring", "--format", "csv", "--as-of", AS_OF),)),
}


def write(case: str, root: Path, n: int | None = None) -> Path:
    """Write the repository of `case` at `root` (which must not hold one yet); return root."""
    files = {"tlt.yaml": CONFIG, **CASES[case].write(n)}
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        data = text.encode()
        if len(data) >= LIMIT:
            raise ValueError(f"{case}: {rel} is {len(data)} bytes, over the 1 MiB limit; use a smaller --n")
        path.write_bytes(data)
    return root


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("case", nargs="?", choices=sorted(CASES))
    ap.add_argument("dir", nargs="?", type=Path)
    ap.add_argument("--n", type=int, default=None, help="how many items (default: as many as fit under 1 MiB)")
    ap.add_argument("--list", action="store_true", help="list the cases and their commands")
    args = ap.parse_args(argv)
    if args.list or args.case is None:
        for name, case in CASES.items():
            doc = (case.write.__doc__ or "").split("\n\n")[0].replace("\n", " ")
            print(f"{name}: {doc}")
            for command in case.commands:
                print(f"    tlt -C DIR {' '.join(command)}")
        return 0
    if args.dir is None:
        ap.error("give the folder to write the repository in")
    if args.dir.exists() and any(args.dir.iterdir()):
        ap.error(f"{args.dir} is not empty")
    write(args.case, args.dir, args.n)
    sizes = {str(p.relative_to(args.dir)): p.stat().st_size for p in sorted(args.dir.rglob("*.yaml"))}
    print(", ".join(f"{k} {v:,} bytes" for k, v in sizes.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
