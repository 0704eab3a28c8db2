from django.urls import path

from skillspact.credentials import views

app_name = "credentials"

urlpatterns = [
    path("credentials/", views.my_credentials, name="mine"),
    path("credentials/status/<uuid:public_id>", views.status_list, name="status_list"),
    path("credentials/share/<str:token>/", views.credential_shared, name="shared"),
    path("credentials/share/<str:token>/verify/", views.verify_shared, name="shared_verify"),
    path(
        "credentials/enrolments/<uuid:public_id>/issue/",
        views.credential_issue,
        name="issue",
    ),
    path("credentials/courses/<slug:slug>/", views.course_credentials, name="course"),
    path("credentials/courses/<slug:slug>/issue-all/", views.batch_start, name="batch_start"),
    path("credentials/batches/<uuid:public_id>/", views.batch_detail, name="batch"),
    path("credentials/<uuid:public_id>/", views.credential_detail, name="detail"),
    path(
        "credentials/<uuid:public_id>/download/<str:kind>/",
        views.credential_download,
        name="download",
    ),
    path("credentials/<uuid:public_id>/share/", views.credential_share, name="share"),
    path("credentials/<uuid:public_id>/revoke/", views.credential_revoke, name="revoke"),
    path("verify/", views.verify_page, name="verify"),
    path("issuers/<slug:slug>/", views.issuer_profile, name="issuer_profile"),
    path("issuers/<slug:slug>/did.json", views.issuer_did, name="issuer_did"),
    path("issuers/<slug:slug>/jwks.json", views.issuer_jwks, name="issuer_jwks"),
    path("issuers/<slug:slug>/keys/", views.issuer_keys, name="issuer_keys"),
]
