"""Joining the network: signed join links, joining or declining, and requests to join.

The public pages are in `views.py`, HR's queue of requests in `hr_views.py`.
"""
