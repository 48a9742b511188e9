"use strict";
const assert = require("assert");
const { START, within, waitForMessage, tone16, useSimulator } = require("./helpers");

describe("simulator: sendRaw pushes arbitrary frames for fuzzing", function () {
  const t = useSimulator();

  /** A raw client that keeps every frame, JSON or not, with its kind. */
  async function streaming() {
    const c = t.client();
    c.ws.removeAllListeners("message");
    c.raw = [];
    c.ws.on("message", (data, isBinary) => {
      c.raw.push({ isBinary, data: Buffer.from(data) });
      if (!isBinary) {
        try {
          c.messages.push(JSON.parse(data.toString()));
        } catch {
          // garbage frames are kept in c.raw only
        }
      }
    });
    await within(c.opened, 2000, "open");
    c.ws.send(JSON.stringify(START));
    // The start acknowledgement comes first; the raw frames under test follow it.
    await waitForMessage(c, (m) => m.total_audio_proc_ms === 0, "the start acknowledgement");
    c.raw = [];
    return { c, conn: t.sim.connections.at(-1) };
  }

  it("sends a string as a text frame and a Buffer as a binary frame, byte for byte, and records both", async () => {
    const { c, conn } = await streaming();
    const binary = Buffer.from([0, 255, 1, 254]);
    assert.strictEqual(t.sim.sendRaw(conn, "not json {"), true);
    assert.strictEqual(t.sim.sendRaw(conn, binary), true);
    assert.strictEqual(t.sim.sendRaw(conn, ""), true);
    await within(
      new Promise((resolve) => {
        const check = () => (c.raw.length >= 3 ? resolve() : setTimeout(check, 5));
        check();
      }),
      2000,
      "three raw frames",
    );
    assert.deepStrictEqual(
      c.raw.map((f) => [f.isBinary, f.data.toString("hex")]),
      [
        [false, Buffer.from("not json {").toString("hex")],
        [true, "00ff01fe"],
        [false, ""],
      ],
    );
    const out = conn.frames.filter((f) => f.dir === "out").slice(1);
    assert.deepStrictEqual(
      out.map((f) => [f.type, f.bytes, f.text]),
      [
        ["text", 10, "not json {"],
        ["binary", 4, undefined],
        ["text", 0, ""],
      ],
    );
    assert.deepStrictEqual(
      conn.sentMessages,
      [{ tokens: [], final_audio_proc_ms: 0, total_audio_proc_ms: 0 }],
      "raw frames are not protocol messages: only the acknowledgement is",
    );
  });

  it("leaves the session streaming: results still follow the garbage", async () => {
    const { c, conn } = await streaming();
    t.sim.sendRaw(conn, '{"tokens": "wrong type", "unknown": 1}');
    c.ws.send(tone16(240));
    await waitForMessage(c, (m) => m.total_audio_proc_ms === 240, "a result after the raw frame");
    assert.strictEqual(conn.closed, false);
    assert.strictEqual(conn.error, null);
  });

  it("returns false once the socket is closed, and refuses a connection of another simulator", async () => {
    const { conn } = await streaming();
    t.sim.abruptClose(conn);
    await within(
      new Promise((resolve) => (conn.closed ? resolve() : conn.once("close", resolve))),
      2000,
      "close",
    );
    assert.strictEqual(t.sim.sendRaw(conn, "late"), false);
    assert.throws(() => t.sim.sendRaw({ index: 99 }, "x"), /Connection 99 does not belong to this simulator/);
  });
});
