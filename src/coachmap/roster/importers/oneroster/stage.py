"""Phase 2, stage: the big files, checked row by row and streamed into staging tables.

Each file chooses how it is read: results.csv and enrollments.csv first try the database's bulk
loader (`stage_bulk`); read row by row, the big files' rows are first tried by a quick reader
(`stage_quick`) and rows it does not accept go through the full checks of `spec`, which say
exactly what is wrong. users.csv and roles.csv are `stage_users`."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from coachmap.roster.importers.oneroster import read, spec, stage_bulk, stage_quick, stage_users
from coachmap.roster.importers.oneroster.stage_bulk import BulkFile, BulkLoader, BulkRefused
from coachmap.roster.importers.oneroster.state import ImportState, SmallFile
from coachmap.roster.importers.staging import Stage, execute, fetchone


def stage(st: ImportState) -> None:
    """Stage every big file the manifest lists, in the order the checks across files need."""
    for file, stage_file in [
        ("classes", classes),
        ("roles", stage_users.roles),
        ("users", stage_users.users),
        ("enrollments", enrollments),
        ("demographics", demographics),
        ("lineItems", line_items),
        ("results", results),
    ]:
        if st.manifest.mode(file) != "absent" and (file != "roles" or st.version == "1.2"):
            stage_file(st)


def _school_ref(st: ImportState, file: str, column: str, value: str) -> str:
    if not st.checks("orgs"):
        return value
    if value not in st.orgs:
        raise spec.FieldError(column, value, "no org has this sourcedId")
    if st.orgs[value] != "school":
        raise spec.FieldError(column, value, f"this org is a {st.orgs[value]}, not a school")
    return value


def classes(st: ImportState) -> None:
    stage = st.new_stage(
        "classes",
        [
            ("title", "text"),
            ("code", "text"),
            ("grades", "text"),
            ("subject", "text"),
            ("school_ref", "text"),
            ("course_ref", "text"),
        ],
    )
    with stage.writer() as write:
        for row, cells in read.rows(st, "classes"):
            try:
                sid, status = cells.common()
                title = cells.text("title", 200, required=True)
                code = cells.text("classCode", 100)
                grades = cells.parse("grades", spec.parse_grades)
                spec.enum_cell(cells, "classType", spec.CLASS_TYPES, "class type", required=False)
                school = _school_ref(st, "classes", "schoolSourcedId", cells.required("schoolSourcedId"))
                course = cells("courseSourcedId")
                if course and course not in st.course_ids and st.checks("courses"):
                    raise spec.FieldError("courseSourcedId", course, "no course has this sourcedId")
                for term in spec.split_ids(cells("termSourcedIds")):
                    if term not in st.session_ids and st.checks("academicSessions"):
                        raise spec.FieldError(
                            "termSourcedIds", term, "no academic session has this sourcedId"
                        )
                course_subjects = ""
                if course in st.small.get("courses", SmallFile()).rows:
                    course_subjects = st.small["courses"].rows[course][2]["subjects"]
                subject = spec.subject_of(cells("subjects"), course_subjects, title, code)
            except spec.FieldError as exc:
                st.fail("classes", row, exc)
                continue
            write((row, sid, status, title, code, spec.grades_json(grades), subject, school, course))
    stage.index_ids()


def _bulk(st: ImportState, bulk: BulkFile, *, index_ids: bool = True) -> bool:
    """Stage `bulk.file` by the bulk path; False when it is read row by row instead."""
    if not st.bulk:
        return False
    before = st.report.problem_count
    opened = read.open_table(st, bulk.file)
    if opened is None:
        if st.report.problem_count > before:
            raise BulkRefused(f"{bulk.file}.csv: its header has problems")
        return False  # absent: staged empty, row by row
    table, index = opened
    width = len(table.header or ())
    table.close()
    loader = BulkLoader(
        bulk,
        source=st.source,
        report=st.report,
        progress=st.progress,
        schools=st.orgs,
        check_schools=st.checks("orgs"),
        fail_at_row=st.fail_at_row,
    )
    st.bulk_used = True
    stage = loader.load(table.name, index, width)
    st.stages[bulk.stage] = stage
    if index_ids:
        stage.index_ids()
    return True


def enrollments(st: ImportState) -> None:
    if _bulk(st, stage_bulk.ENROLLMENTS):
        return
    stage = st.new_stage(
        "enrollments",
        [
            ("class_ref", "text"),
            ("user_ref", "text"),
            ("role", "text"),
            ("is_primary", "bool"),
            ("begin_date", "date"),
            ("end_date", "date"),
        ],
    )
    reader: stage_quick.FastReader | None = None
    with stage.writer() as write:
        for row, cells in read.rows(st, "enrollments"):
            reader = reader or stage_quick.fast_enrollments(st.index, st.orgs, st.checks("orgs"))
            if (quick := reader(cells.cells)) is not None:
                write((row, *quick))
                continue
            try:
                sid, status = cells.common()
                klass = cells.required("classSourcedId")
                user = cells.required("userSourcedId")
                role = spec.enum_cell(cells, "role", spec.ENROLLMENT_ROLES, "enrollment role")
                school = cells("schoolSourcedId")
                if school:
                    _school_ref(st, "enrollments", "schoolSourcedId", school)
                primary = spec.bool_cell(cells, "primary")
                begin = spec.iso_date_cell(cells, "beginDate")
                end = spec.iso_date_cell(cells, "endDate")
            except spec.FieldError as exc:
                st.fail("enrollments", row, exc)
                continue
            write((row, sid, status, klass, user, role, bool(primary), begin, end))
    stage.index_ids()  # removals and lookups match on it


def demographics(st: ImportState) -> None:
    if _bulk(st, stage_bulk.DEMOGRAPHICS, index_ids=False):
        _keep_only_what_is_staged(st)
        return
    stage = st.new_stage("demographics", [("race", "text"), ("gender", "text")])
    births = 0
    reader: stage_quick.FastReader | None = None
    birth_of: Callable[[Sequence[str]], str] | None = None
    with stage.writer() as write:
        for row, cells in read.rows(st, "demographics"):
            reader = reader or stage_quick.fast_demographics(st.index)
            birth_of = birth_of or spec.getter(st.index, "birthDate")
            if (quick := reader(cells.cells)) is not None:
                births += bool(birth_of(cells.cells))
                write((row, *quick))
                continue
            try:
                sid, status = cells.common()
                flags = {column: spec.bool_cell(cells, column) for column in spec.RACE_COLUMNS}
                sex = cells("sex")
                gender = spec.SEX.get(sex.lower()) if sex else spec.Gender.UNKNOWN
                if gender is None:
                    raise spec.FieldError(
                        "sex", sex, "unknown sex: expected male, female, other or unspecified"
                    )
                birth = cells("birthDate")
                if birth:
                    cells.parse("birthDate", spec.parse_date)
                    births += 1
            except spec.FieldError as exc:
                st.fail("demographics", row, exc)
                continue
            write((row, sid, status, spec.race_of(flags), gender))
    if births:
        st.report.drop("birth dates and places of birth (demographics.csv)", births)
    stage.index_ids()  # removals and lookups match on it


def _keep_only_what_is_staged(st: ImportState) -> None:
    """demographics.csv by the bulk path: the proved view's columns (race and gender) go into a
    staging table of their own, and the raw cells, birth dates and places with them, are dropped
    at once, as the row-by-row reader drops them."""
    loaded = st.stages["demographics"]
    assert isinstance(loaded, stage_bulk.BulkStage)  # noqa: S101
    (births,) = fetchone(f"SELECT COUNT(*) FROM {loaded.raw} WHERE {loaded.cell('birthDate')} <> ''")
    execute("DROP TABLE IF EXISTS stg_demographics_kept")
    execute(f"CREATE TEMPORARY TABLE stg_demographics_kept AS SELECT * FROM {loaded.table}")
    loaded.drop()
    execute("ALTER TABLE stg_demographics_kept RENAME TO stg_demographics")
    kept = Stage("demographics", [(column, "text") for column, _ in stage_bulk.DEMOGRAPHICS.view])
    kept.rows, kept.active_rows = loaded.rows, loaded.active_rows
    st.stages["demographics"] = kept
    kept.index_ids()
    if births:
        st.report.drop("birth dates and places of birth (demographics.csv)", births)


def line_items(st: ImportState) -> None:
    stage = st.new_stage(
        "line_items",
        [
            ("title", "text"),
            ("assign_date", "date"),
            ("due_date", "date"),
            ("class_ref", "text"),
            ("category_ref", "text"),
            ("result_min", "float"),
            ("result_max", "float"),
        ],
    )
    with stage.writer() as write:
        for row, cells in read.rows(st, "lineItems"):
            try:
                sid, status = cells.common()
                title = cells.text("title", 200, required=True)
                assign = spec.iso_date_cell(cells, "assignDate")
                due = spec.iso_date_cell(cells, "dueDate")
                klass = cells.required("classSourcedId")
                category = cells("categorySourcedId")
                if category and category not in st.category_ids and st.checks("categories"):
                    raise spec.FieldError("categorySourcedId", category, "no category has this sourcedId")
                period = cells("gradingPeriodSourcedId")
                if period and period not in st.session_ids and st.checks("academicSessions"):
                    raise spec.FieldError(
                        "gradingPeriodSourcedId", period, "no academic session has this sourcedId"
                    )
                low = spec.float_cell(cells, "resultValueMin")
                high = spec.float_cell(cells, "resultValueMax")
            except spec.FieldError as exc:
                st.fail("lineItems", row, exc)
                continue
            write((row, sid, status, title, assign, due, klass, category, low, high))
    stage.index_ids()


def results(st: ImportState) -> None:
    if _bulk(st, stage_bulk.RESULTS):
        return
    stage = st.new_stage(
        "results",
        [
            ("line_item_ref", "text"),
            ("student_ref", "text"),
            ("score_status", "text"),
            ("score", "float"),
            ("score_date", "date"),
        ],
    )
    reader: stage_quick.FastReader | None = None
    with stage.writer() as write:
        for row, cells in read.rows(st, "results"):
            reader = reader or stage_quick.fast_results(st.index)
            if (quick := reader(cells.cells)) is not None:
                write((row, *quick))
                continue
            try:
                sid, status = cells.common()
                item = cells.required("lineItemSourcedId")
                student = cells.required("studentSourcedId")
                score_status = spec.enum_cell(cells, "scoreStatus", spec.SCORE_STATUS, "score status")
                score = spec.float_cell(cells, "score")
                date = spec.iso_date_cell(cells, "scoreDate")
            except spec.FieldError as exc:
                st.fail("results", row, exc)
                continue
            write((row, sid, status, item, student, score_status, score, date))
    stage.index_ids()  # removals and lookups match on it
