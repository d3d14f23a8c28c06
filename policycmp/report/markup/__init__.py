"""The reports' HTML: :mod:`.format` (numbers and amounts) and :mod:`.components` (building blocks)."""
