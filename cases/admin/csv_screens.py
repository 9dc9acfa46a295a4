"""The CSV screens of the admin: the export action's file, and the import's upload, dry run
and confirmation. The format itself (rows of cases, read, checked and written) is
admin_csv.py's."""

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from .. import rights
from ..admin_csv import UnreadableFile, read, write
from ..csv_format import BASE_COLUMNS, FIELD_COLUMNS, csv_text
from ..models import Innovation

MAX_BYTES = 2 * 1024 * 1024


def csv_response(queryset, filename):
    # With a byte-order mark, so spreadsheet programs read the file as UTF-8.
    response = HttpResponse("\ufeff" + csv_text(queryset), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def decode(upload):
    """The file's text, and a note when it was not UTF-8: Excel's "CSV" in Western European
    locales writes Windows-1252, which the editor is asked to check in the dry run."""
    if upload.size > MAX_BYTES:
        raise UnreadableFile(gettext("The file is larger than 2 MB. Split it into smaller files."))
    raw = upload.read()
    try:
        return raw.decode("utf-8-sig"), ""
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1252"), gettext(
            "The file is not UTF-8: it was read as Windows-1252, as Excel writes “CSV” in "
            "Western European languages. Check the accents below before importing; to be sure, "
            "save it as “CSV UTF-8”."
        )
    except UnicodeDecodeError as error:
        raise UnreadableFile(
            gettext(
                "The file is neither UTF-8 nor Windows-1252 text. In your spreadsheet program, "
                "save it as “CSV UTF-8” and try again."
            )
        ) from error


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "At most 2 MB, in the export format (commas or semicolons, UTF-8 or Windows-1252): "
            "export a few cases, or take the template, to see it."
        ),
    )


def import_view(model_admin, request):
    """Upload -> dry run (nothing written) -> confirm. Any bad row stops the whole file."""
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": gettext("Import cases from a CSV file"),
        "columns": BASE_COLUMNS,
        "optional": FIELD_COLUMNS,
    }

    def user_may(case, status, institution):
        return rights.may_save_case(request.user, case, status, institution)

    form = UploadForm(request.POST or None, request.FILES or None)
    text = request.POST.get("csv_text") if request.method == "POST" else None
    if request.method == "POST" and (text is not None or form.is_valid()):
        try:
            if text is None:
                text, context["encoding_note"] = decode(form.cleaned_data["file"])
            rows = read(text, user_may, rights.visible(request.user, Innovation.objects.all()))
        except UnreadableFile as problem:
            context.update(form=UploadForm(), problem=str(problem))
            return TemplateResponse(request, "admin/cases/innovation/import.html", context)
        bad = [row for row in rows if row.errors]
        if bad:
            context.update(form=UploadForm(), bad_rows=bad, row_count=len(rows))
        elif "confirm" in request.POST:
            written = write(rows, request.user)
            imported = ngettext(
                "%(count)d case imported.", "%(count)d cases imported.", len(written)
            ) % {"count": len(written)}
            if len(written) < len(rows):
                unchanged = len(rows) - len(written)
                imported += " " + ngettext(
                    "%(count)d row matched its case and changed nothing.",
                    "%(count)d rows matched their cases and changed nothing.",
                    unchanged,
                ) % {"count": unchanged}
            model_admin.message_user(request, imported, messages.SUCCESS)
            return redirect("admin:cases_innovation_changelist")
        else:
            context.update(rows=rows, csv_text=text)
    context.setdefault("form", form)
    return TemplateResponse(request, "admin/cases/innovation/import.html", context)
