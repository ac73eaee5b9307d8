"""Comparing two attributions side by side, and the quote check."""

import pytest
from django.urls import reverse

from claims.models import Attribution
from sources.models import Source

pytestmark = pytest.mark.django_db

COMPARE = reverse("pages:compare")
QUOTE_CHECK = reverse("pages:quote-check")


def get(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_compare_shows_both_attributions_and_the_word_diff(factchecker_client, archive):
    a, b = archive["varnok_quote"], archive["varnok_drifted"]
    content = get(factchecker_client, f"{COMPARE}?a={a.pk}&b={b.pk}")
    assert "The same source&#x27;s words, worded differently." in content
    assert "same source" in content
    assert '<del><span class="visually-hidden">only in the first: </span>winter</del>' in content
    assert '<ins><span class="visually-hidden">only in the second: </span>spring</ins>' in content
    assert '<del><span class="visually-hidden">removed: </span>winter</del>' in content


def test_compare_calls_near_identical_words_from_two_people_misattribution(
    factchecker_client, archive
):
    a, b = archive["varnok_quote"], archive["molder_quote"]
    content = get(factchecker_client, f"{COMPARE}?a={a.pk}&b={b.pk}")
    assert "verdict-misattribution" in content
    assert "The same words credited to different sources." in content


def test_compare_with_one_number_prefills_the_form(factchecker_client, archive):
    a = archive["varnok_quote"]
    content = get(factchecker_client, f"{COMPARE}?a={a.pk}")
    assert f'value="{a.pk}"' in content
    assert "errorlist" not in content


def test_compare_with_an_unknown_number_says_so(factchecker_client, archive):
    a = archive["varnok_quote"]
    content = get(factchecker_client, f"{COMPARE}?a={a.pk}&b=999999")
    assert "No attribution has this number." in content
    assert "verdict" not in content.split("</form>")[1]


def test_quote_check_finds_the_quote_and_its_source(factchecker_client, checked_seed):
    afrin = Source.objects.get(name="Adnan Afrin")
    said = Attribution.objects.filter(source=afrin, kind="direct").first()
    content = get(factchecker_client, f"{QUOTE_CHECK}?q={said.text}&name=Afrin")
    assert '<h2 id="verdict-title">Attributed</h2>' in content
    assert "the archive credits these words to them" in content
    assert reverse("pages:source-detail", args=[afrin.pk]) in content
    assert reverse("pages:article-detail", args=[checked_seed.pk]) in content


def test_quote_check_reports_a_conflict_with_the_name_given(factchecker_client, checked_seed):
    afrin = Source.objects.get(name="Adnan Afrin")
    said = Attribution.objects.filter(source=afrin, kind="direct").first()
    content = get(factchecker_client, f"{QUOTE_CHECK}?q={said.text}&name=Simone Awad")
    assert '<h2 id="verdict-title">Conflicting</h2>' in content
    assert "does not credit these words to them" in content


def test_quote_check_finds_a_quote_credited_to_two_people_conflicting(factchecker_client, archive):
    quote = archive["varnok_quote"].text
    content = get(factchecker_client, f"{QUOTE_CHECK}?q=“{quote}”")
    assert '<h2 id="verdict-title">Conflicting</h2>' in content
    assert "Ilse Varnok" in content
    assert "Kasia Molder" in content


def test_quote_check_says_not_found(factchecker_client, archive):
    content = get(factchecker_client, f"{QUOTE_CHECK}?q=The invented moon is made of green cheese")
    assert '<h2 id="verdict-title">Not found</h2>' in content


def test_quote_check_refuses_a_too_short_quote(factchecker_client, archive):
    content = get(factchecker_client, f"{QUOTE_CHECK}?q=we will")
    assert "Give at least 4 words" in content
    assert "verdict-title" not in content


def test_quote_check_says_when_the_name_is_unknown_and_keeps_the_input(factchecker_client, archive):
    content = get(factchecker_client, f"{QUOTE_CHECK}?q=the bridge will reopen soon&name=Nobody")
    assert "No source in the archive has this name or alias." in content
    assert "the bridge will reopen soon</textarea>" in content
    assert 'value="Nobody"' in content


def test_quote_check_without_a_query_shows_only_the_form(factchecker_client):
    content = get(factchecker_client, QUOTE_CHECK)
    assert '<label for="id_q">Quote</label>' in content
    assert "errorlist" not in content


def test_quote_check_takes_part_of_a_name_when_one_source_fits(factchecker_client, archive):
    quote = archive["varnok_quote"].text
    content = get(factchecker_client, f"{QUOTE_CHECK}?q={quote}&name=varnok")
    assert "Ilse Varnok</a>: the archive credits these words to them." in content
    assert "The archive credits these words to different sources." in content


def test_quote_check_asks_for_the_full_name_when_several_fit(factchecker_client, archive):
    content = get(factchecker_client, f"{QUOTE_CHECK}?q=the bridge will reopen soon&name=a")
    assert "This name fits several sources" in content


def test_compare_finds_attributions_by_speaker_and_words(factchecker_client, archive):
    content = get(
        factchecker_client,
        f"{COMPARE}?a=Varnok: before the winter floods&b=Varnok: before the spring floods",
    )
    assert "The same source&#x27;s words, worded differently." in content


def test_compare_with_words_matching_several_lists_them(factchecker_client, archive):
    content = get(factchecker_client, f"{COMPARE}?a=rebuild the river bridge&b=1")
    assert "Several attributions match:" in content
    assert f"#{archive['varnok_quote'].pk} Ilse Varnok" in content
    assert "Give more words or the number." in content


def test_quote_check_says_when_a_quote_of_common_words_was_searched_in_part(
    factchecker_client, archive, monkeypatch
):
    from django.db import connection

    from crosscheck.index import terms

    quote = archive["varnok_quote"].text
    content = get(factchecker_client, f"{QUOTE_CHECK}?q={quote}")
    assert 'data-testid="candidates-cut"' not in content

    if connection.vendor == "postgresql":  # trigram statistics to estimate by
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE claims_attribution")
    # As if every word were in too many quotes to read them all.
    monkeypatch.setattr(terms, "GROUP_CAP_ROWS", 0.0)
    monkeypatch.setitem(terms.MAX_CANDIDATE_ROWS, connection.vendor, 0)
    monkeypatch.setattr(terms, "TERMS_OVERRUN", 0)
    content = get(factchecker_client, f"{QUOTE_CHECK}?q={quote}")
    assert 'data-testid="candidates-cut"' in content
    assert "Searched in part: Not searched for, too common in the archive" in content
