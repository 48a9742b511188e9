"use strict";
const assert = require("assert");
const fs = require("fs");
const os = require("os");
const path = require("path");
const { execFileSync } = require("child_process");
const { createDurationProbe } = require("../../../dist/core/audio/ffmpeg-probe");
const { ffmpegPath } = require("../../support/ffmpeg");

const FIXTURES = path.join(__dirname, "..", "..", "fixtures", "audio");
const fixture = (name) => fs.readFileSync(path.join(FIXTURES, name));
const DURATIONS = JSON.parse(fs.readFileSync(path.join(FIXTURES, "durations.json"), "utf8"));

/** PIDs of ffmpeg processes that are children of this test process. */
function ffmpegChildren() {
  try {
    return execFileSync("pgrep", ["-P", String(process.pid), "ffmpeg"], { encoding: "utf8" }).split("\n").filter(Boolean);
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
}

/** Polls (bounded) until none of `pids` is alive, then returns the survivors. */
async function survivorsAfter(pids, deadlineMs = 2000) {
  const until = Date.now() + deadlineMs;
  let alive = pids;
  while (alive.length > 0 && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 20));
    const now = new Set(ffmpegChildren());
    alive = pids.filter((pid) => now.has(pid));
  }
  return alive;
}

/** Deterministic noise that is no audio container. */
function garbage(bytes) {
  const buf = Buffer.alloc(bytes);
  let seed = 987654321;
  for (let i = 0; i < bytes; i++) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    buf[i] = seed >> 16;
  }
  return buf;
}

describe("ffmpeg duration probe", function () {
  const probes = [];
  const timers = [];
  const newProbe = () => {
    const probe = createDurationProbe();
    assert.ok(probe, "createDurationProbe() returned null although ffmpeg is available");
    probes.push(probe);
    return probe;
  };

  /**
   * Feeds `data` in `chunkBytes` pieces every `intervalMs` (all at once when 0), ends, and resolves
   * when the probe finishes or fails. `onSample` sees the probe at every progress call.
   */
  function feed(probe, data, { chunkBytes = 4096, intervalMs = 0, onSample = () => {} } = {}) {
    return new Promise((resolve) => {
      let progressCalls = 0;
      probe.onProgress = () => {
        progressCalls++;
        onSample(probe);
        if (probe.finished) resolve({ progressCalls, error: null });
      };
      probe.onError = (error) => resolve({ progressCalls, error });
      let offset = 0;
      const step = () => {
        const piece = data.subarray(offset, offset + chunkBytes);
        offset += piece.length;
        probe.write(piece);
        if (offset >= data.length) probe.end();
        else if (intervalMs > 0) timers.push(setTimeout(step, intervalMs));
        else step();
      };
      step();
    });
  }

  before(function () {
    // The probe is optional at runtime, but these tests need the real decoder.
    ffmpegPath();
  });

  afterEach(function () {
    for (const t of timers.splice(0)) clearTimeout(t);
    for (const p of probes.splice(0)) p.destroy();
  });

  const containers = [
    "speech-44k-stereo.mp3",
    "speech.ogg",
    "speech.webm",
    "speech.flac",
    "speech.aac",
    "speech.wma",
    "speech.aiff",
    "speech-16k-mono.wav",
    "speech-8k-mulaw.wav",
    "speech-48k-f32.wav",
  ];
  for (const name of containers) {
    it(`${name}: decodedMs after end() is within 5% of the true duration, bytesPerMs exact`, async function () {
      const data = fixture(name);
      const probe = newProbe();
      const { progressCalls, error } = await feed(probe, data);
      assert.strictEqual(error, null);
      const expected = DURATIONS[name];
      const deviation = Math.abs(probe.decodedMs - expected) / expected;
      assert.ok(deviation < 0.05, `decoded ${probe.decodedMs} ms, expected ${expected} ms`);
      assert.strictEqual(probe.fedBytes, data.length);
      assert.strictEqual(probe.bytesPerMs(), data.length / probe.decodedMs);
      assert.ok(progressCalls > 0);
    });
  }

  describe("bytesPerMs() while the decoder lags", function () {
    // A pacer fed the bytes it sends reads fedBytes / bytesPerMs() as "audio sent so far". It must
    // never claim more audio than there is (beyond codec priming), and may lag the truth by no
    // more than ffmpeg's read-ahead.
    const MAX_AHEAD_MS = 150;
    const MAX_BEHIND_MS = 1200;

    // The "truth" here assumes bytes spread evenly over time. That holds well enough for these;
    // ffmpeg's AAC encoder spends few bytes on its first frames, so ADTS AAC is left out.
    for (const name of ["speech-44k-stereo.mp3", "speech.ogg", "speech.webm", "speech.flac"]) {
      it(`${name} fed at 8x real time: no estimate before 200 ms, then implied audio within -${MAX_BEHIND_MS}/+${MAX_AHEAD_MS} ms of the truth`, async function () {
        const data = fixture(name);
        const trueBytesPerMs = data.length / DURATIONS[name];
        const probe = newProbe();
        const failures = [];
        let estimates = 0;
        const { error } = await feed(probe, data, {
          chunkBytes: Math.ceil(trueBytesPerMs * 200),
          intervalMs: 25,
          onSample: (p) => {
            const rate = p.bytesPerMs();
            if (p.decodedMs < 200 && rate !== null) failures.push(`estimate ${rate} at only ${p.decodedMs} ms decoded`);
            if (rate === null || p.finished) return;
            estimates++;
            const impliedMs = p.fedBytes / rate;
            const trueMs = p.fedBytes / trueBytesPerMs;
            if (impliedMs > trueMs + MAX_AHEAD_MS || impliedMs < trueMs - MAX_BEHIND_MS) {
              failures.push(`fed ${p.fedBytes} B: implied ${impliedMs.toFixed(0)} ms, true ${trueMs.toFixed(0)} ms`);
            }
          },
        });
        assert.strictEqual(error, null);
        assert.ok(estimates > 0, "no estimate before the end");
        assert.deepStrictEqual(failures, []);
      });
    }

    it("one large write: no estimate from the backlog, a sane one once ffmpeg has caught up", async function () {
      const name = "speech.webm";
      const data = fixture(name);
      const trueBytesPerMs = data.length / DURATIONS[name];
      const probe = newProbe();
      const seen = [];
      const caughtUp = new Promise((resolve, reject) => {
        probe.onError = reject;
        probe.onProgress = () => {
          const rate = probe.bytesPerMs();
          // The naive fedBytes / decodedMs is far too high while the backlog is decoded.
          if (rate !== null) seen.push({ rate, naive: probe.fedBytes / probe.decodedMs });
          if (probe.decodedMs > DURATIONS[name] * 0.9 && rate !== null) resolve();
        };
      });
      probe.write(data);
      await caughtUp;
      for (const { rate } of seen) {
        assert.ok(Math.abs(rate / trueBytesPerMs - 1) < 0.1, `estimate ${rate} vs true ${trueBytesPerMs}`);
      }
    });

  });

  it("end() with nothing written finishes cleanly with no estimate", async function () {
    const probe = newProbe();
    const done = new Promise((resolve, reject) => {
      probe.onProgress = () => probe.finished && resolve();
      probe.onError = reject;
    });
    probe.end();
    await done;
    assert.strictEqual(probe.decodedMs, 0);
    assert.strictEqual(probe.bytesPerMs(), null);
  });

  it("garbage input then end() → onError naming ffmpeg's complaint", async function () {
    const probe = newProbe();
    const { error } = await feed(probe, garbage(32 * 1024));
    assert.ok(error instanceof Error);
    assert.match(error.message, /ffmpeg could not decode the audio \(exited with code \d+\): .*Invalid data/);
  });

  it("a garbage stream that is never ended → onError once ffmpeg gives up; writes into the broken pipe are harmless", async function () {
    // ffmpeg probes up to 5 MB before it gives up on unknown data, and exits while we still write.
    const probe = newProbe();
    const noise = garbage(64 * 1024);
    let errors = 0;
    const err = await new Promise((resolve, reject) => {
      probe.onError = (e) => {
        errors++;
        resolve(e);
      };
      let writes = 0;
      const more = () => {
        probe.write(noise);
        if (++writes < 200) timers.push(setTimeout(more, 2));
        else reject(new Error(`no onError after ${probe.fedBytes} bytes of garbage`));
      };
      more();
    });
    assert.match(err.message, /ffmpeg could not decode the audio \(exited with code \d+\): .*Invalid data/);
    const fed = probe.fedBytes;
    assert.doesNotThrow(() => probe.write(noise));
    assert.strictEqual(probe.fedBytes, fed, "writes after the failure are ignored");
    await new Promise((r) => setTimeout(r, 50));
    assert.strictEqual(errors, 1);
  });

  it("destroy() kills ffmpeg mid-stream, leaves no child, is idempotent and silences the probe", async function () {
    const before = new Set(ffmpegChildren());
    const probe = newProbe();
    const mine = ffmpegChildren().filter((pid) => !before.has(pid));
    assert.strictEqual(mine.length, 1, "expected exactly one new ffmpeg child");
    let calls = 0;
    probe.onError = () => calls++;
    probe.write(fixture("speech.flac").subarray(0, 40000));
    probe.destroy();
    probe.destroy();
    probe.onProgress = () => calls++;
    assert.doesNotThrow(() => probe.write(Buffer.alloc(1000)));
    assert.strictEqual(probe.fedBytes, 40000);
    assert.deepStrictEqual(await survivorsAfter(mine), []);
    assert.strictEqual(calls, 0, "no progress or error callbacks after destroy()");
  });

  it("destroy() after a normal finish is harmless", async function () {
    const probe = newProbe();
    const { error } = await feed(probe, fixture("speech.ogg"));
    assert.strictEqual(error, null);
    assert.doesNotThrow(() => probe.destroy());
    assert.strictEqual(probe.finished, true);
  });
});
