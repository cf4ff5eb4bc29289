"""Forms of the county office's organisation and user management (rendered with crispy-forms)."""

from __future__ import annotations

import re

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import UserCreationForm

from .forms import TextField
from .models import Membership, Organisation
from .permissions import subtree_ids, supervised_ids


def _subtree(manager, exclude: Organisation | None = None):
    ids = supervised_ids(manager)
    if exclude is not None and exclude.pk:
        ids -= subtree_ids([exclude])
    return Organisation.objects.filter(pk__in=ids).order_by("name")


class OrganisationForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["name", "short_name", "kind", "parent", "deadline_month_day"]
        field_classes = {"name": TextField, "short_name": TextField}

    def __init__(self, *args, manager, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = _subtree(manager, exclude=self.instance)
        self.fields["parent"].required = True
        self.fields["parent"].empty_label = None
        self.fields["parent"].error_messages["invalid_choice"] = "请从您管理的机关中选择上级机关。"

    def clean_deadline_month_day(self) -> str:
        """"1-31" as "01-31"; whether the date exists is the model field's validator's to say."""
        raw = self.cleaned_data["deadline_month_day"].strip()
        match = re.fullmatch(r"(\d{1,2})-(\d{1,2})", raw)
        return f"{int(match[1]):02d}-{int(match[2]):02d}" if match else raw


class UserCreateForm(UserCreationForm):
    first_name = TextField(label="姓名（显示名）", max_length=150, help_text="如：西村乡党政办 李干事")
    email = forms.EmailField(label="电子邮箱", required=False, help_text="用于接收审核、退回等通知。")
    organisation = forms.ModelChoiceField(label="机关", queryset=Organisation.objects.none())
    role = forms.ChoiceField(label="角色", choices=Membership.Role.choices)

    class Meta(UserCreationForm.Meta):
        model = get_user_model()
        fields = ["username", "first_name", "email"]

    def __init__(self, *args, manager, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = _subtree(manager)
        self.fields["organisation"].error_messages["invalid_choice"] = "请从您管理的机关中选择。"


class UserEditForm(forms.Form):
    first_name = TextField(label="姓名（显示名）", max_length=150, required=False)
    email = forms.EmailField(label="电子邮箱", required=False)
    is_active = forms.BooleanField(label="可以登录", required=False, help_text="取消勾选即停用账号，此人将不能登录。")


class GrantRoleForm(forms.Form):
    organisation = forms.ModelChoiceField(label="机关", queryset=Organisation.objects.none())
    role = forms.ChoiceField(label="角色", choices=Membership.Role.choices)

    def __init__(self, *args, manager, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = _subtree(manager)
        self.fields["organisation"].error_messages["invalid_choice"] = "请从您管理的机关中选择。"
