#!/usr/bin/python3
"""Anchor (b): a Flask echo bot like the Webex lab's, everything inside the request: verify X-Spark-Signature,
ignore the bot's own messages, GET the message from the (stand-in) Webex API, POST the echo reply, answer 200.
Run under gunicorn (Debian's python3-flask + gunicorn), sync workers, one keep-alive requests.Session per worker:
  WEBEX_API_URL=... WEBEX_WEBHOOK_SECRET=... gunicorn -w 5 -b 127.0.0.1:PORT --chdir bench/lib flask_bot:app
"""
import hashlib, hmac, json, os

import requests
from flask import Flask, abort, request

API = os.environ["WEBEX_API_URL"].rstrip("/")
SECRET = os.environ["WEBEX_WEBHOOK_SECRET"].encode()
HEADERS = {"Authorization": "Bearer " + os.environ.get("WEBEX_BOT_TOKEN", "bench")}
session = requests.Session()
session.headers.update(HEADERS)
me = None

app = Flask(__name__)


@app.post("/api/v1/wbxt/events")
def events():
    global me
    raw = request.get_data()
    expected = hmac.new(SECRET, raw, hashlib.sha1).hexdigest()
    if not hmac.compare_digest(expected, request.headers.get("X-Spark-Signature", "").strip().lower()):
        abort(401)
    webhook = json.loads(raw)
    if webhook.get("resource") != "messages" or webhook.get("event") != "created":
        return {"status": "ignored"}
    if me is None:
        me = session.get(API + "/people/me", timeout=15).json()
    message = session.get(API + "/messages/" + webhook["data"]["id"], timeout=15).json()
    if message.get("personId") == me["id"]:
        return {"status": "own message"}
    text = ("Webhook `%s/%s` received:\n```json\n%s\n```\n**%s said:** %s"
            % (webhook["resource"], webhook["event"], json.dumps(webhook, indent=2),
               message.get("personEmail"), message.get("text", "")))
    session.post(API + "/messages", json={"roomId": message["roomId"], "markdown": text}, timeout=15)
    return {"status": "replied"}
