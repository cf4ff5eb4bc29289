import datetime
from decimal import Decimal
from importlib import resources

from django.contrib.auth import get_user_model
from django.core.management import BaseCommand
from django.db import transaction
from django.test.utils import override_settings

from reports import workflow
from reports.accounts import password_set_by_owner
from reports.demo.prose import PROSE, prose_for
from reports.importing.jsonfile import read_report_json
from reports.findings import acknowledge, findings_for_report
from reports.models import Membership, Organisation, Report
from reports.services import create_report, save_values
from reports.values import ReportValues

DEMO_PASSWORD = "gkportal-demo-2026"

Kind = Organisation.Kind
Role = Membership.Role

ORGANISATIONS = [
    # (full name, short name, kind, parent)
    ("修武县人民政府", "修武县", Kind.COUNTY_GOV, None),
    ("西村乡人民政府", "西村乡", Kind.TOWNSHIP_GOV, "修武县人民政府"),
    ("郇封镇人民政府", "郇封镇", Kind.TOWNSHIP_GOV, "修武县人民政府"),
    ("修武县自然资源局", "县自然资源局", Kind.COUNTY_DEPT, "修武县人民政府"),
]

USERS = [
    # (username, full name, organisation, role, is_superuser)
    ("admin", "系统管理员", None, None, True),
    ("county", "县政务公开办 王科长", "修武县人民政府", Role.SUPERVISOR, False),
    # The county government's own (consolidated) report is drafted and approved like any other.
    ("county_drafter", "县政府办公室 周干事", "修武县人民政府", Role.DRAFTER, False),
    ("county_approver", "县政府办公室 吴副主任（分管领导）", "修武县人民政府", Role.APPROVER, False),
    ("xicun_drafter", "西村乡党政办 李干事", "西村乡人民政府", Role.DRAFTER, False),
    ("xicun_approver", "西村乡 张副乡长（分管领导）", "西村乡人民政府", Role.APPROVER, False),
    ("huanfeng_drafter", "郇封镇党政办 赵干事", "郇封镇人民政府", Role.DRAFTER, False),
    ("huanfeng_approver", "郇封镇 刘副镇长（分管领导）", "郇封镇人民政府", Role.APPROVER, False),
    ("ziran_drafter", "县自然资源局办公室 陈干事", "修武县自然资源局", Role.DRAFTER, False),
    ("ziran_approver", "县自然资源局 孙副局长（分管领导）", "修武县自然资源局", Role.APPROVER, False),
]


class Command(BaseCommand):
    help = "创建演示数据：修武县及下属机关、各角色的用户、西村乡2023年度报告。可重复运行。"

    # The demo's transitions notify people; loading the demo should not send (or print) their emails.
    @override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend")
    @transaction.atomic
    def handle(self, *args, **options):
        orgs: dict[str, Organisation] = {}
        for name, short, kind, parent in ORGANISATIONS:
            orgs[name], _ = Organisation.objects.update_or_create(
                name=name, defaults={"short_name": short, "kind": kind, "parent": orgs.get(parent)}
            )

        User = get_user_model()
        rows = []
        for username, full_name, org, role, superuser in USERS:
            user, _ = User.objects.get_or_create(username=username)
            user.first_name = full_name
            user.is_staff = user.is_superuser = superuser
            user.set_password(DEMO_PASSWORD)
            user.save()
            # The demo's printed logins work as they are: no first-login password change.
            password_set_by_owner(user)
            if org:
                Membership.objects.get_or_create(user=user, organisation=orgs[org], role=role)
            rows.append((username, full_name, org or "（全部）", role.label if role else "系统管理员"))

        xicun = orgs["西村乡人民政府"]
        if not Report.objects.filter(organisation=xicun, year=2023).exists():
            text = resources.files("reports.demo").joinpath("xicun_2023.json").read_text(encoding="utf-8")
            _, values = read_report_json(text)
            values.prose.update(PROSE)
            report = create_report(xicun, 2023, signature_date=datetime.date(2024, 1, 20))
            save_values(report, values)
        users = {u.username: u for u in User.objects.filter(username__in=[row[0] for row in USERS])}
        # Last year's report of 西村乡, published: the cross-year checks of 2023 compare with it.
        self._through_workflow(orgs["西村乡人民政府"], 2022, _values(new=3, granted=3, carry_forward=0),
                               users, "xicun", until=Report.Status.PUBLISHED)
        # Two more 2023 reports: one approved (counted in the county's tables), one published.
        self._through_workflow(orgs["郇封镇人民政府"], 2023, _values(new=6, granted=4, unable_1=1, carry_forward=1),
                               users, "huanfeng", until=Report.Status.APPROVED)
        self._through_workflow(orgs["修武县自然资源局"], 2023, _values(new=9, granted=5, partial=2, carry_forward=2),
                               users, "ziran", until=Report.Status.PUBLISHED)

        self.stdout.write(self.style.SUCCESS("演示数据已就绪。登录账号（密码均为 %s）：" % DEMO_PASSWORD))
        self.stdout.write("  西村乡2023年度报告为草稿（表四有4格未填，文字与2022年度相似，可看检查结果）；"
                          "郇封镇2023年度已审核通过；县自然资源局2023年度和西村乡2022年度已公开发布（/gongkai/）。")
        for username, full_name, org, role in rows:
            self.stdout.write(f"  {username:<18} {role:<12} {org:<10} {full_name}")

    def _through_workflow(self, org, year, values: ReportValues, users, prefix: str, *, until: str) -> None:
        """Create a filled report and take it through the real transitions, as its people would."""
        if Report.objects.filter(organisation=org, year=year).exists():
            return
        drafter = users[f"{prefix}_drafter"]
        approver = users[f"{prefix}_approver"]
        values.prose.update(prose_for(
            org.name, org.display_name, year,
            applications=f"本年新收政府信息公开申请{values.t3('new', 'total')}件，上年结转0件，"
                         f"办结{values.t3('total', 'total')}件；结转下年度继续办理{values.t3('carry_forward', 'total')}件。",
            fee=f"{year}年，本机关未收取信息处理费。",
        ))
        report = create_report(org, year, signature_date=datetime.date(year + 1, 1, 20))
        save_values(report, values)
        for finding in findings_for_report(report):
            if finding.severity == "warning":
                acknowledge(report, finding.key, by=drafter, explanation="演示数据：已核实。")
        workflow.submit(report, by=drafter)
        workflow.approve(report, by=approver)
        if until == Report.Status.PUBLISHED:
            workflow.publish(report, by=users["county"])


def _values(**table3_natural) -> ReportValues:
    """A complete, balanced report: every count 0 except the 自然人 cells given (with their 总计)."""
    values = ReportValues()
    for cell in values.format.table2.cells:
        values.table2[cell.field] = Decimal(0) if cell.kind == "amount" else 0
    for row, cells in values.table3.items():
        for col in cells:
            cells[col] = table3_natural.get(row, 0) if col == "natural" else 0
    for cells in values.table4.values():
        for col in cells:
            cells[col] = 0
    return values
