from __future__ import annotations

from urllib.parse import urlsplit

from django import forms

from coachmap.roster.models import ImportKind, OAuthVersion


class ImportUploadForm(forms.Form):
    kind = forms.ChoiceField(label="What are you importing?", choices=ImportKind.choices)
    upload = forms.FileField(
        label="File",
        help_text="A OneRoster bundle as a .zip, or one CSV file. See the format guides for each kind.",
    )
    mapping = forms.CharField(
        label="Source name (assessment results)",
        required=False,
        max_length=100,
        help_text="e.g. “Star Reading”. coachmap remembers which column is which for each source.",
    )


class ImportConfirmForm(forms.Form):
    """Import a checked or held file; the box names what it removes when that needs a confirmation."""

    confirm = forms.BooleanField(required=False)

    def __init__(self, *args: object, effect: str = "", held: bool = False, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["confirm"]
        if held:
            field.label = f"Yes, import it. {effect}"
            field.required = True
            field.error_messages["required"] = "Tick the box to confirm what this import removes."
        else:
            field.widget = forms.HiddenInput()


class SyncConnectionForm(forms.Form):
    """The district's OneRoster service. The secret is never shown: the field says whether one is
    saved, and a new one typed replaces it."""

    base_url = forms.URLField(
        label="Service address",
        max_length=500,
        assume_scheme="https",
        help_text="The OneRoster service root, e.g. https://sis.example.org/ims/oneroster/v1p1",
    )
    version = forms.ChoiceField(label="OneRoster version", choices=[("1.1", "1.1"), ("1.2", "1.2")])
    oauth = forms.ChoiceField(label="Sign-in method", choices=OAuthVersion.choices)
    token_url = forms.URLField(
        label="Token address (OAuth 2)",
        max_length=500,
        required=False,
        assume_scheme="https",
        help_text="Where coachmap asks for a token; leave empty for OAuth 1.0a.",
    )
    client_id = forms.CharField(label="Client id", max_length=200)
    secret = forms.CharField(
        label="Client secret",
        required=False,
        strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
    )
    hour = forms.TypedChoiceField(
        label="Sync every night at",
        coerce=int,
        choices=[(h, f"{h:02d}:00") for h in range(24)],
        initial=2,
    )
    enabled = forms.BooleanField(label="Sync every night", required=False, initial=True)

    def __init__(self, *args: object, has_secret: bool = False, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["secret"].help_text = (
            "Saved. Leave empty to keep it; type a new one to replace it."
            if has_secret
            else "Not saved yet. It is stored encrypted and never shown again."
        )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        for name in ("base_url", "token_url"):
            url = str(data.get(name) or "")
            if url and not _https_or_loopback(url):
                self.add_error(name, "Use an https:// address: coachmap sends the secret only over HTTPS.")
        return data


def _https_or_loopback(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme == "https" or parts.hostname in ("127.0.0.1", "localhost", "::1")
