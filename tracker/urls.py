from django.contrib import admin
from django.urls import path
from django.views.generic import RedirectView

admin.site.site_header = "Claim tracker"
admin.site.site_title = "Claim tracker"
admin.site.index_title = "Annotate articles, sources and claims"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", RedirectView.as_view(pattern_name="admin:index", permanent=False)),
]
