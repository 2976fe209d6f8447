"""The load clients: wrk for raw throughput and a sequential probe for server time (the sign-in scenario and the
exam-start burst are bench.burst's). Each runs pinned to the client core(s)."""

import http.client
import os
import re
import shutil
import statistics
import subprocess
import threading
import time
from pathlib import Path


def pinned(command: list[str], client_cores: list[int]) -> list[str]:
    if shutil.which("taskset"):
        return ["taskset", "-c", ",".join(map(str, client_cores)), *command]
    return command


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text.strip())
    if not match:
        raise ValueError(f"not a wrk duration: {text!r}")
    return float(match.group(1)) * _UNITS[match.group(2)]


def parse_wrk(output: str) -> dict:
    """Requests/s, latency percentiles (ms), request count and non-2xx/3xx count from `wrk --latency`."""
    result = {"rps": None, "p50_ms": None, "p99_ms": None, "requests": 0, "bad": 0, "socket_errors": 0}
    if match := re.search(r"Requests/sec:\s+([\d.]+)", output):
        result["rps"] = float(match.group(1))
    for percent, key in (("50", "p50_ms"), ("99", "p99_ms")):
        if match := re.search(rf"^\s+{percent}(?:\.000)?%\s+(\S+)", output, re.MULTILINE):
            result[key] = _ms(match.group(1))
    if match := re.search(r"(\d+) requests in", output):
        result["requests"] = int(match.group(1))
    if match := re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output):
        result["bad"] = int(match.group(1))
    if match := re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output):
        result["socket_errors"] = sum(int(n) for n in match.groups())
    return result


LUA_TEMPLATE = """
local requests = {}
%s
local i = 0
request = function()
  i = (i %% #requests) + 1
  local r = requests[i]
  return wrk.format(r[1], r[2], r[3], r[4])
end
"""


def _lua_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def wrk_script(requests: list[dict], path: Path) -> Path:
    """A wrk Lua script cycling through requests: {"method", "path", "headers": {}, "body"}."""
    lines = []
    for request in requests:
        headers = "{" + ", ".join(f"[{_lua_string(k)}] = {_lua_string(v)}" for k, v in request["headers"].items()) + "}"
        body = _lua_string(request["body"]) if request.get("body") else "nil"
        method, target = _lua_string(request["method"]), _lua_string(request["path"])
        lines.append(f"requests[#requests + 1] = {{{method}, {target}, {headers}, {body}}}")
    path.write_text(LUA_TEMPLATE % "\n".join(lines))
    return path


def run_wrk(wrk: str, base_url: str, script: Path, seconds: int, connections: int, client_cores: list[int]) -> dict:
    command = pinned(
        [
            wrk,
            "-t",
            str(len(client_cores)),
            "-c",
            str(connections),
            "-d",
            f"{seconds}s",
            "--latency",
            "-s",
            str(script),
            base_url,
        ],
        client_cores,
    )
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout  # noqa: S603
    result = parse_wrk(output)
    result["raw"] = output
    return result


def probe(base_url: str, path: str, cookie: str, count: int, warmup: int = 3) -> dict:
    """Sequential GETs on one keep-alive connection: on loopback the latency is the server's time."""
    host, port = base_url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=120)
    timings, statuses = [], {}
    for index in range(warmup + count):
        started = time.perf_counter()
        connection.request("GET", path, headers={"Cookie": cookie, "Accept-Language": "zh-hans"})
        response = connection.getresponse()
        response.read()
        elapsed = (time.perf_counter() - started) * 1000
        if index >= warmup:
            timings.append(elapsed)
            statuses[response.status] = statuses.get(response.status, 0) + 1
    connection.close()
    return {
        "p50_ms": percentile(timings, 50),
        "p95_ms": percentile(timings, 95),
        "max_ms": max(timings) if timings else None,
        "requests": count,
        "statuses": {str(k): v for k, v in statuses.items()},
    }


def percentile(values: list[float], percent: float) -> float | None:
    if not values:
        return None
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(percent) - 1]


class LoadSampler(threading.Thread):
    """The machine's 1-minute load average every few seconds while a scenario runs (the machine may be shared:
    the figure says how much of it the benchmark had)."""

    def __init__(self, every: float = 5.0):
        super().__init__(daemon=True)
        self.every = every
        self.samples: list[float] = []
        self.stopped = threading.Event()

    def run(self):
        while not self.stopped.is_set():
            self.samples.append(os.getloadavg()[0])
            self.stopped.wait(self.every)

    def summary(self) -> dict:
        values = self.samples or [os.getloadavg()[0]]
        return {"min": min(values), "median": statistics.median(values), "max": max(values)}

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stopped.set()
        self.join()
