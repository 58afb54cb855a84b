#!/usr/bin/python3
"""Anchor (b): a Flask echo bot like the Webex lab's, everything inside the request: verify X-Spark-Signature,
ignore the bot's own messages, GET the message from the (stand-in) Webex API, POST the echo reply, answer 200.
Measured at its best: gunicorn's threaded worker (gthread), one keep-alive requests.Session per worker process:
  WEBEX_API_URL=... WEBEX_WEBHOOK_SECRET=... FLASK_THREADS=8 \
  gunicorn -k gthread -w 2 --threads 8 -b 127.0.0.1:PORT --chdir bench/lib flask_bot:app

Thread safety, checked: the threads of a worker share the Session only to get and post to one host with fixed
headers. requests' maintainers advise one Session per thread (psf/requests#2766) for state this bot does not use:
cookies (the stand-in sets none) and the eviction of a host's pool when more than pool_connections hosts are in
use (psf/requests#1871; here one host). urllib3's pool per host is thread-safe (a LIFO queue of connections); its
size is raised to the worker's thread count so that every thread keeps its connection alive (by default 10: past
that urllib3 opens and discards connections). The bot's id is read once, under a lock.
"""
import hashlib, hmac, json, os, threading

import requests
from requests.adapters import HTTPAdapter
from flask import Flask, abort, request

API = os.environ["WEBEX_API_URL"].rstrip("/")
SECRET = os.environ["WEBEX_WEBHOOK_SECRET"].encode()
HEADERS = {"Authorization": "Bearer " + os.environ.get("WEBEX_BOT_TOKEN", "bench")}
THREADS = int(os.environ.get("FLASK_THREADS", "1"))  # gunicorn --threads: one pooled connection for each
session = requests.Session()
session.headers.update(HEADERS)
session.mount("http://", HTTPAdapter(pool_connections=1, pool_maxsize=max(THREADS, 10)))
me = None
me_lock = threading.Lock()


def bot_id():
    global me
    if me is None:
        with me_lock:
            if me is None:
                me = session.get(API + "/people/me", timeout=15).json()
    return me["id"]


app = Flask(__name__)


@app.post("/api/v1/wbxt/events")
def events():
    raw = request.get_data()
    expected = hmac.new(SECRET, raw, hashlib.sha1).hexdigest()
    if not hmac.compare_digest(expected, request.headers.get("X-Spark-Signature", "").strip().lower()):
        abort(401)
    webhook = json.loads(raw)
    if webhook.get("resource") != "messages" or webhook.get("event") != "created":
        return {"status": "ignored"}
    message = session.get(API + "/messages/" + webhook["data"]["id"], timeout=15).json()
    if message.get("personId") == bot_id():
        return {"status": "own message"}
    text = ("Webhook `%s/%s` received:\n```json\n%s\n```\n**%s said:** %s"
            % (webhook["resource"], webhook["event"], json.dumps(webhook, indent=2),
               message.get("personEmail"), message.get("text", "")))
    session.post(API + "/messages", json={"roomId": message["roomId"], "markdown": text}, timeout=15)
    return {"status": "replied"}
