"""Forms of the workflow pages: a transition's comment, a section comment, the choice of two versions."""

from __future__ import annotations

from django import forms

from .catalogue import get_format
from .forms import TextField
from .models import ReportVersion
from .values import COMMENT_MAX
from .workflow import STALE_CONFIRMATION

# Per transition: the label of its comment field, whether it is required, and the button's words.
COMMENT_FIELDS = {
    "submit": ("提交说明（可不填）", False),
    "return": ("退回理由", True),
    "approve": ("审核意见（可不填）", False),
    "publish": ("发布说明（可不填）", False),
    "reopen": ("重新打开的理由", True),
}
BUTTONS = {
    "submit": "提交审核",
    "return": "退回修改",
    "approve": "审核通过",
    "publish": "公开发布",
    "reopen": "重新打开",
}


class TransitionForm(forms.Form):
    comment = TextField(widget=forms.Textarea(attrs={"rows": 3}), max_length=COMMENT_MAX, strip=True)

    def __init__(self, action: str, *args, correction: bool = False, open_comments: int = 0,
                 stamp: str = "", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.stamp = stamp
        if action == "publish":
            # Bound to the report as the confirmation page showed it (reports.workflow.publication_stamp):
            # a bare POST, or a confirmation of an older state, publishes nothing.
            self.fields["confirmed"] = forms.CharField(widget=forms.HiddenInput, required=False, initial=stamp)
        if action == "submit" and open_comments:
            # Submitting past the approver's comments is allowed, but never unawares.
            self.fields["confirm_open_comments"] = forms.BooleanField(
                label=f"仍然提交：还有 {open_comments} 条审核意见没有标为已处理",
                help_text="请先在各部分的编辑页处理审核意见并标为已处理；确有理由不改的，可在提交说明中写明。",
                error_messages={"required": f"还有 {open_comments} 条审核意见待处理：请先处理，或勾选“仍然提交”。"},
            )
        label, required = COMMENT_FIELDS[action]
        self.fields["comment"].label = label
        self.fields["comment"].required = required
        self.fields["comment"].error_messages["required"] = f"请填写{label}。"
        if action == "return":
            self.fields["comment"].help_text = "写明需要修改的地方；针对某一部分的意见也可以在该部分下方提出。"
        if correction:
            self.fields["correction_note"] = TextField(
                label="更正说明",
                widget=forms.Textarea(attrs={"rows": 3}),
                max_length=COMMENT_MAX,
                help_text="这份报告曾经发布过。更正说明与更正后的报告一同公开，原发布的版本保留不变。",
                error_messages={"required": "请填写更正说明：更正了什么，为什么更正。"},
            )


    def clean(self):
        data = super().clean()
        if "confirmed" in self.fields:
            given = data.get("confirmed") or ""
            if not given:
                self.add_error(None, forms.ValidationError(NOT_CONFIRMED, code="not_confirmed"))
            elif given != self.stamp:
                self.add_error(None, forms.ValidationError(STALE_CONFIRMATION, code="stale_confirmation"))
        return data

    def show_current_stamp(self) -> None:
        """After a refusal the page is shown again: its confirmation is for the report as it is now."""
        if self.is_bound and "confirmed" in self.fields:
            self.data = self.data.copy()
            self.data["confirmed"] = self.stamp


NOT_CONFIRMED = "没有发布：发布须在确认页上核对将要公开的内容后点“确认发布”。请核对本页上的内容后再确认。"


class SectionCommentForm(forms.Form):
    section = forms.ChoiceField(label="针对的部分", choices=[(s.code, s.heading) for s in get_format().sections])
    text = TextField(label="意见", widget=forms.Textarea(attrs={"rows": 2}), max_length=COMMENT_MAX,
                           error_messages={"required": "请填写意见内容。"})
    cell = forms.CharField(label="针对的单元格或段落（可不选）", required=False, max_length=100)


def version_label(v: ReportVersion) -> str:
    who = (v.created_by.get_full_name() or v.created_by.username) if v.created_by else "系统"
    what = v.get_kind_display()
    if v.section:
        what += f"（{v.get_section_display()}）"
    return f"第{v.number}版 · {what} · {who} · {v.created_at.astimezone():%Y-%m-%d %H:%M}"


class VersionPairForm(forms.Form):
    """Two version numbers of one report; numbers that do not exist are refused in Chinese."""

    old = forms.TypedChoiceField(label="从", coerce=int)
    new = forms.TypedChoiceField(label="到", coerce=int)

    def __init__(self, versions, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        choices = [(v.number, version_label(v)) for v in versions]
        for name in ("old", "new"):
            self.fields[name].choices = choices
            self.fields[name].error_messages["invalid_choice"] = "没有这个版本，请从列表中选择。"
