from django.urls import path

from .views import accounts, dashboard, plans, register, reporting, reports, review, running, spreadsheets

app_name = "commitments"

urlpatterns = [
    path("", register.RegisterView.as_view(), name="register"),
    path("register/export.<str:fmt>", register.register_export, name="register-export"),
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("periods/<int:pk>/template.xlsx", spreadsheets.template_download, name="reporting-template"),
    path("periods/<int:pk>/upload/", spreadsheets.upload, name="reporting-upload"),
    path("uploads/<int:pk>/", spreadsheets.upload_preview, name="reporting-upload-preview"),
    path("reports/", reports.report_page, name="report"),
    path("reports/generate/", reports.report_generate, name="report-generate"),
    path("periods/<int:period>/finalise/", reports.report_finalise, name="report-finalise"),
    path(
        "periods/<int:period>/report-texts/<slug:section>/", reports.report_text_edit, name="report-text-edit"
    ),
    path("editions/<int:pk>/withdraw/", reports.edition_withdraw, name="edition-withdraw"),
    path("editions/<int:pk>/<str:fmt>/", reports.edition_download, name="edition-download"),
    path("plans/", plans.plan_list, name="plan-list"),
    path("plans/<slug:code>/", plans.plan_detail, name="plan-detail"),
    path("plans/<slug:plan>/lines/<str:code>/", plans.line_detail, name="line-detail"),
    path("evidence/<int:pk>/download/", plans.evidence_download, name="evidence-download"),
    path("my-lines/", reporting.my_lines, name="my-lines"),
    path("owners/<int:ownership>/report/", reporting.update_start, name="update-start"),
    path("updates/<int:pk>/", reporting.update_detail, name="update-detail"),
    path("updates/<int:pk>/edit/", reporting.update_edit, name="update-edit"),
    path("updates/<int:pk>/review/", review.update_review, name="update-review"),
    path("review/", review.review_queue, name="review-queue"),
    path("review/bulk/", review.review_bulk, name="review-bulk"),
    path("review/lines/<int:line>/periods/<int:period>/", review.period_status_confirm, name="period-status"),
    path("owners/suggestions/", running.owner_suggestions, name="owner-suggestions"),
    path("lines/<int:line>/owners/", running.owner_add, name="owner-add"),
    path(
        "owners/<int:pk>/confirm/",
        running.ownership_decide,
        {"decision": "confirm"},
        name="ownership-confirm",
    ),
    path(
        "owners/<int:pk>/reject/", running.ownership_decide, {"decision": "reject"}, name="ownership-reject"
    ),
    path("plans/<slug:plan>/periods/", running.period_list, name="period-list"),
    path("periods/<int:pk>/edit/", running.period_edit, name="period-edit"),
    path("periods/<int:pk>/open/", running.period_switch, {"action": "open"}, name="period-open"),
    path("periods/<int:pk>/close/", running.period_switch, {"action": "close"}, name="period-close"),
    path("accounts/locked/", accounts.lockout_list, name="lockouts"),
    path("accounts/locked/unlock/", accounts.lockout_unlock, name="lockout-unlock"),
]
