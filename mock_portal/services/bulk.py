"""Bulk renewal: the eligible subscriptions grouped into transactions, and a selection of them."""

from __future__ import annotations

from dataclasses import dataclass

from ..models import Subscription
from ..rules.grouping import GroupKey, group_by_transaction
from .cart import group_key
from .subscriptions import SubscriptionView


@dataclass(frozen=True)
class BulkGroup:
    """One fieldset of the bulk page: a (CSN, currency, payment method) and its eligible subscriptions."""

    key: GroupKey
    views: list[SubscriptionView]

    @property
    def token(self) -> str:
        """The group as a form value: 'CSN|currency|method'."""
        return "|".join(self.key)


def eligible_groups(views: list[SubscriptionView]) -> list[BulkGroup]:
    """Only eligible subscriptions, grouped by CSN, currency and payment method (R7)."""
    eligible = [v for v in views if v.eligibility.eligible]
    return [BulkGroup(k, vs) for k, vs in group_by_transaction(eligible, lambda v: group_key(v.sub)).items()]


def selection(groups: list[BulkGroup], numbers: set[str], whole_groups: set[str]) -> list[Subscription]:
    """The chosen subscriptions: ticked ones plus every member of a group whose Select all is ticked."""
    return [
        v.sub for g in groups for v in g.views if g.token in whole_groups or v.number in numbers
    ]
