"""Pagination that stays fast on large tables: cursors, never COUNT(*)."""

from rest_framework.exceptions import ValidationError
from rest_framework.pagination import CursorPagination


class StrictPageSizeMixin:
    """``page_size`` from 1 to ``max_page_size``; anything else is a 400 naming the
    parameter, rather than DRF's silent fall-back to the default or clamp to the maximum."""

    def get_page_size(self, request):
        values = request.query_params.getlist(self.page_size_query_param)
        if not values or values == [""]:
            return self.page_size
        try:
            size = int(values[0])
        except ValueError:
            size = 0
        if len(values) > 1 or not 1 <= size <= self.max_page_size:
            message = f"Give one whole number from 1 to {self.max_page_size}."
            raise ValidationError({self.page_size_query_param: [message]})
        return size

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"].update(minimum=1, maximum=self.max_page_size)
        return parameters


class TrackerCursorPagination(StrictPageSizeMixin, CursorPagination):
    """Opaque ``cursor`` links (``next``/``previous``), ``page_size`` up to 200.

    Ordering comes from the view's ``ordering`` (or the ``ordering`` parameter), always ending
    in a unique field, so pages neither skip nor repeat rows.
    """

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    ordering = "-id"
