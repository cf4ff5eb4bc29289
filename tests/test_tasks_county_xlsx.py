"""A large subtree's consolidated .xlsx made by a task (in-process here; by a real worker in
tests/test_tasks_worker.py): above GKPORTAL_COUNTY_XLSX_TASK_ABOVE organisations the tables page starts a job,
the job page offers the file to its starter only, the same file as the direct download."""

from __future__ import annotations

import datetime

import io
import re
import zipfile
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time
from openpyxl import load_workbook

from reports import tasks
from reports.models import BackgroundJob, JobFile, Membership, Report
from reports.views.jobs import BackgroundJobCrashed

from .conftest import Kind, Role, complete_values, make_org, make_report, make_user

pytestmark = pytest.mark.django_db
Job = BackgroundJob
Status = Report.Status
YEAR = 2023
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def subtree(county, township, sibling):
    """Two counted reports, a draft left out, an organisation with none: four organisations below the county."""
    make_report(township, YEAR, complete_values(), status=Status.APPROVED)
    make_report(sibling, YEAR, complete_values(), status=Status.PUBLISHED)
    make_report(make_org("城关镇人民政府", parent=county), YEAR, complete_values(), status=Status.DRAFT)
    make_org("王屯乡人民政府", parent=county)
    return county


@pytest.fixture
def large(settings):
    settings.GKPORTAL_COUNTY_XLSX_TASK_ABOVE = 3  # the county's 4 organisations are "many"


def tables(client, root) -> str:
    return client.get(reverse("county_tables", args=[root.pk, YEAR])).content.decode()


def start_job(client, root) -> Job:
    response = client.post(reverse("county_tables_xlsx_job", args=[root.pk, YEAR]))
    job = Job.objects.filter(kind=Job.Kind.COUNTY_XLSX).latest("pk")
    assert response.status_code == 302 and response["Location"] == reverse("job_status", args=[job.pk])
    return job


def members(data: bytes) -> dict[str, bytes]:
    """The .xlsx's parts, by name: what is in the file."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {info.filename: z.read(info) for info in z.infolist()}


def cells(data: bytes) -> dict:
    """Every sheet's values, the 生成时间 (to the minute) blanked: what a reader of the file sees."""
    book = load_workbook(io.BytesIO(data))
    return {ws.title: [[re.sub(r"生成时间：[-\d :]+", "生成时间：", v) if isinstance(v, str) else v for v in row]
                       for row in ws.iter_rows(values_only=True)] for ws in book.worksheets}


def test_a_county_below_the_threshold_keeps_its_direct_download(client, subtree, county_officer):
    client.force_login(county_officer)
    page = tables(client, subtree)
    assert reverse("county_tables_xlsx", args=[subtree.pk, YEAR]) in page
    assert reverse("county_tables_xlsx_job", args=[subtree.pk, YEAR]) not in page
    assert not Job.objects.exists()


def test_above_the_threshold_the_download_is_a_job_whose_file_is_the_direct_downloads(
        client, subtree, county_officer, large):
    client.force_login(county_officer)
    page = tables(client, subtree)
    assert f'action="{reverse("county_tables_xlsx_job", args=[subtree.pk, YEAR])}"' in page
    assert "在后台生成" in page
    with freeze_time(timezone.now()):
        job = start_job(client, subtree)
        direct = client.get(reverse("county_tables_xlsx", args=[subtree.pk, YEAR]))
    job.refresh_from_db()
    assert (job.status, job.user, job.done, job.total, job.attempts) == (Job.Status.DONE, county_officer, 3, 3, 1)
    assert job.params == {"root": subtree.pk, "year": YEAR, "name": subtree.display_name}
    page = client.get(reverse("job_status", args=[job.pk])).content.decode()
    url = reverse("job_file", args=[job.pk])
    assert "汇总表导出：修武县2023年度" in page and "完成。汇总表已生成。" in page and url in page
    assert "约 30 天" in page and reverse("county_tables", args=[subtree.pk, YEAR]) in page
    assert 'http-equiv="refresh"' not in page
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == XLSX == direct["Content-Type"]
    assert response["Content-Disposition"] == direct["Content-Disposition"]
    assert "attachment" in response["Content-Disposition"] and ".xlsx" in response["Content-Disposition"]
    # Every part of the file the same, for the same data at the same time (the zip's own timestamps of the sheets
    # come from openpyxl's temporary files, so two makings of one file differ there by the second).
    assert members(response.content) == members(direct.content)
    assert cells(response.content)["表三 依申请公开"] and cells(response.content) == cells(direct.content)


def test_the_file_is_for_its_starter_only_and_while_they_still_supervise(
        client, subtree, county_officer, drafter, outsider, large):
    client.force_login(county_officer)
    job = start_job(client, subtree)
    url = reverse("job_file", args=[job.pk])
    other_officer = make_user("officer2", subtree, Role.SUPERVISOR)
    admin = make_user("admin", is_superuser=True, is_staff=True)
    for user in (drafter, outsider, other_officer, admin):
        client.force_login(user)
        assert client.get(url).status_code == 404, user
    client.force_login(admin)  # a superuser reads any job's page, but is not offered another's file
    page = client.get(reverse("job_status", args=[job.pk])).content.decode()
    assert "完成" in page and url not in page
    client.force_login(other_officer)
    assert client.get(reverse("job_status", args=[job.pk])).status_code == 404
    client.force_login(county_officer)
    assert client.get(url).status_code == 200
    assert client.get(reverse("job_file", args=[job.pk + 1000])).status_code == 404
    Membership.objects.filter(user=county_officer).delete()  # the role withdrawn: the file goes with it
    assert client.get(url).status_code == 404


def test_only_a_supervisor_of_the_root_starts_it_and_only_by_post(client, subtree, township, county_officer,
                                                                 drafter, large):
    client.force_login(drafter)
    assert client.post(reverse("county_tables_xlsx_job", args=[subtree.pk, YEAR])).status_code == 403
    client.force_login(county_officer)
    assert client.get(reverse("county_tables_xlsx_job", args=[subtree.pk, YEAR])).status_code == 405
    other = make_org("博爱县人民政府", Kind.COUNTY_GOV)
    assert client.post(reverse("county_tables_xlsx_job", args=[other.pk, YEAR])).status_code == 403
    assert not Job.objects.exists()


def test_a_failed_export_says_so_and_a_retry_regenerates_the_file(client, subtree, county_officer, large,
                                                                  monkeypatch):
    client.force_login(county_officer)

    def boom(c):
        raise RuntimeError("the writer crashed")

    monkeypatch.setattr(tasks, "consolidated_workbook", boom)
    with pytest.raises(BackgroundJobCrashed):  # in-process, the request fails as a direct download would have
        client.post(reverse("county_tables_xlsx_job", args=[subtree.pk, YEAR]))
    job = Job.objects.get(kind=Job.Kind.COUNTY_XLSX)
    assert job.status == Job.Status.FAILED and not JobFile.objects.filter(job=job).exists()
    page = client.get(reverse("job_status", args=[job.pk])).content.decode()
    assert "失败：后台任务出错" in page and "重试" in page and reverse("job_file", args=[job.pk]) not in page
    assert reverse("county_tables", args=[subtree.pk, YEAR]) in page
    assert client.get(reverse("job_file", args=[job.pk])).status_code == 404

    monkeypatch.undo()
    assert client.post(reverse("job_retry", args=[job.pk])).status_code == 302
    job.refresh_from_db()
    assert (job.status, job.attempts) == (Job.Status.DONE, 2)
    first = client.get(reverse("job_file", args=[job.pk])).content
    assert cells(first)["汇总范围"]

    # A retry of a done job is refused; a stalled one (worker killed) regenerates from the data as it is now.
    report = Report.objects.get(organisation__name="城关镇人民政府")
    Report.objects.filter(pk=report.pk).update(status=Status.APPROVED)
    Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING)
    settings_stale(job)
    assert client.post(reverse("job_retry", args=[job.pk])).status_code == 302
    assert JobFile.objects.filter(job=job).count() == 1
    again = client.get(reverse("job_file", args=[job.pk])).content
    assert cells(again) != cells(first)
    with freeze_time(timezone.now()):
        Job.objects.filter(pk=job.pk).update(status=Job.Status.FAILED)
        client.post(reverse("job_retry", args=[job.pk]))
        assert (members(client.get(reverse("job_file", args=[job.pk])).content)
                == members(client.get(reverse("county_tables_xlsx", args=[subtree.pk, YEAR])).content))


def settings_stale(job: Job) -> None:
    """As if the job's worker had died a day ago (stalled, not yet old enough to be deleted: models.jobs.KEPT_DAYS)."""
    Job.objects.filter(pk=job.pk).update(updated_at=job.created_at - datetime.timedelta(days=1))


def test_a_running_export_shows_its_steps(client, subtree, county_officer):
    client.force_login(county_officer)
    job = tasks.create_county_xlsx_job(county_officer, subtree, YEAR)
    Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING, done=2, total=3, step="生成 Excel 文件（4 个机关）")
    page = client.get(reverse("job_status", args=[job.pk])).content.decode()
    assert "第 2 步，共 3 步：生成 Excel 文件（4 个机关）" in page and 'http-equiv="refresh"' in page
    assert reverse("job_file", args=[job.pk]) not in page
    assert client.get(reverse("job_file", args=[job.pk])).status_code == 404  # not ready


def test_a_job_for_a_deleted_organisation_or_a_withdrawn_role_fails_with_the_reason(
        client, subtree, county_officer, large):
    client.force_login(county_officer)
    job = tasks.create_county_xlsx_job(county_officer, subtree, YEAR)
    Membership.objects.filter(user=county_officer).delete()
    job = tasks.start(job)
    assert job.status == Job.Status.FAILED and "已没有这一角色" in job.error
    gone = tasks.create_county_xlsx_job(county_officer, make_org("待撤销乡", parent=subtree), YEAR)
    gone.params["root"] = 10**9
    gone.save()
    assert "已被删除" in tasks.start(gone).error


def test_purging_old_jobs_deletes_their_files(client, subtree, county_officer, large):
    client.force_login(county_officer)
    job = start_job(client, subtree)
    assert JobFile.objects.filter(job=job).count() == 1
    Job.objects.filter(pk=job.pk).update(finished_at=job.created_at.replace(year=2000))
    call_command("purge_jobs", "--days", "30", stdout=StringIO())
    assert not Job.objects.filter(pk=job.pk).exists() and not JobFile.objects.exists()


def test_a_second_click_while_the_file_is_being_made_goes_to_the_same_job(client, subtree, county_officer, large):
    client.force_login(county_officer)
    job = tasks.create_county_xlsx_job(county_officer, subtree, YEAR)  # queued, not yet taken by a worker
    response = client.post(reverse("county_tables_xlsx_job", args=[subtree.pk, YEAR]))
    assert response["Location"] == reverse("job_status", args=[job.pk]) and Job.objects.count() == 1
    settings_stale(job)  # its worker died: a new click starts a new job
    assert start_job(client, subtree).pk != job.pk
    done = start_job(client, subtree)  # after a finished one, a click makes the file again
    assert done.pk != job.pk and Job.objects.count() == 3
