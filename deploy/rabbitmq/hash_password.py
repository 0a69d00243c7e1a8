#!/usr/bin/env python3
"""Print a RabbitMQ password hash for definitions.json (rabbit_password_hashing_sha256).

The format is base64(salt + sha256(salt + utf8(password))) with a random 4-byte salt,
which is what `rabbitmqctl hash_password` prints. Usage:

    python3 deploy/rabbitmq/hash_password.py            # reads the password from the terminal
    printf '%s' "$PASSWORD" | python3 deploy/rabbitmq/hash_password.py -
"""
import base64
import getpass
import hashlib
import os
import sys


def rabbit_sha256_hash(password: str, salt: bytes | None = None) -> str:
    salt = os.urandom(4) if salt is None else salt
    digest = hashlib.sha256(salt + password.encode("utf-8")).digest()
    return base64.b64encode(salt + digest).decode("ascii")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "-":
        secret = sys.stdin.read()
    else:
        secret = getpass.getpass("RabbitMQ password: ")
    if not secret:
        sys.exit("empty password")
    print(rabbit_sha256_hash(secret))
