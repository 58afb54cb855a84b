#!/usr/bin/python3
"""Writes N distinct, correctly signed Webex `messages/created` webhooks, one per line: "<signature> <body>".

The shape is /work/shared/webex/samples/messages-created.json, compact as Webex sends it (~1 KB). Every event has
its own data.id (so the service's dedupe never drops one) and one of --rooms rooms (the service processes a room's
events in order, rooms in parallel). Ids are real Webex ids: unpadded base64url of ciscospark://us/KIND/uuid.
Standard library only (run with /usr/bin/python3).

The message's uuid carries its room: its first 24 characters (80 bits: 0xB, then the room number) are those of the
room's uuid, whose last 12 are zeros; the last 12 are the message's own (namespace, 16 bits; number, 32 bits).
"ciscospark://us/MESSAGE/" (24 characters) and "ciscospark://us/ROOM/" (21) are whole base64 groups, and so are
24 characters of uuid, so the stand-in (nginx.conf) copies 32 base64 characters of the message id into the room id
of the message it answers: the reply goes to the webhook's room, as with Webex. FixedRate.java makes the same ids.
"""
import argparse, base64, hashlib, hmac, json, sys, uuid


def wid(kind, u):
    return base64.urlsafe_b64encode(f"ciscospark://us/{kind}/{u}".encode()).decode().rstrip("=")


def room_uuid(room):
    return uuid.UUID(int=(0xB << 96) | (room << 48))


def message_uuid(n, room, ns):
    assert 0 <= ns < 1 << 16 and 0 <= n < 1 << 32 and 0 <= room < 1 << 48
    return uuid.UUID(int=room_uuid(room).int | (ns << 32) | n)


BOT = "Y2lzY29zcGFyazovL3VzL1BFT1BMRS9ib3QtMDAwMS0wMDAwLTAwMDAtMDAwMDAwMDAwMDAx"
USER = "Y2lzY29zcGFyazovL3VzL1BFT1BMRS9mNWIzNjE4Ny1jOGRkLTQ3MjctOGIyZi1mOWM0NDdmMjkwNDY"
ORG = "OTZhYmMyYWEtM2RjYy0xMWU1LWExNTItZmUzNDgxOWNkYzlh"
APP = ("Y2lzY29zcGFyazovL3VzL0FQUExJQ0FUSU9OL0MyNzljYjMwYzAyOTE4MGJiNGJkYWViYjA2MWI3OTY1Y2RhMzliNjAyOTdjODUwM2Y"
       "yNjZhYmY2NmM5OTllYzFm")
HOOK = "Y2lzY29zcGFyazovL3VzL1dFQkhPT0svZjRlNjA1NjAtNjYwMi00ZmIwLWEyNWEtOTQ5ODgxNjA5NDk3"


def body(n, rooms, ns):
    return {
        "id": HOOK, "name": "router webhook", "targetUrl": "https://bot.example.com/api/v1/wbxt/events",
        "resource": "messages", "event": "created", "orgId": ORG, "createdBy": BOT, "appId": APP,
        "ownedBy": "creator", "status": "active", "created": "2026-11-20T09:00:00.000Z", "actorId": USER,
        "data": {"id": wid("MESSAGE", message_uuid(n, n % rooms, ns)), "roomId": wid("ROOM", room_uuid(n % rooms)), "roomType": "group",
                 "personId": USER, "personEmail": "matt@example.com", "created": "2026-11-27T14:26:16.000Z"},
    }


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--secret", required=True)
    p.add_argument("--count", type=int, required=True)
    p.add_argument("--namespace", type=lambda s: int(s, 0), default=1, help="keeps the ids of two files apart")
    p.add_argument("--rooms", type=int, default=256)
    p.add_argument("--out", required=True)
    a = p.parse_args()
    key = a.secret.encode()
    with open(a.out, "w") as out:
        for n in range(a.count):
            raw = json.dumps(body(n, a.rooms, a.namespace), separators=(",", ":"))
            sig = hmac.new(key, raw.encode(), hashlib.sha1).hexdigest()
            out.write(sig + " " + raw + "\n")


if __name__ == "__main__":
    sys.exit(main())
