"""Every page of the site (the URLconf walked) opened with hostile ids, path segments and query strings.

Never a 500, and a GET never changes anything.
"""

from __future__ import annotations

from urllib.parse import quote

import pytest
from hypothesis import event, given
from hypothesis import strategies as st

from reports.models import BackgroundJob, JobFile, Membership, Report, RoleGrant, SectionComment
from reports.workflow import publish

from .hostile_support import concrete_url, hostile_text, logged_in, routes, snapshot, wrong_key
from .properties import examples
from .workflow_support import complete_report, set_status

pytestmark = pytest.mark.django_db

QUERY_KEYS = ["state", "kind", "sort", "page", "overdue", "key", "org", "old", "new", "year", "next", "parent",
              "organisation", "seq", "q", "o", "p", "_changelist_filters", "all", "e"]


@pytest.fixture
def candidates(report, township, sibling, county, drafter, approver, county_officer):
    """Real values for every route parameter: a draft, a published report, another organisation's."""
    published = complete_report(township, 2022)
    set_status(published, Report.Status.APPROVED)
    publish(published, by=county_officer)
    comment = SectionComment.objects.create(report=report, section="problems", author=approver, text="请补充")
    return {
        "report_id": [report.pk, published.pk, complete_report(sibling).pk],
        "section": ["overview", "applications", "problems"],
        "comment_id": [comment.pk],
        "organisation_id": [township.pk, county.pk, sibling.pk],
        "user_id": [drafter.pk, county_officer.pk],
        "membership_id": [Membership.objects.get(user=drafter).pk],
        "org_id": [county.pk, township.pk],
        "year": [2022, 2023],
        "number": [1, 2],
        "org_key": ["西村乡", "西村乡人民政府", "修武县"],
        "object_id": [report.pk, township.pk, drafter.pk],
        "content_type_id": [1],
        "id": [drafter.pk],
        "uidb64": ["MQ"],
        "token": ["set-password"],
        "grant_id": [RoleGrant.objects.create(user=drafter, organisation=sibling, role=Membership.Role.APPROVER,
                                              granted_by=county_officer).pk],
        # A failed publication of the drafter's (retry is offered) and a county officer's running bulk import.
        "job_id": [BackgroundJob.objects.create(kind=BackgroundJob.Kind.PUBLISH, user=drafter, report=report,
                                                status=BackgroundJob.Status.FAILED, error="渲染失败").pk,
                   BackgroundJob.objects.create(kind=BackgroundJob.Kind.BULK_IMPORT, user=county_officer,
                                                status=BackgroundJob.Status.RUNNING, done=1, total=3).pk,
                   county_export(county, county_officer)],
    }


def county_export(county, officer) -> int:
    """A county officer's finished consolidated .xlsx, so that the walk reaches the job's file route."""
    job = BackgroundJob.objects.create(kind=BackgroundJob.Kind.COUNTY_XLSX, user=officer,
                                       status=BackgroundJob.Status.DONE, done=3, total=3,
                                       params={"root": county.pk, "year": 2023}, result={"name": "汇总表.xlsx"})
    JobFile.objects.create(job=job, position=0, name="汇总表.xlsx", content=b"PK\x03\x04")
    return job.pk


# Where database integers end: SQLite raises OverflowError past 2⁶³ − 1, PostgreSQL's smallint ends at 32767.
BOUNDARIES = [2**15 - 1, 2**15, 2**31, 2**63 - 1, 2**63, 2**64, 10**18]


@st.composite
def url(draw, candidates: dict[str, list]) -> str:
    everything = [r for r, _name in routes()]
    ours = [r for r in everything if not r.startswith("admin/")]  # the admin's 70 routes would crowd ours out
    route = draw(st.one_of(st.sampled_from(ours), st.sampled_from(ours), st.sampled_from(everything)))
    values = {}
    for name, choices in candidates.items():
        real = st.sampled_from(choices)
        if isinstance(choices[0], int):
            values[name] = draw(st.one_of(real, real, st.integers(0, 10**30), st.sampled_from(BOUNDARIES)))
        else:
            values[name] = draw(st.one_of(real, real, hostile_text().filter(bool).map(lambda s: quote(s, safe=""))))
    return concrete_url(route, values)


@examples(80)
@given(data=st.data())
def test_every_page_answers_hostile_ids_and_query_strings_without_a_500_or_a_change(
        data, candidates, drafter, approver, county_officer, outsider):
    user = data.draw(st.sampled_from([None, drafter, approver, county_officer, outsider]))
    target = data.draw(url(candidates))
    params = data.draw(st.dictionaries(st.one_of(st.sampled_from(QUERY_KEYS), wrong_key()),
                                       st.one_of(hostile_text(), st.lists(hostile_text(), min_size=2, max_size=3)),
                                       max_size=4))
    client = logged_in(user)
    before = snapshot()
    response = client.get(target, params)
    assert response.status_code < 500, target
    event(f"HTTP {response.status_code}")
    assert snapshot() == before


@pytest.mark.parametrize("path", ["/gongkai/%00/", "/gongkai/%00/2023/", "/gongkai/a%00b/", "/reports/1/edit/%00/",
                                  "/county/1/2023/tables/cell/?key=%00", "/export/reports.xlsx?year=%C2%B2",
                                  "/export/reports.xlsx?year=%EF%BC%92%EF%BC%90%EF%BC%92%EF%BC%93",
                                  f"/reports/{10**30}/", f"/reports/{2**63}/", f"/gongkai/{2**63}/2022/",
                                  f"/gongkai/{2**63}/", f"/gongkai/1/{2**63}/", "/gongkai/1/99999/",
                                  f"/county/{2**63}/2023/", f"/county/1/{2**15}/tables/",
                                  f"/gongkai/1/2023/v{2**63}.pdf", f"/manage/users/{2**63}/"])
def test_nul_bytes_and_odd_digits_in_a_url_are_a_4xx(path, client, county_officer):
    client.force_login(county_officer)
    assert 400 <= client.get(path).status_code < 500
