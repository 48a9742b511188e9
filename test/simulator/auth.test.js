"use strict";
const assert = require("assert");
const { SonioxSimulator } = require("../../dist/simulator");
const { START, within, serverClosed, tone16, useSimulator } = require("./helpers");

describe("simulator: authentication", function () {
  const t = useSimulator(() => ({}));

  /** Opens, sends `start`, and waits for the close; returns the client. */
  async function openAndStart(opts, start = START) {
    const c = t.client(opts);
    const opened = await within(c.opened, 2000, "the upgrade");
    if (opened.status === 101) c.ws.send(JSON.stringify(start));
    return { c, opened };
  }

  it("accepts the Authorization: Bearer header", async () => {
    const { c } = await openAndStart({ headers: { Authorization: "Bearer test-key" } });
    c.ws.send(tone16(200)); // the real service answers a stream without audio with "No audio received."
    c.ws.send("");
    const { code } = await within(c.closed, 2000, "close after end of stream");
    assert.strictEqual(code, 1000);
    assert.strictEqual(t.sim.connections[0].authMethod, "header");
    assert.strictEqual(t.sim.connections[0].error, null);
    assert.ok(c.messages.some((m) => m.finished === true));
  });

  it("accepts the soniox-api-key protocol and echoes only the protocol name", async () => {
    const { c } = await openAndStart({ headers: {}, protocols: ["soniox-api-key", "test-key"] });
    assert.strictEqual(c.ws.protocol, "soniox-api-key");
    c.ws.send(tone16(200)); // the real service answers a stream without audio with "No audio received."
    c.ws.send("");
    await within(c.closed, 2000, "close");
    assert.strictEqual(t.sim.connections[0].authMethod, "subprotocol");
    assert.strictEqual(t.sim.connections[0].error, null);
  });

  it("accepts the deprecated api_key in the start message before the cutoff", async () => {
    const { c } = await openAndStart({ headers: {} }, { ...START, api_key: "test-key" });
    c.ws.send(tone16(200)); // the real service answers a stream without audio with "No audio received."
    c.ws.send("");
    await within(c.closed, 2000, "close");
    assert.strictEqual(t.sim.connections[0].authMethod, "start_message");
    assert.strictEqual(t.sim.connections[0].error, null);
  });

  it("refuses legacy-only auth from the cutoff date", async () => {
    t.sim.options = { auth: { now: () => new Date("2027-01-15T00:00:01Z") } };
    const { c } = await openAndStart({ headers: {} }, { ...START, api_key: "test-key" });
    await within(c.closed, 2000, "close");
    assert.strictEqual(c.messages[0].error_code, 401);
    assert.match(c.messages[0].error_message, /no longer accepted/);
  });

  it("explains an unreadable cutoff date at construction", () => {
    assert.throws(
      () => new SonioxSimulator({ auth: { startMessageCutoff: "next year" } }),
      /auth.startMessageCutoff must be a date such as "2027-01-15", got "next year"/,
    );
  });

  it("sends a 401 frame for a bad key, then closes (default frame mode)", async () => {
    const { c, opened } = await openAndStart({ headers: { Authorization: "Bearer wrong" } });
    assert.strictEqual(opened.status, 101);
    const { code } = await within(c.closed, 2000, "close");
    assert.deepStrictEqual(c.messages, [{ error_code: 401, error_message: "Invalid API key.", tokens: [] }]);
    assert.strictEqual(code, 1000);
  });

  it("sends 401 Missing API key. when there is no key anywhere", async () => {
    const { c } = await openAndStart({ headers: {} });
    await within(c.closed, 2000, "close");
    assert.strictEqual(c.messages[0].error_code, 401);
    assert.strictEqual(c.messages[0].error_message, "Missing API key.");
  });

  it("answers HTTP 401 on the upgrade in http mode", async () => {
    t.sim.options = { badKeyResponse: "http" };
    const c = t.client({ headers: { Authorization: "Bearer wrong" } });
    const opened = await within(c.opened, 2000, "the upgrade answer");
    assert.strictEqual(opened.status, 401);
    assert.deepStrictEqual(opened.body, { error_code: 401, error_message: "Invalid API key." });
    assert.strictEqual(t.sim.connections.length, 0);
  });

  it("answers HTTP 401 Missing API key. in http mode when legacy auth is off", async () => {
    t.sim.options = { badKeyResponse: "http", auth: { startMessage: false } };
    const c = t.client({ headers: {} });
    const opened = await within(c.opened, 2000, "the upgrade answer");
    assert.strictEqual(opened.status, 401);
    assert.strictEqual(opened.body.error_message, "Missing API key.");
  });

  it("can refuse header and protocol together with 400 (UNCONFIRMED switch)", async () => {
    t.sim.options = { rejectHeaderAndSubprotocolTogether: true };
    const { c } = await openAndStart({
      headers: { Authorization: "Bearer test-key" },
      protocols: ["soniox-api-key", "test-key"],
    });
    await within(c.closed, 2000, "close");
    assert.strictEqual(c.messages[0].error_code, 400);
  });

  it("refuses connections beyond maxConcurrentConnections with 429", async () => {
    t.sim.options = { maxConcurrentConnections: 1 };
    const first = t.client();
    await within(first.opened, 2000, "first open");
    const second = t.client();
    await within(second.closed, 2000, "second refused");
    await serverClosed(t.sim.connections[1]);
    assert.deepStrictEqual(second.messages[0], {
      error_code: 429,
      error_message: "Your project has exceeded max number of concurrent requests.",
      tokens: [],
    });
    assert.strictEqual(t.sim.openConnections.length, 1);
    assert.strictEqual(t.sim.connections.length, 2);
  });
});
