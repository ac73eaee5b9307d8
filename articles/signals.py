"""Signals the sources app sends for changes its own models' signals do not show.

Other apps (the cross-check) listen to them; ``sources`` never imports those apps.
"""

from django.dispatch import Signal

# Sent after a body edit moved spans: ``sender`` is the span model, ``article`` the article,
# ``ids`` the primary keys of the rows whose offsets, text or anchor status changed.
spans_reanchored = Signal()


# Sent after an article was retracted or its retraction withdrawn: ``sender`` is Article,
# ``article`` the article. Its attributions count toward corroboration only while it stands.
article_retraction_changed = Signal()
