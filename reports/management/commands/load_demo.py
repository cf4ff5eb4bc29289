import datetime
from importlib import resources

from django.contrib.auth import get_user_model
from django.core.management import BaseCommand
from django.db import transaction

from reports.demo.prose import PROSE
from reports.exchange import read_report_json
from reports.models import Membership, Organisation, Report
from reports.services import create_report, save_values

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
    ("xicun_drafter", "西村乡党政办 李干事", "西村乡人民政府", Role.DRAFTER, False),
    ("xicun_approver", "西村乡 张副乡长（分管领导）", "西村乡人民政府", Role.APPROVER, False),
    ("huanfeng_drafter", "郇封镇党政办 赵干事", "郇封镇人民政府", Role.DRAFTER, False),
    ("huanfeng_approver", "郇封镇 刘副镇长（分管领导）", "郇封镇人民政府", Role.APPROVER, False),
    ("ziran_drafter", "县自然资源局办公室 陈干事", "修武县自然资源局", Role.DRAFTER, False),
]


class Command(BaseCommand):
    help = "创建演示数据：修武县及下属机关、各角色的用户、西村乡2023年度报告。可重复运行。"

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
        for org in ("郇封镇人民政府", "修武县自然资源局"):
            if not Report.objects.filter(organisation=orgs[org], year=2023).exists():
                create_report(orgs[org], 2023)

        self.stdout.write(self.style.SUCCESS("演示数据已就绪。登录账号（密码均为 %s）：" % DEMO_PASSWORD))
        for username, full_name, org, role in rows:
            self.stdout.write(f"  {username:<18} {role:<12} {org:<10} {full_name}")
