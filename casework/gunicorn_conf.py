"""How gunicorn serves casework: `make run` starts it with this file (`-c python:casework.gunicorn_conf`).

Threaded workers, not sync ones: with two sync workers, two slow connections (an upload trickling in, or
headers sent a line at a time, no account needed) held both workers and the login page stopped answering
(security review F-3). A gthread worker waits for a request's first bytes in its main loop and gives each
request a thread, so a slow client holds one thread of sixteen, not a whole worker. That bounds what a few
slow clients can do; a flood of them is the job of a buffering reverse proxy (deploy/nginx.conf), which
production puts in front of gunicorn.

Command-line options override these values (`--workers 4`, `--bind 0.0.0.0:8000`).
"""

wsgi_app = "casework:create_app()"

worker_class = "gthread"
workers = 2
#: More threads than slow connections a worker should survive. Each thread that reaches the database holds one of
#: the pool's 15 connections (SQLAlchemy's default 5 + 10 overflow); a sixteenth waits for one to come back.
threads = 16

#: The arbiter restarts a worker whose main loop has not reported for this long. A gthread worker reports from its
#: loop while requests run in threads, so a long PDF (PDF_RENDER_SECONDS, 120 s, stops it with a message) does not
#: count; a worker stuck this long is stuck.
timeout = 60
#: On restart or stop, requests in flight get this long to finish.
graceful_timeout = 30
#: Seconds an idle keep-alive connection is kept, and a new one may take to send its first bytes.
keepalive = 5

#: casework has no use for gunicorn's control socket (gunicornc), and one per user at ~/.gunicorn would be shared
#: by every gunicorn of that user on the machine.
control_socket_disable = True
