from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.db import models

from .forms import TextField
from .services import OVERVIEW_FIELDS, ensure_sections
from .values import clean_text, prose_total_error
from .models import (
    AccessEvent,
    Acknowledgement,
    ApplicationRow,
    ApplicationSection,
    Membership,
    Organisation,
    OtherMattersSection,
    OverviewSection,
    ProactiveSection,
    ProblemsSection,
    Publication,
    Report,
    ReportEvent,
    ReviewLitigationSection,
)


class CleanTextMixin:
    """Names and prose typed in the admin lose invisible control characters, as everywhere else
    (forms.TextField, values.clean_text); only plain text columns, never e-mail addresses or choices."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if type(db_field) in (models.CharField, models.TextField) and not db_field.choices:
            kwargs.setdefault("form_class", TextField)
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1
    autocomplete_fields = ["organisation"]


@admin.register(Organisation)
class OrganisationAdmin(CleanTextMixin, admin.ModelAdmin):
    list_display = ["name", "short_name", "kind", "parent"]
    list_filter = ["kind"]
    search_fields = ["name", "short_name"]
    autocomplete_fields = ["parent"]
    inlines = [MembershipInline]


User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class PersonAdmin(UserAdmin):
    inlines = [MembershipInline]


class _OneSection(CleanTextMixin, admin.StackedInline):
    extra = 0
    max_num = 1
    can_delete = False
    exclude = ["revision"]


class OverviewInline(_OneSection):
    model = OverviewSection


class ProactiveInline(_OneSection):
    model = ProactiveSection
    exclude = ["revision", "fees_10k_yuan_places"]


class ReviewLitigationInline(_OneSection):
    model = ReviewLitigationSection


class ProblemsInline(_OneSection):
    model = ProblemsSection


class OtherMattersInline(_OneSection):
    model = OtherMattersSection


# The prose the report's change page posts, by inline prefix (the sections' related names) and field.
_ADMIN_PROSE = {
    **{f"overview_{name}": ("overview", name) for name in OVERVIEW_FIELDS},
    "problems": ("problems", "text"),
    "other_matters": ("other_matters", "text"),
}


class ReportAdminForm(forms.ModelForm):
    """The report's own fields; clean() also holds the whole report's prose to PROSE_TOTAL_MAX, reading the
    sections' text as posted by the inlines on the same page (each inline checks only its own part)."""

    def clean(self):
        cleaned = super().clean()
        prose = self.instance.values().prose if self.instance.pk else {}
        prose["preface"] = cleaned.get("preface") or ""
        for name, (prefix, field) in _ADMIN_PROSE.items():
            posted = self.data.get(f"{prefix}-0-{field}")
            if posted is not None:
                prose[name] = clean_text(posted).strip()
        too_long = prose_total_error(prose)
        if too_long:
            raise forms.ValidationError(too_long, code="total_length")
        return cleaned


@admin.register(Report)
class ReportAdmin(CleanTextMixin, admin.ModelAdmin):
    form = ReportAdminForm
    list_display = ["organisation", "year", "status", "origin", "updated_at"]
    list_filter = ["year", "status", "origin", "organisation__kind"]
    search_fields = ["organisation__name"]
    autocomplete_fields = ["organisation"]
    # The state changes only through reports.workflow, which audits it.
    readonly_fields = ["status", "created_at", "updated_at"]
    inlines = [OverviewInline, ProactiveInline, ReviewLitigationInline, ProblemsInline, OtherMattersInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        ensure_sections(form.instance)


class ApplicationRowInline(admin.TabularInline):
    model = ApplicationRow
    extra = 0
    can_delete = False
    max_num = 0
    readonly_fields = ["row"]


@admin.register(ApplicationSection)
class ApplicationSectionAdmin(admin.ModelAdmin):
    """表三, one row record per entered row; its sums are derived and not shown here."""

    list_display = ["report", "revision", "updated_at"]
    search_fields = ["report__organisation__name"]
    readonly_fields = ["report", "revision"]
    inlines = [ApplicationRowInline]

    def has_add_permission(self, request):
        return False


class _ReadOnly(admin.ModelAdmin):
    """Audit rows are written by the application only: the admin may read them, never change them."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ReportEvent)
class ReportEventAdmin(_ReadOnly):
    list_display = ["at", "report", "action", "from_status", "to_status", "actor"]
    list_filter = ["action", "to_status"]
    search_fields = ["report__organisation__name", "actor__username", "comment"]


@admin.register(AccessEvent)
class AccessEventAdmin(_ReadOnly):
    list_display = ["at", "actor", "action", "detail"]
    list_filter = ["action"]
    search_fields = ["detail", "actor__username"]


@admin.register(Publication)
class PublicationAdmin(_ReadOnly):
    """Published files are frozen: the admin shows them and never changes them."""

    list_display = ["report", "number", "published_at", "published_by", "pdf_sha256"]
    search_fields = ["report__organisation__name", "correction_note"]
    exclude = ["html", "pdf", "data", "docx", "xlsx"]


@admin.register(Acknowledgement)
class AcknowledgementAdmin(_ReadOnly):
    list_display = ["report", "rule", "by", "at"]
    list_filter = ["rule"]
    search_fields = ["report__organisation__name", "explanation"]
