"""A local S3-compatible server for the object-storage tests: moto's server on 127.0.0.1 (a free
port), one bucket, an IAM user with an access key allowed `s3:*`, and signature checking switched on
once that is set up, so a wrong key is refused as it would be by S3. Beside it, a port that accepts
connections and drops them at once (a store that goes away mid-request).

usage: s3_server.py BUCKET
Prints one JSON line {"endpoint", "dropping_endpoint", "access_key", "secret_key"}, then serves
commands, one per line on stdin, each answered by one JSON line on stdout:
  put PREFIX LOCAL      upload LOCAL (a file, or every file below a directory) under PREFIX
  get PREFIX LOCAL      download every object under PREFIX into the directory LOCAL
  list PREFIX           the keys under PREFIX, sorted
and stops when stdin closes.
"""
import json
import os
import socket
import sys
import threading

import boto3
import requests
from moto.server import ThreadedMotoServer


def dropper():
    """Accepts connections and closes them without a word."""
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", 0))
    s.listen(16)

    def serve():
        while True:
            conn, _ = s.accept()
            conn.close()

    threading.Thread(target=serve, daemon=True).start()
    return f"http://127.0.0.1:{s.getsockname()[1]}"


def main():
    bucket = sys.argv[1]
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    # Before authentication is on, any key is accepted: set up the user with a throwaway one.
    setup = dict(endpoint_url=endpoint, region_name="us-east-1",
                 aws_access_key_id="setup", aws_secret_access_key="setup")
    iam = boto3.client("iam", **setup)
    iam.create_user(UserName="sluice")
    iam.put_user_policy(UserName="sluice", PolicyName="s3", PolicyDocument=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}],
    }))
    key = iam.create_access_key(UserName="sluice")["AccessKey"]
    boto3.client("s3", **setup).create_bucket(Bucket=bucket)
    requests.post(f"{endpoint}/moto-api/reset-auth", data=b"0").raise_for_status()
    s3 = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1",
                      aws_access_key_id=key["AccessKeyId"],
                      aws_secret_access_key=key["SecretAccessKey"])
    print(json.dumps({
        "endpoint": endpoint,
        "dropping_endpoint": dropper(),
        "access_key": key["AccessKeyId"],
        "secret_key": key["SecretAccessKey"],
    }), flush=True)

    def keys(prefix):
        out = []
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
            out += [o["Key"] for o in page.get("Contents", [])]
        return sorted(out)

    for line in sys.stdin:
        cmd, *args = line.split()
        try:
            if cmd == "put":
                prefix, local = args
                if os.path.isdir(local):
                    n = 0
                    for root, _, files in os.walk(local):
                        for f in files:
                            p = os.path.join(root, f)
                            rel = os.path.relpath(p, local).replace(os.sep, "/")
                            s3.upload_file(p, bucket, f"{prefix}/{rel}")
                            n += 1
                else:
                    s3.upload_file(local, bucket, prefix)
                    n = 1
                reply = {"ok": n}
            elif cmd == "get":
                prefix, local = args
                got = keys(prefix)
                for k in got:
                    dest = os.path.join(local, k[len(prefix):].lstrip("/"))
                    os.makedirs(os.path.dirname(dest), exist_ok=True)
                    s3.download_file(bucket, k, dest)
                reply = {"ok": len(got)}
            elif cmd == "list":
                reply = {"ok": keys(args[0])}
            else:
                reply = {"error": f"unknown command {cmd}"}
        except Exception as e:  # reported to the test, which fails with it
            reply = {"error": f"{type(e).__name__}: {e}"}
        print(json.dumps(reply), flush=True)
    server.stop()


if __name__ == "__main__":
    main()
