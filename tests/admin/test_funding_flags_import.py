"""Finance staff import schools' pupil premium and sparsity flags in admin: upload a CSV file, see
its problems by row and column or what it would change, then import it. Support and finance see
the flags, read-only; nobody else reaches the import."""

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from audit.models import Event
from providers.models import LAST_YEAR_WITH_UPLIFTS
from schools import services
from schools.models import FundingFlagsUpload, School, SchoolFundingFlags
from tests.admin.conftest import staff_in
from tests.admin.helpers import admin_url
from tests.factories import ContractPeriodFactory, SchoolFactory, UserFactory

pytestmark = pytest.mark.django_db

LAST = LAST_YEAR_WITH_UPLIFTS
HEADINGS = "URN,Contract period,Pupil premium uplift,Sparsity uplift"
CHANGELIST = admin_url(SchoolFundingFlags, "changelist")
IMPORT = reverse("admin:schools_schoolfundingflags_import")
TEMPLATE = reverse("admin:schools_schoolfundingflags_import_template")


def upload_url(upload) -> str:
    return reverse("admin:schools_schoolfundingflags_import_upload", args=[upload.pk])


def csv_upload(*lines: str, name: str = "flags.csv", headings: str = HEADINGS) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, "\r\n".join([headings, *lines]).encode(), content_type="text/csv")


@pytest.fixture
def schools():
    period = ContractPeriodFactory(year=LAST)
    ashby = SchoolFactory(urn=100001, name="Ashby Primary School")
    brook = SchoolFactory(urn=100002, name="Brook Academy")
    SchoolFundingFlags.objects.create(school=ashby, contract_period=period, pupil_premium=True)
    return ashby, brook


def flags() -> set[tuple[int, int, bool, bool]]:
    return set(
        SchoolFundingFlags.objects.values_list(
            "school__urn", "contract_period_id", "pupil_premium", "sparsity"
        )
    )


def test_finance_upload_a_file_see_what_it_changes_then_import_it(finance_client, schools):
    changelist = finance_client.get(CHANGELIST).content.decode()
    assert f'href="{IMPORT}"' in changelist
    assert "Import pupil premium and sparsity flags" in changelist
    form = finance_client.get(IMPORT)
    assert form.status_code == 200
    assert f'href="{TEMPLATE}"' in form.content.decode()

    checked = finance_client.post(
        IMPORT, {"csv_file": csv_upload(f"100001,{LAST},no,yes", f"100002,{LAST},yes,no", name="uplifts.csv")}
    )

    upload = FundingFlagsUpload.objects.get()
    assert checked.status_code == 302 and checked.url == upload_url(upload)
    preview = finance_client.get(checked.url)
    page = preview.content.decode()
    assert "Check the pupil premium and sparsity flags before you import them" in page
    assert "uplifts.csv has 2 rows and no problems" in page
    [year] = preview.context["checked"].years
    assert (year.rows, year.added, year.changed, year.unchanged) == (2, 1, 1, 0)
    assert [(c.urn, c.school_name, c.before, c.after) for c in preview.context["changed"]] == [
        (100001, "Ashby Primary School", (True, False), (False, True))
    ]
    assert "Import these flags" in page
    assert flags() == {(100001, LAST, True, False)}  # nothing imported yet

    imported = finance_client.post(upload_url(upload))

    assert imported.status_code == 302 and imported.url == CHANGELIST
    assert flags() == {(100001, LAST, False, True), (100002, LAST, True, False)}
    assert (
        "Imported uplifts.csv: 1 added, 1 changed, 0 already so."
        in finance_client.get(CHANGELIST).content.decode()
    )
    event = Event.objects.get(event_type=services.FUNDING_FLAGS_IMPORTED_EVENT)
    assert event.actor_user == upload.uploaded_by
    # Its page now says it was imported, with nothing to press; pressing again imports nothing.
    again = finance_client.post(upload_url(upload))
    assert again.status_code == 200
    assert "was imported on" in again.content.decode()
    assert "Import these flags" not in again.content.decode()
    assert Event.objects.filter(event_type=services.FUNDING_FLAGS_IMPORTED_EVENT).count() == 1


def test_a_file_with_problems_lists_each_by_row_and_column_and_cannot_be_imported(finance_client, schools):
    response = finance_client.post(
        IMPORT,
        {
            "csv_file": csv_upload(
                f"100001,{LAST},perhaps,no", f"999999,{LAST + 1},yes,no", f"100002,{LAST},no,no"
            )
        },
    )

    assert response.status_code == 200
    assert [(p.row, p.column) for p in response.context["problems"]] == [
        (2, "Pupil premium uplift"),
        (3, "URN"),
        (3, "Contract period"),
    ]
    page = response.content.decode()
    assert "The file has 3 problems, in 2 of its 3 rows" in page
    assert "<td>We have no school with URN 999999: check it in GIAS, or remove the row</td>" in page
    assert "Import these flags" not in page
    assert not FundingFlagsUpload.objects.exists()
    assert flags() == {(100001, LAST, True, False)}


@pytest.mark.parametrize(
    ("file", "message"),
    [
        (
            csv_upload(f"100001,{LAST},yes,no", headings="URN,Pupil premium,Sparsity"),
            "no Contract period column",
        ),
        (SimpleUploadedFile("flags.xlsx", b"PK\x03\x04"), "The selected file must be a CSV"),
        (
            SimpleUploadedFile("flags.csv", f"{HEADINGS}\r\n100001,{LAST},sí,no".encode("cp1252")),
            "must be saved as UTF-8",
        ),
    ],
    ids=["headings", "not a csv", "not utf-8"],
)
def test_a_file_that_cannot_be_read_is_an_error_on_the_file_field(finance_client, schools, file, message):
    response = finance_client.post(IMPORT, {"csv_file": file})

    assert response.status_code == 200
    assert message in response.context["form"].errors["csv_file"][0]
    assert not FundingFlagsUpload.objects.exists()


def test_a_file_that_has_gone_wrong_since_it_was_checked_imports_nothing(finance_client, schools):
    finance_client.post(IMPORT, {"csv_file": csv_upload(f"100002,{LAST},yes,no")})
    upload = FundingFlagsUpload.objects.get()
    School.objects.filter(urn=100002).update(urn=100099)  # its URN corrected since

    response = finance_client.post(upload_url(upload))

    assert response.status_code == 200
    assert "Since the file was checked" in response.content.decode()
    assert [str(p) for p in response.context["problems"]] == [
        "Row 2, URN: We have no school with URN 100002: check it in GIAS, or remove the row"
    ]
    assert flags() == {(100001, LAST, True, False)}


def test_someone_elses_upload_is_not_found(finance_client, schools):
    theirs = services.save_funding_flags_upload(
        content=f"{HEADINGS}\r\n100002,{LAST},yes,no".encode(),
        file_name="theirs.csv",
        uploaded_by=staff_in("finance"),
    )

    assert finance_client.get(upload_url(theirs)).status_code == 404
    assert finance_client.post(upload_url(theirs)).status_code == 404
    assert flags() == {(100001, LAST, True, False)}


def test_the_template_is_a_file_with_the_headings_and_an_example(finance_client):
    response = finance_client.get(TEMPLATE)

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.decode().splitlines() == [HEADINGS, f"100000,{LAST},yes,no"]


# --- Who may ------------------------------------------------------------------------------------------


def test_support_see_the_flags_but_not_the_import(support_client, schools):
    changelist = support_client.get(CHANGELIST)
    assert changelist.status_code == 200
    assert [row.school.name for row in changelist.context["cl"].result_list] == ["Ashby Primary School"]
    assert "Import pupil premium and sparsity flags" not in changelist.content.decode()

    assert support_client.get(IMPORT).status_code == 403
    assert support_client.get(TEMPLATE).status_code == 403
    response = support_client.post(IMPORT, {"csv_file": csv_upload(f"100002,{LAST},yes,no")})
    assert response.status_code == 403
    assert not FundingFlagsUpload.objects.exists()


def test_staff_without_a_group_reach_neither_the_flags_nor_the_import(client, schools):
    client.force_login(UserFactory(is_staff=True))

    assert client.get(CHANGELIST).status_code == 403
    assert client.get(IMPORT).status_code == 403
    assert client.post(IMPORT, {"csv_file": csv_upload(f"100002,{LAST},yes,no")}).status_code == 403


def test_a_school_user_is_sent_to_admin_sign_in(client, schools):
    client.force_login(UserFactory(is_staff=False))
    services.save_funding_flags_upload(
        content=f"{HEADINGS}\r\n100002,{LAST},yes,no".encode(),
        file_name="f.csv",
        uploaded_by=staff_in("finance"),
    )
    upload = FundingFlagsUpload.objects.get()

    for response in (
        client.get(IMPORT),
        client.post(IMPORT, {"csv_file": csv_upload(f"100002,{LAST},yes,no")}),
        client.post(upload_url(upload)),
    ):
        assert response.status_code == 302
        assert response.url.startswith("/admin/login/")
    assert flags() == {(100001, LAST, True, False)}
    assert FundingFlagsUpload.objects.get().imported_at is None


def test_nobody_adds_changes_or_deletes_flags_in_admin_even_with_the_import(finance_client, schools):
    row = SchoolFundingFlags.objects.get()
    assert finance_client.get(admin_url(SchoolFundingFlags, "add")).status_code == 403
    change = finance_client.get(admin_url(SchoolFundingFlags, "change", row.pk))
    assert change.status_code == 200 and not change.context["has_change_permission"]
    assert finance_client.post(admin_url(SchoolFundingFlags, "delete", row.pk)).status_code == 403


# --- The list ---------------------------------------------------------------------------------------


def test_the_list_is_searched_by_urn_or_name_and_filtered_by_period_and_flag(support_client, schools):
    ashby, brook = schools
    earlier = ContractPeriodFactory(year=LAST - 1)
    SchoolFundingFlags.objects.create(school=brook, contract_period=earlier, sparsity=True)
    SchoolFundingFlags.objects.create(school=ashby, contract_period=earlier)

    def listed(**params):
        response = support_client.get(CHANGELIST, params)
        assert response.status_code == 200
        return sorted((row.school.urn, row.contract_period_id) for row in response.context["cl"].result_list)

    assert listed(q="100002") == [(100002, LAST - 1)]
    assert listed(q="Ashby") == [(100001, LAST - 1), (100001, LAST)]
    assert listed(contract_period__year__exact=LAST - 1) == [(100001, LAST - 1), (100002, LAST - 1)]
    assert listed(pupil_premium__exact=1) == [(100001, LAST)]
    assert listed(sparsity__exact=1) == [(100002, LAST - 1)]


def test_finance_have_the_import_permission_and_support_do_not(db):
    finance = Group.objects.get(name="finance").permissions.values_list("codename", flat=True)
    support = Group.objects.get(name="support").permissions.values_list("codename", flat=True)
    assert {"view_schoolfundingflags", "import_schoolfundingflags"} <= set(finance)
    assert "view_schoolfundingflags" in support
    assert "import_schoolfundingflags" not in support


def test_a_long_list_of_problems_shows_the_first_and_says_how_many_more(finance_client, schools, monkeypatch):
    monkeypatch.setattr("schools.admin.PROBLEMS_SHOWN", 2)

    response = finance_client.post(
        IMPORT, {"csv_file": csv_upload(*(f"10000{n},{LAST},maybe,no" for n in range(1, 5)))}
    )

    assert [p.row for p in response.context["problems"]] == [2, 3]
    page = response.content.decode()
    assert "The file has 6 problems, in 4 of its 4 rows" in page
    assert "And 4 more problems, not shown here." in page
