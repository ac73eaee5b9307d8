"""Constructions the rule-based extractor reads, one short INVENTED example each: the content
span, the cue, the speaker mention and the kind it should give (and what it must not give).
"""

from functools import partial

from suggestions.extraction import Suggestion
from suggestions.extraction import extract as extract_any

# These tests pin the rules' constructions; the tagger's additions (the default,
# "combined") are scored on real text in test_tagger.py and BENCHMARKS.md.
extract = partial(extract_any, method="rules")


def find(text: str, content: str) -> Suggestion:
    """The suggestion whose content is exactly ``content``."""
    found = extract(text).suggestions
    for suggestion in found:
        if suggestion.text == content:
            assert text[suggestion.start : suggestion.end] == content
            return suggestion
    raise AssertionError(f"no suggestion {content!r} in {[s.text for s in found]}")


def check(text: str, content: str, cue: str, speaker: str, kind: str) -> Suggestion:
    suggestion = find(text, content)
    assert (suggestion.cue, suggestion.speaker_mention, suggestion.kind) == (cue, speaker, kind)
    assert text[suggestion.cue_start : suggestion.cue_end] == cue
    if suggestion.speaker_start is not None:
        assert text[suggestion.speaker_start : suggestion.speaker_end] == speaker
    return suggestion


# --- 7. quotation marks typed as two apostrophes ---------------------------------------------


def test_two_apostrophes_are_quotation_marks() -> None:
    text = "''We will appeal,'' Ms. Reyes said. ''The ruling is wrong.''"
    check(text, "We will appeal", "said", "Ms. Reyes", "direct")
    check(text, "The ruling is wrong.", "said", "Ms. Reyes", "direct")


def test_two_apostrophes_inside_reported_speech() -> None:
    text = "The harbour master said the ferry was ''in no state to sail'' on Friday."
    check(
        text,
        "the ferry was ''in no state to sail'' on Friday",
        "said",
        "The harbour master",
        "mixed",
    )


def test_two_apostrophes_quote_before_inverted_cue() -> None:
    text = "''It is a sad day for the valley,'' said Tomas Brenner, a farmer in Ulmdorf."
    check(
        text,
        "It is a sad day for the valley",
        "said",
        "Tomas Brenner, a farmer in Ulmdorf",
        "direct",
    )


# --- 1. reporting verbs beyond "said": speech acts, belief, evidence ----------------------------


def test_speech_act_verbs() -> None:
    text = "The mayor urged residents to boil their water."
    assert check(text, "residents to boil their water", "urged", "The mayor", "indirect").act == (
        "speech"
    )
    text = "The minister denied that the army had fired on the crowd."
    check(text, "the army had fired on the crowd", "denied", "The minister", "indirect")
    text = "Critics argue the levy is unfair to small farms."
    check(text, "the levy is unfair to small farms", "argue", "Critics", "indirect")


def test_belief_verbs() -> None:
    text = "She believes the deal is dead."
    assert check(text, "the deal is dead", "believes", "She", "indirect").act == "belief"
    text = "I think the count was fair."
    assert check(text, "the count was fair", "think", "I", "indirect").act == "belief"


def test_evidence_verbs() -> None:
    text = "A poll shows Ilse Varga ahead in the northern districts."
    suggestion = check(
        text, "Ilse Varga ahead in the northern districts", "shows", "A poll", "indirect"
    )
    assert suggestion.act == "evidence"
    text = "The ferry strike is over, according to the port report."
    suggestion = check(
        text, "The ferry strike is over", "according to", "the port report", "indirect"
    )
    assert suggestion.act == "evidence"


def test_verbs_that_are_not_cues_here() -> None:
    assert not extract("Mr. Oduya found it difficult to win the coastal seats.").suggestions
    assert not extract("The plan, announced on Monday, will cost more than expected.").suggestions
    assert not extract("They looked for hope in the ruins of the old mill.").suggestions


def test_participle_cues() -> None:
    text = "The council rejected the plan, saying it was too costly."
    check(text, "it was too costly", "saying", "The council", "indirect")
    text = "Ms. Ortiz said the dam was safe, noting that it had passed three inspections."
    check(text, "the dam was safe", "said", "Ms. Ortiz", "indirect")
    check(text, "it had passed three inspections", "noting", "Ms. Ortiz", "indirect")
    text = "Mr. Falk said the talks had stalled, telling reporters that the offer was final."
    check(text, "the offer was final", "telling", "Mr. Falk", "indirect")


# --- 2. a quote before its cue, with words after the cue ---------------------------------------


def test_quote_before_cue_with_words_after() -> None:
    text = "“The river is rising,” Ortiz said as he loaded sandbags."
    check(text, "The river is rising", "said", "Ortiz", "direct")
    text = "“The river is rising,” said Ortiz as he loaded sandbags."
    check(text, "The river is rising", "said", "Ortiz", "direct")
    text = "“We are ready,” she said on Monday while the crowd waited outside."
    check(text, "We are ready", "said", "she", "direct")


# --- 3. "But" / "And" openers; present-tense cues after the content ----------------------------


def test_sentences_opening_with_but_or_and() -> None:
    text = "But the harbour master said the pier would reopen."
    check(text, "the pier would reopen", "said", "the harbour master", "indirect")
    text = "And she says the pier would reopen."
    check(text, "the pier would reopen", "says", "she", "indirect")


def test_present_tense_cue_after_content() -> None:
    text = "The council never cared about the valley, he says."
    check(text, "The council never cared about the valley", "says", "he", "indirect")
    text = "The council never cared, says Lena Fischbach."
    check(text, "The council never cared", "says", "Lena Fischbach", "indirect")


# --- 4. content boundaries ---------------------------------------------------------------------


def test_content_stops_before_the_writers_clause() -> None:
    text = "The mayor said the bridge was safe, while critics called it a disgrace."
    check(text, "the bridge was safe", "said", "The mayor", "indirect")
    text = "The mayor said the bridge was safe, before noting that repairs would start soon."
    check(text, "the bridge was safe", "said", "The mayor", "indirect")
    check(text, "repairs would start soon", "noting", "The mayor", "indirect")


def test_content_does_not_start_at_a_dateline() -> None:
    text = "KELLMOOR, Ostria (Invented Wire) — The bridge is safe, the mayor said."
    check(text, "The bridge is safe", "said", "the mayor", "indirect")


def test_two_that_clauses_joined_by_and_that() -> None:
    # The docstring's convention: two that-clauses joined by "and" are two suggestions.
    text = "The mayor said that the bridge was safe and that repairs would start soon."
    check(text, "the bridge was safe", "said", "The mayor", "indirect")
    check(text, "repairs would start soon", "said", "The mayor", "indirect")


# --- 5. speaker spans --------------------------------------------------------------------------


def test_subject_of_the_first_of_two_verbs() -> None:
    text = "Senator Vance praised the mayor and said the bridge was safe."
    check(text, "the bridge was safe", "said", "Senator Vance", "indirect")


def test_age_is_in_the_mention_not_in_the_name() -> None:
    text = "Ana Ruiz, 47, said the rent had doubled."
    suggestion = check(text, "the rent had doubled", "said", "Ana Ruiz, 47", "indirect")
    (source,) = extract(text).proposed_sources
    assert (source.key, source.name, source.description) == (
        suggestion.proposed_source,
        "Ana Ruiz",
        "",
    )


def test_according_to_before_a_number() -> None:
    text = "According to a UN spokesman, 1,200 people had fled the town."
    check(text, "1,200 people had fled the town", "According to", "a UN spokesman", "indirect")


def test_titles_appositives_affiliation_and_recipient() -> None:
    text = "Her radio colleague, Jonas Tapp, said the debate was over."
    check(text, "the debate was over", "said", "Her radio colleague, Jonas Tapp", "indirect")
    text = "A spokesman for the Harbour Authority said the pier was closed."
    suggestion = check(
        text, "the pier was closed", "said", "A spokesman for the Harbour Authority", "indirect"
    )
    sources = {s.key: s for s in extract(text).proposed_sources}
    speaker = sources[suggestion.proposed_source]
    assert speaker.kind == "anonymous"
    assert speaker.role == "spokesman"
    assert sources[speaker.affiliation_key].name == "Harbour Authority"
    text = "Mr. Falk told The Valley Herald that the vote was rigged."
    assert check(text, "the vote was rigged", "told", "Mr. Falk", "indirect").recipient == (
        "The Valley Herald"
    )
    text = "Mr. Falk told reporters the vote was rigged."
    assert check(text, "the vote was rigged", "told", "Mr. Falk", "indirect").channel == (
        "press_conference"
    )


# --- 6. a speech verb in a relative clause is not the cue --------------------------------------


def test_relative_clause_verb_is_not_the_cue_and_gives_the_reason() -> None:
    text = (
        "The official, who asked not to be named because he was not authorized to speak to "
        "reporters, said aid convoys were blocked."
    )
    suggestion = check(text, "aid convoys were blocked", "said", "The official", "indirect")
    (source,) = extract(text).proposed_sources
    assert source.key == suggestion.proposed_source
    assert source.kind == "anonymous"
    assert source.anonymity_reason == "not authorized to speak to reporters"


# --- 8. false cues -----------------------------------------------------------------------------


def test_numbers_after_a_verb_are_no_speech() -> None:
    assert not extract("Smith replied 17 seconds later.").suggestions
    assert not extract("The index added 0.4 per cent on Friday.").suggestions


# --- 1. a colon or a dash as the cue ------------------------------------------------------------


def test_colon_after_a_name() -> None:
    text = "Ilse Varga: “We won the valley.”"
    check(text, "We won the valley.", ":", "Ilse Varga", "direct")
    text = "MORLAND: We will not back down on the wages."
    check(text, "We will not back down on the wages", ":", "MORLAND", "indirect")
    assert not extract("Photo: The shore of Lake Teller near the old mill.").suggestions
    assert not extract("Update: The mayor has resigned.").suggestions


def test_dash_signature_and_dash_before_cue() -> None:
    text = "Intro line.\n\n“We won. It was hard.” — Ilse Varga"
    check(text, "We won. It was hard.", "—", "Ilse Varga", "direct")
    text = "The ferry will sail in May. — Ilse Varga (@ivarga) May 3, 2024"
    suggestion = check(text, "The ferry will sail in May", "—", "Ilse Varga", "indirect")
    assert suggestion.channel == "social_media_post"
    text = "The bridge is safe — the mayor said."
    check(text, "The bridge is safe", "said", "the mayor", "indirect")
    assert not extract("The award went to the mayor — Ana Ruiz.").suggestions


def test_nouns_of_saying_and_believing() -> None:
    text = "The mayor said the bridge was old. He repeated his claim that the repairs were done."
    suggestion = check(text, "the repairs were done", "claim", "his", "indirect")
    assert suggestion.proposed_source == find(text, "the bridge was old").proposed_source
    text = "Critics rejected Ms. Ortiz’s view that the levy was fair."
    assert check(text, "the levy was fair", "view", "Ms. Ortiz", "indirect").act == "belief"
    # As the subject of its sentence, the clause's end is unknown: no suggestion.
    assert not extract("His claim that the bridge was safe was false.").suggestions
    text = "The harbour master said in a statement that the pier was closed."
    assert check(text, "the pier was closed", "said", "The harbour master", "indirect").channel == (
        "statement"
    )


def test_colon_in_a_title_line() -> None:
    text = "Elsa Morven: Varga Is a ‘Poor Steward’ of the Harbour.\n\nBody text."
    check(text, "Varga Is a ‘Poor Steward’ of the Harbour", ":", "Elsa Morven", "indirect")
    text = "Poll: Varga and Ruiz hold narrow leads in the valley.\n\nBody text."
    suggestion = check(
        text, "Varga and Ruiz hold narrow leads in the valley", ":", "Poll", "indirect"
    )
    assert suggestion.act == "evidence"
    assert not extract("Iowa Caucus: What To Watch Tonight.\n\nBody text.").suggestions
    assert not extract("Contributing: Ana Ruiz, Valley News Service.\n\nBody text.").suggestions
