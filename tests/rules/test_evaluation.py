from datetime import date

from rulekit import check_rule, term


def evals(*pairs):
    return [{"term": t, "rating": r} for t, r in pairs]


def test_only_terms_that_ended_before_the_date_count():
    end = term("2025-26").end
    ratings = evals(("2024-25", "needs_improvement"), ("2025-26", "proficient"))
    # on the term's last day the term has not ended before D: the older rating decides
    assert check_rule("evaluation", {"min": "proficient"}, end, evaluations=ratings) == (
        "fail",
        "evaluation: 2024-25 needs_improvement, needs proficient or better",
    )
    assert check_rule(
        "evaluation", {"min": "proficient"}, date.fromordinal(end.toordinal() + 1), evaluations=ratings
    ) == (
        "pass",
        "evaluation: 2025-26 proficient",
    )


def test_last_n_all_meet_the_minimum_and_fewer_fails():
    ratings = evals(("2022-23", "proficient"), ("2023-24", "exemplary"), ("2024-25", "proficient"))
    d = date(2025, 9, 1)
    assert check_rule("evaluation", {"min": "proficient", "last": 3}, d, evaluations=ratings)[0] == "pass"
    assert check_rule("evaluation", {"min": "exemplary", "last": 2}, d, evaluations=ratings) == (
        "fail",
        "evaluation: 2024-25 proficient, needs the last 2 at exemplary or better",
    )
    assert check_rule("evaluation", {"min": "proficient", "last": 4}, d, evaluations=ratings) == (
        "fail",
        "evaluation: 3 ratings of ended terms, needs the last 4 at proficient or better",
    )


def test_absent_and_empty():
    assert check_rule("evaluation", {"min": "proficient"}, date(2026, 1, 1))[0] == "unknown"
    assert check_rule("evaluation", {"min": "proficient"}, date(2026, 1, 1), evaluations=[])[0] == "fail"
