"""The admin's "Import articles" page: upload a file, import it, show what happened.

It runs ``interchange.importing.import_files`` as ``manage.py import_articles`` does, for editors
who may add articles. Uploads are limited to ``TRACKER_IMPORT_MAX_UPLOAD_BYTES`` (10 MB by
default); larger files go through the command.
"""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect

from interchange.importing import Format, ImportFile, import_files

# Failures and conflicts listed on the result page; the summary counts them all.
PROBLEMS_SHOWN = 200


def max_upload_bytes() -> int:
    return settings.TRACKER_IMPORT_MAX_UPLOAD_BYTES


def _megabytes(n: int) -> str:
    return filesizeformat(n)


class ArticleImportForm(forms.Form):
    file = forms.FileField(
        help_text="JSON Lines (one article per line), a plain-text file or an HTML page."
    )
    format = forms.ChoiceField(
        choices=[
            (Format.AUTO, "from the file name (.jsonl, .txt, .html)"),
            (Format.JSONL, "JSON Lines"),
            (Format.TEXT, "plain text"),
            (Format.HTML, "HTML"),
        ],
        initial=Format.AUTO,
    )
    outlet = forms.CharField(
        required=False,
        max_length=200,
        help_text="For records and pages that name no outlet. Matched by name, any case; "
        "created if new.",
    )
    update = forms.BooleanField(
        required=False,
        label="Replace stored articles whose body differs",
        help_text="A record with the URL of a stored article but another body replaces it "
        "(its spans are re-anchored). Unticked, such a record is reported as a conflict "
        "and nothing changes.",
    )
    dry_run = forms.BooleanField(
        required=False,
        label="Dry run",
        help_text="Check every record against the archive, then store nothing.",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = max_upload_bytes()
        if upload.size > limit:
            raise forms.ValidationError(
                f"The file is {_megabytes(upload.size)}; uploads are limited to "
                f"{_megabytes(limit)}. Import larger files with "
                "“manage.py import_articles”."
            )
        return upload


class ArticleImportView:
    """The upload page of an Article ModelAdmin (``model_admin``)."""

    def __init__(self, model_admin):
        self.model_admin = model_admin

    @method_decorator(never_cache)
    @method_decorator(csrf_protect)
    def __call__(self, request):
        admin_site = self.model_admin.admin_site
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("admin:login"))
        if not (
            request.user.is_active
            and request.user.is_staff
            and self.model_admin.has_add_permission(request)
        ):
            raise PermissionDenied
        report = None
        if request.method == "POST":
            form = ArticleImportForm(request.POST, request.FILES)
            if form.is_valid():
                report = self.run(request, form.cleaned_data)
        else:
            form = ArticleImportForm()
        opts = self.model_admin.model._meta
        context = {
            **admin_site.each_context(request),
            "opts": opts,
            "title": "Import articles",
            "form": form,
            "report": report,
            "problems": report.problems[:PROBLEMS_SHOWN] if report else [],
            "skipped": report.skipped.most_common() if report else [],
            "max_upload": _megabytes(max_upload_bytes()),
        }
        return TemplateResponse(request, "admin/articles/article/import.html", context)

    def run(self, request, data):
        upload = data["file"]
        report = import_files(
            [ImportFile(name=upload.name, open=lambda: upload.open("rb"), format=data["format"])],
            outlet=data["outlet"].strip(),
            update=data["update"],
            dry_run=data["dry_run"],
            user=request.user,
        )
        level = messages.SUCCESS if report.ok else messages.WARNING
        self.model_admin.message_user(request, report.headline(), level)
        return report
