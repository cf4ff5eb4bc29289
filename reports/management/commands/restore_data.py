import gzip
import json
import zlib

from django.core import serializers
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.management import BaseCommand, CommandError
from django.core.management.color import no_style
from django.core.serializers.base import DeserializationError
from django.db import DatabaseError, connection, transaction

from reports.backup import BACKUP_FORMAT, backup_models


class Command(BaseCommand):
    help = "把 backup_data 导出的文件恢复到一个空数据库（先运行 migrate）。"

    def add_arguments(self, parser):
        parser.add_argument("file", help="backup_data 导出的 .json 或 .json.gz 文件")

    def handle(self, *args, file, **options):
        opener = gzip.open if file.endswith(".gz") else open
        try:
            with opener(file, "rt", encoding="utf-8") as fh:
                document = json.load(fh)
        except FileNotFoundError:
            raise CommandError(f"找不到文件 {file}。") from None
        except (EOFError, zlib.error, gzip.BadGzipFile):
            # A .gz cut short (EOFError) or damaged: gzip reads it only up to the break.
            raise CommandError(f"{file} 不完整或已损坏（压缩数据中断），没有恢复任何数据。") from None
        except (OSError, ValueError, RecursionError):
            raise CommandError(f"{file} 不是 backup_data 导出的文件（无法读成 JSON），没有恢复任何数据。") from None
        if not isinstance(document, dict) or document.get("format") != BACKUP_FORMAT:
            raise CommandError(f"{file} 不是 backup_data 导出的文件（格式应为 {BACKUP_FORMAT}）。")

        models = backup_models()
        occupied = [m._meta.verbose_name for m in models if m._default_manager.exists()]
        if occupied:
            raise CommandError(
                "目标数据库不是空的（已有：" + "、".join(map(str, occupied)) + "）。请恢复到新建并已 migrate 的数据库。"
            )
        records = document.get("records", [])
        if not isinstance(records, list):
            raise CommandError(f"{file} 不是 backup_data 导出的文件（没有记录列表），没有恢复任何数据。")
        try:
            with transaction.atomic():
                for obj in serializers.deserialize("json", json.dumps(records), ignorenonexistent=False):
                    obj.save()
                # Foreign keys are checked at commit (SQLite, PostgreSQL): check them here, inside.
                connection.check_constraints(table_names=[m._meta.db_table for m in models])
                # Rows came with their ids: move each sequence past them (PostgreSQL).
                with connection.cursor() as cursor:
                    for sql in connection.ops.sequence_reset_sql(no_style(), models):
                        cursor.execute(sql)
        except (DeserializationError, ValidationError, ObjectDoesNotExist, DatabaseError, ValueError,
                TypeError, KeyError, AttributeError):
            raise CommandError(
                f"{file} 中有记录与其他记录对不上或无法读入（文件不完整或被改动过），没有恢复任何数据。"
            ) from None
        self.stdout.write(self.style.SUCCESS(f"已恢复 {len(records)} 条记录。"))
