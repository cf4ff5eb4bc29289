"""The permission matrix: every role × every view and action × own, sibling and parent organisation.

Each row is written out by hand (not derived from reports.permissions), in the order of PERSONAS:
anonymous; drafter, approver, supervisor of the report's own organisation (西村乡); of a sibling
(郇封镇); of the parent (修武县). Tokens: a status code; `ok` = done and redirected to the report;
`state` = the role may do this, but not in this state: redirected with a message, nothing changed;
`login` = redirected to the login page.
"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction

from reports.models import Membership, Organisation, Report, RoleGrant, SectionComment

from .conftest import Kind, Role, make_org, make_user
from .workflow_support import complete_report, confirmation, set_status

pytestmark = pytest.mark.django_db
S = Report.Status
User = get_user_model()

PERSONAS = [
    "anonymous",
    "drafter@own", "approver@own", "supervisor@own",
    "drafter@sibling", "approver@sibling", "supervisor@sibling",
    "drafter@parent", "approver@parent", "supervisor@parent",
]

# name: (method, path after /reports/<id>/, state, POST data, expected per persona)
REPORT_CASES = {
    "detail of a draft": ("GET", "", S.DRAFT, None,
                          "404 200 200 200 404 404 404 404 404 200"),
    "document of a draft": ("GET", "document/", S.DRAFT, None,
                            "404 200 200 200 404 404 404 404 404 200"),
    "detail of a published report": ("GET", "", S.PUBLISHED, None,
                                     "200 200 200 200 200 200 200 200 200 200"),
    "document of a published report": ("GET", "document/", S.PUBLISHED, None,
                                       "200 200 200 200 200 200 200 200 200 200"),
    "versions of a draft": ("GET", "versions/", S.DRAFT, None,
                            "login 200 200 200 404 404 404 404 404 200"),
    "versions of a published report": ("GET", "versions/", S.PUBLISHED, None,
                                       "login 200 200 200 403 403 403 403 403 200"),
    "submit form": ("GET", "submit/", S.DRAFT, None,
                    "login 200 403 403 404 404 404 404 404 403"),
    "approve form": ("GET", "approve/", S.SUBMITTED, None,
                     "login 403 200 403 404 404 404 404 404 403"),
    "submit": ("POST", "submit/", S.DRAFT, {"comment": ""},
               "login ok 403 403 404 404 404 404 404 403"),
    "submit a submitted report": ("POST", "submit/", S.SUBMITTED, {"comment": ""},
                                  "login state 403 403 404 404 404 404 404 403"),
    "return a submitted report": ("POST", "return/", S.SUBMITTED, {"comment": "请修改"},
                                  "login 403 ok state 404 404 404 404 404 state"),
    "return an approved report": ("POST", "return/", S.APPROVED, {"comment": "请修改"},
                                  "login 403 state ok 404 404 404 404 404 ok"),
    "approve": ("POST", "approve/", S.SUBMITTED, {"comment": ""},
                "login 403 ok 403 404 404 404 404 404 403"),
    "publish": ("POST", "publish/", S.APPROVED, {"comment": ""},
                "login 403 403 ok 404 404 404 404 404 ok"),
    "publish a draft": ("POST", "publish/", S.DRAFT, {"comment": ""},
                        "login 403 403 state 404 404 404 404 404 state"),
    "reopen an approved report": ("POST", "reopen/", S.APPROVED, {"comment": "更正"},
                                  "login 403 ok ok 404 404 404 404 404 ok"),
    "reopen a published report": ("POST", "reopen/", S.PUBLISHED, {"comment": "更正"},
                                  "login 403 state ok 403 403 403 403 403 ok"),
    "comment on a submitted report": ("POST", "comments/", S.SUBMITTED, {"section": "problems", "text": "意见"},
                                      "login 403 ok ok 404 404 404 404 404 ok"),
    "comment on a published report": ("POST", "comments/", S.PUBLISHED, {"section": "problems", "text": "意见"},
                                      "login 403 400 400 403 403 403 403 403 400"),  # the text is shown again
    "resolve a comment": ("POST", "comments/{comment}/resolve/", S.RETURNED, {},
                          "login ok 403 403 404 404 404 404 404 403"),
}

TARGET = {"submit/": S.SUBMITTED, "return/": S.RETURNED, "approve/": S.APPROVED, "publish/": S.PUBLISHED,
          "reopen/": S.DRAFT}


@pytest.fixture
def orgs(db) -> dict[str, Organisation]:
    parent = make_org("修武县人民政府", Kind.COUNTY_GOV, short_name="修武县")
    return {
        "parent": parent,
        "own": make_org("西村乡人民政府", Kind.TOWNSHIP_GOV, parent=parent, short_name="西村乡"),
        "sibling": make_org("郇封镇人民政府", Kind.TOWNSHIP_GOV, parent=parent, short_name="郇封镇"),
    }


def act_as(client, persona: str, orgs) -> None:
    client.logout()
    if persona != "anonymous":
        role, where = persona.split("@")
        client.force_login(make_user(f"actor_{role}_{where}", orgs[where], role))


def each_persona(table_row: str):
    """Every persona with its expected outcome, each inside a savepoint rolled back afterwards.

    One report per case instead of one per persona keeps the matrix quick; the rollback gives every
    persona the same starting point.
    """
    for persona, expected in zip(PERSONAS, table_row.split(), strict=True):
        with transaction.atomic():
            yield persona, expected
            transaction.set_rollback(True)


def outcome(response, report_id: int | None = None) -> str:
    """The response as a token of the table."""
    if response.status_code == 302:
        location = response["Location"]
        if location.startswith("/accounts/login/"):
            return "login"
        if report_id is not None and location.startswith(f"/reports/{report_id}/"):
            return "redirect"
        return "302"
    return str(response.status_code)


@pytest.mark.parametrize("name", REPORT_CASES)
def test_report_matrix(client, orgs, name):
    method, suffix, state, data, row = REPORT_CASES[name]
    report = set_status(complete_report(orgs["own"]), state)
    comment = None
    if "{comment}" in suffix:
        author = make_user("reviewer", orgs["own"], Role.APPROVER)
        comment = SectionComment.objects.create(report=report, section="problems", author=author, text="请补充")
        suffix = suffix.format(comment=comment.pk)
    url = f"/reports/{report.pk}/{suffix}"
    if suffix == "publish/":
        data = {**data, **confirmation(report)}  # what the confirmation page sends
    wrong = []
    for persona, expected in each_persona(row):
        act_as(client, persona, orgs)
        response = client.get(url) if method == "GET" else client.post(url, data)
        got = outcome(response, report.pk)
        after = Report.objects.get(pk=report.pk)
        if suffix in TARGET:
            done = after.status == TARGET[suffix] and report.events.exists()
            unchanged = after.status == state and not report.events.exists()
        elif suffix == "comments/":
            done = report.section_comments.exists()
            unchanged = not done
        elif comment is not None:
            comment.refresh_from_db()
            done, unchanged = comment.is_resolved, not comment.is_resolved
        else:
            done, unchanged = False, after.status == state
        if got == "redirect":
            got = "ok" if done else "state" if unchanged else "redirect"
        elif not unchanged:
            got += " (and it changed the report)"
        if got != expected:
            wrong.append(f"{persona}: expected {expected}, got {got}")
    assert not wrong, "\n".join(wrong)


# ---------------------------------------------------------------- organisation and user management

# name: (method, path, POST data (with {own} for the township's id), expected per persona)
MANAGE_CASES = {
    "management home": ("GET", "/manage/", None,
                        "login 403 403 200 403 403 200 403 403 200"),
    "edit form of 西村乡": ("GET", "/manage/organisations/{own}/", None,
                          "login 403 403 403 403 403 404 403 403 200"),
    "edit 西村乡": ("POST", "/manage/organisations/{own}/",
                  {"name": "西村乡人民政府", "short_name": "西村", "kind": Kind.TOWNSHIP_GOV, "parent": "{parent}",
                   "deadline_month_day": "01-31"},
                  "login 403 403 403 403 403 404 403 403 302"),
    "new organisation under 西村乡": ("POST", "/manage/organisations/new/",
                                  {"name": "西村乡某村委会", "kind": Kind.OTHER, "parent": "{own}",
                                   "deadline_month_day": "01-31"},
                                  "login 403 403 302 403 403 400 403 403 302"),
    "new user in 西村乡": ("POST", "/manage/users/new/",
                        {"username": "newbie", "first_name": "新人", "password1": "Xicun-2026-spring",
                         "password2": "Xicun-2026-spring", "organisation": "{own}", "role": Role.DRAFTER},
                        "login 403 403 302 403 403 400 403 403 302"),
    "a person of 西村乡": ("GET", "/manage/users/{target}/", None,
                        "login 403 403 200 403 403 404 403 403 200"),
    "grant a role in 西村乡": ("POST", "/manage/users/{target}/roles/",
                           {"organisation": "{own}", "role": Role.APPROVER},
                           "login 403 403 302 403 403 404 403 403 302"),
    "revoke a role in 西村乡": ("POST", "/manage/users/{target}/roles/{membership}/revoke/", {},
                            "login 403 403 302 403 403 404 403 403 302"),
    "reset a password in 西村乡": ("POST", "/manage/users/{target}/password/",
                               {"new_password1": "Xicun-2026-spring", "new_password2": "Xicun-2026-spring"},
                               "login 403 403 302 403 403 404 403 403 302"),
    "inbox": ("GET", "/inbox/", None,
              "login 200 200 200 200 200 200 200 200 200"),
}


@pytest.mark.parametrize("name", MANAGE_CASES)
def test_management_matrix(client, orgs, name):
    method, path, data, row = MANAGE_CASES[name]
    target = make_user("target", orgs["own"], Role.DRAFTER)
    # A second role to revoke: a drafter's below 西村乡 (an approver's or supervisor's account would be out of
    # the office's reach for a password reset: test_separate_accounts.py).
    village = Organisation.objects.create(name="西村乡东村", kind=Kind.OTHER, parent=orgs["own"])
    membership = Membership.objects.create(user=target, organisation=village, role=Role.DRAFTER)
    ids = {"own": orgs["own"].pk, "parent": orgs["parent"].pk, "target": target.pk, "membership": membership.pk}
    path = path.format(**ids)
    data = {k: v.format(**ids) if isinstance(v, str) else v for k, v in (data or {}).items()}
    wrong = []
    for persona, expected in each_persona(row):
        act_as(client, persona, orgs)
        response = client.get(path) if method == "GET" else client.post(path, data)
        got = outcome(response)
        unchanged = (
            not Organisation.objects.filter(name="西村乡某村委会").exists()
            and not Membership.objects.filter(user=target, role=Role.APPROVER).exists()
            and not RoleGrant.objects.filter(user=target).exists()
            and Membership.objects.filter(pk=membership.pk).exists()
            and Organisation.objects.get(pk=orgs["own"].pk).short_name == "西村乡"
            and not User.objects.filter(username="newbie").exists()
            and User.objects.get(pk=target.pk).password == target.password
        )
        if method == "POST" and got == "302" and unchanged:
            got = "302 (but nothing changed)"
        elif got != "302" and not unchanged:
            got += " (and it changed something)"
        if got != expected:
            wrong.append(f"{persona}: expected {expected}, got {got}")
    assert not wrong, "\n".join(wrong)
