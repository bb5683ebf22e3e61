"""The org pages under /org/ (manage_views: administration; people_views: people and one's own account)."""

from django.urls import URLPattern, path

from ecoenforce.org import manage_views as v
from ecoenforce.org import people_views as p

app_name = "org"
urlpatterns: list[URLPattern] = [
    path("units/", v.units, name="units"),
    path("units/new/", v.unit_create, name="unit-create"),
    path("units/<int:pk>/", v.unit_edit, name="unit-edit"),
    path("accounts/", v.accounts, name="accounts"),
    path("accounts/new/", v.account_create, name="account-create"),
    path("accounts/<int:pk>/", v.account_edit, name="account-edit"),
    path("accounts/<int:pk>/active/", v.account_set_active, name="account-active"),
    path("accounts/<int:pk>/reset-password/", v.account_reset_password, name="account-reset-password"),
    path("roles/", v.roles, name="roles"),
    path("roles/<int:pk>/grant/", v.role_grant, name="role-grant"),
    path("roles/<int:pk>/revoke/", v.role_revoke, name="role-revoke"),
    path("roles/<int:pk>/unlock/", v.account_unlock, name="account-unlock"),
    path("roles/<int:pk>/totp-reset/", v.totp_reset, name="totp-reset"),
    path("tokens/", v.tokens, name="tokens"),
    path("tokens/<int:pk>/revoke/", v.token_revoke, name="token-revoke"),
    path("people/", p.people, name="people"),
    path("people/export.xlsx", p.people_export, name="people-export"),
    path("people/<int:pk>/", p.person, name="person"),
    path("people/<int:pk>/certificates/", p.certificate_add, name="certificate-add"),
    path("people/<int:pk>/trainings/", p.training_add, name="training-add"),
    path("certificates/<int:pk>/revoke/", p.certificate_revoke, name="certificate-revoke"),
    path("trainings/<int:pk>/revoke/", p.training_revoke, name="training-revoke"),
    path("password/", p.password_change, name="password"),
    path("me/", p.my_account, name="account"),
    path("me/totp-reset/", p.totp_reset_own, name="totp-reset-own"),
]
