from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.html import format_html_join
from django.db import models

from .accounts import password_set_by_other
from .forms import TextField
from .organisations import confirm_grant
from .permissions import EDITABLE_STATES
from .services import ensure_sections
from .writing import How, WriteRefused, writing
from .models import (
    AccessEvent,
    Acknowledgement,
    ApplicationRow,
    ApplicationSection,
    BackgroundJob,
    Membership,
    Organisation,
    OtherMattersSection,
    OverviewSection,
    ProblemsSection,
    Publication,
    Report,
    ReportEvent,
    ReviewLitigationSection,
    RoleGrant,
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

    # A password the administrator types is the administrator's: the owner sets their own at first login.
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change and obj.pk != request.user.pk:
            password_set_by_other(obj)

    def user_change_password(self, request, id, form_url=""):
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302 and str(id) != str(request.user.pk):
            password_set_by_other(User.objects.get(pk=id))
        return response


@admin.register(RoleGrant)
class RoleGrantAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "role", "granted_by", "granted_at"]
    list_filter = ["role"]
    actions = ["confirm"]

    @admin.action(description="确认所选的授权")
    def confirm(self, request, queryset):
        for grant in queryset:
            try:
                confirm_grant(grant, by=request.user)
            except ValidationError as exc:
                self.message_user(request, f"{grant}：{''.join(exc.messages)}", messages.ERROR)
            else:
                self.message_user(request, f"已确认：{grant.user} · {grant.organisation} · {grant.get_role_display()}")


class _OneSection(CleanTextMixin, admin.StackedInline):
    """A section of a report, shown read-only: report data change only through reports.writing (the editor,
    imports, the commands), which lock the report, refuse a locked one and keep a version."""

    extra = 0
    max_num = 1
    can_delete = False
    exclude = ["revision"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class OverviewInline(_OneSection):
    model = OverviewSection


class ReviewLitigationInline(_OneSection):
    model = ReviewLitigationSection


class ProblemsInline(_OneSection):
    model = ProblemsSection


class OtherMattersInline(_OneSection):
    model = OtherMattersSection


# The report's own data; like the sections, they are changed in the editor, never here.
REPORT_DATA_FIELDS = ["format_version", "preface", "signature_name", "signature_date", "printed_totals"]


@admin.register(Report)
class ReportAdmin(CleanTextMixin, admin.ModelAdmin):
    list_display = ["organisation", "year", "status", "origin", "updated_at"]
    list_filter = ["year", "status", "origin", "organisation__kind"]
    search_fields = ["organisation__name"]
    autocomplete_fields = ["organisation"]
    # The state changes only through reports.workflow, which audits it; the data only through the editor.
    readonly_fields = ["status", "created_at", "updated_at", *REPORT_DATA_FIELDS, "table2"]
    inlines = [OverviewInline, ReviewLitigationInline, ProblemsInline, OtherMattersInline]

    @admin.display(description="二、主动公开政府信息情况（表二）")
    def table2(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        values = obj.values()
        return format_html_join(
            "", "<div>{}：{}</div>", ((c.name, "空" if values.get(c.key) is None else values.get(c.key))
                                     for c in values.format.table2.cells))

    def has_change_permission(self, request, obj=None):
        # An approved or published report is locked on every path, the admin's included.
        if obj is not None and obj.status not in EDITABLE_STATES:
            return False
        return super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        if not change:
            super().save_model(request, obj, form, change)
            return
        try:
            with writing(obj, by=request.user, how=How.ADMIN):
                super().save_model(request, obj, form, change)
        except WriteRefused as exc:
            raise PermissionDenied(str(exc)) from None

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        ensure_sections(form.instance)


class ApplicationRowInline(admin.TabularInline):
    model = ApplicationRow
    extra = 0
    can_delete = False
    max_num = 0

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ApplicationSection)
class ApplicationSectionAdmin(admin.ModelAdmin):
    """表三, one row record per entered row, read-only (the editor writes it); its sums are derived."""

    list_display = ["report", "revision", "updated_at"]
    search_fields = ["report__organisation__name"]
    inlines = [ApplicationRowInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
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


@admin.register(BackgroundJob)
class BackgroundJobAdmin(_ReadOnly):
    """Background tasks and how far they got: for finding a stuck or failed one (`purge_jobs` clears old rows)."""

    list_display = ["pk", "kind", "status", "user", "report", "done", "total", "created_at", "finished_at"]
    list_filter = ["kind", "status"]
    search_fields = ["user__username", "report__organisation__name", "error"]
    list_select_related = ["user", "report__organisation"]
    exclude = ["params", "result"]  # a bulk import's previews and signed tokens: large, and not for reading
