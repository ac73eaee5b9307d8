"""The admin's identifiers inline, its search and filters by identifier and type of role.
Every person, organisation and account here is invented."""

import pytest
from django.contrib.contenttypes.models import ContentType

from sources.models import Source, SourceIdentifier
from tests.factories import SourceFactory, SourceIdentifierFactory
from tests.sources.test_admin import admin_url, form_values

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _cold_content_type_cache():
    ContentType.objects.clear_cache()


def post_change(client, source, **changes):
    data = form_values(client.get(admin_url(Source, "change", source.pk)))
    data.update(changes)
    return client.post(admin_url(Source, "change", source.pk), data)


def test_identifier_added_in_the_inline_is_normalised_and_recorded(editor_client, editor):
    source = SourceFactory(name="Ilse Varnok")
    response = post_change(
        editor_client,
        source,
        **{
            "identifiers-0-scheme": "wikidata",
            "identifiers-0-value": "https://www.wikidata.org/wiki/Q90125",
        },
    )
    assert response.status_code == 302
    identifier = source.identifiers.get()
    assert (identifier.scheme, identifier.value) == ("wikidata", "Q90125")
    assert identifier.history.get().history_user == editor


def test_invalid_identifier_is_refused_on_its_row(editor_client):
    source = SourceFactory()
    response = post_change(
        editor_client,
        source,
        **{"identifiers-0-scheme": "website", "identifiers-0-value": "javascript:alert(1)"},
    )
    assert response.status_code == 200
    formset = next(
        f.formset
        for f in response.context["inline_admin_formsets"]
        if f.opts.model is SourceIdentifier
    )
    assert "http or https" in formset.forms[0].errors["value"][0]
    assert not source.identifiers.exists()


def test_identifier_of_another_source_is_refused_naming_it(editor_client):
    holder = SourceFactory(name="Ilse Varnok")
    SourceIdentifierFactory(source=holder, scheme="twitter", value="IlseVarnok")
    source = SourceFactory(name="Ilse Varnock")
    response = post_change(
        editor_client,
        source,
        **{"identifiers-0-scheme": "twitter", "identifiers-0-value": "@ilsevarnok"},
    )
    assert response.status_code == 200
    assert f"already identifies Ilse Varnok (source #{holder.pk})" in response.content.decode()
    assert not source.identifiers.exists()


def test_the_same_identifier_twice_in_one_submit_is_refused(editor_client):
    source = SourceFactory()
    data = form_values(editor_client.get(admin_url(Source, "change", source.pk)))
    data.update(
        {
            "identifiers-TOTAL_FORMS": "2",
            "identifiers-0-scheme": "twitter",
            "identifiers-0-value": "QuellCouncil",
            "identifiers-1-scheme": "twitter",
            "identifiers-1-value": "@quellcouncil",
        }
    )
    response = editor_client.post(admin_url(Source, "change", source.pk), data)
    assert response.status_code == 200
    assert "This identifier is listed twice." in response.content.decode()
    assert not source.identifiers.exists()


def test_role_type_is_saved_from_the_change_form(editor_client):
    source = SourceFactory(role="harbour master")
    assert post_change(editor_client, source, role_type="official").status_code == 302
    source.refresh_from_db()
    assert source.role_type == "official"


def test_search_finds_a_source_by_identifier_value(editor_client):
    source = SourceFactory(name="Ilse Varnok")
    SourceIdentifierFactory(source=source, scheme="wikidata", value="Q90125")
    SourceIdentifierFactory(source=source, scheme="twitter", value="IlseVarnok")
    SourceFactory(name="Someone Else")
    for term in ("Q90125", "ilsevarnok"):
        response = editor_client.get(admin_url(Source), {"q": term})
        assert list(response.context["cl"].result_list) == [source], term


@pytest.mark.parametrize(
    ("value", "expected"),
    [("wikidata", {"with-qid"}), ("any", {"with-qid", "with-site"}), ("none", {"without"})],
)
def test_list_filters_by_identifier_scheme(editor_client, value, expected):
    with_qid = SourceFactory(name="with-qid")
    SourceIdentifierFactory(source=with_qid, scheme="wikidata", value="Q90125")
    SourceIdentifierFactory(source=with_qid)
    SourceIdentifierFactory(source=SourceFactory(name="with-site"))
    SourceFactory(name="without")
    response = editor_client.get(admin_url(Source), {"has_identifier": value})
    assert {s.name for s in response.context["cl"].result_list} == expected


def test_list_filters_by_role_type(editor_client):
    fighter = SourceFactory(role="a 22-year-old fighter", role_type="fighter")
    SourceFactory(role_type="spokesperson")
    response = editor_client.get(admin_url(Source), {"role_type__exact": "fighter"})
    assert list(response.context["cl"].result_list) == [fighter]


def test_source_page_links_each_identifier_escaped(editor_client):
    source = SourceFactory()
    SourceIdentifierFactory(source=source, scheme="wikidata", value="Q90125")
    SourceIdentifierFactory(source=source, scheme="other", value='javascript:alert("x")')
    content = editor_client.get(admin_url(Source, "change", source.pk)).content.decode()
    assert 'href="https://www.wikidata.org/wiki/Q90125"' in content
    assert 'href="javascript' not in content


@pytest.mark.parametrize("rows", [1, 30])
def test_identifier_pages_run_a_fixed_number_of_queries(
    editor_client, django_assert_max_num_queries, rows
):
    identifiers = SourceIdentifierFactory.create_batch(rows)
    with django_assert_max_num_queries(7):
        assert editor_client.get(admin_url(SourceIdentifier)).status_code == 200
    with django_assert_max_num_queries(6):
        response = editor_client.get(admin_url(SourceIdentifier, "change", identifiers[0].pk))
    assert response.status_code == 200
    with django_assert_max_num_queries(4):
        assert editor_client.get(admin_url(SourceIdentifier, "add")).status_code == 200


def test_identifier_added_on_its_own_page_goes_through_the_services(editor_client, editor):
    source = SourceFactory()
    data = form_values(editor_client.get(admin_url(SourceIdentifier, "add")))
    data.update(source=str(source.pk), scheme="telegram", value="https://t.me/QuellNews")
    response = editor_client.post(admin_url(SourceIdentifier, "add"), data)
    assert response.status_code == 302
    identifier = source.identifiers.get()
    assert identifier.value == "QuellNews"
    assert identifier.history.get().history_user == editor
