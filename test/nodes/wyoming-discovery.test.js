"use strict";
// Zeroconf discovery of wyoming in, tested where multicast cannot reach a real network: the
// child runs in a network namespace this test creates (unshare, as root: CI runs as root) with
// only loopback, multicast routed to it. The child refuses to run if it sees any other interface.
const assert = require("assert");
const path = require("path");
const { spawnSync } = require("child_process");

const CHILD = path.join(__dirname, "..", "support", "wyoming-discovery-child.js");
const SETUP = "ip link set lo up && ip link set lo multicast on && ip route add 224.0.0.0/4 dev lo";

describe("wyoming in: zeroconf discovery (in a loopback-only network namespace)", function () {
  this.timeout(30000);

  it("advertises _wyoming._tcp only when turned on, with the node's port and name, and says goodbye on close", function () {
    assert.strictEqual(process.getuid?.(), 0, "this test creates a network namespace and needs root (CI runs as root)");
    const run = spawnSync("unshare", ["--net", "--", "sh", "-c", `${SETUP} && exec "$0" "$1"`, process.execPath, CHILD], {
      encoding: "utf8",
      timeout: 25000,
      env: process.env,
    });
    assert.strictEqual(run.error, undefined, `unshare could not run: ${run.error}`);
    const lines = run.stdout.split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l));
    assert.strictEqual(run.status, 0, `child failed (${run.status}): ${run.stdout}\n${run.stderr}`);
    const [off, on, closed] = lines;
    assert.deepStrictEqual(off, { phase: "off", seen: 0 }, "nothing advertised with discovery off");
    assert.strictEqual(on.seen, 1);
    assert.deepStrictEqual(on.service, { name: "Soniox test", type: "wyoming", protocol: "tcp", port: on.port, fqdn: "Soniox test._wyoming._tcp.local" });
    assert.deepStrictEqual(closed.gone, ["Soniox test"], "goodbye on close");
  });
});
