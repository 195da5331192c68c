from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm

from coachmap.signin.models import Kind, SignInProvider
from coachmap.signin.passwords import password_refusal


class ProviderForm(forms.Form):
    """One provider's settings. The secret field never shows what is stored: it says whether one is
    set, and a new one typed replaces it."""

    enabled = forms.BooleanField(label="Turned on: show “Sign in with …” on the sign-in page", required=False)
    client_id = forms.CharField(label="Client ID", max_length=255, required=False)
    secret = forms.CharField(
        label="Client secret",
        required=False,
        strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
    )
    issuer_url = forms.URLField(
        label="Issuer address",
        required=False,
        assume_scheme="https",
        help_text="Where the provider publishes /.well-known/openid-configuration.",
    )
    tenant = forms.CharField(
        label="Directory (tenant) ID",
        max_length=100,
        required=False,
        help_text="From Entra ID's overview page; only accounts of this directory may sign in.",
    )
    label = forms.CharField(
        label="Name on the button", max_length=60, required=False, help_text="“Sign in with …” this name."
    )
    sourced_id_claim = forms.CharField(
        label="Claim that holds the roster sourcedId (optional)",
        max_length=100,
        required=False,
        help_text="For example sub. Left empty, people are matched by the email address the provider verified.",
    )

    def __init__(self, *args: object, provider: SignInProvider, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        kind = provider.kind_enum
        if not kind.needs_issuer:
            del self.fields["issuer_url"]
        if kind != Kind.MICROSOFT:
            del self.fields["tenant"]
        if kind != Kind.OIDC:
            del self.fields["label"]
        if provider.client_id:
            self.fields[
                "client_id"
            ].help_text = (
                f"Set (ends {provider.client_id_hint}). Leave empty to keep it; type a new one to replace it."
            )
        if provider.has_secret:
            self.fields["secret"].help_text = "Set. Leave empty to keep it; type a new one to replace it."
        else:
            self.fields["secret"].help_text = "Not set yet."


class PasswordsForm(forms.Form):
    passwords_allowed = forms.BooleanField(
        label="People may also sign in with a coachmap password",
        required=False,
        help_text="Turned off, everyone signs in with the providers above; district admins keep their "
        "password for the day a provider is down.",
    )


class SignInForm(AuthenticationForm):
    """Django's sign-in form, which also refuses a password where the person's district turned
    passwords off (district admins excepted: `signin.passwords`)."""

    def confirm_login_allowed(self, user: object) -> None:
        super().confirm_login_allowed(user)  # type: ignore[arg-type]
        message = password_refusal(user)  # type: ignore[arg-type]
        if message:
            raise forms.ValidationError(message, code="passwords_off")
