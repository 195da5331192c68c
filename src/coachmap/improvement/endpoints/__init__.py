"""The improvement pages' reads and writes through the API (issue 20), one module a topic, mounted
together (`mounted.py`) by `api.api`. Routes parse, call the page's query or service, and shape the
answer: the rules live where the pages find them."""
