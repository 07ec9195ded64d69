"""gunicorn's settings for one app server: `gunicorn -c deploy/gunicorn.conf.py tracker.wsgi`.

Each can be changed through the environment (GUNICORN_BIND, GUNICORN_WORKERS, ...) without editing
this file; `make stack` does so to run two servers on two loopback ports.
"""

import multiprocessing
import os

# Where nginx finds this server. Loopback by default: only the proxy on this machine talks to it.
bind = [os.environ.get("GUNICORN_BIND", "127.0.0.1:8001")]

# Synchronous workers: the tracker's requests are short and use the database; a slow one (a large
# upload, a Word report) holds one worker. 2 × cores + 1 is gunicorn's advice for such work.
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"

# A worker silent for this long is killed and replaced (a stuck request, not a slow one: the
# largest report takes a few seconds). nginx's proxy_read_timeout is set a little above it.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
# On SIGTERM (a restart, an upgrade) requests under way get this long to finish.
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
# Connections kept open between requests from nginx.
keepalive = 5

# Each worker is replaced after about a thousand requests, at staggered times, so that memory a
# library keeps growing is given back without all workers restarting at once.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "1000"))
max_requests_jitter = max(1, max_requests // 10)

# Logs to stderr, where the process manager keeps them (the access log too).
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'

# Only the proxy's address may say, in X-Forwarded-Proto, that a request came over HTTPS.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# Uploads are read by Django's handlers, which keep at most EVIDENCE_MAX_BYTES per file; headers
# and request lines keep gunicorn's limits.
proc_name = os.environ.get("GUNICORN_PROC_NAME", "tracker")
pidfile = os.environ.get("GUNICORN_PIDFILE") or None
