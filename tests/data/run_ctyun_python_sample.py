# Drives CTyun's own Python signing sample (ctyun_python_sample.py, copied verbatim from the
# "Python调用示例" page of the image-service API reference, updated 2023-03-23) against a running
# fake-ctimage. The sample's code runs unchanged: only its `if __name__ == "__main__":` demo
# block is cut off, the module globals `ak`/`sk` are set, and its `get(...)`/`post(...)` are
# called with the fake's URL.
#
# The sample signs with datetime.now(), the local clock: run with TZ=CST-8 (Beijing time).
#
# usage: python3 run_ctyun_python_sample.py BASE_URL AK SK REGION
# Prints one line `RESULT {json}` at the end; exits non-zero on any unexpected answer.
import json
import os
import sys

base, ak, sk, region = sys.argv[1:5]
sample_path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "ctyun_python_sample.py")
with open(sample_path, encoding="utf-8") as f:
    source = f.read()
marker = 'if __name__ == "__main__":'
assert source.count(marker) == 1, "the sample's main block marker is missing"
code = source[: source.index(marker)]

sample = {"__name__": "ctyun_python_sample", "__file__": sample_path}
exec(compile(code, sample_path, "exec"), sample)
sample["ak"] = ak
sample["sk"] = sk
get, post = sample["get"], sample["post"]
results = {}


def envelope(name, res, expect_status=800, expect_http=200):
    body = res.json()
    results[name] = {"http": res.status_code, "statusCode": body.get("statusCode"), "errorCode": body.get("errorCode")}
    if res.status_code != expect_http or body.get("statusCode") != expect_status:
        print("UNEXPECTED %s: HTTP %s %s" % (name, res.status_code, res.text))
        sys.exit(1)
    return body.get("returnObj")


# The two calls of the sample's own demo block, pointed at the fake.
listed = envelope("list", get(params={"regionID": region}, url=base + "/v4/image/list"))
results["publicImages"] = listed["totalCount"]
created = envelope(
    "create",
    post(
        params={"regionID": region, "instanceID": "ecs-python-sample", "imageName": "py-sample-1"},
        url=base + "/v4/image/create",
    ),
)
image_id = created["images"][0]["imageID"]
results["createdStatus"] = created["images"][0]["imageStatus"]

# A GET whose values need encoding: requests sends `+` for spaces and %2F for `/`, the sample
# signs quote(v) (`%20`, `/` kept); the fake must decode and re-canonicalize to match.
envelope(
    "listWithEncodedQuery",
    get(
        params={"regionID": region, "imageVisibilityCode": "0", "queryContent": "py sample/1:x"},
        url=base + "/v4/image/list",
    ),
)
detail = envelope(
    "detail", get(params={"regionID": region, "imageID": image_id, "errorFree": "false"}, url=base + "/v4/image/detail")
)
results["detailName"] = detail["images"][0]["imageName"]

# A POST with its parameters in the query string (the sample's `query` argument).
envelope(
    "deactivate",
    post(query="imageID=%s&regionID=%s" % (image_id, region), url=base + "/v4/image/deactivate"),
)

# A wrong secret key is rejected.
sample["sk"] = sk + "-wrong"
envelope("wrongKey", get(params={"regionID": region}, url=base + "/v4/image/list"), 900, 401)

print("RESULT " + json.dumps(results, sort_keys=True))
