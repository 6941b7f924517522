"""Evaluation: metrics (../shared/eval/README.md definitions), SQuAD conversion, question
sets, reports; `python -m evaluation` runs a question set. Imports qa, never the reverse."""
