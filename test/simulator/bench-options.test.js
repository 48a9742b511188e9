"use strict";
// The simulator switches `npm run bench` uses: a shared clock, send-time stamps on tokens and a
// frame log that can be turned off at high stream counts.
const assert = require("assert");
const { START, within, tone16, sendChunks, serverClosed, useSimulator } = require("./helpers");

describe("simulator: benchmark switches", function () {
  const t = useSimulator();

  async function streamTone(ms) {
    const c = t.client();
    await within(c.opened, 2000, "open");
    c.ws.send(JSON.stringify(START));
    sendChunks(c.ws, tone16(ms));
    c.ws.send("");
    await within(c.closed, 3000, "close after end of stream");
    const conn = t.sim.connections.at(-1);
    await serverClosed(conn);
    return { c, conn };
  }

  it("stamps every token of every result with the clock reading at send time", async () => {
    let tick = 1000;
    t.sim.options = { stampSentTime: true, clock: () => (tick += 0.5) };
    const { c } = await streamTone(1200);
    const results = c.messages.filter((m) => m.tokens.length > 0);
    assert.ok(results.length >= 2, "expected several results with tokens");
    for (const m of results) {
      const stamps = new Set(m.tokens.map((tk) => tk.bench_sent_ms));
      assert.strictEqual(stamps.size, 1, "one stamp per result");
      assert.ok([...stamps][0] > 1000, "stamp comes from the given clock");
    }
    const stamps = results.map((m) => m.tokens[0].bench_sent_ms);
    assert.deepStrictEqual([...stamps].sort((a, b) => a - b), stamps, "stamps grow with each result");
  });

  it("adds no stamp unless asked", async () => {
    const { c } = await streamTone(600);
    const tokens = c.messages.flatMap((m) => m.tokens);
    assert.ok(tokens.length > 0);
    assert.ok(tokens.every((tk) => !("bench_sent_ms" in tk)));
  });

  it("keeps counters but no frame log, messages or audio with recordFrames off", async () => {
    t.sim.options = { recordFrames: false };
    let frameEvents = 0;
    t.sim.once("connection", (conn) => conn.on("frame", () => frameEvents++));
    const { c, conn } = await streamTone(600);
    assert.strictEqual(conn.audioMs, 600);
    assert.strictEqual(conn.audioChunks, 5);
    assert.strictEqual(conn.messagesSent, c.messages.length);
    assert.ok(conn.finished);
    assert.strictEqual(conn.frames.length, 0);
    assert.strictEqual(conn.sentMessages.length, 0);
    assert.strictEqual(conn.receivedAudio().length, 0);
    assert.strictEqual(frameEvents, 0);
  });

  it("measures how late audio arrives against real time from the first frame", async () => {
    let now = 0;
    t.sim.options = { clock: () => now };
    const c = t.client();
    await within(c.opened, 2000, "open");
    c.ws.send(JSON.stringify(START));
    const conn = t.sim.connections.at(-1); // registered at the upgrade, before the client saw it open
    const chunk = tone16(120);
    const sendAt = async (clock) => {
      const before = conn.audioChunks;
      now = clock;
      c.ws.send(chunk);
      await within(
        new Promise((resolve) => {
          const poll = () => (conn.audioChunks > before ? resolve() : setTimeout(poll, 2));
          poll();
        }),
        1000,
        "the chunk to arrive",
      );
    };
    await sendAt(5000); // first frame: the reference
    await sendAt(5120); // on time
    await sendAt(5540); // 300 ms late: 240 ms of audio had arrived by 540 ms
    assert.strictEqual(conn.firstAudioAt, 5000);
    assert.strictEqual(conn.lastAudioAt, 5540);
    assert.strictEqual(conn.maxLagMs, 300);
    assert.strictEqual(conn.maxLeadMs, 120);
  });
});
