"""What the cache keeps, as JSON rather than Django's default pickle: anyone able to write to
Redis could otherwise make the web workers run code of their choosing when a value is read back
(decision 0043). Everything cached (sessions, signed JSON in the database too) is plain data."""

import json


class JSONSerializer:
    def dumps(self, value) -> bytes:
        return json.dumps(value, separators=(",", ":")).encode()

    def loads(self, data: bytes):
        return json.loads(data)
