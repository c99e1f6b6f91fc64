#!/usr/bin/env python3
"""A Python test suite that uses the JAICP emulator with nothing but the `jaicp` binary.

It starts `jaicp emulator serve`, reads the base URL and credentials it prints as JSON, and drives
the Calls API and the emulator's admin API (specs/emulator-admin.yml) over plain HTTP: no Rust,
no SDK, only the Python standard library.

    python3 examples/emulator_test.py            # uses `jaicp` from PATH
    JAICP_BIN=target/debug/jaicp python3 examples/emulator_test.py
"""

import json
import os
import signal
import subprocess
import tempfile
import unittest
import urllib.error
import urllib.request

JAICP = os.environ.get("JAICP_BIN", "jaicp")


def call(method, url, body=None):
    """One HTTP request; returns (status, parsed JSON body or None)."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(
        url, data=data, method=method, headers={"content-type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            text = response.read()
            return response.status, json.loads(text) if text else None
    except urllib.error.HTTPError as error:
        text = error.read()
        return error.code, json.loads(text) if text else None


def read_json(stream):
    """The first JSON object on `stream` (one line or pretty-printed over several)."""
    text = ""
    while True:
        line = stream.readline()
        if not line:
            raise RuntimeError(f"the emulator exited before printing its settings: {text!r}")
        text += line
        try:
            return json.loads(text)
        except json.JSONDecodeError:
            continue


class Emulator:
    """`jaicp emulator serve` on a free loopback port, keeping its state in `state`."""

    def __init__(self, state):
        self.process = subprocess.Popen(
            [JAICP, "emulator", "serve", "--bind", "127.0.0.1", "--port", "0",
             "--state", state, "--print-config", "json"],
            stdout=subprocess.PIPE, text=True,
        )
        # The settings are printed once the port is bound: no polling, no sleep.
        self.config = read_json(self.process.stdout)
        self.base = self.config["baseUrl"]
        self.admin = self.config["adminUrl"]
        self.calls = f"{self.base}/api/calls/campaign/{self.config['campaignToken']}"

    def stop(self):
        self.process.send_signal(signal.SIGINT)  # like Ctrl-C: the state is written on the way out
        code = self.process.wait(timeout=30)
        self.process.stdout.close()
        if code != 0:  # Ctrl-C is the normal way to stop the server: exit status 0
            raise RuntimeError(f"the emulator exited with status {code}")


class EmulatorTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.TemporaryDirectory()
        cls.state = os.path.join(cls.dir.name, "state.json")
        cls.emulator = Emulator(cls.state)

    @classmethod
    def tearDownClass(cls):
        cls.emulator.stop()
        cls.dir.cleanup()

    def setUp(self):
        # Every test starts from a fresh emulator state.
        status, _ = call("POST", f"{self.emulator.admin}/reset")
        self.assertEqual(status, 200)

    def test_health(self):
        status, body = call("GET", self.emulator.config["healthUrl"])
        self.assertEqual((status, body["status"]), (200, "ok"))

    def test_added_phones_are_dialled(self):
        status, ids = call("POST", f"{self.emulator.calls}/addPhones",
                           [{"phone": "79001112233"}, {"phone": "79001112234"}])
        self.assertEqual(status, 200)
        self.assertEqual(len(ids), 2)
        # Finish the campaign now instead of waiting for the simulated dialer.
        token = self.emulator.config["campaignToken"]
        status, _ = call("POST", f"{self.emulator.admin}/calls/{token}/advance")
        self.assertEqual(status, 200)
        status, report = call("POST", f"{self.emulator.calls}/callJob/getReport", {"ids": ids})
        self.assertEqual(status, 200)
        self.assertTrue(all("finishedAt" in row for row in report))

    def test_a_client_survives_one_failed_request(self):
        # The next addPhones answers 503 once: a client with retries must still succeed.
        status, _ = call("POST", f"{self.emulator.admin}/faults",
                         {"path": "/api/calls/campaign/*/addPhones", "status": 503, "count": 1})
        self.assertEqual(status, 201)
        status, _ = call("POST", f"{self.emulator.calls}/addPhones", [{"phone": "79001112235"}])
        self.assertEqual(status, 503)
        status, _ = call("POST", f"{self.emulator.calls}/addPhones", [{"phone": "79001112235"}])
        self.assertEqual(status, 200)
        _, counters = call("GET", f"{self.emulator.admin}/counters")
        self.assertEqual(counters["jobsCreated"], 1)

    def test_state_survives_a_restart(self):
        status, ids = call("POST", f"{self.emulator.calls}/addPhones", [{"phone": "79001112236"}])
        self.assertEqual(status, 200)
        type(self).emulator.stop()
        type(self).emulator = Emulator(self.state)
        status, report = call("POST", f"{self.emulator.calls}/callJob/getReport", {"ids": ids})
        self.assertEqual((status, report[0]["phone"]), (200, "79001112236"))


if __name__ == "__main__":
    unittest.main()
