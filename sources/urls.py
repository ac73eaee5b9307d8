"""Pages about articles and sources, in the ``sources`` namespace.

The article reader and the source page show claims data, so their views are in
``claims/views.py``; ``tracker/urls.py`` adds ``claims.urls.source_pages`` to this namespace.
"""

from django.urls import path

from sources import views

app_name = "sources"
urlpatterns = [
    path("articles/", views.ArticleListView.as_view(), name="article-list"),
    path("sources/", views.SourceListView.as_view(), name="source-list"),
]
