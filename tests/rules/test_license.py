from datetime import date

import pytest
from rulekit import check_rule

D = date(2026, 8, 24)


def lic(**kw):
    return {"state": "MA", "type": "professional", **kw}


def test_a_license_expiring_on_the_date_is_still_valid_and_the_day_before_is_not():
    assert check_rule("license", {"states": ["MA"]}, D, licenses=[lic(expires=D)]) == (
        "pass",
        "license: MA professional active, expires 2026-08-24",
    )
    assert check_rule("license", {"states": ["MA"]}, D, licenses=[lic(expires=date(2026, 8, 23))]) == (
        "fail",
        "license: MA professional expired 2026-08-23",
    )


def test_issued_on_the_date_counts_issued_after_does_not():
    assert check_rule("license", {"states": ["MA"]}, D, licenses=[lic(issued=D)])[0] == "pass"
    assert check_rule("license", {"states": ["MA"]}, D, licenses=[lic(issued=date(2026, 8, 25))]) == (
        "fail",
        "license: MA professional is issued 2026-08-25, after 2026-08-24",
    )


def test_pending_counts_only_when_allowed():
    pending = [lic(status="pending")]
    assert check_rule("license", {"states": ["MA"]}, D, licenses=pending) == (
        "fail",
        "license: MA professional is pending",
    )
    assert check_rule("license", {"states": ["MA"], "allow_pending": True}, D, licenses=pending)[0] == "pass"


@pytest.mark.parametrize("status", ["expired", "revoked"])
def test_expired_or_revoked_status_fails(status):
    assert check_rule("license", {"states": ["MA"]}, D, licenses=[lic(status=status)])[0] == "fail"


def test_state_and_type_must_match():
    assert check_rule("license", {"states": ["MS"]}, D, licenses=[lic()]) == ("fail", "license: no MS license")
    assert check_rule("license", {"states": ["MA"], "types": ["standard"]}, D, licenses=[lic()]) == (
        "fail",
        "license: MA professional is not standard",
    )
    two = [lic(type="initial", expires=date(2020, 1, 1)), lic()]
    assert check_rule("license", {"states": ["MA"]}, D, licenses=two)[0] == "pass"


def test_absent_unknown_empty_fails():
    assert check_rule("license", {"states": ["MA"]}, D)[0] == "unknown"
    assert check_rule("license", {"states": ["MA"]}, D, licenses=[])[0] == "fail"
