"""Write eval/news_questions.jsonl: our fixed questions about the shipped article.

Each answerable question names its gold answer and a piece of the sentence it sits
in (`anchor`); the span is found in the cleaned article text, so the file carries
exact [start, end) offsets. Run: python eval/make_news_questions.py
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from index.articles import load_articles

ARTICLE = "dea-secret-meetings-with-cartels"
# (id, question, [answers], anchor text that contains the first answer)
ANSWERABLE = [
    ("who-authorized", "Who authorized the meetings?", ["the U.S. government", "U.S. government"],
     "Court documents show that the U.S. government knew"),
    ("who-revealed", "Which newspaper revealed the secret meetings?", ["El Universal"], "Mexico-based newspaper El Universal"),
    ("where-newspaper", "Where is El Universal based?", ["Mexico"], "revealed Mexico-based newspaper"),
    ("which-cartel", "Which cartel in particular did the agents meet with?", ["the Sinaloa cartel", "Sinaloa cartel", "Sinaloa"],
     "especially the Sinaloa cartel, on Mexican soil"),
    ("where-meetings", "On whose soil were the meetings held?", ["Mexican soil", "Mexico"], "on Mexican soil"),
    ("result", "What did the meetings result in?", ["drug seizures, arrests, and an increase in drug cartel violence in Mexico",
                                                    "drug seizures, arrests, and an increase in drug cartel violence"],
     "resulted in drug seizures"),
    ("when-report", "On what date was the news report published?", ["Jan. 6"], "in the Jan. 6 news report"),
    ("parent-department", "Which department are the DEA and the U.S. Attorney's office part of?",
     ["the U.S. Department of Justice", "U.S. Department of Justice (DOJ)", "DOJ", "Department of Justice"],
     "components of the U.S. Department of Justice"),
    ("who-confirmed", "Who confirmed that the court papers were valid?", ["Breitbart News"], "Breitbart News confirmed"),
    ("how-long-obtain", "Over how long did the paper gather the documents?", ["a year"], "in the course of a year"),
    ("how-many-officials", "How many officials did the newspaper interview?", ["more than a hundred"], "“more than a hundred”"),
    ("why-met", "Why did DEA agents meet with cartel leaders?", ["to obtain information on their rivals",
                                                                 "In an effort to obtain information on their rivals"],
     "In an effort to obtain information on their rivals"),
    ("fast-furious-agency", "Which agency ran the Fast and Furious operation?", ["ATF", "ATF’s"], "under ATF’s 2009"),
    ("fast-furious-year", "In what year did the Fast and Furious gun operation take place?", ["2009"], "ATF’s 2009 “Fast and Furious”"),
    ("cnsnews-when", "When did CNSNews.com report the link to an immunity deal?", ["December 2011", "In December 2011"],
     "In December 2011, CNSNews.com"),
    ("court-city", "In which city's federal court was the defendant awaiting trial?", ["Chicago"], "a Chicago federal court"),
    ("narcosphere", "Which outlet alleged that the U.S. government protects the Sinaloa cartel?", ["The Narcosphere", "Narcosphere"],
     "a news report by The Narcosphere"),
    ("presidents", "During which Mexican presidencies did the meetings take place?",
     ["Vicente Fox (2000-2006) and Felipe Calderón (2006-2012)", "Vicente Fox and Felipe Calderón"],
     "presidencies of Vicente Fox (2000-2006) and Felipe Calderón (2006-2012)"),
    ("intensified-year", "In what year did the relationship between the DEA and the cartels intensify?", ["2009", "in 2009"],
     "intensified in 2009"),
    ("dhs-agreement-when", "When was the agreement between DOJ and Homeland Security signed?", ["June 2009", "in June 2009"],
     "in June 2009, an agreement"),
    ("escobar-country", "In which country did the DEA meet traffickers to get information on Pablo Escobar?", ["Colombia"],
     "In Colombia, the DEA"),
    ("escobar-target", "About whom did the DEA seek information in Colombia?", ["Pablo Escobar"], "information on Pablo Escobar"),
    ("other-countries", "In which Asian countries has the U.S. run anti-cartel operations?",
     ["Thailand, Cambodia, and Afghanistan", "Thailand, Cambodia and Afghanistan"], "in Thailand, Cambodia, and Afghanistan"),
    ("un-agreement", "Which UN agreement do the secret operations violate?", ["the United Nation’s Agreement on Organized Crime",
                                                                               "Agreement on Organized Crime"],
     "the United Nation’s Agreement on Organized Crime"),
    ("mexican-knowledge", "Without whose knowledge were the DEA operations carried out?",
     ["the Mexican government", "Mexican government"], "without the knowledge of the Mexican government"),
    ("declined-comment", "Who declined to comment on the meetings with cartels?", ["DOJ and other U.S. agencies"],
     "DOJ and other U.S. agencies declined"),
    ("interviewed-also", "Besides officials, whom else did the newspaper interview?", ["inmates, their family, and experts"],
     "interviewed inmates, their family, and experts"),
    ("pleadings-objective", "According to the defendant's pleadings, what was the principal objective?",
     ["the destruction and dismantling of rival cartels"], "the principal objective was the destruction"),
]
# Questions the article does not answer. "off-topic": about nothing in it; "on-topic":
# about the story, in its words, but the fact asked for is not there (no number, no
# date, no name given). Each on-topic one was checked against the article by hand.
UNANSWERABLE = [
    ("un-worldcup", "off-topic", "Who won the 2010 FIFA World Cup?"),
    ("un-capital", "off-topic", "What is the capital of Australia?"),
    ("un-weather", "off-topic", "What will the weather be like in Chicago tomorrow?"),
    ("un-reporter", "on-topic", "What is the name of the El Universal reporter who wrote the story?"),
    ("un-dea-budget", "on-topic", "How much money does the DEA spend each year?"),
    ("un-sinaloa-leader-arrest", "on-topic", "In what year was the Sinaloa cartel leader extradited to the United States?"),
    ("un-firearms-count", "on-topic", "How many firearms were dispensed under Fast and Furious?"),
    ("un-breitbart-when", "on-topic", "When did Breitbart News confirm the court papers?"),
    ("un-agents-count", "on-topic", "How many DEA agents attended the secret meetings?"),
    ("un-defendant-name", "on-topic", "What was the name of the defendant awaiting trial in Chicago?"),
    ("un-sinaloa-leader", "on-topic", "Who is the leader of the Sinaloa cartel?"),
    ("un-arrests-count", "on-topic", "How many arrests resulted from the meetings?"),
    ("un-dea-official", "on-topic", "Which DEA official approved the meetings?"),
    ("un-committee", "on-topic", "Which congressional committee investigated Fast and Furious?"),
    ("un-pages", "on-topic", "How many pages of court documents did El Universal publish?"),
    ("un-meeting-city", "on-topic", "In which Mexican city were the secret meetings held?"),
    ("un-sentence", "on-topic", "What sentence did the defendant in Chicago receive?"),
    ("un-payment", "on-topic", "How much did the DEA pay the Sinaloa cartel?"),
    ("un-attorney-general", "on-topic", "Who was the U.S. Attorney General when the meetings took place?"),
    ("un-mexico-response", "on-topic", "How did the Mexican president respond to the El Universal report?"),
    ("un-inmates-count", "on-topic", "How many inmates did the newspaper interview?"),
    ("un-dhs-seized", "on-topic", "What did Homeland Security agents seize at the southwest border?"),
    ("un-tons", "on-topic", "How many tons of drugs were smuggled into Chicago?"),
    ("un-escobar-year", "on-topic", "In what year did the DEA meet traffickers in Colombia?"),
    ("un-thai-officials", "on-topic", "Which Thai officials worked with the U.S. against the cartels?"),
    ("un-end-operations", "on-topic", "When will the DEA end its operations in Mexico?"),
    ("un-un-penalty", "on-topic", "What penalty does the UN agreement set for violations?"),
    ("un-universal-founder", "on-topic", "Who founded El Universal?"),
    ("un-deaths", "on-topic", "How many people died in drug cartel violence in Mexico?"),
    ("un-atf-director", "on-topic", "Who was the director of the ATF during Fast and Furious?"),
    ("un-mexico-learned", "on-topic", "When did the Mexican government learn of the meetings?"),
    ("un-meetings-count", "on-topic", "How many times did DEA agents meet with cartel leaders?"),
    ("un-immunity-name", "on-topic", "Which cartel leader received the immunity deal?"),
]


def main() -> int:
    root = Path(__file__).resolve().parents[1]
    art = {a.id: a for a in load_articles(root / "corpus").articles}[ARTICLE]
    out = []
    for qid, question, answers, anchor in ANSWERABLE:
        a0 = art.text.index(anchor)
        start = art.text.index(answers[0], max(0, a0 - len(answers[0])))
        assert start <= a0 + len(anchor), (qid, "answer not near its anchor")
        spans = [[start, start + len(answers[0])]]
        assert art.text[spans[0][0]:spans[0][1]] == answers[0]
        out.append({"id": qid, "question": question, "answers": answers, "article_id": ARTICLE, "answer_spans": spans})
    for qid, kind, question in UNANSWERABLE:
        out.append({"id": qid, "question": question, "answers": [], "unanswerable": kind})
    path = root / "eval" / "news_questions.jsonl"
    path.write_text("".join(json.dumps(o, ensure_ascii=False) + "\n" for o in out), encoding="utf-8")
    print(f"wrote {len(out)} questions to {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
