"""Writes for the library: adding and changing resources (with safe uploads), counting uses."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from coachmap.core import access
from coachmap.core.models import District, User
from coachmap.improvement.models import ImprovementGoal
from coachmap.library import access as library_access
from coachmap.library import files
from coachmap.library.models import Resource, ResourceKind, ResourceUse, UseKind
from coachmap.library.tags import search_text, tag_list

HEAD_BYTES = 8192


def _check_file(upload: UploadedFile) -> files.FileType:
    head = upload.read(HEAD_BYTES)
    upload.seek(0)
    try:
        return files.check_upload(upload.name or "", upload.size or 0, head)
    except files.FileRejected as exc:
        raise ValidationError({"upload": str(exc)}) from exc


def resource_save(
    *,
    actor: User,
    district: District,
    title: str,
    kind: ResourceKind | str,
    description: str = "",
    url: str = "",
    upload: UploadedFile | None = None,
    subjects: Iterable[str] = (),
    grades: Iterable[int] = (),
    tools: Iterable[str] = (),
    practices: Iterable[str] = (),
    quadrants: Iterable[str] = (),
    goals: Iterable[ImprovementGoal] = (),
    resource: Resource | None = None,
) -> Resource:
    """A coach or the program lead adds a resource, or its author or the lead changes it.

    A link must be http(s); a file must pass `library.files.check_upload`. A new file replaces the old.
    """
    if resource is None:
        access.require(
            library_access.may_add_resource(actor, district.pk),
            "Coaches and the program lead add to the library.",
        )
        resource = Resource(district=district, created_by=actor)
    else:
        access.require(
            library_access.may_change_resource(actor, resource),
            "Only its author or the program lead can change it.",
        )
    url = url.strip()
    if url and not url.lower().startswith(("https://", "http://")):
        raise ValidationError({"url": "A link must start with https:// or http://."})
    kind_of_file = _check_file(upload) if upload is not None else None
    goal_list = list(goals)
    if any(g.school.district_id != district.pk for g in goal_list):
        raise ValidationError({"goals": "Tag goals of your own district's schools."})
    old_file = resource.file.name if resource.file and upload is not None else ""
    with transaction.atomic():
        resource.title = " ".join(title.split())
        resource.kind = kind
        resource.description = description.strip()
        resource.url = url
        resource.subjects = sorted(set(subjects))
        resource.grades = sorted(set(grades))
        resource.tools = tag_list(tools)
        resource.practices = tag_list(practices)
        resource.quadrants = sorted(set(quadrants))
        if upload is not None and kind_of_file is not None:
            resource.file_name = files.clean_name(upload.name or "file")
            resource.content_type = kind_of_file.content_type
            resource.size = upload.size or 0
            resource.file.save(
                f"{uuid.uuid4().hex}.{files.extension(resource.file_name)}", upload, save=False
            )
        resource.search_text = search_text(
            resource.description,
            ResourceKind(resource.kind).label,
            resource.tools,
            resource.practices,
            resource.subjects,
            [g.statement for g in goal_list],
            resource.file_name,
        )
        resource.full_clean(exclude=["file"])
        resource.save()
        resource.goals.set(goal_list)
        if old_file:
            storage, name = resource.file.storage, old_file
            transaction.on_commit(lambda: storage.delete(name))
    return resource


def resource_open(*, resource: Resource, on: datetime.date | None = None) -> ResourceUse:
    """Count an opening of the resource (a download or a followed link). Who opened it is not kept."""
    return ResourceUse.objects.create(resource=resource, kind=UseKind.OPENED, on=on or timezone.localdate())
