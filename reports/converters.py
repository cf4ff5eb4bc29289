"""URL converters that match only values the database can hold.

Django's <int:…> matches any run of digits, and SQLite raises OverflowError (a 500) on an id past 2⁶³;
these match what can exist, so anything else is a plain 404.
"""

from django.urls import register_converter
from django.urls.converters import IntConverter


class IdConverter(IntConverter):
    """A primary key: BigAutoField, so at most 18 digits keeps it below 2⁶³."""

    regex = "[0-9]{1,18}"


class YearConverter(IntConverter):
    """A report year: four digits."""

    regex = "[0-9]{4}"


register_converter(IdConverter, "id")
register_converter(YearConverter, "year")
