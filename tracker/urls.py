from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from claims import urls as claims_urls
from sources import urls as sources_urls
from tracker import views

admin.site.site_header = "Claim tracker"
admin.site.site_title = "Claim tracker"
admin.site.index_title = "Annotate articles, sources and claims"

# The sources namespace: the article list, plus the reader and the source page, whose
# views live in claims (sources never imports claims).
source_pages = ([*sources_urls.urlpatterns, *claims_urls.source_pages], "sources")

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-redoc"),
    path("api/", include("tracker.api_router")),
    path("api-auth/", include("rest_framework.urls")),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(
            authentication_form=views.LoginForm,
            redirect_authenticated_user=True,
            next_page="dashboard",
        ),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", include(source_pages)),
    path("", include("claims.urls")),
    path("search/", views.SearchView.as_view(), name="search"),
    path("", views.DashboardView.as_view(), name="dashboard"),
]
