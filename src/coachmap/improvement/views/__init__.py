"""The improvement pages: thin views over `improvement.queries` and `improvement.services`."""
