"""Drives the loopback Google simulators with Debian's python3-google-auth (a client nobody here wrote):
the service-account JWT grant at the key file's token_uri, then Secret Manager REST calls with the token."""
import base64
import json
import sys

from google.auth import exceptions
from google.auth.transport.requests import AuthorizedSession, Request
from google.oauth2 import service_account

SCOPES = ["https://www.googleapis.com/auth/cloud-platform"]


def crc32c(data):
    c = 0xFFFFFFFF
    for b in data:
        c ^= b
        for _ in range(8):
            c = (c >> 1) ^ (0x82F63B78 & -(c & 1))
    return str((~c) & 0xFFFFFFFF)


def main():
    key_file, bad_key_file, api, project, secret = sys.argv[1:6]
    out = {}
    creds = service_account.Credentials.from_service_account_file(key_file, scopes=SCOPES)
    creds.refresh(Request())
    out["token_prefix"] = creds.token[:7]
    out["expiry_set"] = creds.expiry is not None

    session = AuthorizedSession(creds)
    base = "%s/v1/projects/%s/secrets" % (api, project)
    r = session.get("%s/%s/versions/latest:access" % (base, secret))
    body = r.json()
    data = base64.b64decode(body["payload"]["data"])
    out["access_status"] = r.status_code
    out["version_name"] = body["name"]
    out["keys"] = sorted(json.loads(data.decode("utf-8")))
    out["crc_ok"] = body["payload"]["dataCrc32c"] == crc32c(data)

    r = session.get("%s/%s" % (base, secret))
    out["rotation_period"] = r.json()["rotation"]["rotationPeriod"]

    r = session.get("%s/nope/versions/latest:access" % base)
    out["missing"] = [r.status_code, r.json()["error"]["status"]]

    r = session.get("%s/v1/projects/other-project/secrets/%s/versions/latest:access" % (api, secret))
    err = r.json()["error"]
    out["denied"] = [r.status_code, err["status"], err["details"][0]["reason"]]

    bad = service_account.Credentials.from_service_account_file(bad_key_file, scopes=SCOPES)
    try:
        bad.refresh(Request())
        out["bad_key"] = "accepted"
    except exceptions.RefreshError as e:
        out["bad_key"] = str(e.args[0]) if e.args else str(e)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
