from django.urls import path

from .views import home

urlpatterns = [
    path("", home.index, name="home"),
    path("reports/<int:report_id>/", home.report_detail, name="report_detail"),
]
