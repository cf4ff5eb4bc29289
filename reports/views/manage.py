"""The county office's pages for the organisations and people of its subtree."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from ..manage_forms import GrantRoleForm, OrganisationForm, UserCreateForm, UserEditForm
from ..models import AccessEvent, Membership, Organisation, RoleGrant
from ..organisations import (
    confirm_grant,
    confirmation_refusal,
    create_user,
    grant_role,
    revoke_role,
    save_organisation,
    set_password,
    update_user,
    withdraw_grant,
)
from ..permissions import (
    editable_organisation_ids,
    fully_managed,
    get_organisation_for_manager,
    get_user_for_manager,
    require_supervisor,
)


def _tree(ids: set[int]) -> list[tuple[int, Organisation]]:
    """The organisations as an indented list: (depth, organisation), each parent before its children."""
    orgs = {o.pk: o for o in Organisation.objects.filter(pk__in=ids).prefetch_related(
        "memberships__user", "pending_grants__user")}
    children: dict[int | None, list[Organisation]] = {}
    for o in orgs.values():
        children.setdefault(o.parent_id if o.parent_id in orgs else None, []).append(o)
    out: list[tuple[int, Organisation]] = []

    def walk(parent: int | None, depth: int) -> None:
        for o in sorted(children.get(parent, []), key=lambda o: o.name):
            out.append((depth, o))
            walk(o.pk, depth + 1)

    walk(None, 0)
    return out


@login_required
def home(request):
    ids = require_supervisor(request.user)
    context = {
        "tree": _tree(ids),
        "editable": editable_organisation_ids(request.user),
        "pending": _pending(request.user, RoleGrant.objects.filter(organisation_id__in=ids)),
        "log": AccessEvent.objects.filter(organisation_id__in=ids).select_related("actor")[:20],
    }
    return render(request, "manage/home.html", context)


def _pending(user, grants) -> list[tuple[RoleGrant, str]]:
    """Pending grants, each with why this user may not confirm it ("" when they may)."""
    grants = grants.select_related("user", "organisation", "granted_by")
    return [(g, confirmation_refusal(g, user)) for g in grants]


def _parent_from_query(request) -> int | None:
    try:
        return int(request.GET.get("parent", ""))
    except ValueError:
        return None


@login_required
def organisation_new(request):
    require_supervisor(request.user)
    form = OrganisationForm(request.POST if request.method == "POST" else None, manager=request.user,
                            initial={"parent": _parent_from_query(request)})
    return _save_organisation(request, form, "新建机关")


@login_required
def organisation_edit(request, organisation_id: int):
    organisation = get_organisation_for_manager(request.user, organisation_id, edit=True)
    form = OrganisationForm(request.POST if request.method == "POST" else None, instance=organisation,
                            manager=request.user)
    return _save_organisation(request, form, f"修改机关：{organisation.name}")


def _save_organisation(request, form, title: str):
    if request.method == "POST" and form.is_valid():
        try:
            organisation = save_organisation(form.save(commit=False), by=request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"已保存机关“{organisation.name}”。")
            return redirect("manage_home")
    status = 400 if request.method == "POST" else 200
    return render(request, "manage/form.html", {"form": form, "title": title}, status=status)


@login_required
def user_new(request):
    require_supervisor(request.user)
    initial = {"organisation": request.GET.get("organisation", "")}
    form = UserCreateForm(request.POST if request.method == "POST" else None, manager=request.user,
                          initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        person = create_user(by=request.user, username=data["username"], password=data["password1"],
                             organisation=data["organisation"], role=data["role"], first_name=data["first_name"],
                             email=data["email"])
        text = f"已新建用户“{person.username}”。请把初始密码当面告诉本人：本人首次登录时须改为自己的密码。"
        if person.pending_grants.exists():
            text += "审核人、主管部门的角色须由另一位主管部门人员或系统管理员在本人修改密码后确认，才生效。"
        messages.success(request, text)
        return redirect("manage_user", person.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "manage/form.html", {"form": form, "title": "新建用户"}, status=status)


def _user_page(request, person, *, edit_form=None, grant_form=None, password_form=None, status=200):
    managed = fully_managed(request.user, person)
    ids = require_supervisor(request.user)
    context = {
        "person": person,
        "managed": managed,
        "memberships": Membership.objects.filter(user=person).select_related("organisation"),
        "pending": _pending(request.user, RoleGrant.objects.filter(user=person)),
        "in_scope": ids,
        "edit_form": edit_form or UserEditForm(initial={"first_name": person.first_name, "email": person.email,
                                                        "is_active": person.is_active}),
        "grant_form": grant_form or GrantRoleForm(manager=request.user),
        "password_form": password_form or SetPasswordForm(person),
    }
    return render(request, "manage/user.html", context, status=status)


@login_required
def user_detail(request, user_id: int):
    person = get_user_for_manager(request.user, user_id)
    if request.method != "POST":
        return _user_page(request, person)
    form = UserEditForm(request.POST)
    if not form.is_valid():
        return _user_page(request, person, edit_form=form, status=400)
    try:
        update_user(person, by=request.user, **form.cleaned_data)
    except ValidationError as exc:
        form.add_error(None, exc)
        return _user_page(request, person, edit_form=form, status=400)
    messages.success(request, "已保存。")
    return redirect("manage_user", person.pk)


@login_required
@require_POST
def user_password(request, user_id: int):
    person = get_user_for_manager(request.user, user_id)
    form = SetPasswordForm(person, request.POST)
    if not form.is_valid():
        return _user_page(request, person, password_form=form, status=400)
    try:
        set_password(person, by=request.user, password=form.cleaned_data["new_password1"])
    except ValidationError as exc:
        form.add_error(None, exc)
        return _user_page(request, person, password_form=form, status=400)
    messages.success(request, "已重设密码。请把新密码当面告诉本人：本人下次登录时须改为自己的密码。")
    return redirect("manage_user", person.pk)


@login_required
@require_POST
def user_grant(request, user_id: int):
    person = get_user_for_manager(request.user, user_id)
    form = GrantRoleForm(request.POST, manager=request.user)
    if form.is_valid():
        try:
            granted = grant_role(person, form.cleaned_data["organisation"], form.cleaned_data["role"],
                                 by=request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
    if form.errors:
        return _user_page(request, person, grant_form=form, status=400)
    if isinstance(granted, RoleGrant):
        messages.success(request, f"已授予{granted.get_role_display()}角色，待确认：须由另一位主管部门人员"
                                  "或系统管理员确认后才生效。")
    else:
        messages.success(request, "已授予角色。")
    return redirect("manage_user", person.pk)


@login_required
@require_POST
def user_revoke(request, user_id: int, membership_id: int):
    person = get_user_for_manager(request.user, user_id)
    ids = require_supervisor(request.user)
    try:
        membership = Membership.objects.get(pk=membership_id, user=person, organisation_id__in=ids)
    except Membership.DoesNotExist:
        raise Http404("没有找到这个角色。") from None
    try:
        revoke_role(membership, by=request.user)
    except ValidationError as exc:
        messages.error(request, "".join(exc.messages))
    else:
        messages.success(request, "已撤销角色。")
    return redirect("manage_user", person.pk)


def _grant_for(request, grant_id: int) -> RoleGrant:
    ids = require_supervisor(request.user)
    try:
        return RoleGrant.objects.select_related("user", "organisation").get(pk=grant_id, organisation_id__in=ids)
    except RoleGrant.DoesNotExist:
        raise Http404("没有找到这项待确认的授权，它可能已被确认或撤回。") from None


@login_required
@require_POST
def grant_confirm(request, grant_id: int):
    grant = _grant_for(request, grant_id)
    try:
        confirm_grant(grant, by=request.user)
    except ValidationError as exc:
        messages.error(request, "".join(exc.messages))
    else:
        messages.success(request, f"已确认：“{grant.user.get_full_name() or grant.user.username}”"
                                  f"成为{grant.organisation}的{grant.get_role_display()}。")
    return redirect("manage_home")


@login_required
@require_POST
def grant_withdraw(request, grant_id: int):
    grant = _grant_for(request, grant_id)
    withdraw_grant(grant, by=request.user)
    messages.success(request, "已撤回这项授权。")
    return redirect("manage_home")
