"""Pagination that stays fast on large tables: cursors, never COUNT(*)."""

from rest_framework.pagination import CursorPagination


class TrackerCursorPagination(CursorPagination):
    """Opaque ``cursor`` links (``next``/``previous``), ``page_size`` up to 200.

    Ordering comes from the view's ``ordering`` (or the ``ordering`` parameter), always ending
    in a unique field, so pages neither skip nor repeat rows.
    """

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    ordering = "-id"
