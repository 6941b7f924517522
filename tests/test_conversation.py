"""qa.conversation: follow-ups rewritten into standalone questions by rules (no model)."""
from __future__ import annotations

from qa.conversation import Conversation, is_follow_up, noun_phrases


def _chat(*turns):
    conv = Conversation()
    for q, a, sentence in turns:
        r = conv.resolve(q)
        conv.add(q, a, r.question if r.rewritten else None, sentence, r.genders)
    return conv


def test_stand_alone_questions_are_left_alone():
    conv = _chat(("Who built the lighthouse?", "Tomas Reyes", "The lighthouse was built by Tomas Reyes in 1871."))
    r = conv.resolve("Which newspaper reported the storm?")
    assert r.question == "Which newspaper reported the storm?" and not r.rewritten and r.context is None
    assert not is_follow_up("Who won the 2010 FIFA World Cup?") and is_follow_up("Why?")


def test_plural_singular_and_possessive_pronouns():
    conv = _chat(("Who approved the new tram lines?", "the regional council",
                  "The regional council approved the new tram lines on Monday."))
    assert conv.resolve("When will they open?").question == "When will the new tram lines open?"
    assert conv.resolve("How much did it spend?").question == "How much did the regional council spend?"
    assert conv.resolve("What is their length?").question == "What is the new tram lines' length?"


def test_he_and_she_keep_to_whom_they_stood_for():
    conv = _chat(("Who is the new harbour master?", "Lena Fischer", "Lena Fischer is the new harbour master."),
                 ("Whom does she succeed?", "Paul Brandt", "She succeeds Paul Brandt, who retired."))
    assert conv.turns[1].asked_as == "Whom does Lena Fischer succeed?"
    r = conv.resolve("When did he retire?")
    assert r.question == "When did Paul Brandt retire?"
    conv.add("When did he retire?", "in May", r.question, None, r.genders)
    assert conv.resolve("How old is she?").question == "How old is Lena Fischer?"


def test_answers_of_what_and_when_questions_are_not_antecedents():
    conv = _chat(("What did the storm destroy?", "three piers and a boathouse",
                  "The storm destroyed three piers and a boathouse."),
                 ("When did the storm hit?", "on Friday", "The storm hit on Friday."))
    assert conv.resolve("How strong was it?").question == "How strong was the storm?"


def test_ellipsis_that_year_and_the_other_one():
    conv = _chat(("How many runners finished the city marathon in 2024?", "4,200",
                  "In 2024, 4,200 runners finished the city marathon."))
    assert conv.resolve("What about 2023?").question == "How many runners finished the city marathon in 2023?"
    conv = _chat(("In which year did the museum reopen?", "2019", "The museum reopened in 2019."))
    assert conv.resolve("Who was its director in that year?").question == "Who was the museum's director in 2019?"
    conv = _chat(("Who designed the new library building?", "Aino Berg",
                  "Aino Berg designed the new library building."))
    assert conv.resolve("When did the old one close?").question == "When did the old building close?"


def test_too_short_to_rewrite_keeps_the_previous_question_words():
    conv = _chat(("Why did the ferry company raise fares?", "higher fuel prices", "Fuel prices rose."))
    r = conv.resolve("When?")
    assert not r.rewritten and r.context == "ferry company raise fares"
    assert r.shown("When?") == "When? (about: ferry company raise fares)"


def test_noun_phrases_are_cut_by_what_was_said():
    said = "The repairs of the Alder River bridge are expected to cost $2.4 million."
    assert noun_phrases("How much are the repairs expected to cost?", said)[0] == "the repairs"
    assert noun_phrases("When was the mill built?")[0] == "the mill"
    assert "Felipe Calderón" in noun_phrases("What did Felipe Calderón say?")


def test_antecedent_is_the_question_thing_after_a_what_verb_question():
    """Issue 26: "When did it start?" after "What caused the mill fire?" is about the fire,
    not the cause; "What about the reopening date?" asks for another attribute of the same
    thing; a low-confidence answer is never what a pronoun stands for."""
    from qa.conversation import Conversation

    c = Conversation()
    c.add("What caused the mill fire?", "electrical fault", None, "An electrical fault caused the fire.", {}, 0.99)
    assert c.resolve("When did it start?").question == "When did the mill fire start?"
    c = Conversation()
    c.add("Who opposed the bridge closure?", "Gareth Wynn", None, "Gareth Wynn voted against.", {}, 0.99)
    assert c.resolve("What about the reopening date?").question == "What is the reopening date of the bridge closure?"
    c = Conversation()
    c.add("Which boat won the regatta?", "Sea Lark", None, "The winning boat, Sea Lark, was sailed by Holt.", {}, 0.4)
    assert "Sea Lark" not in c.resolve("Who sailed it?").question
    c = Conversation()
    c.add("Which boat won the regatta?", "Sea Lark", None, "The winning boat, Sea Lark, was sailed by Holt.", {}, 0.95)
    assert c.resolve("Who sailed it?").question == "Who sailed Sea Lark?"


def test_there_is_a_place_only_where_it_stands_for_one():
    """ "Were there any arrests?" asks whether any happened: "there" is not the last answer's
    place (it was rewritten "Were in Harbour Street clinic, organizers said any arrests?");
    "How many people were there?" still asks about that place."""
    conv = _chat(("Where did the march end?", "outside the town hall",
                  "The march ended with speeches outside the town hall."))
    for q in ("Were there any arrests?", "Why was there a delay?", "Is there a fee?"):
        r = conv.resolve(q)
        assert r.question == q and not r.rewritten, r
    assert "town hall" in conv.resolve("How many people were there?").question


def test_a_time_alone_asks_the_latest_question_that_named_a_year_again():
    from qa.conversation import Conversation

    conv = Conversation()
    conv.add("Who won the 2026 Kestrel Bay marathon?", "Ada Lin", None, "Ada Lin won.", {}, 0.6)
    conv.add("What was her time?", "2 hours 44 minutes", None, "She ran 2:44.", {}, 0.9)
    assert conv.resolve("And in 2025?").question == "Who won the 2025 Kestrel Bay marathon?"
    assert conv.resolve("And last year?").question == "Who won the 2025 Kestrel Bay marathon?"
    assert conv.resolve("What about 2019?").question == "Who won the 2019 Kestrel Bay marathon?"


def test_a_phrase_whose_every_word_was_said_is_kept_whole():
    """"the mill fire" stays whole beside "fire at the Miller mill" (it was cut to "the mill",
    and "When did it start?" became "When did the mill start?", answered with the mill's 1898)."""
    from qa.conversation import Conversation

    conv = Conversation()
    conv.add("What caused the mill fire?", "Arson", None,
             "Arson caused last week's fire at the Miller mill, Port Alder police believe.", {}, 0.5)
    assert conv.resolve("When did it start?").question == "When did the mill fire start?"


def test_a_figure_is_never_what_it_stands_for_and_a_month_alone_asks_again():
    conv = Conversation()
    conv.add("What is Alder County's unemployment rate now?", "4.9 percent", None,
             "Alder County's unemployment rate fell to 4.9 percent in September.", {}, 0.99)
    r = conv.resolve("What was it in August?")
    assert r.question == "What was Alder County's unemployment rate in August?"
    conv.add("What was it in August?", "5.2 percent", r.question, "It was 5.2 percent in August.", {}, 0.99)
    assert conv.resolve("And in July?").question == "What was Alder County's unemployment rate in July?"


def test_its_noun_is_the_owner_named_nearest_the_noun_and_his_after_a_man_is_his():
    conv = Conversation()
    conv.add("How many homes in Port Alder lost power in Storm Delia?", "4,200", None,
             "Storm Delia brought winds of up to 110 km/h, knocking out power to about 4,200 homes in Port Alder.",
             {}, 0.9)
    assert conv.resolve("How strong were its winds?").question == "How strong were Storm Delia's winds?"
    assert not is_follow_up("Where was a man hurt when a tree fell on his car?")


def test_a_bare_when_asks_the_previous_question_with_its_answer():
    conv = Conversation()
    conv.add("What will it rise to?", "$5", "What will the Gull Island ferry fare rise to?",
             "The fare will rise from $4 to $5 on Oct. 1.", {}, 0.99)
    assert conv.resolve("When?").question == "When will the Gull Island ferry fare rise to $5?"
    conv = Conversation()  # the wh-word was the subject: nothing to put back, search context as before
    conv.add("Who scored the winning goal?", "Jonah Reyes", None, "Jonah Reyes scored the winner.", {}, 0.99)
    r = conv.resolve("In which minute?")
    assert not r.rewritten and "winning" in r.context


def test_it_is_the_event_or_the_thing_done_when_the_question_named_no_thing():
    conv = Conversation()
    conv.add("What did people march against?", "the clinic closure", None,
             "Hundreds marched against the clinic closure.", {}, 0.9)
    assert conv.resolve("Where did it end?").question == "Where did the march end?"
    conv = Conversation()
    conv.add("What is burning in the hills above Kestrel Bay?", "A wildfire", None,
             "A wildfire is burning in the hills above Kestrel Bay.", {}, 0.9)
    assert conv.resolve("Where did it start?").question == "Where did a wildfire start?"
    conv = Conversation()  # "What caused X?" is about X, not the cause
    conv.add("What caused the mill fire?", "an electrical fault", None,
             "An electrical fault caused the fire at the mill.", {}, 0.9)
    assert conv.resolve("When did it start?").question == "When did the mill fire start?"
