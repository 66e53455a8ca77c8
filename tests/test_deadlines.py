"""Shipping deadlines: the channel's own when given, else business days that skip weekends and Korean holidays."""

from datetime import date

from chulgo.deadlines import add_business_days, deadline, is_business_day


def test_weekends_and_korean_holidays_are_skipped():
    assert not is_business_day(date(2026, 10, 3))       # 개천절 (a Saturday in 2026, a holiday anyway)
    assert not is_business_day(date(2026, 12, 25))      # 성탄절
    assert is_business_day(date(2026, 11, 23))           # an ordinary Monday
    assert add_business_days(date(2026, 11, 20), 1) == date(2026, 11, 23), "Friday + 1 = Monday"
    assert add_business_days(date(2026, 12, 24), 1) == date(2026, 12, 28), "over 성탄절 and the weekend"


def test_the_channels_deadline_wins_over_the_rule():
    assert deadline("20261125000000", "20261120093000") == date(2026, 11, 25)
    assert deadline("", "20261120093000", 2) == date(2026, 11, 24)
    assert deadline("", "") is None
