"""The OneRoster 1.1 and 1.2 CSV binding, as far as coachmap reads it (pure: no ORM).

Headers per file and version, the enumerations, and one row parser per file that turns the
cells of a row into the tuple coachmap stages, raising `FieldError` for the first bad cell.
Columns a row parser never reads (names and birth dates of students among them) are dropped
here and never reach the database. Reading typed cells is in `oneroster.fields`, re-exported here.
"""

from __future__ import annotations

import json  # noqa: F401 - spec.json for the row parsers' callers

from coachmap.core.groups import Gender
from coachmap.roster.importers.cells import enum, parse_date, parse_grades  # noqa: F401 - spec.X for callers
from coachmap.roster.importers.oneroster.fields import (  # noqa: F401 - spec.X for callers
    RACE_COLUMNS,
    STATUS,
    Cells,
    FieldError,
    Getter,
    bool_cell,
    date_cell,
    enum_cell,
    float_cell,
    getter,
    grades_json,
    iso_date_cell,
    race_of,
    split_ids,
    subject_of,
    user_grade,
)

VERSIONS = ("1.1", "1.2")

# Files coachmap imports, in the order they are read (each refers only to files before it,
# except roles, which 1.2 reads before users so that names are kept for teachers only).
FILES = [
    "orgs",
    "academicSessions",
    "courses",
    "classes",
    "roles",
    "users",
    "enrollments",
    "demographics",
    "categories",
    "lineItems",
    "results",
]
# Files of the specification that coachmap has no use for: read past, with a note.
OTHER_FILES = [
    "resources",
    "classResources",
    "courseResources",
    "userProfiles",
    "userResources",
    "scoreScales",
    "lineItemLearningObjectiveIds",
    "lineItemScoreScales",
    "resultLearningObjectiveIds",
    "resultScoreScales",
    "assessmentLineItems",
    "assessmentResults",
]

COMMON = ["sourcedId", "status", "dateLastModified"]
HEADERS_11: dict[str, list[str]] = {
    "academicSessions": [*COMMON, "title", "type", "startDate", "endDate", "parentSourcedId", "schoolYear"],
    "orgs": [*COMMON, "name", "type", "identifier", "parentSourcedId"],
    "courses": [
        *COMMON,
        "schoolYearSourcedId",
        "title",
        "courseCode",
        "grades",
        "orgSourcedId",
        "subjects",
        "subjectCodes",
    ],
    "classes": [
        *COMMON,
        "title",
        "grades",
        "courseSourcedId",
        "classCode",
        "classType",
        "location",
        "schoolSourcedId",
        "termSourcedIds",
        "subjects",
        "subjectCodes",
        "periods",
    ],
    "users": [
        *COMMON,
        "enabledUser",
        "orgSourcedIds",
        "role",
        "username",
        "userIds",
        "givenName",
        "familyName",
        "middleName",
        "identifier",
        "email",
        "sms",
        "phone",
        "agentSourcedIds",
        "grades",
        "password",
    ],
    "enrollments": [
        *COMMON,
        "classSourcedId",
        "schoolSourcedId",
        "userSourcedId",
        "role",
        "primary",
        "beginDate",
        "endDate",
    ],
    "demographics": [
        *COMMON,
        "birthDate",
        "sex",
        "americanIndianOrAlaskaNative",
        "asian",
        "blackOrAfricanAmerican",
        "nativeHawaiianOrOtherPacificIslander",
        "white",
        "demographicRaceTwoOrMoreRaces",
        "hispanicOrLatinoEthnicity",
        "countryOfBirthCode",
        "stateOfBirthAbbreviation",
        "cityOfBirth",
        "publicSchoolResidenceStatus",
    ],
    "categories": [*COMMON, "title"],
    "lineItems": [
        *COMMON,
        "title",
        "description",
        "assignDate",
        "dueDate",
        "classSourcedId",
        "categorySourcedId",
        "gradingPeriodSourcedId",
        "resultValueMin",
        "resultValueMax",
    ],
    "results": [
        *COMMON,
        "lineItemSourcedId",
        "studentSourcedId",
        "scoreStatus",
        "score",
        "scoreDate",
        "comment",
    ],
}
HEADERS_12: dict[str, list[str]] = {
    **HEADERS_11,
    "users": [
        *COMMON,
        "enabledUser",
        "username",
        "userIds",
        "givenName",
        "familyName",
        "middleName",
        "identifier",
        "email",
        "sms",
        "phone",
        "agentSourcedIds",
        "grades",
        "password",
        "userMasterIdentifier",
        "resourceSourcedIds",
        "preferredGivenName",
        "preferredMiddleName",
        "preferredFamilyName",
        "primaryOrgSourcedId",
        "pronouns",
    ],
    "roles": [
        *COMMON,
        "userSourcedId",
        "roleType",
        "role",
        "beginDate",
        "endDate",
        "orgSourcedId",
        "userProfileSourcedId",
    ],
    "categories": [*COMMON, "title", "weight"],
    "lineItems": [
        *HEADERS_11["lineItems"],
        "academicSessionSourcedId",
        "schoolSourcedId",
        "scoreScaleSourcedId",
        "learningObjectiveSet",
    ],
    "results": [
        *HEADERS_11["results"],
        "classSourcedId",
        "scoreScaleSourcedId",
        "textScore",
        "inProgress",
        "incomplete",
        "late",
        "missing",
        "learningObjectiveSet",
    ],
}

# Columns that must be in the header: the ones coachmap cannot do without.
REQUIRED: dict[str, list[str]] = {
    "academicSessions": ["sourcedId", "title", "type"],
    "orgs": ["sourcedId", "name", "type"],
    "courses": ["sourcedId", "title"],
    "classes": ["sourcedId", "title", "schoolSourcedId"],
    "users": ["sourcedId", "grades"],
    "roles": ["sourcedId", "userSourcedId", "roleType", "role", "orgSourcedId"],
    "enrollments": ["sourcedId", "classSourcedId", "userSourcedId", "role"],
    "demographics": ["sourcedId"],
    "categories": ["sourcedId", "title"],
    "lineItems": ["sourcedId", "title", "classSourcedId"],
    "results": ["sourcedId", "lineItemSourcedId", "studentSourcedId", "scoreStatus"],
}
REQUIRED_11_EXTRA = {"users": ["role", "orgSourcedIds"]}

ORG_TYPES = enum(["department", "school", "district", "local", "state", "national"])
SESSION_TYPES = enum(["gradingPeriod", "semester", "schoolYear", "term"])
USER_ROLES = enum(
    [
        "administrator",
        "aide",
        "guardian",
        "parent",
        "proctor",
        "relative",
        "student",
        "teacher",
        # added in 1.2 (roles.csv)
        "counselor",
        "districtAdministrator",
        "principal",
        "siteAdministrator",
        "systemAdministrator",
    ]
)
ROLE_TYPES = enum(["primary", "secondary"])
ENROLLMENT_ROLES = enum(
    ["administrator", "aide", "guardian", "parent", "proctor", "relative", "student", "teacher"]
)
CLASS_TYPES = enum(["homeroom", "scheduled"])
SCORE_STATUS = enum(["exempt", "fully graded", "not submitted", "partially graded", "submitted"])
SEX = {"male": Gender.MALE, "female": Gender.FEMALE, "other": Gender.NONBINARY, "unspecified": Gender.UNKNOWN}

MANIFEST_MODES = enum(["absent", "bulk", "delta"])
