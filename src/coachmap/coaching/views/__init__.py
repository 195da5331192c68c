"""The coaching pages: the chain (`chain`) and best fit and matching (`fit`)."""
