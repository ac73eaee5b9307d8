"""Signals the sources app sends for changes its own models' signals do not show.

Other apps (the cross-check) listen to them; ``sources`` never imports those apps.
"""

from django.dispatch import Signal

# Sent after ``source_merge``: ``sender`` is Source, ``kept`` the kept source, ``merged_ids``
# the ids of the sources merged into it (now deleted).
sources_merged = Signal()
