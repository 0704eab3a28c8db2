from django.urls import path

from skillspact.pathways import views, views_insights

app_name = "pathways"

urlpatterns = [
    path("pathways/", views.home, name="home"),
    path("pathways/profile/", views.profile, name="profile"),
    path("pathways/profile/occupations/", views.occupation_matches, name="occupation_matches"),
    path("pathways/profile/skill-options/", views.skill_options, name="skill_options"),
    path("pathways/profile/extract/", views.skills_extract, name="skills_extract"),
    path("pathways/target/", views.target, name="target"),
    path("pathways/plan/", views.plan_proposal, name="plan"),
    path("pathways/plan/save/", views.plan_save, name="plan_save"),
    path("pathways/plans/<uuid:public_id>/", views.plan_detail, name="plan_detail"),
    path(
        "pathways/plans/<uuid:public_id>/steps/<int:position>/enrol/",
        views.plan_enrol,
        name="plan_enrol",
    ),
    path("pathways/plans/<uuid:public_id>/replan/", views.plan_replan, name="plan_replan"),
    path("pathways/plans/<uuid:public_id>/archive/", views.plan_archive, name="plan_archive"),
    path("pathways/plans/<uuid:public_id>/share/", views.plan_share, name="plan_share"),
    path("pathways/shared/<str:token>/", views.plan_shared, name="shared"),
    path("pathways/insights/", views_insights.insights, name="insights"),
    path(
        "pathways/insights/uncovered-skills.csv",
        views_insights.uncovered_csv,
        name="insights_uncovered_csv",
    ),
]
