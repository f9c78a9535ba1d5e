"""R7/R8: one transaction per (CSN, currency, payment method); at most 100 per checkout."""

from mock_portal.rules.grouping import MAX_PER_CHECKOUT, GroupKey, checkout_size_error, group_by_transaction


def test_subscriptions_are_grouped_by_csn_currency_and_payment_method() -> None:
    items = [
        ("a", GroupKey("1111111111", "USD", "credit_card")),
        ("b", GroupKey("1111111111", "USD", "paypal")),
        ("c", GroupKey("1111111111", "USD", "credit_card")),
        ("d", GroupKey("2222222222", "USD", "credit_card")),
        ("e", GroupKey("1111111111", "EUR", "credit_card")),
    ]
    groups = group_by_transaction(items, key=lambda item: item[1])
    assert [[name for name, _ in members] for members in groups.values()] == [["e"], ["a", "c"], ["b"], ["d"]]


def test_100_per_checkout_is_accepted_and_101_refused_naming_the_limit() -> None:
    assert MAX_PER_CHECKOUT == 100
    assert checkout_size_error(100) is None
    message = checkout_size_error(101)
    assert message is not None and "100" in message and "101" in message
