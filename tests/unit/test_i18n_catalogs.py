"""The portal's gettext catalogs: they hold every message the code and templates have, each one translated in French
and Japanese (nothing fuzzy, the same placeholders), the compiled .mo files say what the .po files say, and every word
the rules give a person (payment methods, terms, statuses, reasons) is among the messages."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.frontend import CommandLineInterface
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po

import mock_portal
from mock_portal import i18n
from mock_portal.rules.eligibility import Anniversary, check_eligibility
from mock_portal.rules.payment import PAYMENT_LABELS
from mock_portal.rules.terms import TERM_LABELS, TERMS

PORTAL = Path(mock_portal.__file__).parent
TRANSLATIONS = PORTAL / "translations"
REPO = PORTAL.parent
LANGUAGES = [code for code in i18n.LOCALES if code != i18n.DEFAULT_LOCALE]


def po(language: str) -> Catalog:
    with (TRANSLATIONS / language / "LC_MESSAGES" / "messages.po").open("rb") as file:
        return read_po(file, locale=language)


def ids(catalog: Catalog) -> set[str | tuple[str, ...]]:
    return {message.id if isinstance(message.id, str) else tuple(message.id) for message in catalog if message.id}


def messages(catalog: Catalog) -> dict[str | tuple[str, ...], str | tuple[str, ...]]:
    """What a compiled catalog answers: msgid → translation (plural forms as a tuple)."""
    return {
        message.id if isinstance(message.id, str) else tuple(message.id): (
            message.string if isinstance(message.string, str) else tuple(message.string)
        )
        for message in catalog
        if message.id
    }


@pytest.fixture(scope="module")
def extracted(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    """The messages the code and templates have today, as `pybabel extract` with the committed babel.cfg finds them."""
    out = tmp_path_factory.mktemp("extract") / "messages.pot"
    CommandLineInterface().run(
        ["pybabel", "-q", "extract", "-F", str(TRANSLATIONS / "babel.cfg"), "-o", str(out), str(REPO / "mock_portal")]
    )
    with out.open("rb") as file:
        return read_po(file)


def test_the_template_and_both_catalogs_hold_exactly_the_messages_the_code_has(extracted: Catalog) -> None:
    wanted = ids(extracted)
    assert wanted, "pybabel extract found no message: babel.cfg no longer matches the code"
    with (TRANSLATIONS / "messages.pot").open("rb") as file:
        template = ids(read_po(file))
    fix = "run `pybabel extract` then `pybabel update` (README 'Languages')"
    assert template == wanted, f"messages.pot is stale; new: {sorted(map(str, wanted - template))}, gone: " + (
        f"{sorted(map(str, template - wanted))}; {fix}"
    )
    for language in LANGUAGES:
        have = ids(po(language))
        assert have == wanted, f"{language}/messages.po: missing {sorted(map(str, wanted - have))}, obsolete " + (
            f"{sorted(map(str, have - wanted))}; {fix}"
        )


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_is_translated_nothing_is_fuzzy_and_placeholders_match(language: str) -> None:
    catalog = po(language)
    untranslated = [m.id for m in catalog if m.id and not all(m.string if isinstance(m.string, tuple) else [m.string])]
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    broken = [(m.id, [str(e) for e in errors]) for m, errors in catalog.check()]

    assert not untranslated, f"{language}: {len(untranslated)} messages without a translation: {untranslated[:5]}"
    assert not fuzzy, f"{language}: fuzzy translations (check them, then drop the flag): {fuzzy[:5]}"
    assert not broken, f"{language}: translations whose placeholders differ from the English: {broken[:5]}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_committed_mo_file_is_the_po_file_compiled(language: str, tmp_path: Path) -> None:
    catalog = po(language)
    compiled = tmp_path / "messages.mo"
    with compiled.open("wb") as file:
        write_mo(file, catalog)
    with compiled.open("rb") as file:
        fresh = messages(read_mo(file))
    with (TRANSLATIONS / language / "LC_MESSAGES" / "messages.mo").open("rb") as file:
        committed = messages(read_mo(file))

    stale = sorted(str(key) for key in fresh.keys() | committed.keys() if fresh.get(key) != committed.get(key))
    fix = "run `pybabel compile -d mock_portal/translations`"
    assert not stale, f"{language}/messages.mo differs from its .po on {stale[:5]}: {fix}"


def every_reason() -> set[str]:
    """Every reason check_eligibility can give, by trying each condition."""
    today, renewal = date(2027, 1, 1), date(2027, 2, 1)
    cases = [
        {"status": "cancelled"},
        {"product_sold": False},
        {"term": "monthly"},
        {"anniversary": Anniversary(renewal, date(2028, 2, 1))},
        {"awaiting_payment": True},
        {"anniversary": Anniversary(date(2027, 12, 1))},
        {"anniversary": Anniversary(date(2026, 1, 1))},
    ]
    base = {"anniversary": Anniversary(renewal), "today": today, "term": "annual", "status": "active", "product_sold": True}
    reasons = {check_eligibility(**(base | case)).reason for case in cases}  # type: ignore[arg-type]
    assert None not in reasons
    return reasons  # type: ignore[return-value]


def test_every_word_the_rules_show_a_person_is_a_message_of_the_catalogs(extracted: Catalog) -> None:
    wanted = ids(extracted)
    assert set(i18n.REASONS) == every_reason(), "i18n.REASONS must word every reason check_eligibility gives"
    words = [
        *PAYMENT_LABELS.values(),
        *(TERM_LABELS[term] for term in TERMS),
        *i18n.STATUS_LABELS.values(),
        *i18n.ORDER_STATUS_LABELS.values(),
        *i18n.REASONS.values(),
    ]
    missing = [word for word in words if word not in wanted]
    assert not missing, f"words shown through gettext(variable) that no N_() marks for the catalogs: {missing}"
