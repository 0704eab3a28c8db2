from django.urls import path  # each area adds its paths below

from skillspact.consultations import views, views_analysis, views_strategy

app_name = "consultations"

urlpatterns: list = [
    # -- respondents and moderation (views.py) --
    path("consultations/", views.consultation_list, name="list"),
    path("consultations/<slug:slug>/", views.consultation_detail, name="detail"),
    path("consultations/<slug:slug>/profile/", views.respondent_profile, name="profile"),
    path("consultations/<slug:slug>/questions/", views.questions, name="questions"),
    path("consultations/<slug:slug>/mine/", views.mine, name="mine"),
    path("consultations/<slug:slug>/mine/submit/", views.contributions_submit, name="submit"),
    path(
        "consultations/<slug:slug>/comments/<uuid:public_id>/publish/",
        views.comment_publish,
        name="comment_publish",
    ),
    path(
        "consultations/<slug:slug>/comments/<uuid:public_id>/discard/",
        views.comment_discard,
        name="comment_discard",
    ),
    path(
        "consultations/<slug:slug>/amendments/<uuid:public_id>/publish/",
        views.amendment_publish,
        name="amendment_publish",
    ),
    path(
        "consultations/<slug:slug>/amendments/<uuid:public_id>/discard/",
        views.amendment_discard,
        name="amendment_discard",
    ),
    path(
        "consultations/<slug:slug>/report/<str:kind>/<uuid:public_id>/",
        views.content_report,
        name="report",
    ),
    path("consultations/<slug:slug>/<slug:key>/rating/", views.section_rate, name="rate"),
    path("consultations/<slug:slug>/<slug:key>/comments/", views.section_comment, name="comment"),
    path("consultations/<slug:slug>/<slug:key>/amendment/", views.section_amend, name="amend"),
    path(
        "consultations/<slug:slug>/<slug:key>/amendment/preview/",
        views.amendment_preview,
        name="amendment_preview",
    ),
    path("secretariat/moderation/", views.moderation_queue, name="moderation"),
    path(
        "secretariat/moderation/<str:kind>/<uuid:public_id>/",
        views.moderation_decide,
        name="moderation_decide",
    ),
    # -- strategies, versions, set-up, "you said, we did", results (views_strategy.py) --
    path("secretariat/strategies/", views_strategy.strategy_list, name="strategy_list"),
    path(
        "secretariat/strategies/<slug:slug>/",
        views_strategy.strategy_detail,
        name="strategy_detail",
    ),
    path(
        "secretariat/strategies/<slug:slug>/versions/new/",
        views_strategy.version_create,
        name="version_create",
    ),
    path(
        "secretariat/strategies/<slug:slug>/versions/import/",
        views_strategy.version_import,
        name="version_import",
    ),
    path(
        "secretariat/strategies/<slug:slug>/versions/<int:number>/",
        views_strategy.version_detail,
        name="strategy_version",
    ),
    path(
        "secretariat/strategies/<slug:slug>/versions/<int:number>/publish/",
        views_strategy.version_publish,
        name="version_publish",
    ),
    path(
        "secretariat/strategies/<slug:slug>/versions/<int:number>/sections/new/",
        views_strategy.section_add,
        name="section_add",
    ),
    path(
        "secretariat/strategies/<slug:slug>/versions/<int:number>/sections/<slug:key>/",
        views_strategy.section_edit,
        name="section_edit",
    ),
    path(
        "secretariat/strategies/<slug:slug>/versions/<int:number>/sections/<slug:key>/remove/",
        views_strategy.section_remove,
        name="section_remove",
    ),
    path(
        "secretariat/strategies/<slug:slug>/versions/<int:number>/sections/<slug:key>/move/",
        views_strategy.section_move,
        name="section_move",
    ),
    path("secretariat/consultations/", views_strategy.setup_list, name="setup_list"),
    path("secretariat/consultations/new/", views_strategy.setup_create, name="setup_create"),
    path(
        "secretariat/consultations/<slug:slug>/",
        views_strategy.setup_detail,
        name="setup_detail",
    ),
    path(
        "secretariat/consultations/<slug:slug>/phase/",
        views_strategy.setup_phase,
        name="setup_phase",
    ),
    path(
        "secretariat/consultations/<slug:slug>/questions/",
        views_strategy.question_add,
        name="question_add",
    ),
    path(
        "secretariat/consultations/<slug:slug>/questions/<int:pk>/remove/",
        views_strategy.question_remove,
        name="question_remove",
    ),
    path(
        "secretariat/consultations/<slug:slug>/outcomes/",
        views_strategy.outcomes,
        name="outcomes",
    ),
    path(
        "secretariat/consultations/<slug:slug>/outcomes/version/",
        views_strategy.outcomes_result_version,
        name="outcomes_result_version",
    ),
    path(
        "secretariat/consultations/<slug:slug>/outcomes/changes/<int:pk>/",
        views_strategy.change_explain,
        name="change_explain",
    ),
    path(
        "secretariat/consultations/<slug:slug>/outcomes/<str:kind>/<uuid:public_id>/",
        views_strategy.outcome_set,
        name="outcome_set",
    ),
    path(
        "secretariat/consultations/<slug:slug>/outcomes/publish/",
        views_strategy.results_publish,
        name="results_publish",
    ),
    path("consultations/<slug:slug>/results/", views_strategy.results, name="results"),
    # -- analysis and exports (views_analysis.py) --
    path(
        "secretariat/consultations/<slug:slug>/analysis/",
        views_analysis.analysis_page,
        name="analysis",
    ),
    path(
        "secretariat/consultations/<slug:slug>/analysis/themes/",
        views_analysis.themes_recompute,
        name="themes_recompute",
    ),
    path(
        "secretariat/consultations/<slug:slug>/analysis/themes/<int:number>/",
        views_analysis.theme_detail,
        name="theme",
    ),
    path(
        "secretariat/consultations/<slug:slug>/export.csv",
        views_analysis.export_csv,
        name="export_csv",
    ),
    path(
        "secretariat/consultations/<slug:slug>/export.xlsx",
        views_analysis.export_xlsx,
        name="export_xlsx",
    ),
]

# Keep this last: "/consultations/<slug>/<key>/" would otherwise catch the pages above
# ("profile", "questions", "mine", "results", ...). Add new paths to the list above.
urlpatterns += [
    path("consultations/<slug:slug>/<slug:key>/", views.section_detail, name="section"),
]
