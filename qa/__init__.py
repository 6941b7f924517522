"""Answer questions from an index, with citations: the code that runs at question time.

    from qa import open_qa
    qa = open_qa("data/index")
    answer = qa.ask("Who authorized the meetings?")
    answer.answer, answer.citations[0].quote

This package never imports training, evaluation, bench or app code (a test checks
the import graph); the learned files it reads live in qa/weights (see qa.learned).
"""
from .answer import QA, AnswerSettings
from .citations import NOT_FOUND
from .conversation import Conversation
from .pipeline import LiveQA, open_qa
from .records import Answer, Citation, Hit, Report
from .retrieval import RetrievalSettings, Retriever
from .timeline import Scope

__all__ = ["QA", "Answer", "AnswerSettings", "Citation", "Conversation", "Hit", "LiveQA", "NOT_FOUND",
           "Report", "RetrievalSettings", "Retriever", "Scope", "open_qa"]
