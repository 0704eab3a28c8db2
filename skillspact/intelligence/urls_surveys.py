"""URLs of the survey builder (included by urls.py under the intelligence namespace)."""

from django.urls import path

from skillspact.intelligence import views_surveys as views

urlpatterns = [
    path("intelligence/surveys/", views.survey_list, name="survey_list"),
    path("intelligence/surveys/new/", views.survey_create, name="survey_create"),
    path("intelligence/surveys/skills/", views.skill_options, name="survey_skill_options"),
    path("intelligence/surveys/<slug:slug>/", views.survey_detail, name="survey_detail"),
    path("intelligence/surveys/<slug:slug>/edit/", views.survey_edit, name="survey_edit"),
    path("intelligence/surveys/<slug:slug>/preview/", views.survey_preview, name="survey_preview"),
    path(
        "intelligence/surveys/<slug:slug>/questions/new/",
        views.question_add,
        name="survey_question_add",
    ),
    path(
        "intelligence/surveys/<slug:slug>/questions/<slug:key>/edit/",
        views.question_edit,
        name="survey_question_edit",
    ),
    path(
        "intelligence/surveys/<slug:slug>/questions/<slug:key>/move/",
        views.question_move,
        name="survey_question_move",
    ),
    path(
        "intelligence/surveys/<slug:slug>/questions/<slug:key>/remove/",
        views.question_remove,
        name="survey_question_remove",
    ),
    path("intelligence/surveys/<slug:slug>/publish/", views.survey_publish, name="survey_publish"),
    path("intelligence/surveys/<slug:slug>/close/", views.survey_close, name="survey_close"),
    path("intelligence/surveys/<slug:slug>/reopen/", views.survey_reopen, name="survey_reopen"),
    path(
        "intelligence/surveys/<slug:slug>/invitations/",
        views.invitations,
        name="survey_invitations",
    ),
    path(
        "intelligence/surveys/<slug:slug>/invitations/resend/",
        views.invitations_resend,
        name="survey_invitations_resend",
    ),
]
