import datetime
import gzip
import json
import sys

from django.core import serializers
from django.core.management import BaseCommand
from django.core.serializers.json import DjangoJSONEncoder

from reports.backup import BACKUP_FORMAT, backup_models, uses_natural_keys


class ExactEncoder(DjangoJSONEncoder):
    """Django's encoder, but times keep their microseconds (it cuts them to milliseconds, as JavaScript
    does): a backup must restore every value exactly."""

    def default(self, o):
        if isinstance(o, (datetime.datetime, datetime.time)):
            text = o.isoformat()
            return text[:-6] + "Z" if text.endswith("+00:00") else text
        return super().default(o)


class Command(BaseCommand):
    help = "把全部数据（机关、用户、角色、报告及其历史、已发布文件）导出为一个 JSON 文件，供 restore_data 恢复。"

    def add_arguments(self, parser):
        parser.add_argument("--output", "-o", help="写入文件（.json 或 .json.gz）；默认输出到屏幕")

    def handle(self, *args, output, **options):
        records = []
        for model in backup_models():
            queryset = model._default_manager.order_by("pk")
            records.extend(serializers.serialize("python", queryset.iterator(),
                                                 use_natural_foreign_keys=uses_natural_keys(model)))
        document = {"format": BACKUP_FORMAT, "models": [m._meta.label for m in backup_models()], "records": records}
        text = json.dumps(document, cls=ExactEncoder, ensure_ascii=False, indent=None, separators=(",", ":"))
        if not output:
            sys.stdout.write(text + "\n")
            return
        opener = gzip.open if output.endswith(".gz") else open
        with opener(output, "wt", encoding="utf-8") as fh:
            fh.write(text)
        self.stderr.write(self.style.SUCCESS(f"已导出 {len(records)} 条记录到 {output}"))
