"""The demo's own words (its chapter cards) in each language the bundled profiles speak.

They live here rather than in a portal profile: a profile is the portal's vocabulary, what the harness judges, and
another portal's profile should not have to carry the harness's narration. Where a card names a control it takes the
name from the profile ({renew_now}, {bulk_actions}, {bulk_renew}), so the card says what the viewer sees on the page."""

from __future__ import annotations

from dataclasses import dataclass

NBSP = "\u00a0"  # French puts a non-breaking space before ; and inside « »


@dataclass(frozen=True)
class Narration:
    """The chapter cards, title and text each. Texts are patterns: {renew_now}, {bulk_actions} and {bulk_renew} are
    the profile's names; {count}, {orders} and {emails} are numbers the demo counted."""

    single_title: str
    single_text: str
    bulk_title: str
    bulk_text: str
    inbox_title: str
    inbox_text: str
    end_title: str
    end_text: str


NARRATIONS: dict[str, Narration] = {
    "en": Narration(
        single_title="Renew one subscription",
        single_text="Early renewal with {renew_now}; the renewal date stays the same.",
        bulk_title="Renew several at once",
        bulk_text="{bulk_actions} › {bulk_renew}, a selection spanning two groups.",
        inbox_title="One email per transaction",
        inbox_text="{count} orders, {count} confirmation emails.",
        end_title="Renewal dates unchanged",
        end_text="{orders} orders, {emails} confirmation emails; every renewal date stayed where it was.",
    ),
    "fr": Narration(
        single_title="Renouveler un abonnement",
        single_text=f"Renouvellement anticipé avec «{NBSP}{{renew_now}}{NBSP}»{NBSP}; la date de renouvellement ne change pas.",
        bulk_title="En renouveler plusieurs à la fois",
        bulk_text="{bulk_actions} › {bulk_renew}, une sélection sur deux groupes.",
        inbox_title="Un e-mail par transaction",
        inbox_text="{count} commandes, {count} e-mails de confirmation.",
        end_title="Dates de renouvellement inchangées",
        end_text=f"{{orders}} commandes, {{emails}} e-mails de confirmation{NBSP}; aucune date de renouvellement n’a bougé.",
    ),
    "ja": Narration(
        single_title="サブスクリプションを1件更新",
        single_text="「{renew_now}」で早期更新。更新日は変わりません。",
        bulk_title="まとめて更新",
        bulk_text="{bulk_actions} › {bulk_renew}：2つのグループにまたがる選択。",
        inbox_title="取引ごとに確認メールは1通",
        inbox_text="注文{count}件、確認メール{count}通。",
        end_title="更新日は変わらない",
        end_text="注文{orders}件、確認メール{emails}通。どの更新日も元のままです。",
    ),
}


def narration(language: str) -> Narration:
    """The cards in `language` ("fr"); English for a language the harness has no narration in."""
    return NARRATIONS.get(language, NARRATIONS["en"])
