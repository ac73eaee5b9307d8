"""The root URLconf: the admin, the API (``tracker/api_router.py``), login and the pages."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)

from access.views import LoginForm
from articles.models import Article
from interchange.admin_import import ArticleImportView

admin.site.site_header = "Claim tracker"
admin.site.site_title = "Claim tracker"
admin.site.index_title = "Annotate articles, sources and claims"
# No menu of every model beside each page: it took a quarter of a 1,280-pixel window from
# the lists and forms (and 13 KB from every page); the breadcrumbs lead to the index.
admin.site.enable_nav_sidebar = False

urlpatterns = [
    # The article admin's "Import articles" page; before admin.site.urls, whose article
    # change URL would take "import" for an article id.
    path(
        "admin/articles/article/import/",
        ArticleImportView(admin.site.get_model_admin(Article)),
        name="article-import",
    ),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view loads its start-up script from a URL: no inline script, so the
    # Content-Security-Policy needs no 'unsafe-inline' for scripts.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-redoc"),
    path("api/", include("tracker.api_router")),
    path("api-auth/", include("rest_framework.urls")),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(
            authentication_form=LoginForm,
            redirect_authenticated_user=True,
            next_page="pages:dashboard",
        ),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", include("pages.urls")),
]
