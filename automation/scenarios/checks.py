"""The checks one step alone can't make: names that exist, sign-in first, and renewals the rules allow.

The verdicts are the harness's own (automation.rules), never the portal's: a scenario that asks to renew a cancelled
or not-yet-open subscription fails before any browser starts. The checks follow the account step by step, so a
subscription renewed (or ordered and awaiting payment) earlier in the scenario is not renewable again."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from ..rules import MANUAL_ONLY_METHODS, SubscriptionFacts, Verdict, is_early, judge, load_catalog, term_end
from .account import InlineAccount, SubscriptionEntry, inline
from .model import Scenario
from .steps import NEEDS_SIGN_IN, BulkRenew, Group, OpenEmail, OpenInbox, PlaceOrder, RecordPayment, Renew, SignIn, Step


@dataclass(frozen=True)
class Problem:
    """What is wrong, at which step (0-based; None for the scenario as a whole) and in which field."""

    step: int | None
    field: str
    message: str


class _Stop(Exception):
    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


def facts_of(sub: SubscriptionEntry, today: date) -> SubscriptionFacts:
    """What the rules need to know of a subscription as the scenario creates it on `today`."""
    renewal = today + timedelta(days=sub.renewal_in_days)
    return SubscriptionFacts(
        renewal_date=renewal,
        term=sub.term,
        cancelled=sub.status == "cancelled",
        product_sold=load_catalog().sold[sub.product],
        renewed_through=term_end(renewal, sub.term) if sub.renewed else None,
    )


def describe(verdict: Verdict) -> str:
    """A verdict's reason in words, with the date it names."""
    assert verdict.reason is not None
    words = verdict.reason.value.replace("_", " ")
    return f"{words} ({verdict.reason_date.isoformat()})" if verdict.reason_date else words


@dataclass
class _Walk:
    """The account as the steps so far have left it."""

    account: InlineAccount
    today: date
    facts: dict[str, SubscriptionFacts] = field(default_factory=dict)
    cart: list[str] = field(default_factory=list)
    orders: dict[str, list[str]] = field(default_factory=dict)  # place_order id → names awaiting payment
    signed_in: bool = False
    inbox_open: bool = False

    def entry(self, name: str) -> SubscriptionEntry:
        return next(s for s in self.account.subscriptions if s.name == name)

    def known(self, i: int, at: str, name: str) -> None:
        if name not in self.facts:
            named = ", ".join(self.facts)
            raise _Stop(Problem(i, at, f"no subscription named {name!r} in the account; named ones: {named}"))

    def add(self, i: int, at: str, name: str, renew_now: bool) -> None:
        """Put a subscription in the cart if the rules offer it today, else stop naming the reason."""
        self.known(i, at, name)
        if name in self.cart:
            raise _Stop(Problem(i, at, f"{name!r} is already in the cart; renew it once per order"))
        facts = self.facts[name]
        verdict = judge(facts, self.today)
        if not verdict.eligible:
            raise _Stop(Problem(i, at, f"{name!r} is not renewable on the scenario's today: {describe(verdict)}"))
        if not renew_now and is_early(facts.renewal_date, self.today):
            early = f"{name!r} renews early (renewal date {facts.renewal_date}); the checkout needs Renew now (R6)"
            raise _Stop(Problem(i, "renew_now", f"{early}: set renew_now = true"))
        self.cart.append(name)

    def in_group(self, group: Group) -> list[str]:
        def matches(s: SubscriptionEntry) -> bool:
            return (group.csn in (None, s.csn) and group.currency in (None, s.currency)
                    and group.payment_method in (None, s.payment_method))  # fmt: skip

        return [s.name for s in self.account.subscriptions if matches(s) and judge(self.facts[s.name], self.today).eligible]

    def place(self, i: int, step: PlaceOrder) -> None:
        if not self.cart:
            raise _Stop(Problem(i, "do", "the cart is empty; put a renew or bulk_renew step before place_order"))
        if step.id is not None and step.id in self.orders:
            raise _Stop(Problem(i, "id", f"order id {step.id!r} is already used by an earlier place_order"))
        waiting = []
        for name in self.cart:
            facts = self.facts[name]
            if self.entry(name).payment_method in MANUAL_ONLY_METHODS:  # R4: the order waits for its payment
                self.facts[name] = replace(facts, awaiting_payment=True)
                waiting.append(name)
            else:
                self.facts[name] = replace(facts, renewed_through=term_end(facts.renewal_date, facts.term))
        if step.id is not None:
            self.orders[step.id] = waiting
        self.cart = []

    def pay(self, i: int, step: RecordPayment) -> None:
        if step.order not in self.orders:
            ids = ", ".join(self.orders) or "none"
            raise _Stop(Problem(i, "order", f"no earlier place_order has id {step.order!r}; ids so far: {ids}"))
        waiting = self.orders[step.order]
        if not waiting:
            raise _Stop(Problem(i, "order", f"order {step.order!r} was paid at checkout; only Konbini and ATM "
                                "bank transfer orders await a payment"))  # fmt: skip
        for name in waiting:
            facts = self.facts[name]
            self.facts[name] = replace(facts, awaiting_payment=False,
                                       renewed_through=term_end(facts.renewal_date, facts.term))  # fmt: skip
        self.orders[step.order] = []

    def step(self, i: int, step: Step) -> None:
        if isinstance(step, NEEDS_SIGN_IN) and not self.signed_in:
            raise _Stop(Problem(i, "do", f"{step.do} needs a signed-in user; put a sign_in step before it"))
        if isinstance(step, SignIn):
            self.signed_in = True
        elif isinstance(step, Renew):
            for k, name in enumerate(step.subscriptions):
                self.add(i, f"subscriptions[{k}]", name, step.renew_now)
        elif isinstance(step, BulkRenew):
            self.bulk(i, step)
        elif isinstance(step, PlaceOrder):
            self.place(i, step)
        elif isinstance(step, RecordPayment):
            self.pay(i, step)
        elif isinstance(step, OpenInbox):
            self.inbox_open = True
        elif isinstance(step, OpenEmail) and not self.inbox_open:
            raise _Stop(Problem(i, "do", "open_email opens an email of the inbox; put an open_inbox step before it"))

    def bulk(self, i: int, step: BulkRenew) -> None:
        if step.subscriptions is not None:
            for k, name in enumerate(step.subscriptions):
                self.add(i, f"subscriptions[{k}]", name, step.renew_now)
            return
        assert step.group is not None
        labels = {s.csn for s in self.account.subscriptions}
        if step.group.csn is not None and step.group.csn not in labels:
            named = ", ".join(sorted(labels))
            raise _Stop(Problem(i, "group.csn", f"no CSN labelled {step.group.csn!r} in the account; labels: {named}"))
        chosen = self.in_group(step.group)
        if not chosen:
            raise _Stop(Problem(i, "group", "no subscription of this group is renewable on the scenario's today"))
        for name in chosen:
            self.add(i, "group", name, step.renew_now)


def check(scenario: Scenario, today: date) -> Problem | None:
    """The first thing in the scenario the account or the rules contradict, or None when it can run."""
    walk = _Walk(inline(scenario.account), today)
    walk.facts = {s.name: facts_of(s, today) for s in walk.account.subscriptions}
    try:
        for i, step in enumerate(scenario.steps):
            walk.step(i, step)
    except _Stop as stop:
        return stop.problem
    return None
