"""How the portal writes dates, money and tax rates in pages."""

from datetime import date
from decimal import Decimal

import pytest

from mock_portal import create_app
from mock_portal.i18n import time_tag


def test_every_date_is_a_time_element_with_an_iso_datetime() -> None:
    assert str(time_tag(date(2027, 1, 5))) == '<time datetime="2027-01-05">Jan 5, 2027</time>'


@pytest.mark.parametrize(("rate", "shown"), [("0.10", "10%"), ("0.0725", "7.25%"), ("0.20", "20%"), ("0.081", "8.1%")])
def test_tax_rate_is_shown_as_a_plain_percentage(tmp_path, rate: str, shown: str) -> None:  # type: ignore[no-untyped-def]
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path}/p.db"})
    assert app.jinja_env.filters["percent"](Decimal(rate)) == shown
