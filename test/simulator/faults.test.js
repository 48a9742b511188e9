"use strict";
const assert = require("assert");
const WebSocket = require("ws");
const { START, within, waitForMessage, tone16, sendChunks, serverClosed, useSimulator } = require("./helpers");

const CANNOT_CONTINUE =
  "Cannot continue request (code 1). Please restart the request. Refer to: https://soniox.com/url/cannot-continue-request";

describe("simulator: faults and pacing", function () {
  const t = useSimulator();

  async function streaming() {
    const c = t.client();
    await within(c.opened, 2000, "open");
    c.ws.send(JSON.stringify(START));
    c.ws.send(tone16(200));
    await waitForMessage(c, (m) => m.total_audio_proc_ms === 200, "the first result");
    return { c, conn: t.sim.connections.at(-1) };
  }

  it("injectError sends the error frame with the documented default text, then closes 1000", async () => {
    const { c, conn } = await streaming();
    t.sim.injectError(conn, 503);
    const { code } = await within(c.closed, 2000, "close after the error");
    assert.deepStrictEqual(c.messages.at(-1), { error_code: 503, error_message: CANNOT_CONTINUE, tokens: [] });
    assert.strictEqual(code, 1000);
    assert.deepStrictEqual(conn.error, { error_code: 503, error_message: CANNOT_CONTINUE });
    await serverClosed(conn);
    assert.strictEqual(t.sim.openConnections.length, 0);
  });

  it("injectError takes a custom message", async () => {
    const { c, conn } = await streaming();
    t.sim.injectError(conn, 402, "Project monthly budget exhausted. Please increase it.");
    await within(c.closed, 2000, "close");
    assert.strictEqual(c.messages.at(-1).error_message, "Project monthly budget exhausted. Please increase it.");
  });

  it("abruptClose drops the socket without a close frame", async () => {
    const { c, conn } = await streaming();
    t.sim.abruptClose(conn);
    const { code } = await within(c.closed, 2000, "the drop");
    assert.strictEqual(code, 1006);
    assert.strictEqual(await serverClosed(conn), 1006);
    assert.strictEqual(conn.error, null);
  });

  it("stopResponding leaves the socket open but silent, pings unanswered", async () => {
    const { c, conn } = await streaming();
    const before = c.messages.length;
    t.sim.stopResponding(conn);
    let ponged = false;
    c.ws.on("pong", () => (ponged = true));
    c.ws.ping();
    c.ws.send(tone16(480));
    c.ws.send(JSON.stringify({ type: "finalize" }));
    await new Promise((r) => setTimeout(r, 250));
    assert.strictEqual(ponged, false, "a half-open socket must not answer pings");
    assert.strictEqual(c.messages.length, before);
    assert.strictEqual(c.ws.readyState, WebSocket.OPEN);
    assert.strictEqual(conn.closed, false);
  });

  it("answers pings while healthy", async () => {
    const { c } = await streaming();
    const pong = new Promise((resolve) => c.ws.once("pong", resolve));
    c.ws.ping();
    await within(pong, 1000, "pong");
  });

  it("fires scripted faults by connection index and audio time", async () => {
    t.sim.options = {
      faults: [{ connection: 1, afterAudioMs: 240, action: "error", code: 500 }],
    };
    const first = await streaming();
    first.c.ws.send(tone16(400));
    await waitForMessage(first.c, (m) => m.total_audio_proc_ms === 600, "connection 0 untouched");
    const second = t.client();
    await within(second.opened, 2000, "open");
    second.ws.send(JSON.stringify(START));
    sendChunks(second.ws, tone16(480));
    await within(second.closed, 2000, "the scripted error");
    assert.strictEqual(second.messages.at(-1).error_code, 500);
    assert.match(second.messages.at(-1).error_message, /^The server had an error processing your request/);
    assert.strictEqual(t.sim.connections[1].audioMs, 240, "fired on the frame that reached 240 ms");
    assert.strictEqual(t.sim.connections[0].error, null);
  });

  it("fires a timed abrupt-close fault", async () => {
    t.sim.options = { faults: [{ afterMs: 100, action: "abrupt-close" }] };
    const c = t.client();
    await within(c.opened, 2000, "open");
    const { code } = await within(c.closed, 2000, "the timed drop");
    assert.strictEqual(code, 1006);
  });

  it("refuses a client that bursts too far ahead of real time, and records the lead", async () => {
    t.sim.options = { pacing: { maxLeadMs: 1000 } };
    const c = t.client();
    await within(c.opened, 2000, "open");
    c.ws.send(JSON.stringify(START));
    sendChunks(c.ws, tone16(2400));
    await within(c.closed, 2000, "the pacing error");
    assert.deepStrictEqual(c.messages.at(-1), {
      error_code: 400,
      error_message: "Received too much audio data in total.",
      tokens: [],
    });
    const conn = t.sim.connections[0];
    assert.ok(conn.maxLeadMs > 1000 && conn.maxLeadMs <= 1200, `maxLeadMs ${conn.maxLeadMs}`);
  });

  it("records the lead without enforcing when enforce is false", async () => {
    t.sim.options = { pacing: { maxLeadMs: 1000, enforce: false } };
    const c = t.client();
    await within(c.opened, 2000, "open");
    c.ws.send(JSON.stringify(START));
    sendChunks(c.ws, tone16(2400));
    c.ws.send("");
    await within(c.closed, 2000, "close");
    assert.ok(c.messages.at(-1).finished);
    assert.ok(t.sim.connections[0].maxLeadMs > 2000, `maxLeadMs ${t.sim.connections[0].maxLeadMs}`);
  });

  it("can refuse a client that falls behind real time with 408 Input too slow", async () => {
    t.sim.options = { pacing: { tooSlow: { maxLagMs: 100, enforce: true } } };
    const c = t.client();
    await within(c.opened, 2000, "open");
    c.ws.send(JSON.stringify(START));
    c.ws.send(tone16(20));
    await new Promise((r) => setTimeout(r, 250));
    c.ws.send(tone16(20));
    await within(c.closed, 2000, "the lag error");
    assert.strictEqual(c.messages.at(-1).error_message, "Input too slow");
  });

  it("ends a session with 400 Audio is too long. once it is maxSessionMs old, counting wall-clock time while no audio flows", async () => {
    t.sim.options = { maxSessionMs: 300 };
    const c = t.client();
    await within(c.opened, 2000, "open");
    c.ws.send(JSON.stringify(START));
    sendChunks(c.ws, tone16(100));
    // Only 100 ms of audio, then keepalives (a paused client): the cap is wall-clock, not audio.
    const keepalive = setInterval(() => c.ws.send(JSON.stringify({ type: "keepalive" })), 50);
    await within(c.closed, 2000, "the length error").finally(() => clearInterval(keepalive));
    assert.strictEqual(c.messages.at(-1).error_message, "Audio is too long.");
  });

  it("close() ends every connection and can be awaited twice", async () => {
    const { c } = await streaming();
    await t.sim.close();
    await t.sim.close();
    const { code } = await within(c.closed, 2000, "close on shutdown");
    assert.strictEqual(code, 1006);
  });
});
