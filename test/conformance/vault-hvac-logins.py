# Drives the simulator's AppRole and JWT auth with hvac (Debian's python3-hvac), a client nobody here wrote.
# Prints one JSON document of what hvac saw: policies and Vault's refusals, never a token or a secret.
import json
import sys

import hvac
import hvac.exceptions as exc

url, ca, role_id, secret_id, good_jwt, bad_jwt = sys.argv[1:7]
out = {}

a = hvac.Client(url=url, verify=ca)
out["approle_policies"] = a.auth.approle.login(role_id=role_id, secret_id=secret_id)["auth"]["policies"]
out["approle_authenticated"] = a.is_authenticated()
try:
    hvac.Client(url=url, verify=ca).auth.approle.login(role_id=role_id, secret_id="wrong")
    out["approle_wrong"] = "no error"
except exc.InvalidRequest as e:
    out["approle_wrong"] = str(e).split(",")[0]

j = hvac.Client(url=url, verify=ca)
out["jwt_policies"] = j.auth.jwt.jwt_login(role="edge-pipeline", jwt=good_jwt)["auth"]["policies"]
out["jwt_ttl_positive"] = j.auth.token.lookup_self()["data"]["ttl"] > 0
r = j.secrets.kv.v2.read_secret_version(path="expanso/prod/pipeline", mount_point="secret")
out["jwt_kv2_keys"] = sorted(r["data"]["data"].keys())
try:
    hvac.Client(url=url, verify=ca).auth.jwt.jwt_login(role="edge-pipeline", jwt=bad_jwt)
    out["jwt_bad_audience"] = "no error"
except exc.InvalidRequest as e:
    out["jwt_bad_audience"] = str(e).split(",")[0]
try:
    hvac.Client(url=url, verify=ca).auth.jwt.jwt_login(role="nope", jwt=good_jwt)
    out["jwt_bad_role"] = "no error"
except exc.InvalidRequest as e:
    out["jwt_bad_role"] = str(e).split(",")[0]
print(json.dumps(out))
