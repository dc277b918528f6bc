"""Invitation campaigns: audience, placeholders, sending once, reminders and the funnel.

HR's campaign and outbox pages are in `hr_views.py`.
"""
