from django.urls import path, register_converter

from .converters import IdConverter
from .views import (
    accounts,
    dashboard,
    owners,
    plans,
    register,
    reminders,
    reporting,
    reports,
    review,
    running,
    spreadsheets,
)

app_name = "commitments"

register_converter(IdConverter, "id")  # every id in the addresses below

urlpatterns = [
    path("", register.RegisterView.as_view(), name="register"),
    path("register/export.<str:fmt>", register.register_export, name="register-export"),
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("periods/<id:pk>/template.xlsx", spreadsheets.template_download, name="reporting-template"),
    path("periods/<id:pk>/upload/", spreadsheets.upload, name="reporting-upload"),
    path("uploads/<id:pk>/", spreadsheets.upload_preview, name="reporting-upload-preview"),
    path("reports/", reports.report_page, name="report"),
    path("reports/generate/", reports.report_generate, name="report-generate"),
    path("periods/<id:period>/finalise/", reports.report_finalise, name="report-finalise"),
    path(
        "periods/<id:period>/report-texts/<slug:section>/", reports.report_text_edit, name="report-text-edit"
    ),
    path("editions/<id:pk>/withdraw/", reports.edition_withdraw, name="edition-withdraw"),
    path("editions/<id:pk>/<str:fmt>/", reports.edition_download, name="edition-download"),
    path("plans/", plans.plan_list, name="plan-list"),
    path("plans/<slug:code>/", plans.plan_detail, name="plan-detail"),
    path("plans/<slug:plan>/lines/<str:code>/", plans.line_detail, name="line-detail"),
    path("evidence/<id:pk>/download/", plans.evidence_download, name="evidence-download"),
    path("my-lines/", reporting.my_lines, name="my-lines"),
    path("owners/<id:ownership>/report/", reporting.update_start, name="update-start"),
    path("updates/<id:pk>/", reporting.update_detail, name="update-detail"),
    path("updates/<id:pk>/edit/", reporting.update_edit, name="update-edit"),
    path("updates/<id:pk>/review/", review.update_review, name="update-review"),
    path("review/", review.review_queue, name="review-queue"),
    path("review/bulk/", review.review_bulk, name="review-bulk"),
    path("review/lines/<id:line>/periods/<id:period>/", review.period_status_confirm, name="period-status"),
    path("owners/suggestions/", owners.owner_suggestions, name="owner-suggestions"),
    path("owners/suggestions/decide/", owners.suggestions_decide, name="owner-suggestions-decide"),
    path("owners/areas/assign/", owners.area_assign, name="owner-area-assign"),
    path("reminders/", reminders.reminders, name="reminders"),
    path("reminders/send/", reminders.reminders_send, name="reminders-send"),
    path("lines/<id:line>/owners/", running.owner_add, name="owner-add"),
    path(
        "owners/<id:pk>/confirm/",
        running.ownership_decide,
        {"decision": "confirm"},
        name="ownership-confirm",
    ),
    path("owners/<id:pk>/reject/", running.ownership_decide, {"decision": "reject"}, name="ownership-reject"),
    path("plans/<slug:plan>/periods/", running.period_list, name="period-list"),
    path("periods/<id:pk>/edit/", running.period_edit, name="period-edit"),
    path("periods/<id:pk>/open/", running.period_switch, {"action": "open"}, name="period-open"),
    path("periods/<id:pk>/close/", running.period_switch, {"action": "close"}, name="period-close"),
    path("accounts/locked/", accounts.lockout_list, name="lockouts"),
    path("accounts/locked/unlock/", accounts.lockout_unlock, name="lockout-unlock"),
]
