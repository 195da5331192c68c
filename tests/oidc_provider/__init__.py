"""A real OpenID Connect provider (django-oidc-provider) for the sign-in browser tests.

It runs as its own Django project in a second process on the loopback, with its own SQLite
database in a temporary directory (`server.OidcProvider`), so coachmap's django-allauth talks to it
over HTTP exactly as it would to Clever, ClassLink or a district's own provider.
"""
