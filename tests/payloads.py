"""Hostile text shared by the tests that check everything shown is escaped."""

HOSTILE = "<script>alert(1)</script><img src=x onerror=alert(2)>"
