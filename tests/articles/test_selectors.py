"""Outlets by name: one look-up (any case, as the unique constraint compares names) and
one get-or-create, shared by the annotation load, bulk import, accepting a suggestion and
the archive."""

import pytest
from django.core.exceptions import ValidationError

from articles.models import Outlet
from articles.selectors import outlets_named
from articles.services import outlet_get_or_create
from tests.factories import OutletFactory

pytestmark = pytest.mark.django_db


def test_an_outlet_is_found_by_its_name_in_any_case():
    courier = OutletFactory(name="Quellbridge Courier")
    OutletFactory(name="Quellbridge Courier Weekly")

    assert list(outlets_named("QUELLBRIDGE courier")) == [courier]
    assert list(outlets_named("Quellbridge")) == []


def test_the_natural_key_finds_the_outlet_in_any_case():
    courier = OutletFactory(name="Quellbridge Courier")

    assert Outlet.objects.get_by_natural_key("quellbridge COURIER") == courier
    with pytest.raises(Outlet.DoesNotExist):
        Outlet.objects.get_by_natural_key("Quellbridge")


def test_get_or_create_reuses_the_outlet_of_that_name(django_assert_num_queries):
    courier = OutletFactory(name="Quellbridge Courier")

    with django_assert_num_queries(1):
        outlet, created = outlet_get_or_create(name="  quellbridge courier ", kind="online")

    assert (outlet, created) == (courier, False)
    assert outlet.kind == Outlet.Kind.NEWSPAPER


def test_get_or_create_creates_a_validated_outlet_with_its_history(editor):
    outlet, created = outlet_get_or_create(
        name=" Varnok Wire ", user=editor, kind=Outlet.Kind.WIRE_AGENCY, domain="wire.example"
    )

    assert created
    assert (outlet.name, outlet.kind, outlet.domain) == (
        "Varnok Wire",
        Outlet.Kind.WIRE_AGENCY,
        "wire.example",
    )
    assert outlet.history.get().history_user == editor
    assert outlet_get_or_create(name="VARNOK WIRE") == (outlet, False)


def test_get_or_create_refuses_an_invalid_outlet():
    with pytest.raises(ValidationError):
        outlet_get_or_create(name="Quellbridge Courier", kind="pamphlet")
    assert not Outlet.objects.exists()
