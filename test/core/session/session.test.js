"use strict";
const assert = require("assert");
const { SonioxSession } = require("../../../dist/core/session/session");
const { fakeClock, fakeTransportFactory, fakeSessionOptions } = require("../../support/fake-transport");

const START = { model: "stt-rt-v5", audio_format: "pcm_s16le", sample_rate: 16000, num_channels: 1 };
const BYTES_PER_MS = 32; // 16 kHz * 2 bytes

function pcm(ms, fill = 1) {
  return Buffer.alloc(ms * BYTES_PER_MS, fill);
}

function makeSession(overrides = {}) {
  const clock = fakeClock();
  const transport = fakeTransportFactory();
  const session = new SonioxSession(fakeSessionOptions(transport, clock, overrides));
  const events = { states: [], warnings: [], results: [], closes: [] };
  session.on("state", (s) => events.states.push(s));
  session.on("warning", (w) => events.warnings.push(w));
  session.on("result", (r) => events.results.push(r));
  session.on("close", (c) => events.closes.push(c));
  return { session, clock, transport, events };
}

describe("SonioxSession", function () {
  it("connects with the key in the upgrade request and sends the start message first, as text, without api_key", function () {
    const { session, transport } = makeSession();
    session.start();
    const t = transport.last();
    assert.strictEqual(t.request.apiKey, "secret-key");
    assert.strictEqual(t.request.authMethod, "header");
    assert.deepStrictEqual(t.sent, []);
    t.open();
    assert.strictEqual(t.sent.length, 1);
    const start = JSON.parse(t.sent[0].text);
    assert.deepStrictEqual(start, START);
    assert.ok(!("api_key" in start));
    assert.strictEqual(session.state, "streaming");
  });

  it("buffers audio that arrives while connecting and sends it right after the start message, in order", function () {
    const { session, transport, clock } = makeSession();
    const chunks = [pcm(100, 1), pcm(100, 2), pcm(100, 3)];
    for (const c of chunks) {
      session.sendAudio(c);
      clock.tick(100);
    }
    const t = transport.last();
    assert.strictEqual(t.sent.length, 0);
    t.open();
    assert.deepStrictEqual(t.kinds(), ["start", "audio", "audio", "audio"]);
    assert.ok(t.audio().equals(Buffer.concat(chunks)));
  });

  it("bounds the pre-connect buffer: drops the oldest audio, counts it and warns once", function () {
    const { session, transport, events } = makeSession({ maxQueuedBytes: 250 * BYTES_PER_MS });
    for (let i = 1; i <= 5; i++) session.sendAudio(pcm(100, i));
    transport.last().open();
    const sent = transport.last().audio();
    assert.strictEqual(session.stats.droppedBytes, 3 * 100 * BYTES_PER_MS);
    assert.ok(sent.equals(Buffer.concat([pcm(100, 4), pcm(100, 5)])));
    assert.strictEqual(events.warnings.filter((w) => /queue full/i.test(w)).length, 1);
  });

  it("never sends an empty frame for an empty audio chunk", function () {
    const { session, transport } = makeSession();
    session.sendAudio(Buffer.alloc(0));
    assert.strictEqual(transport.made.length, 0, "an empty chunk must not even start a session");
    session.start();
    transport.last().open();
    session.sendAudio(new Uint8Array(0));
    assert.deepStrictEqual(transport.last().kinds(), ["start"]);
  });

  it("paces a whole file at real time with a small lead, without loss", function () {
    const { session, transport, clock } = makeSession();
    session.start();
    const t = transport.last();
    t.open();
    const file = Buffer.alloc(10000 * BYTES_PER_MS);
    for (let i = 0; i < file.length; i++) file[i] = i % 251;
    session.sendAudio(file);
    const sentMsAt = () => t.audio().length / BYTES_PER_MS;
    assert.ok(sentMsAt() <= 500 && sentMsAt() >= 380, `initial lead ${sentMsAt()} ms`);
    clock.tick(3000);
    assert.ok(Math.abs(sentMsAt() - 3500) <= 120, `after 3 s: ${sentMsAt()} ms sent`);
    clock.tick(7000);
    assert.ok(t.audio().equals(file), "every byte arrives, in order");
    const frameSizes = t.sent.filter((f) => f.bytes).map((f) => f.bytes.length);
    assert.ok(Math.max(...frameSizes) <= 120 * BYTES_PER_MS, "bursts are cut into slices");
    assert.ok(frameSizes.every((n) => n % 2 === 0), "slices end on a sample boundary");
  });

  it("passes live audio straight through with no added delay", function () {
    const { session, transport, clock } = makeSession();
    session.start();
    const t = transport.last();
    t.open();
    for (let i = 0; i < 50; i++) {
      const chunk = pcm(128, i);
      session.sendAudio(chunk);
      assert.strictEqual(t.sent[t.sent.length - 1].bytes.length, chunk.length, `chunk ${i} sent at once`);
      clock.tick(i % 2 ? 140 : 116); // jitter around 128 ms
    }
  });

  describe("catching up after a stall", function () {
    // A live source: 120 ms chunks every 120 ms; a stall delivers nothing, then all of it at once.
    function live(paceCatchUpMs) {
      const made = makeSession(paceCatchUpMs === undefined ? {} : { paceCatchUpMs });
      const { session, transport, clock } = made;
      session.start();
      const t = transport.last();
      let producedMs = 0;
      const sentMs = () => t.audio().length / BYTES_PER_MS;
      const chunk = () => {
        session.sendAudio(pcm(120, (producedMs / 120) % 251));
        producedMs += 120;
      };
      return {
        t,
        sentMs,
        lag: () => producedMs - sentMs(),
        run(ms, { check } = {}) {
          for (let i = 0; i < ms / 120; i++) {
            chunk();
            clock.tick(120);
            if (check) check();
          }
        },
        stall(ms) {
          clock.tick(ms);
          for (let i = 0; i < ms / 120; i++) chunk();
        },
      };
    }

    it("catches up by at most the bound (default 2 s), then stays within the lead; a second stall adds no lag", function () {
      const s = live();
      s.t.open();
      s.run(2400);
      assert.strictEqual(s.lag(), 0, "live audio passes straight through");
      const before = s.sentMs();
      s.stall(5040);
      const caughtUp = s.sentMs() - before;
      assert.ok(caughtUp >= 2000 && caughtUp <= 2000 + 500, `caught up ${caughtUp} ms at once: the bound plus the lead`);
      const lag = s.lag();
      assert.ok(Math.abs(lag - (5040 - 2500)) <= 120, `the rest stays behind: ${lag} ms`);
      // From here on real time: no more than the lead ahead of it, no burst.
      let from = s.sentMs();
      let elapsed = 0;
      s.run(6000, {
        check() {
          elapsed += 120;
          assert.ok(s.sentMs() - from <= elapsed + 120, `paced at real time (${s.sentMs() - from} ms sent in ${elapsed} ms)`);
        },
      });
      assert.ok(Math.abs(s.lag() - lag) <= 120, `steady lag ${s.lag()} ms`);
      s.stall(5040);
      s.run(3000);
      assert.ok(s.lag() <= lag + 120, `the second stall adds nothing: ${s.lag()} ms behind (was ${lag})`);
    });

    it("does not catch up at all with a bound of 0", function () {
      const s = live(0);
      s.t.open();
      s.run(1200);
      const before = s.sentMs();
      s.stall(3000);
      assert.ok(s.sentMs() - before <= 500, `only the lead goes out at once (${s.sentMs() - before} ms)`);
    });

    it("sends audio buffered during a slow connect no further ahead than the bound and the lead", function () {
      const s = live();
      s.run(6000); // connecting for 6 s while live audio arrives
      assert.strictEqual(s.sentMs(), 0);
      s.t.open();
      const burst = s.sentMs();
      assert.ok(burst >= 2000 && burst <= 2500, `burst at open: ${burst} ms`);
      assert.ok(burst < 4000, "within the simulator's (and so presumably Soniox's) tolerance");
      s.run(3000);
      assert.ok(Math.abs(s.lag() - (6000 - 2500)) <= 120, `the rest stays behind: ${s.lag()} ms`);
    });
  });

  it("keeps finalize, keepalive and end behind the audio queued before them", function () {
    const { session, transport, clock } = makeSession();
    session.start();
    const t = transport.last();
    t.open();
    session.sendAudio(pcm(1000));
    session.finalize(300);
    session.keepalive();
    session.sendAudio(pcm(200));
    session.end();
    assert.ok(!t.kinds().includes("finalize"), "finalize waits for the paced audio");
    clock.tick(2000);
    // Consecutive audio frames collapse to one "audio" entry: slicing is pacing's business.
    const kinds = t.kinds().filter((k, i, all) => !(k === "audio" && all[i - 1] === "audio"));
    assert.deepStrictEqual(kinds, ["start", "audio", "finalize", "keepalive", "audio", "eos"]);
    assert.deepStrictEqual(JSON.parse(t.texts().find((x) => x.includes("finalize"))), { type: "finalize", trailing_silence_ms: 300 });
  });

  it("sends a keepalive only when no audio has been sent for the interval", function () {
    const { session, transport, clock } = makeSession({ keepaliveIntervalMs: 5000 });
    session.start();
    const t = transport.last();
    t.open();
    for (let i = 0; i < 100; i++) {
      session.sendAudio(pcm(100));
      clock.tick(100);
    }
    assert.ok(!t.kinds().includes("keepalive"), "no keepalive while audio flows");
    clock.tick(4800); // the last audio went out at 9.9 s
    assert.ok(!t.kinds().includes("keepalive"));
    clock.tick(200);
    assert.strictEqual(t.kinds().filter((k) => k === "keepalive").length, 1);
    clock.tick(15000);
    assert.strictEqual(t.kinds().filter((k) => k === "keepalive").length, 4);
  });

  it("sends nothing after the end-of-stream frame while it waits for finished: no keepalive either", function () {
    const { session, transport, clock } = makeSession({ keepaliveIntervalMs: 1000, finishTimeoutMs: 10000 });
    session.start();
    const t = transport.last();
    t.open();
    session.sendAudio(pcm(100));
    session.end();
    clock.tick(9000);
    const kinds = t.kinds();
    assert.strictEqual(kinds[kinds.length - 1], "eos", `frames after the end-of-stream frame: ${kinds.slice(kinds.indexOf("eos") + 1)}`);
  });

  it("caps the keepalive interval at 15 s, a margin below Soniox's 20 s limit", function () {
    const { session, transport, clock } = makeSession({ keepaliveIntervalMs: 60000 });
    session.start();
    transport.last().open();
    clock.tick(14999);
    assert.strictEqual(transport.last().kinds().filter((k) => k === "keepalive").length, 0);
    clock.tick(1);
    assert.strictEqual(transport.last().kinds().filter((k) => k === "keepalive").length, 1, "at 15 s");
  });

  it("pause finalizes, drops and counts audio, keeps the stream alive; resume streams again", function () {
    const { session, transport, clock, events } = makeSession({ keepaliveIntervalMs: 5000 });
    session.start();
    const t = transport.last();
    t.open();
    session.sendAudio(pcm(100, 1));
    session.pause();
    assert.strictEqual(session.state, "paused");
    session.sendAudio(pcm(100, 2));
    session.sendAudio(pcm(100, 3));
    assert.strictEqual(session.stats.pausedBytes, 2 * 100 * BYTES_PER_MS);
    clock.tick(12000);
    assert.deepStrictEqual(t.kinds(), ["start", "audio", "finalize", "keepalive", "keepalive"]);
    session.resume();
    session.sendAudio(pcm(100, 4));
    assert.strictEqual(session.state, "streaming");
    assert.ok(t.audio().equals(Buffer.concat([pcm(100, 1), pcm(100, 4)])));
    assert.deepStrictEqual(events.states, ["connecting", "streaming", "paused", "streaming"]);
  });

  it("ends gracefully: end-of-stream as an empty text frame, then closes on finished", function () {
    const { session, transport, events } = makeSession();
    session.sendAudio(pcm(100));
    const t = transport.last();
    t.open();
    session.end();
    session.end();
    assert.strictEqual(session.state, "finishing");
    assert.deepStrictEqual(t.kinds(), ["start", "audio", "eos"]);
    assert.strictEqual(t.sent[2].text, "");
    assert.throws(() => session.finalize(), /Cannot finalize: the stream is finishing/);
    assert.throws(() => session.sendAudio(pcm(10)), /Cannot send audio: the stream is finishing/);
    t.result({ tokens: [{ text: " hi", is_final: true }], final_audio_proc_ms: 100, total_audio_proc_ms: 100 });
    t.result({ tokens: [], final_audio_proc_ms: 100, total_audio_proc_ms: 100, finished: true });
    assert.strictEqual(events.results.length, 2);
    assert.deepStrictEqual(events.closes, [{ reason: "finished" }]);
    assert.strictEqual(t.closed, 1000);
    assert.strictEqual(session.state, "finished");
  });

  it("fails with finish_timeout when Soniox never confirms the end", function () {
    const { session, transport, clock, events } = makeSession({ finishTimeoutMs: 3000 });
    session.start();
    transport.last().open();
    session.end();
    clock.tick(2999);
    assert.strictEqual(events.closes.length, 0);
    clock.tick(2);
    assert.strictEqual(events.closes.length, 1);
    assert.strictEqual(events.closes[0].error.code, "finish_timeout");
    assert.strictEqual(transport.last().terminated, true);
  });

  it("cancel is immediate and idempotent, and close fires exactly once", function () {
    const { session, transport, clock, events } = makeSession();
    session.start();
    const t = transport.last();
    t.open();
    session.cancel();
    session.cancel();
    session.end();
    t.serverClose(1006);
    clock.tick(60000);
    assert.deepStrictEqual(events.closes, [{ reason: "canceled" }]);
    assert.strictEqual(t.terminated, true);
    assert.throws(() => session.sendAudio(pcm(10)), /Cannot send audio: the stream is canceled/);
    assert.deepStrictEqual(t.kinds(), ["start"], "no keepalive after cancel");
  });

  for (const [code, retryable] of [
    [400, false],
    [401, false],
    [402, false],
    [408, true],
    [429, true],
    [500, true],
    [503, true],
  ]) {
    it(`surfaces a Soniox ${code} error frame with its code, message and retryable=${retryable}`, function () {
      const { session, transport, events } = makeSession();
      session.start();
      const t = transport.last();
      t.open();
      t.result({ tokens: [], error_code: code, error_message: "Something documented." });
      assert.strictEqual(events.closes.length, 1);
      const err = events.closes[0].error;
      assert.strictEqual(err.code, code);
      assert.strictEqual(err.retryable, retryable);
      assert.match(err.message, new RegExp(`${code}.*Something documented\\.`));
      assert.strictEqual(session.state, "failed");
      assert.strictEqual(t.terminated, true);
    });
  }

  it("reports a refused upgrade (HTTP 401) with its status", function () {
    const { session, transport, events } = makeSession();
    session.start();
    transport.last().fail("Soniox refused the connection with HTTP 401 Unauthorized: Invalid API key.", 401);
    assert.strictEqual(events.closes[0].error.code, 401);
    assert.strictEqual(events.closes[0].error.retryable, false);
  });

  it("treats a close before finished as a retryable connection error", function () {
    const { session, transport, events } = makeSession();
    session.start();
    transport.last().open();
    transport.last().serverClose(1006, "");
    assert.strictEqual(events.closes[0].error.code, "connection_closed");
    assert.strictEqual(events.closes[0].error.retryable, true);
  });

  it("times out a connection that never opens", function () {
    const { session, transport, clock, events } = makeSession({ connectTimeoutMs: 2000 });
    session.start();
    assert.strictEqual(transport.last().request.handshakeTimeoutMs, 2000);
    clock.tick(2001);
    assert.strictEqual(events.closes[0].error.code, "connect_timeout");
    assert.strictEqual(transport.last().terminated, true);
  });

  it("survives garbage from the server: warns and keeps streaming", function () {
    const { session, transport, events } = makeSession();
    session.start();
    const t = transport.last();
    t.open();
    t.raw("not json");
    t.raw("[1,2]");
    t.raw("", true);
    t.result({ tokens: [{ text: " ok", is_final: true }, { bogus: 1 }], extra_field: true });
    // Two kinds (unreadable text, binary), each said once; the second unreadable frame is counted.
    assert.strictEqual(events.warnings.length, 2);
    assert.strictEqual(events.closes.length, 0);
    assert.strictEqual(events.results.length, 1);
    assert.deepStrictEqual(events.results[0].tokens, [{ text: " ok", is_final: true }]);
    session.cancel();
    assert.match(events.warnings[2], /^1 more like this were suppressed: .*not a JSON object: \[1,2\]/);
  });

  it("says a flood of bad frames once, then once a minute with the count, and the rest when it ends", function () {
    const { session, transport, events, clock } = makeSession();
    session.start();
    const t = transport.last();
    t.open();
    for (let i = 0; i < 5000; i++) t.raw("", true);
    assert.deepStrictEqual(events.warnings, ["Soniox sent a binary frame; ignored (results are JSON text)"]);
    clock.tick(60000);
    t.raw("", true);
    assert.match(events.warnings[1], /binary frame.*\(4999 more like this suppressed\)/);
    t.raw("", true);
    session.cancel();
    assert.match(events.warnings[2], /^1 more like this were suppressed: .*binary frame/);
    assert.strictEqual(events.warnings.length, 3);
  });
});
