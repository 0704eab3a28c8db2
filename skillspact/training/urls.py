from django.urls import include, path

from skillspact.training import views

app_name = "training"

urlpatterns = [
    path("training/", views.course_list, name="list"),
    path("training/courses/<slug:slug>/", views.course_detail, name="detail"),
    path("training/courses/<slug:slug>/edit/", views.course_edit, name="edit"),
    path("training/courses/<slug:slug>/publish/", views.course_publish, name="publish"),
    path("training/courses/<slug:slug>/archive/", views.course_archive, name="archive"),
    path("training/manage/", views.manage, name="manage"),
    path("training/manage/new/", views.course_create, name="create"),
    path("training/manage/import/", views.course_import, name="import"),
    path(
        "training/manage/import/courses-template.csv",
        views.import_template,
        {"file_format": "csv"},
        name="import_template_csv",
    ),
    path(
        "training/manage/import/courses-template.xlsx",
        views.import_template,
        {"file_format": "xlsx"},
        name="import_template_xlsx",
    ),
    path("training/manage/series/new/", views.series_create, name="series_create"),
    path("training/manage/series/<slug:slug>/edit/", views.series_edit, name="series_edit"),
    path("training/suggest-skills/", views.suggest_skills, name="suggest_skills"),
    path("training/concept-options/", views.concept_options, name="concept_options"),
    path("", include("skillspact.training.urls_enrolments")),
]
