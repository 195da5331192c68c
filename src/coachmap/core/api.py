"""The district's settings through the API (issue 20): read them, and change them with the
settings page's form and service (`core.district.district_settings_update`, audited with the values
before and after). Fields left out keep their value. The district admin's only."""

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from pydantic import ConfigDict, Field

from coachmap.core import access, group_size, services
from coachmap.core.forms import DistrictSettingsForm, form_cleaned
from coachmap.core.models import District

router = Router(tags=["district"])

FIELDS = tuple(DistrictSettingsForm.Meta.fields)


class DistrictSettingsOut(Schema):
    id: int
    name: str
    min_group_size: int = Field(description="Figures about fewer people than this are hidden.")
    rate_coding: bool
    coaching_time_target: int
    time_counts_plc: bool
    time_counts_committee: bool
    time_counts_learning: bool
    time_zone: str
    state: str
    state_id: str
    source_id: str
    import_hold_percent: int | None
    retention_years: int | None = Field(description="null: results are kept for good.")
    warning: str | None = Field(description="What a minimum group size this low risks, when it does.")


class DistrictSettingsIn(Schema):
    """The settings page's fields; those left out keep their value."""

    model_config = ConfigDict(extra="forbid")

    min_group_size: int | None = None
    rate_coding: bool | None = None
    coaching_time_target: int | None = None
    time_counts_plc: bool | None = None
    time_counts_committee: bool | None = None
    time_counts_learning: bool | None = None
    time_zone: str | None = Field(None, max_length=100)
    state: str | None = Field(None, max_length=10)
    state_id: str | None = Field(None, max_length=100)
    source_id: str | None = Field(None, max_length=255)
    import_hold_percent: int | None = None
    retention_years: int | None = Field(None, description="1 to 30; send null to keep results for good.")


def _district(request: HttpRequest) -> District:
    return access.admin_district(
        request.user, "district-settings", "Only a district admin changes its settings."
    )


def _out(district: District) -> dict[str, Any]:
    return {
        "id": district.pk,
        "name": district.name,
        **{field: getattr(district, field) for field in FIELDS},
        "warning": group_size.warning(district.min_group_size),
    }


@router.get("/district/settings", response=DistrictSettingsOut)
def district_settings(request: HttpRequest) -> dict[str, Any]:
    """The settings page's values: minimum group size, coaching-time target and what counts as
    coaching time, time zone and state, the import hold and how long results are kept."""
    return _out(_district(request))


@router.post("/district/settings", response=DistrictSettingsOut)
def district_settings_update(request: HttpRequest, data: DistrictSettingsIn) -> dict[str, Any]:
    """Change settings, with the page's rules (a minimum group size below 5 is refused, one below
    10 answered with a `warning`); the change is audited with the values before and after."""
    district = _district(request)
    sent = data.model_dump(exclude_unset=True)
    values = {field: sent.get(field, getattr(district, field)) for field in FIELDS}
    values = {field: "" if value is None else value for field, value in values.items()}
    cleaned = form_cleaned(DistrictSettingsForm(values, instance=District.objects.get(pk=district.pk)))
    updated = services.district_settings_update(
        actor=request.user,  # type: ignore[arg-type]
        district=district,
        min_group_size=cleaned["min_group_size"],
        coaching_time_target=cleaned["coaching_time_target"],
        state_id=cleaned["state_id"],
        rate_coding=cleaned["rate_coding"],
        source_id=cleaned["source_id"],
        time_zone=cleaned["time_zone"],
        state=cleaned["state"],
        import_hold_percent=cleaned["import_hold_percent"],
        retention_years=cleaned["retention_years"],
        time_counts={
            f: cleaned[f] for f in ("time_counts_plc", "time_counts_committee", "time_counts_learning")
        },
    )
    return _out(updated)
