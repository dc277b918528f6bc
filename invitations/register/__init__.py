"""The leavers register: files, column mapping, row checks, the import engine, retention.

HR's register pages are in `hr_views.py`; the import's steps in `imports.py`.
"""
