"use strict";
// What npm start's guard (scripts/lib/admin-guard.js) lets through, request by request; the
// start test (start.test.js) checks it against the real Node-RED process.
const assert = require("assert");
const { refusal, servedNames, isLoopback } = require("../../scripts/lib/admin-guard");

describe("npm start's request guard", function () {
  const policy = (bind = "127.0.0.1", { hosts = [], origins = [] } = {}) => ({ names: servedNames(bind, hosts), origins: new Set(origins) });
  const verdict = (headers, p = policy()) => (refusal(headers, p) === null ? "pass" : "refused");

  it("passes its own pages under any loopback name, and clients that send no Origin", function () {
    assert.strictEqual(verdict({ host: "127.0.0.1:1880" }), "pass");
    assert.strictEqual(verdict({ host: "127.0.0.1:1880", origin: "http://127.0.0.1:1880" }), "pass");
    assert.strictEqual(verdict({ host: "localhost:1880", origin: "http://127.0.0.1:1880" }), "pass");
    assert.strictEqual(verdict({ host: "[::1]:1880", origin: "http://[::1]:1880" }), "pass");
    assert.strictEqual(verdict({}), "pass", "HTTP/1.0 without Host");
  });

  it("refuses other sites, other ports, null and garbage origins, and hosts it is not served under", function () {
    for (const origin of ["http://evil.example", "http://127.0.0.1:1881", "null", "::garbage::", "file://", "chrome-extension://abc"]) {
      assert.strictEqual(verdict({ host: "127.0.0.1:1880", origin }), "refused", origin);
    }
    for (const host of ["evil.example:1880", "127.0.0.1.evil.example", "", "a b", "user@127.0.0.1", "127.0.0.1/x"]) {
      assert.strictEqual(verdict({ host }), "refused", host);
    }
    assert.match(refusal({ host: "evil.example" }, policy()), /not a name this Node-RED is served under/);
    assert.match(refusal({ host: "127.0.0.1", origin: "null" }, policy()), /"null" is not a page of this Node-RED/);
  });

  it("widens only as far as told: allowed origins and host names, and the bind address", function () {
    const widened = policy("127.0.0.1", { hosts: ["Pi.lan"], origins: ["https://app.example"] });
    assert.strictEqual(verdict({ host: "pi.lan:1880", origin: "http://pi.lan:1880" }, widened), "pass");
    assert.strictEqual(verdict({ host: "127.0.0.1:1880", origin: "https://app.example" }, widened), "pass");
    assert.strictEqual(verdict({ host: "127.0.0.1:1880", origin: "https://app.example.evil" }, widened), "refused");
    assert.strictEqual(verdict({ host: "192.0.2.5:1880" }, policy("192.0.2.5")), "pass");
    assert.strictEqual(verdict({ host: "192.0.2.6:1880" }, policy("192.0.2.5")), "refused");
  });

  it("counts only loopback binds as this machine only", function () {
    for (const host of ["127.0.0.1", "127.1.2.3", "localhost", "::1", "[::1]"]) assert.strictEqual(isLoopback(host), true, host);
    for (const host of ["0.0.0.0", "::", "192.0.2.5", "mybox.lan", "127.0.0.1.nip.io"]) assert.strictEqual(isLoopback(host), false, host);
  });
});
