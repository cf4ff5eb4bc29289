"""What a backup holds: every model of gkportal's own data, in an order that restores cleanly."""

from __future__ import annotations

from django.apps import apps
from django.db import models

BACKUP_FORMAT = "gkportal-backup-1"

# Data that belongs in a backup: people, permissions, and everything of the reports app.
# Sessions, login attempts (axes), admin log and content types are machine state, not data.
_APPS = ("auth", "reports")
_SKIP = {"auth.permission"}


def uses_natural_keys(model: type[models.Model]) -> bool:
    """Whether the model refers to permissions: those are written by natural key (codename, app_label,
    model), since the permission table is not backed up and its ids differ between databases."""
    return any(getattr(f, "related_model", None) is not None and f.related_model._meta.label_lower in _SKIP
               for f in model._meta.get_fields() if f.concrete)


def backup_models() -> list[type[models.Model]]:
    """The models to save, parents before children (so foreign keys resolve on restore)."""
    chosen = [
        m
        for label in _APPS
        for m in apps.get_app_config(label).get_models()
        if m._meta.label_lower not in _SKIP and not m._meta.proxy
    ]
    ordered: list[type[models.Model]] = []

    def visit(model, seen=()):
        if model in ordered or model not in chosen:
            return
        for field in model._meta.get_fields():
            target = getattr(field, "related_model", None)
            if field.many_to_one or field.one_to_one or field.many_to_many:
                if field.concrete and target is not None and target is not model and target not in seen:
                    visit(target, (*seen, model))
        ordered.append(model)

    for model in chosen:
        visit(model)
    return ordered
