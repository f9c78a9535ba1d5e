"""Splitting a bulk request into checkouts of at most 100 (R7), keeping each transaction whole when it fits."""

from __future__ import annotations

import pytest

from automation.flows import plan_checkouts


def numbers(prefix: str, count: int) -> list[str]:
    """`count` distinct 12-digit subscription numbers starting with `prefix`."""
    return [f"{prefix}{i:0{12 - len(prefix)}d}" for i in range(count)]


def flat(plan: list[list[str]]) -> list[str]:
    return [n for checkout in plan for n in checkout]


@pytest.mark.parametrize(
    ("size", "expected_sizes"),
    [(1, [1]), (99, [99]), (100, [100]), (101, [100, 1]), (200, [100, 100]), (250, [100, 100, 50])],
)
def test_one_group_is_cut_into_checkouts_of_at_most_100(size: int, expected_sizes: list[int]) -> None:
    group = numbers("1", size)
    plan = plan_checkouts({("1111111111", "USD", "credit_card"): group})
    assert [len(c) for c in plan] == expected_sizes
    assert flat(plan) == group


def test_groups_that_fit_together_share_one_checkout() -> None:
    a, b, c = numbers("1", 40), numbers("2", 35), numbers("3", 25)
    plan = plan_checkouts({"a": a, "b": b, "c": c})
    assert plan == [a + b + c]


def test_a_group_that_does_not_fit_beside_the_previous_ones_starts_the_next_checkout_whole() -> None:
    a, b, c = numbers("1", 60), numbers("2", 50), numbers("3", 40)
    plan = plan_checkouts({"a": a, "b": b, "c": c})
    assert plan == [a, b + c]


def test_several_groups_summing_over_100_never_exceed_100_per_checkout() -> None:
    groups = {"a": numbers("1", 70), "b": numbers("2", 70), "c": numbers("3", 70), "d": numbers("4", 5)}
    plan = plan_checkouts(groups)
    assert all(len(checkout) <= 100 for checkout in plan)
    assert [len(c) for c in plan] == [70, 70, 75]
    for group in groups.values():  # each group fitting in 100 lands whole in one checkout
        assert sum(1 for checkout in plan if set(group) & set(checkout)) == 1


def test_a_big_group_is_chunked_and_its_remainder_may_join_the_next_group() -> None:
    big, small = numbers("1", 250), numbers("2", 30)
    plan = plan_checkouts({"big": big, "small": small})
    assert plan == [big[:100], big[100:200], big[200:] + small]


def test_order_is_preserved_and_every_number_appears_exactly_once() -> None:
    groups = {"a": numbers("1", 130), "b": numbers("2", 1), "c": numbers("3", 99), "d": numbers("4", 100), "e": numbers("5", 7)}
    plan = plan_checkouts(groups)
    requested = [n for group in groups.values() for n in group]
    assert flat(plan) == requested
    assert len(set(flat(plan))) == len(requested)
    assert all(0 < len(checkout) <= 100 for checkout in plan)


def test_empty_groups_and_an_empty_request_plan_nothing() -> None:
    assert plan_checkouts({}) == []
    assert plan_checkouts({"a": [], "b": numbers("2", 3)}) == [numbers("2", 3)]


def test_a_smaller_limit_is_honoured() -> None:
    plan = plan_checkouts({"a": numbers("1", 5), "b": numbers("2", 2)}, limit=3)
    assert [len(c) for c in plan] == [3, 2, 2]


def test_a_number_requested_twice_is_refused() -> None:
    with pytest.raises(ValueError, match="requested twice"):
        plan_checkouts({"a": ["111111111111"], "b": ["111111111111"]})


def test_a_limit_below_one_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        plan_checkouts({"a": ["111111111111"]}, limit=0)
