"""More constructions the rule-based extractor reads, found on the development split of a
real corpus and pinned here with short INVENTED examples (see ``test_constructions``)."""

from functools import partial

from suggestions.extraction import extract as extract_any
from tests.suggestions.test_constructions import check

# The rules' constructions (see test_constructions.py).
extract = partial(extract_any, method="rules")


def test_appositions_and_relative_clauses_in_the_subject() -> None:
    text = "Vikram Oster, dean of the Kellmoor Law School, said the court had changed its tone."
    check(
        text,
        "the court had changed its tone",
        "said",
        "Vikram Oster, dean of the Kellmoor Law School",
        "indirect",
    )
    text = "Ilse Brand and others who want to close the mine said the vote was a start."
    check(text, "the vote was a start", "said", "Ilse Brand and others", "indirect")
    text = "But lawyers and legal experts said a retrial is unlikely."
    check(text, "a retrial is unlikely", "said", "lawyers and legal experts", "indirect")
    # Two descriptions are no apposition: no speaker "The plan marks ..., one friend".
    assert not extract("The plan marks his return to the valley, one old friend said.").suggestions


def test_party_in_parentheses_and_recipient_with_a_name() -> None:
    text = (
        "Senate Minority Leader Ivo Brand (D-Kell.) told reporters that the bill was dead. "
        "Brand said the vote would fail."
    )
    check(
        text,
        "the bill was dead",
        "told",
        "Senate Minority Leader Ivo Brand (D-Kell.)",
        "indirect",
    )
    extraction = extract(text)
    (source,) = extraction.proposed_sources
    assert source.name == "Ivo Brand"
    assert {s.proposed_source for s in extraction.suggestions} == {source.key}
    text = "The ferry will run again, Transport Secretary Ana Feld told a Senate panel Wednesday."
    check(text, "The ferry will run again", "told", "Transport Secretary Ana Feld", "indirect")


def test_according_to_variants() -> None:
    text = "According to Paul Kessel of the Valley Trust, “the mill moved its vans at night.”"
    check(
        text,
        "the mill moved its vans at night.",
        "According to",
        "Paul Kessel of the Valley Trust",
        "direct",
    )
    text = "Since last May, according to the Valley Trust, the mill has shed 400 jobs."
    check(text, "the mill has shed 400 jobs", "according to", "the Valley Trust", "indirect")
    text = "Varga leads the field with 22%, according to a harbour poll released Sunday."
    suggestion = check(
        text, "Varga leads the field with 22%", "according to", "a harbour poll", "indirect"
    )
    assert suggestion.act == "evidence"


def test_relative_clause_speech_at_the_sentence_end() -> None:
    text = "“We are proud,” said Alan Berg, a doctor from Kell, who said he knew the family well."
    check(text, "We are proud", "said", "Alan Berg, a doctor from Kell", "direct")
    check(text, "he knew the family well", "said", "Alan Berg, a doctor from Kell", "indirect")
    # A restrictive clause has no known end: nothing.
    assert not extract(
        "Among those who said they cared about honesty, most backed Ruiz."
    ).suggestions


def test_fractions_as_subjects() -> None:
    text = "In the valley, half of the voters said they were angry."
    check(text, "they were angry", "said", "half of the voters", "indirect")


def test_participle_after_a_quote_or_a_subordinate_clause() -> None:
    text = "Ilse Varga has defended the “valley values,” saying the town embodied them."
    check(text, "the town embodied them", "saying", "Ilse Varga", "indirect")
    text = "And although she thanked the crowd, she struck a humble note, saying, “I am not sure.”"
    check(text, "I am not sure.", "saying", "she", "direct")
    text = "Nine in 10 registered voters say they think the mayor could win."
    check(text, "they think the mayor could win", "say", "Nine in 10 registered voters", "indirect")


def test_called_described_accused() -> None:
    text = "Mr. Brand called the levy a disgrace on his radio show."
    check(text, "the levy a disgrace on his radio show", "called", "Mr. Brand", "indirect")
    text = "The union accused the owners of breaking the deal."
    check(text, "the owners of breaking the deal", "accused", "The union", "indirect")
    text = "She described the plan as reckless."
    check(text, "the plan as reckless", "described", "She", "indirect")
    assert not extract("The union called off the strike.").suggestions
    assert not extract("A man called Ivo said the bridge was safe.").suggestions


def test_second_clause_and_subordinate_subjects() -> None:
    text = "He was copied on the letters and Orvik said he spoke to the board first."
    check(text, "he spoke to the board first", "said", "Orvik", "indirect")
    text = "The mayor caught flak when she said she could not back the harbour deal."
    check(text, "she could not back the harbour deal", "said", "she", "indirect")
    # A subordinate clause opening the sentence has no known end: nothing.
    assert not extract("When she said she could not back the deal, the crowd cheered.").suggestions


def test_inverted_cue_after_a_nested_cue_and_after_a_modal() -> None:
    text = "Ruiz wanted to attend every meeting he could, said Mark Jonas."
    check(text, "Ruiz wanted to attend every meeting he could", "said", "Mark Jonas", "indirect")
    check(text, "to attend every meeting he could", "wanted", "Ruiz", "indirect")
    text = "The co-op had “turned the corner” at last, she said in a video message to the fair."
    check(text, "The co-op had “turned the corner” at last", "said", "she", "mixed")


def test_poll_opening_the_sentence_is_evidence() -> None:
    text = (
        "In the latest Valley Post poll, conducted in May, Varga led Ruiz 47 percent to 39 percent."
    )
    suggestion = check(
        text,
        "Varga led Ruiz 47 percent to 39 percent",
        "In",
        "the latest Valley Post poll",
        "indirect",
    )
    assert suggestion.act == "evidence"
    assert not extract("In the fall of 2007, Varga held a lead.").suggestions


def test_participle_phrase_in_the_subject_and_as_opener() -> None:
    text = "The aides, led by campaign manager Ivo Sull, told the group that they would lose."
    check(text, "they would lose", "told", "The aides", "indirect")
    text = "As one employee told the Valley Weekly, “She wants to scare us.”"
    check(text, "She wants to scare us.", "told", "one employee", "direct")
    assert not extract("As he said the words, the crowd cheered.").suggestions


def test_verbs_with_a_plain_object_are_no_cue_without_speech() -> None:
    assert not extract("Ms. Feld called both candidates on Tuesday night.").suggestions
    assert not extract("Costa reported from Kellmoor.").suggestions
    assert not extract("The casinos reported $2 billion in revenue.").suggestions
    assert not extract("Supporters responded with chants.").suggestions
    assert not extract("A group called Vardo 9 was formed.").suggestions
    text = "She responded that the plan was dead."
    check(text, "the plan was dead", "responded", "She", "indirect")
    text = "He called the law “much better” than before."
    check(text, "the law “much better” than before", "called", "He", "mixed")


def test_adverbial_or_name_before_the_cue_is_no_speech() -> None:
    text = "In a two-minute reply, Mr. Falk said the levy would stay."
    suggestions = extract(text).suggestions
    assert [s.text for s in suggestions] == ["the levy would stay"]
    text = "“We will appeal,” Ivo Dever, who ran the count, told the Valley Herald."
    suggestion = check(text, "We will appeal", "told", "Ivo Dever", "direct")
    assert suggestion.recipient == "Valley Herald"
    text = "Mining in the valley employs about 3,000 people, according to local officials."
    check(
        text,
        "Mining in the valley employs about 3,000 people",
        "according to",
        "local officials",
        "indirect",
    )
    assert not extract("Mr. Brand asked him a question.").suggestions
    text = "Mr. Brand asked the court to delay the vote."
    check(text, "the court to delay the vote", "asked", "Mr. Brand", "indirect")


def test_phrase_cues() -> None:
    text = "Ms. Feld expressed concern that the rallies were turning violent."
    check(text, "the rallies were turning violent", "expressed concern", "Ms. Feld", "indirect")
    text = "His donors remain confident that he will win."
    assert check(text, "he will win", "remain confident", "His donors", "indirect").act == (
        "belief"
    )
    text = "Ms. Feld pointed out that the levy was never approved."
    check(text, "the levy was never approved", "pointed out", "Ms. Feld", "indirect")
    text = "The mayor assured voters he would make the city pay."
    check(text, "he would make the city pay", "assured", "The mayor", "indirect")
    assert not extract("The plan was certain to fail.").suggestions


def test_participle_after_a_time_phrase_in_the_main_clause() -> None:
    text = "At the inn, Ruiz on Tuesday dismissed the plan, arguing that the mill had stalled."
    check(text, "the mill had stalled", "arguing", "Ruiz", "indirect")


def test_lowercase_descriptor_before_a_name() -> None:
    text = "“We are doing a lot,” chief executive Tilde Ovren said at an investors conference."
    check(text, "We are doing a lot", "said", "chief executive Tilde Ovren", "direct")


def test_two_cues_of_one_subject() -> None:
    text = "But opposition leader Ana Sten called the vote “a dark day” and said she would appeal."
    check(text, "the vote “a dark day”", "called", "opposition leader Ana Sten", "mixed")
    check(text, "she would appeal", "said", "opposition leader Ana Sten", "indirect")


def test_clause_then_colon_or_comma_then_quote() -> None:
    text = "Ms. Ruiz interjected: “So there will be some flexibility?”"
    check(text, "So there will be some flexibility?", "interjected", "Ms. Ruiz", "direct")
    text = "Ms. Ruiz firmly proclaimed at a press conference, “I sent no secret files.”"
    check(text, "I sent no secret files.", "firmly proclaimed", "Ms. Ruiz", "direct")
    text = "Ms. Ruiz firmly declared at a press conference, “I sent no secret files.”"
    check(text, "I sent no secret files.", "declared", "Ms. Ruiz", "direct")
    text = "The mayor took to the radio, writing: “Another flood is coming.”"
    check(text, "Another flood is coming.", "writing", "The mayor", "direct")
    assert not extract("The band played a song: “Born to Run.”").suggestions
    assert not extract("His message was clear: “Go home.”").suggestions


def test_as_x_put_it_and_subjects_with_parentheses_or_relatives() -> None:
    text = "As Professor Aalto put it: “The valley does a better job at welcoming people.”"
    check(
        text,
        "The valley does a better job at welcoming people.",
        "put it",
        "Professor Aalto",
        "direct",
    )
    assert not extract("He put it on the table.").suggestions
    text = "Governor Per Lunde (D), a Varga supporter, praised the plan, calling it “a feat.”"
    check(text, "it “a feat.”", "calling", "Governor Per Lunde (D), a Varga supporter", "mixed")
    text = "Orla Dunne, who is a lawyer, also faulted the plans, noting she has “seen worse.”"
    check(text, "she has “seen worse.”", "noting", "Orla Dunne", "mixed")
    text = (
        "In an interview on Thursday, the harbour master criticized the plan and said "
        "the pier was unsafe."
    )
    check(text, "the pier was unsafe", "said", "the harbour master", "indirect")


def test_title_case_headline_with_a_cue() -> None:
    text = "Former Valley Pollster Says Varga Is In Trouble On The Coast.\n\nBody text."
    check(text, "Varga Is In Trouble On The Coast", "Says", "Former Valley Pollster", "indirect")
    text = "Varga Is The Valley’s Worst Landlord, Tomas Edlund Says.\n\nBody text."
    check(text, "Varga Is The Valley’s Worst Landlord", "Says", "Tomas Edlund", "indirect")
    # A headline without final punctuation stays metadata.
    assert not extract("Minister Says Talks Failed\n\nBody text.").suggestions


def test_mixed_straight_and_curly_marks() -> None:
    text = '“We will build the dam," he said. "It will be built.”'
    check(text, "We will build the dam", "said", "he", "direct")
    check(text, "It will be built.", "said", "he", "direct")
    text = '"We won,” she said.'
    check(text, "We won", "said", "she", "direct")


def test_inverted_speaker_with_a_clause_in_the_apposition() -> None:
    text = "“It saved us,” said Birte Holm, the treasurer at the time the ferry fee began."
    check(text, "It saved us", "said", "Birte Holm", "direct")


def test_two_speakers_joined_by_while() -> None:
    text = (
        "Among Varga voters, 74 percent said they are set on her, while 22 percent said "
        "they might change their mind."
    )
    check(text, "they are set on her", "said", "74 percent", "indirect")
    check(text, "they might change their mind", "said", "22 percent", "indirect")


def test_inverted_speaker_must_read_as_one() -> None:
    text = "Ana Pardi, who worked for Ivo Brand in 1992, says she could not back Ruiz."
    check(text, "she could not back Ruiz", "says", "Ana Pardi", "indirect")
    text = "“He had a lot of supporters,” Sandvik, after a long pause, said of Varga."
    check(text, "He had a lot of supporters", "said", "Sandvik", "direct")


def test_subjects_after_then_or_a_dash() -> None:
    text = "And then Varga went on the attack, saying, “Is the mayor going to answer?”"
    check(text, "Is the mayor going to answer?", "saying", "Varga", "direct")
    text = "Ruiz has a problem — he told the Valley Herald that his task is to prove he is tough."
    check(text, "his task is to prove he is tough", "told", "he", "indirect")


def test_with_a_group_saying() -> None:
    text = "Varga has improved her standing, with 30 percent of voters saying they would back her."
    check(text, "they would back her", "saying", "30 percent of voters", "indirect")
    assert not extract("He left with his hat saying nothing.").suggestions


def test_what_follows_a_speech_before_attribution() -> None:
    text = "The mill was sold, he said Wednesday morning on Valley Radio’s “Morning Show.”"
    assert [s.text for s in extract(text).suggestions] == ["The mill was sold"]
    text = "The vote was rigged, he said in a statement: “We will appeal.”"
    check(text, "The vote was rigged", "said", "he", "indirect")
    check(text, "We will appeal.", "said", "he", "direct")
    text = "The levy is unfair, Lindqvist said Tuesday in Kellmoor, noting the mayor was absent."
    check(text, "The levy is unfair", "said", "Lindqvist", "indirect")
    text = "The tool was built to help, a spokeswoman, Ana White, said on Saturday, and it works."
    check(text, "The tool was built to help", "said", "a spokeswoman, Ana White", "indirect")
    assert [s.text for s in extract("It helps, Ana White said, and it works.").suggestions] == []


def test_more_subject_shapes() -> None:
    text = "“There is some concern,” super PAC spokeswoman Mira Solberg said."
    check(text, "There is some concern", "said", "super PAC spokeswoman Mira Solberg", "direct")
    text = "In Vermont, about half of primary voters said they want a new mayor."
    check(text, "they want a new mayor", "said", "about half of primary voters", "indirect")


def test_hyphen_signature_line_and_colon_without_space() -> None:
    text = (
        'Intro.\n\n"We will check the ledgers. Nobody has seen them yet."\n\n- Ana Ruizo.\n\nNext.'
    )
    check(text, "We will check the ledgers. Nobody has seen them yet.", "-", "Ana Ruizo", "direct")
    text = 'Rep. Ivo Dahl (R-Kell.):"Nobody has shown me that number."'
    check(text, "Nobody has shown me that number.", ":", "Rep. Ivo Dahl (R-Kell.)", "direct")


def test_more_verbs_of_speaking() -> None:
    text = '"Will she chair the board?" a clerk in the room wondered.'
    check(text, "Will she chair the board?", "wondered", "a clerk in the room", "direct")
    text = 'Others shouted, "Open the gates!"'
    check(text, "Open the gates!", "shouted", "Others", "direct")
    assert not extract("He demanded an apology.").suggestions


def test_more_false_cues() -> None:
    assert not extract("What worries the left is that the judge will win.").suggestions
    assert not extract("The tentative deal, announced Friday, would last four years.").suggestions
    assert not extract(
        "It grew, as Mr. Falkner suggested at the meeting with analysts."
    ).suggestions
    text = "He told his audience, to loud applause: “I can say this.”"
    assert [s.text for s in extract(text).suggestions] != ["to loud applause: “I can say this.”"]
    text = "Sunday on Valley Radio’s “Morning Show,” Rep. Ivo Berg said the vote was rigged."
    assert all("Morning Show" not in s.text for s in extract(text).suggestions)
    check(text, "the vote was rigged", "said", "Rep. Ivo Berg", "indirect")


def test_straight_quote_closing_after_a_nested_quote() -> None:
    text = "\"It is not just me saying, 'Vote for her,' \" Ruiz told the Valley Herald on Sunday."
    check(text, "It is not just me saying, 'Vote for her,'", "told", "Ruiz", "direct")


def test_and_he_says_and_an_adverb_after_the_attribution() -> None:
    text = "His parents died in 1987, and he says the loss has shaped him."
    check(text, "the loss has shaped him", "says", "he", "indirect")
    text = "Things have changed over the years, she says, especially in the valley."
    check(text, "Things have changed over the years", "says", "she", "indirect")


def test_quantity_phrases_open_subjects() -> None:
    text = "Ruiz left early, but at least a dozen members told the Valley Herald she would run."
    check(text, "she would run", "told", "at least a dozen members", "indirect")
    text = "More than 200 residents said the water was brown."
    check(text, "the water was brown", "said", "More than 200 residents", "indirect")


def test_according_to_after_a_name_with_apposition_or_an_opener() -> None:
    text = "Ruiz, a former mayor, attended the meeting alone, according to a pool report."
    check(
        text,
        "Ruiz, a former mayor, attended the meeting alone",
        "according to",
        "a pool report",
        "indirect",
    )
    text = "But according to reports in the valley press, he could not convince the family."
    check(
        text,
        "he could not convince the family",
        "according to",
        "reports in the valley press",
        "indirect",
    )
    text = "Jonas Ekdal, in a statement released on Thursday, said the vote was rigged."
    check(text, "the vote was rigged", "said", "Jonas Ekdal", "indirect")


def test_many_fear_and_notes_that() -> None:
    text = "Many fear Varga will close the mill."
    assert check(text, "Varga will close the mill", "fear", "Many", "indirect").act == "belief"
    text = "Gerd Holt, a valley consultant, notes that a fifth of the vote is enough."
    check(
        text,
        "a fifth of the vote is enough",
        "notes",
        "Gerd Holt, a valley consultant",
        "indirect",
    )
    assert not extract("His notes show a plan for the mill.").suggestions


def test_relative_clause_inside_the_apposition_of_the_subject() -> None:
    text = (
        "Gov. Ivo Ranta of Kell, a mayor who has refused to back Ruiz, said the family deserved it."
    )
    check(text, "the family deserved it", "said", "Gov. Ivo Ranta of Kell, a mayor", "indirect")


def test_two_counted_speakers_joined_by_and() -> None:
    text = "Asked if the mill should close, 31 percent said “yes, soon” and 12 percent said “no.”"
    check(text, "yes, soon", "said", "31 percent", "direct")
    check(text, "no.", "said", "12 percent", "direct")
    assert all(not s.text.startswith("Asked") for s in extract(text).suggestions)
