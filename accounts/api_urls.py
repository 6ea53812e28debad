from __future__ import annotations

from django.urls import path

from accounts import apis

urlpatterns = [
    path("auth/token/", apis.TokenApi.as_view(), name="api-token"),
    path("auth/token/revoke/", apis.TokenRevokeApi.as_view(), name="api-token-revoke"),
    path("auth/tokens/", apis.TokenListApi.as_view(), name="api-token-list"),
    path("auth/tokens/revoke-all/", apis.TokenRevokeAllApi.as_view(),
         name="api-token-revoke-all"),
    path("auth/tokens/<uuid:token_id>/", apis.TokenDetailApi.as_view(), name="api-token-detail"),
    path("me/", apis.MeApi.as_view(), name="api-me"),
    path("suppliers/", apis.SupplierSignupApi.as_view(), name="api-supplier-signup"),
    path("organizations/<int:org_id>/invitations/", apis.InvitationCreateApi.as_view(),
         name="api-invitation-create"),
    path("invitations/accept/", apis.InvitationAcceptApi.as_view(), name="api-invitation-accept"),
]
