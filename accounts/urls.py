from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import path

from accounts import views

app_name = "accounts"
urlpatterns = [
    path("", views.account, name="account"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("signup/", views.signup, name="signup"),
    path("invitation/<str:token>/", views.invitation, name="invitation"),
    path("organisations/<int:org_id>/members/", views.members, name="members"),
    path("organisations/<int:org_id>/members/<int:membership_id>/remove/", views.member_remove,
         name="member-remove"),
    path("organisations/<int:org_id>/company-size/", views.company_size, name="company-size"),
    path("api-token/", views.api_token, name="api-token"),
    path("password-reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("password-reset/sent/", auth_views.PasswordResetDoneView.as_view(
        template_name="registration/password_reset_done.html"), name="password_reset_done"),
    path("reset/<uidb64>/<token>/", views.PasswordResetConfirmView.as_view(),
         name="password_reset_confirm"),
    path("reset/done/", auth_views.PasswordResetCompleteView.as_view(
        template_name="registration/password_reset_complete.html"),
         name="password_reset_complete"),
]
