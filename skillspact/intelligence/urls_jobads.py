"""URLs of the job-ad pages (included by urls.py under the intelligence namespace)."""

from django.urls import URLPattern, path

from skillspact.intelligence import views_jobads

urlpatterns: list[URLPattern] = [
    path("intelligence/job-ads/", views_jobads.jobads_home, name="jobads"),
    path(
        "intelligence/job-ads/<uuid:public_id>/", views_jobads.jobads_upload, name="jobads_upload"
    ),
    path(
        "intelligence/job-ads/<uuid:public_id>/row/",
        views_jobads.jobads_upload_row,
        name="jobads_upload_row",
    ),
    path(
        "intelligence/job-ads/<uuid:public_id>/errors.csv",
        views_jobads.jobads_errors_csv,
        name="jobads_errors_csv",
    ),
    path(
        "intelligence/job-ads/<uuid:public_id>/process/",
        views_jobads.jobads_reprocess,
        name="jobads_reprocess",
    ),
]
