"""Register coachmap as a client and add accounts, in the provider's own database: run as
`python -m tests.oidc_provider.seed` with the settings of this project and a JSON document on stdin."""

from __future__ import annotations

import json
import sys

import django


def main() -> None:
    django.setup()
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from oidc_provider.models import Client, ResponseType, RSAKey

    spec = json.load(sys.stdin)
    if not RSAKey.objects.exists():
        call_command("creatersakey")
    client, _ = Client.objects.update_or_create(
        client_id=spec["client_id"],
        defaults={
            "name": "coachmap",
            "client_type": "confidential",
            "client_secret": spec["client_secret"],
            "jwt_alg": "RS256",
            "require_consent": False,
            "reuse_consent": True,
        },
    )
    client.redirect_uris = spec["redirect_uris"]
    client.save()
    client.response_types.set([ResponseType.objects.get(value="code")])
    for account in spec["users"]:
        user, _ = User.objects.update_or_create(
            username=account["username"],
            defaults={
                "email": account["email"],
                "first_name": account.get("first_name", ""),
                "last_name": account.get("last_name", ""),
            },
        )
        user.set_password(account["password"])
        user.save()


if __name__ == "__main__":
    main()
