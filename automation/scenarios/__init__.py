"""Scripted demos as data: `demos/*.toml` scenario files, validated into typed models before any browser starts.

A scenario names its account (the demo fixture, or subscriptions described relative to today), its language,
viewport and pace, and an ordered list of steps; `load_scenario` refuses a file whose steps the account or the
rules (automation.rules) contradict, naming the file, the step and the field."""

from .account import FixtureAccount, InlineAccount, SubscriptionEntry
from .checks import Problem, check
from .loading import ScenarioError, load_scenario, parse_scenario
from .model import DEFAULT_SEED, Pace, Scenario, Viewport
from .spec import account_spec, csn_numbers, sign_in, subscription_names
from .steps import NEEDS_SIGN_IN, Step

__all__ = [
    "DEFAULT_SEED",
    "NEEDS_SIGN_IN",
    "FixtureAccount",
    "InlineAccount",
    "Pace",
    "Problem",
    "Scenario",
    "ScenarioError",
    "Step",
    "SubscriptionEntry",
    "Viewport",
    "account_spec",
    "check",
    "csn_numbers",
    "load_scenario",
    "parse_scenario",
    "sign_in",
    "subscription_names",
]
