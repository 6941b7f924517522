"""What every stage shares: errors, hashing, run metadata, the word tokeniser and
process settings for the entry points. Depends on nothing else in the project."""
