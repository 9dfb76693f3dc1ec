from django.urls import path

from . import rules_views, views

app_name = "entra"

urlpatterns = [
    path("sign-in/", views.EntraSignInView.as_view(), name="sign_in"),
    path("callback/", views.EntraCallbackView.as_view(), name="callback"),
    path("no-access/", views.no_access, name="no_access"),
    path("rules/", rules_views.SignInRulesView.as_view(), name="rules"),
    path("rules/roles/", rules_views.RoleMappingCreateView.as_view(), name="role_mapping_create"),
    path(
        "rules/roles/<uuid:uuid>/delete/",
        rules_views.RoleMappingDeleteView.as_view(),
        name="role_mapping_delete",
    ),
    path(
        "rules/departments/",
        rules_views.DepartmentRuleCreateView.as_view(),
        name="department_rule_create",
    ),
    path(
        "rules/departments/<uuid:uuid>/delete/",
        rules_views.DepartmentRuleDeleteView.as_view(),
        name="department_rule_delete",
    ),
]
