"""The team's daily routines on the shared scheduler: the morning digest and waiting-customer
pings. Both are JobSources (see bot/scheduling/service.py) and deliver through the same ledger
as promotions, so each is sent at most once: the digest once a day per review channel (ledger
kind "digest", ref = the local date), a ping once per customer message (kind "ping", ref = the
message id).
"""
