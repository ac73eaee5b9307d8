from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.db import models


class TimeStampedModel(models.Model):
    """Adds when a row was created and last changed.

    Also moves a violated constraint's error onto a field: a constraint whose
    ``violation_error_code`` names a field of the model reports under that field, so forms
    and the API show it next to the input that caused it.
    """

    created_at = models.DateTimeField(auto_now_add=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True, editable=False)

    class Meta:
        abstract = True

    def validate_constraints(self, exclude=None) -> None:
        try:
            super().validate_constraints(exclude=exclude)
        except ValidationError as error:
            field_names = {f.name for f in self._meta.fields}
            unique_messages = {
                str(constraint.violation_error_message)
                for constraint in self._meta.constraints
                if isinstance(constraint, models.UniqueConstraint)
            }
            remapped: dict[str, list[ValidationError]] = {}
            for key, errors in error.error_dict.items():
                for item in errors:
                    target = item.code if key == NON_FIELD_ERRORS else key
                    if str(item.message) in unique_messages:
                        # A duplicate of a stored row: the API answers it with a 409.
                        item = ValidationError(item.message, code="unique", params=item.params)
                    remapped.setdefault(target if target in field_names else key, []).append(item)
            raise ValidationError(remapped) from error


no_nul = ProhibitNullCharactersValidator()
