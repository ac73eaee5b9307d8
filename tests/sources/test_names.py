"""What can name a source: names read from text cleaned, and non-names refused (invented)."""

import pytest

from sources.names import clean_name, name_problem, speech_possessor


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("Ilse\u00ad Varnok", "Ilse Varnok"),
        ("\ufeffIlse\u200b Varnok", "Ilse Varnok"),
        ("Varnokâ€™s office", "Varnok’s office"),
        ("Ã‰milie Roux", "Émilie Roux"),
        ("“Ilse Varnok,”", "Ilse Varnok"),
        ("  Ilse \n Varnok  ", "Ilse Varnok"),
        ("<b>Ilse Varnok</b>", "Ilse Varnok"),
        ("(Harbour Wire)", "Harbour Wire"),
        ("Tomas Kell Jr.", "Tomas Kell Jr."),
        ("Tomas Kell.", "Tomas Kell"),
        ("Zoë Ruiz", "Zoë Ruiz"),
    ],
)
def test_clean_name(raw, clean):
    assert clean_name(raw) == clean


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("he", "pronoun"),
        ("She", "pronoun"),
        ("I", "pronoun"),
        ("I’ve", "pronoun"),
        ("they'd", "pronoun"),
        ("000", "no letters"),
        ("46 percent of voters", "figure or a share"),
        ("12%", "no letters"),
        ("Additionally", "adverb"),
        ("his brow and", "fragment"),
        ("of the committee", "fragment"),
        ("Senate filings)", "fragment"),
        ("Varnok's remarks", "something said"),
        ("https://example.org", "markup"),
        ("", "empty"),
    ],
)
def test_non_names_are_refused_with_the_reason(name, reason):
    assert reason in name_problem(clean_name(name))


@pytest.mark.parametrize(
    "name",
    [
        "Ilse Varnok",
        "the harbour authority",
        "Varnok's campaign",
        "a Harbour Wire poll",
        "Area 51 Residents Association",
        "G7",
        "Mr. Kell (R-Ostrava)",
        "The Harbour Wire",
    ],
)
def test_names_pass(name):
    assert name_problem(clean_name(name)) is None


def test_the_speaker_of_a_possessive_of_speech():
    assert speech_possessor("Ilse Varnok's remarks") == "Ilse Varnok"
    assert speech_possessor("the mayor’s statement") == "the mayor"
    assert speech_possessor("Varnok's campaign") is None
