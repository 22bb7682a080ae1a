"""degree, status, membership, clearances, credentials, coursework: both sides of each boundary."""

from datetime import date

import pytest
from rulekit import check_rule

D = date(2026, 8, 24)


@pytest.mark.parametrize(
    "levels, outcome",
    [(["bachelor"], "fail"), (["bachelor", "master"], "pass"), (["doctorate"], "pass"), ([], "fail")],
)
def test_degree(levels, outcome):
    assert check_rule("degree", {"min": "master"}, D, degrees=[{"level": lv} for lv in levels])[0] == outcome


def test_degree_reason():
    assert check_rule("degree", {"min": "master"}, D, degrees=[{"level": "bachelor"}]) == (
        "fail",
        "degree: bachelor, needs master",
    )
    assert check_rule("degree", {"min": "master"}, D)[0] == "unknown"


def test_status_and_membership():
    assert check_rule("status", {"in": ["permanent"]}, D, status="permanent")[0] == "pass"
    assert check_rule("status", {"in": ["permanent"]}, D, status="probationary") == (
        "fail",
        "status: probationary, needs permanent",
    )
    assert check_rule("status", {"in": ["permanent"]}, D)[0] == "unknown"
    assert check_rule("membership", {"any_of": ["BTU"]}, D, memberships=["BTU", "NEA"])[0] == "pass"
    assert check_rule("membership", {"any_of": ["BTU"]}, D, memberships=[])[0] == "fail"
    assert check_rule("membership", {"any_of": ["BTU"]}, D)[0] == "unknown"


def test_clearances_dated_and_expiring_on_the_date_count():
    ok = [{"kind": "fingerprint", "date": D, "expires": D}, {"kind": "tuberculosis", "date": date(2020, 1, 1)}]
    assert check_rule("clearances", {"kinds": ["fingerprint", "tuberculosis"]}, D, clearances=ok)[0] == "pass"


def test_clearances_fail_reasons():
    items = [
        {"kind": "fingerprint", "date": date(2020, 1, 1), "expires": date(2026, 8, 23)},
        {"kind": "tuberculosis", "date": date(2026, 8, 25)},
    ]
    outcome, detail = check_rule("clearances", {"kinds": ["fingerprint", "tuberculosis", "cpr"]}, D, clearances=items)
    assert outcome == "fail"
    assert (
        detail == "clearances: fingerprint expired 2026-08-23; tuberculosis dated 2026-08-25, after 2026-08-24; no cpr"
    )


def test_credentials():
    creds = [
        {"id": "national-board", "date": date(2019, 11, 1), "expires": D},
        {"id": "old", "date": date(2010, 1, 1), "expires": date(2026, 8, 23)},
    ]
    assert check_rule("credentials", {"all_of": ["national-board"]}, D, credentials=creds)[0] == "pass"
    assert check_rule("credentials", {"all_of": ["old"]}, D, credentials=creds) == (
        "fail",
        "credentials: old expired 2026-08-23",
    )
    assert check_rule("credentials", {"any_of": ["old", "national-board"]}, D, credentials=creds)[0] == "pass"
    assert check_rule("credentials", {"any_of": ["old", "x"]}, D, credentials=creds) == (
        "fail",
        "credentials: none of old or x",
    )
    assert check_rule("credentials", {"all_of": ["x"]}, D)[0] == "unknown"


def test_coursework():
    courses = [{"id": "cognitive-coaching", "date": D}, {"id": "privacy-law", "date": date(2026, 8, 25)}]
    assert check_rule("coursework", {"all_of": ["cognitive-coaching"]}, D, coursework=courses)[0] == "pass"
    assert check_rule("coursework", {"all_of": ["privacy-law"]}, D, coursework=courses) == (
        "fail",
        "coursework: missing privacy-law",
    )
    assert check_rule("coursework", {"min_count": 2}, D, coursework=courses) == (
        "fail",
        "coursework: 1 course completed, needs 2",
    )
    assert check_rule("coursework", {"min_count": 2}, date(2026, 8, 25), coursework=courses)[0] == "pass"
    assert check_rule("coursework", {"min_count": 1}, D)[0] == "unknown"
