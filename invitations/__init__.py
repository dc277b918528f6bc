"""From the leavers register to members: the register (`register/`), invitation campaigns
(`campaigns/`) and joining (`joining/`). URLs: `urls.py` (public), `hr_urls.py` (under /hr/).
"""
