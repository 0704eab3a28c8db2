from django.urls import path

from skillspact.commitments import views, views_bulk, views_kpis

app_name = "commitments"

urlpatterns = [
    path("commitments/", views.commitment_list, name="list"),
    path("commitments/new/", views.commitment_create, name="create"),
    path("commitments/suggest/", views.commitment_suggest, name="suggest"),
    path("commitments/concepts/", views.concept_options, name="concept_options"),
    path("commitments/organisations/", views.organisation_options, name="organisation_options"),
    path("commitments/<uuid:public_id>/", views.commitment_detail, name="detail"),
    path("commitments/<uuid:public_id>/edit/", views.commitment_edit, name="edit"),
    path("commitments/<uuid:public_id>/submit/", views.commitment_submit, name="submit"),
    path("commitments/<uuid:public_id>/withdraw/", views.commitment_withdraw, name="withdraw"),
    path("commitments/<uuid:public_id>/history/", views.commitment_history, name="history"),
    path("secretariat/commitments/", views.review_queue, name="review_queue"),
    path("secretariat/commitments/<uuid:public_id>/", views.review_detail, name="review"),
    path("reports/", views.report_overview, name="reports"),
    path("reports/start/<uuid:commitment_id>/<int:year>/", views.report_start, name="report_start"),
    path("reports/<uuid:public_id>/", views.report_detail, name="report"),
    path("reports/<uuid:public_id>/edit/", views.report_edit, name="report_edit"),
    path("secretariat/reports/", views.reports_admin, name="reports_admin"),
    path("secretariat/reports/<uuid:public_id>/reopen/", views.report_reopen, name="report_reopen"),
    path("secretariat/windows/", views.windows, name="windows"),
    path("secretariat/windows/<int:year>/", views.window_edit, name="window_edit"),
    path("reports/<slug:slug>/<int:year>/upload/", views_bulk.report_upload, name="report_upload"),
    path(
        "reports/<slug:slug>/<int:year>/template.csv",
        views_bulk.report_template,
        {"file_format": "csv"},
        name="report_template_csv",
    ),
    path(
        "reports/<slug:slug>/<int:year>/template.xlsx",
        views_bulk.report_template,
        {"file_format": "xlsx"},
        name="report_template_xlsx",
    ),
    path("kpis/", views_kpis.dashboard, name="kpis"),
    path("kpis/annual-report/", views_kpis.annual_report, name="kpis_annual_report"),
    path("kpis/annual-report.xlsx", views_kpis.annual_report_xlsx, name="kpis_annual_report_xlsx"),
    path("secretariat/overlaps/", views_kpis.overlaps, name="overlaps"),
    path("secretariat/overlaps/resolve/", views_kpis.overlap_resolve, name="overlap_resolve"),
]
