# Drives the loopback Vault simulator with hvac (Debian's python3-hvac), a client nobody here wrote.
# Prints one JSON document of what hvac saw: key names and states only, never values.
import json
import os
import sys

import hvac
import hvac.exceptions as exc

url, ca, root, jwt_path = sys.argv[1:5]
out = {}
c = hvac.Client(url=url, token=root, verify=ca)
out["health"] = c.sys.read_health_status(method="GET")
out["sealed"] = c.sys.is_sealed()
out["initialized"] = c.sys.is_initialized()
out["leader_is_self"] = c.sys.read_leader_status()["is_self"]
r = c.secrets.kv.v2.read_secret_version(path="expanso/prod/pipeline", mount_point="secret")
out["kv2_keys"] = sorted(r["data"]["data"].keys())
out["kv2_version"] = r["data"]["metadata"]["version"]
meta = c.secrets.kv.v2.read_secret_metadata(path="expanso/prod/pipeline", mount_point="secret")
out["kv2_current_version"] = meta["data"]["current_version"]
# The LIST verb is not parseable by node:http; Vault treats GET ?list=true the same.
out["kv2_list"] = c.adapter.get("/v1/secret/metadata/expanso/prod", params={"list": "true"})["data"]["keys"]
try:
    c.secrets.kv.v2.read_secret_version(path="expanso/prod/missing", mount_point="secret")
    out["kv2_missing"] = "no error"
except exc.InvalidPath:
    out["kv2_missing"] = "InvalidPath"
self_ = c.auth.token.lookup_self()["data"]
out["root_policies"] = self_["policies"]
caps = c.adapter.post("/v1/sys/capabilities-self", json={"paths": ["secret/data/expanso/prod/pipeline"]})
out["root_caps"] = caps["data"]["secret/data/expanso/prod/pipeline"]

k = hvac.Client(url=url, verify=ca)
with open(jwt_path) as f:
    login = k.auth.kubernetes.login(role="expanso-edge", jwt=f.read().strip())
out["k8s_policies"] = login["auth"]["policies"]
out["k8s_authenticated"] = k.is_authenticated()
out["k8s_ttl_positive"] = k.auth.token.lookup_self()["data"]["ttl"] > 0
try:
    k.secrets.kv.v2.read_secret_version(path="expanso/prod/other", mount_point="secret")
    out["k8s_forbidden"] = "no error"
except exc.Forbidden:
    out["k8s_forbidden"] = "Forbidden"
try:
    hvac.Client(url=url, verify=ca).auth.kubernetes.login(role="nope", jwt="x.y.z")
    out["bad_role"] = "no error"
except exc.InvalidRequest as e:
    out["bad_role"] = str(e).split(",")[0]
bad = hvac.Client(url=url, token="hvs.not-a-token-00000000000000", verify=ca)
out["bad_token_authenticated"] = bad.is_authenticated()
print(json.dumps(out))
