"""Pages of enrolments: "My courses", enrolling and cancelling, and the provider's learners page
with completions one by one or by file. Included by `training/urls.py` (namespace `training`)."""

from django.urls import path

from skillspact.training import views_enrolments as views

urlpatterns = [
    path("training/mine/", views.my_courses, name="my_courses"),
    path("training/courses/<slug:slug>/enrol/", views.enrol, name="enrol"),
    path(
        "training/enrolments/<uuid:public_id>/cancel/",
        views.enrolment_cancel,
        name="enrolment_cancel",
    ),
    path("training/manage/<slug:slug>/learners/", views.learners, name="learners"),
    path(
        "training/manage/<slug:slug>/learners/<uuid:public_id>/complete/",
        views.enrolment_complete,
        name="enrolment_complete",
    ),
    path(
        "training/manage/<slug:slug>/learners/upload/",
        views.completions_upload,
        name="completions_upload",
    ),
    path(
        "training/manage/<slug:slug>/learners/completions.csv",
        views.completions_template,
        {"file_format": "csv"},
        name="completions_template_csv",
    ),
    path(
        "training/manage/<slug:slug>/learners/completions.xlsx",
        views.completions_template,
        {"file_format": "xlsx"},
        name="completions_template_xlsx",
    ),
]
