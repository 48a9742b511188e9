"use strict";
const assert = require("assert");
const fs = require("fs");
const path = require("path");
const { execFileSync } = require("child_process");
const { createTranscoder } = require("../../../dist/core/audio/transcoder");

const AUDIO = path.join(__dirname, "..", "..", "fixtures", "audio");
const read = (f) => fs.readFileSync(path.join(AUDIO, f));
const DURATIONS = JSON.parse(fs.readFileSync(path.join(AUDIO, "durations.json"), "utf8"));
const OUT_BYTES_PER_MS = 32; // pcm_s16le, 16 kHz, mono

/** PIDs of ffmpeg processes that are children of this test process. */
function ffmpegChildren() {
  try {
    return execFileSync("pgrep", ["-P", String(process.pid), "ffmpeg"], { encoding: "utf8" }).split("\n").filter(Boolean).map(Number);
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
}

async function gone(pid, deadlineMs = 2000) {
  const until = Date.now() + deadlineMs;
  while (ffmpegChildren().includes(pid) && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
  return !ffmpegChildren().includes(pid);
}

describe("transcoder: any input to PCM 16 kHz mono with ffmpeg", function () {
  this.timeout(15000);
  const live = [];

  /** A transcoder whose events are recorded; resolves `done` on end or error. */
  function start(input, extra = {}) {
    const rec = { chunks: [], error: null, ended: false, drains: 0, afterFinish: 0 };
    rec.done = new Promise((resolve) => {
      rec.t = createTranscoder({
        input,
        onData: (pcm) => {
          if (rec.ended || rec.error) rec.afterFinish++;
          rec.chunks.push(pcm);
        },
        onError: (err) => {
          rec.error = err;
          resolve();
        },
        onEnd: () => {
          rec.ended = true;
          resolve();
        },
        onDrain: () => rec.drains++,
        ...extra,
      });
    });
    live.push(rec.t);
    rec.bytes = () => rec.chunks.reduce((n, c) => n + c.length, 0);
    return rec;
  }

  function feedAll(t, bytes, size = 4096) {
    for (let at = 0; at < bytes.length; at += size) t.write(bytes.subarray(at, at + size));
    t.end();
  }

  afterEach(async function () {
    const pids = live.map((t) => t.pid).filter(Boolean);
    for (const t of live.splice(0)) t.destroy();
    for (const pid of pids) assert.ok(await gone(pid), `ffmpeg ${pid} still running`);
  });

  for (const file of ["speech-44k-stereo.mp3", "speech.ogg", "speech.webm", "speech.flac", "speech.aac", "speech.aiff", "speech.wma", "speech-48k-f32.wav", "speech-8k-mulaw.wav"]) {
    it(`${file}: decoded to PCM 16 kHz mono of the right length, in whole samples`, async function () {
      const rec = start(null);
      feedAll(rec.t, read(file));
      await rec.done;
      assert.strictEqual(rec.error, null, rec.error && rec.error.message);
      const ms = rec.bytes() / OUT_BYTES_PER_MS;
      // Lossy codecs add priming and padding (tens of ms); the AAC encoder up to ~130 ms.
      assert.ok(Math.abs(ms - DURATIONS[file]) < 150, `${ms} ms decoded, ${DURATIONS[file]} expected`);
      assert.ok(rec.chunks.every((c) => c.length % 2 === 0), "every chunk is whole samples");
    });
  }

  it("16 kHz mono WAV comes out sample-exact (the .s16le fixture)", async function () {
    const rec = start(null);
    feedAll(rec.t, read("speech-16k-mono.wav"), 65536);
    await rec.done;
    assert.ok(Buffer.concat(rec.chunks).equals(read("speech-16k-mono.s16le")));
  });

  it("headerless raw input is described to ffmpeg: 8 kHz mu-law and 48 kHz Float32", async function () {
    const mulaw = start({ format: "mulaw", sampleRate: 8000, channels: 1 });
    feedAll(mulaw.t, read("speech-8k.mulaw"), 160);
    const f32 = start({ format: "pcm_f32le", sampleRate: 48000, channels: 1 });
    feedAll(f32.t, read("speech-48k-f32le.raw"), 3000);
    await Promise.all([mulaw.done, f32.done]);
    assert.strictEqual(mulaw.bytes(), read("speech-8k.mulaw").length * 2 * 2, "8 kHz 1-byte samples → 16 kHz 2-byte samples");
    assert.ok(Math.abs(f32.bytes() - read("speech-48k-f32le.raw").length / 4 / 3 * 2) <= 4);
  });

  it("streams: output comes while input is still arriving", async function () {
    const rec = start(null);
    const ogg = read("speech.ogg");
    rec.t.write(ogg.subarray(0, ogg.length / 2));
    const until = Date.now() + 5000;
    while (rec.bytes() === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    assert.ok(rec.bytes() > 0, "decoded audio before end()");
    assert.strictEqual(rec.ended, false);
    rec.t.write(ogg.subarray(ogg.length / 2));
    rec.t.end();
    await rec.done;
    assert.ok(rec.ended);
  });

  it("backpressure: with the output paused, write() says stop; resuming drains everything", async function () {
    const rec = start({ format: "pcm_s16le", sampleRate: 16000, channels: 1 }, { highWaterMark: 64 * 1024 });
    rec.t.pauseOutput();
    const pcm = Buffer.alloc(4 * 1024 * 1024, 1);
    let refused = false;
    for (let at = 0; at < pcm.length && !refused; at += 65536) refused = !rec.t.write(pcm.subarray(at, at + 65536));
    assert.ok(refused, "write() returned false above the high-water mark");
    assert.ok(rec.t.pendingInputBytes > 0, "input waits in the pipe instead of being dropped");
    rec.t.resumeOutput();
    const until = Date.now() + 5000;
    while (rec.drains === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
    assert.strictEqual(rec.drains, 1, "onDrain once the backlog cleared");
    rec.t.end();
    await rec.done;
    assert.ok(rec.bytes() > 0 && rec.bytes() % 2 === 0);
  });

  it("destroy() kills ffmpeg at once, and nothing is called afterwards", async function () {
    const rec = start(null);
    rec.t.write(read("speech.flac").subarray(0, 20000));
    const pid = rec.t.pid;
    rec.t.destroy();
    rec.t.destroy();
    assert.ok(await gone(pid), "no leftover ffmpeg");
    await new Promise((r) => setTimeout(r, 50));
    assert.strictEqual(rec.error, null);
    assert.strictEqual(rec.ended, false);
    assert.strictEqual(rec.t.write(Buffer.alloc(10)), false, "writes after destroy are refused");
  });

  it("data that is not audio is a clear error, not a crash", async function () {
    const rec = start(null);
    feedAll(rec.t, Buffer.from("this is a text file, not audio at all\n".repeat(200)));
    await rec.done;
    assert.ok(rec.error, "onError called");
    assert.match(rec.error.message, /ffmpeg could not convert the audio.*exited with code/);
  });

  it("an empty stream ends cleanly", async function () {
    const rec = start(null);
    rec.t.end();
    await rec.done;
    assert.strictEqual(rec.error, null);
    assert.strictEqual(rec.ended, true);
  });

  describe("without ffmpeg", function () {
    it("no binary found: createTranscoder throws an invalid_config error naming how to install it", function () {
      assert.throws(
        () => createTranscoder({ input: null, command: null, onData() {}, onError() {}, onEnd() {} }),
        (err) => err.code === "invalid_config" && /needs ffmpeg, which was not found/.test(err.message) && /apt-get install ffmpeg/.test(err.message) && /@ffmpeg-installer\/ffmpeg/.test(err.message),
      );
    });

    it("a binary that vanished: onError with the same advice, no exception", async function () {
      const rec = start(null, { command: "/nonexistent/ffmpeg" });
      rec.t.write(read("speech.ogg"));
      await rec.done;
      assert.strictEqual(rec.error.code, "invalid_config");
      assert.match(rec.error.message, /apt-get install ffmpeg.*\/nonexistent\/ffmpeg: ENOENT/);
    });
  });
});
