#!/bin/sh
# Serve the web app and the Huey worker together; Ctrl-C stops both.
set -e
cd "$(dirname "$0")/.."
BIN=.venv/bin
$BIN/python manage.py run_huey --quiet &
WORKER=$!
trap 'kill $WORKER 2>/dev/null || true' EXIT INT TERM
echo "Aduan: http://127.0.0.1:8000/  (officials: http://127.0.0.1:8000/petugas/)"
$BIN/python manage.py runserver 127.0.0.1:8000 --noreload
