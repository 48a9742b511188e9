"use strict";
// The simulator times container audio by decoding it with ffmpeg, independently of the client's
// container clocks: its totals must equal what ffmpeg decodes from the same bytes.
const assert = require("assert");
const fs = require("fs");
const path = require("path");
const { execFileSync } = require("child_process");
const { within, sendChunks, serverClosed, useSimulator } = require("./helpers");
const { decodedMs, ffmpeg } = require("../core/audio/decode-truth");
const { CLOCKED_FILES } = require("../support/damaged-audio");

const DIR = path.join(__dirname, "../fixtures/audio");
const FILES = [...CLOCKED_FILES, "speech.aiff", "speech.wma"];

/** ffmpeg processes this test process has started and that are still running. */
function runningDecoders() {
  try {
    const out = execFileSync("ps", ["-o", "pid=,args=", "--ppid", String(process.pid)], { encoding: "utf8" });
    return out.split("\n").filter((line) => line.includes(ffmpeg));
  } catch {
    return []; // ps exits 1 when there are no children
  }
}

describe("simulator: container audio timed by decoding it", function () {
  this.timeout(20000);
  const t = useSimulator();

  async function stream(bytes, chunkBytes = 1500) {
    const c = t.client();
    await within(c.opened, 2000, "open");
    c.ws.send(JSON.stringify({ model: "stt-rt-v5", audio_format: "auto" }));
    sendChunks(c.ws, bytes, chunkBytes);
    c.ws.send("");
    await within(c.closed, 10000, "close after end of stream");
    await serverClosed(t.sim.connections.at(-1));
    return c.messages;
  }

  for (const file of FILES) {
    it(`${file}: total_audio_proc_ms is ffmpeg's decoded duration`, async () => {
      const bytes = fs.readFileSync(path.join(DIR, file));
      const truth = decodedMs(bytes);
      const messages = await stream(bytes);
      const last = messages.at(-1);
      assert.strictEqual(last.finished, true, JSON.stringify(last));
      assert.ok(Math.abs(last.total_audio_proc_ms - truth) <= 1, `simulator ${last.total_audio_proc_ms} ms, ffmpeg ${truth} ms`);
      assert.ok(Math.abs(t.sim.connections[0].audioMs - truth) < 0.01, `connection audioMs ${t.sim.connections[0].audioMs}`);
    });
  }

  it("answers bytes ffmpeg cannot decode with 400 Audio decode error", async () => {
    const messages = await stream(Buffer.from("OggS" + "not audio at all ".repeat(500)));
    const error = messages.find((m) => "error_code" in m);
    assert.deepStrictEqual([error.error_code, error.error_message], [400, "Audio decode error"]);
  });

  it("kills the decoder when the connection closes mid-stream", async () => {
    const before = runningDecoders().length;
    const c = t.client();
    await within(c.opened, 2000, "open");
    c.ws.send(JSON.stringify({ model: "stt-rt-v5", audio_format: "auto" }));
    const bytes = fs.readFileSync(path.join(DIR, "speech.flac"));
    sendChunks(c.ws, bytes.subarray(0, 20000), 5000);
    await within(
      new Promise((resolve) => {
        const poll = setInterval(() => runningDecoders().length > before && (clearInterval(poll), resolve()), 20);
      }),
      3000,
      "a decoder to start",
    );
    c.ws.terminate();
    await serverClosed(t.sim.connections.at(-1));
    await within(
      new Promise((resolve) => {
        const poll = setInterval(() => runningDecoders().length === before && (clearInterval(poll), resolve()), 20);
      }),
      3000,
      "the decoder to be gone",
    );
  });
});
