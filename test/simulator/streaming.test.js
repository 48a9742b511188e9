"use strict";
const assert = require("assert");
const { DEFAULT_SCRIPT, scriptText } = require("../../dist/simulator");
const { START, within, waitForMessage, tone16, silence16, sendChunks, serverClosed, finalText, useSimulator } = require("./helpers");

const results = (messages) => messages.filter((m) => Array.isArray(m.tokens) && !("error_code" in m));
const finals = (messages) => messages.flatMap((m) => m.tokens).filter((tk) => tk.is_final);

describe("simulator: streaming and results", function () {
  // Options are read per connection, so each test sets t.sim.options before it connects.
  const t = useSimulator();

  const started = (start) => t.started(start);

  async function finish(c) {
    c.ws.send("");
    const { code } = await within(c.closed, 3000, "close after end of stream");
    await serverClosed(t.sim.connections.at(-1));
    return code;
  }

  it("accounts pcm_s16le 16 kHz mono audio as bytes / 32 per ms", async () => {
    const c = await started();
    const audio = tone16(600);
    sendChunks(c.ws, audio);
    await finish(c);
    const conn = t.sim.connections[0];
    assert.strictEqual(conn.audioBytes, 19200);
    assert.strictEqual(conn.audioChunks, 5);
    assert.strictEqual(conn.audioMs, 600);
    assert.ok(conn.receivedAudio().equals(audio));
    assert.strictEqual(c.messages.at(-1).total_audio_proc_ms, 600);
  });

  it("accounts container audio at the fake rate of containerBytesPerMs", async () => {
    t.sim.options = { containerBytesPerMs: 4 };
    const c = await started({ model: "stt-rt-v5", audio_format: "auto" });
    sendChunks(c.ws, Buffer.alloc(4000, 7), 1000);
    await finish(c);
    assert.strictEqual(t.sim.connections[0].audioMs, 1000);
    assert.strictEqual(t.sim.connections[0].audioChunks, 4);
  });

  it("evolves non-final tokens, then sends each final exactly once", async () => {
    t.sim.options = { script: "hello wonderful", wordMs: 350, finalLagMs: 600 };
    const c = await started();
    sendChunks(c.ws, tone16(1800));
    await waitForMessage(c, (m) => m.tokens.some((tk) => tk.is_final && tk.text === "rful"), "the last final piece");
    const nonFinalTexts = c.messages.flatMap((m) => m.tokens.filter((tk) => !tk.is_final).map((tk) => tk.text));
    assert.ok(
      nonFinalTexts.some((text) => text.length < "hello".length && "hello".startsWith(text)),
      `a prefix guess first: ${nonFinalTexts}`,
    );
    assert.ok(!nonFinalTexts.some((text) => text.startsWith(" h")), `the session's first word has no leading space: ${nonFinalTexts}`);
    assert.ok(nonFinalTexts.includes("hello"), `then the whole word: ${nonFinalTexts}`);
    assert.ok(
      nonFinalTexts.some((text) => text.startsWith(" wond") && text.length < " wonderful".length),
      `later words carry the leading space, and their guesses grow: ${nonFinalTexts}`,
    );
    // Long words go final as two sub-word pieces, like Soniox's " beau" + "tiful".
    assert.deepStrictEqual(
      finals(c.messages).map((tk) => tk.text),
      ["hello", " wonde", "rful"],
    );
  });

  it("keeps finals unique, F <= T and both non-decreasing", async () => {
    t.sim.options = { wordMs: 200, finalLagMs: 300 };
    const c = await started();
    sendChunks(c.ws, tone16(1500));
    await finish(c);
    const fin = finals(c.messages);
    const keys = fin.map((tk) => `${tk.text}@${tk.start_ms}`);
    assert.strictEqual(new Set(keys).size, keys.length, `a final repeated: ${keys}`);
    let lastF = 0;
    let lastT = 0;
    for (const m of results(c.messages)) {
      assert.ok(m.final_audio_proc_ms <= m.total_audio_proc_ms, JSON.stringify(m));
      assert.ok(m.final_audio_proc_ms >= lastF && m.total_audio_proc_ms >= lastT, JSON.stringify(m));
      lastF = m.final_audio_proc_ms;
      lastT = m.total_audio_proc_ms;
      const firstNonFinal = m.tokens.findIndex((tk) => !tk.is_final);
      if (firstNonFinal >= 0) assert.ok(m.tokens.slice(firstNonFinal).every((tk) => !tk.is_final), "finals come first");
      for (const tk of m.tokens) {
        assert.ok(tk.confidence >= 0 && tk.confidence <= 1 && tk.start_ms <= tk.end_ms, JSON.stringify(tk));
      }
    }
  });

  it("sends the whole script as final text after \"\", then finished, then closes 1000", async () => {
    const c = await started();
    sendChunks(c.ws, tone16(480));
    const code = await finish(c);
    assert.strictEqual(finalText(c.messages), scriptText(DEFAULT_SCRIPT));
    assert.strictEqual(finalText(c.messages), "Hello from the Soniox simulator. How are you doing today?");
    assert.deepStrictEqual(c.messages.at(-1), {
      tokens: [],
      final_audio_proc_ms: 480,
      total_audio_proc_ms: 480,
      finished: true,
    });
    assert.strictEqual(code, 1000);
    const conn = t.sim.connections[0];
    assert.strictEqual(conn.finished, true);
    assert.strictEqual(conn.closeCode, 1000);
    assert.strictEqual(conn.sentMessages.length, c.messages.length);
  });

  it("keeps the rest of the script when flushScriptOnEnd is false", async () => {
    t.sim.options = { script: "one two three four", wordMs: 200, flushScriptOnEnd: false };
    const c = await started();
    sendChunks(c.ws, tone16(360));
    await finish(c);
    assert.strictEqual(finalText(c.messages), "one two");
  });

  it("sends a result per responseEveryMs of audio (200 ms: about 5 a second, as recorded), not per frame", async () => {
    t.sim.options = { wordMs: 10_000 };
    const c = await started();
    sendChunks(c.ws, tone16(1000), 640); // 50 frames of 20 ms
    await waitForMessage(c, (m) => m.total_audio_proc_ms === 1000, "the 1000 ms result");
    const withAudio = results(c.messages).filter((m) => m.total_audio_proc_ms > 0);
    assert.deepStrictEqual(
      withAudio.map((m) => m.total_audio_proc_ms),
      [200, 400, 600, 800, 1000],
    );
  });

  it("acknowledges the start message with the empty frame the real service sends", async () => {
    const c = await started();
    await waitForMessage(c, () => true, "the acknowledgement");
    assert.deepStrictEqual(c.messages[0], { tokens: [], final_audio_proc_ms: 0, total_audio_proc_ms: 0 });
  });

  it("emits <end> once after endpointSilenceMs of silence in the received PCM", async () => {
    t.sim.options = { script: "one two three four five six", wordMs: 200 };
    const c = await started({ ...START, enable_endpoint_detection: true });
    sendChunks(c.ws, Buffer.concat([tone16(480), silence16(1200)]));
    const msg = await waitForMessage(c, (m) => m.tokens.some((tk) => tk.text === "<end>"), "<end>");
    const ends = finals(c.messages).filter((tk) => tk.text === "<end>");
    assert.strictEqual(ends.length, 1);
    assert.deepStrictEqual(ends[0], { text: "<end>", is_final: true });
    assert.strictEqual(finalText(c.messages), "one two three", "the partly heard third word is finalized");
    const endAt = msg.tokens.findIndex((tk) => tk.text === "<end>");
    assert.ok(msg.tokens.slice(0, endAt).every((tk) => tk.is_final));
    assert.ok(msg.total_audio_proc_ms >= 480 + 500, `endpoint after 500 ms of silence, at ${msg.total_audio_proc_ms}`);
  });

  it("uses max_endpoint_delay_ms as the endpoint silence when given", async () => {
    t.sim.options = { script: "one two three", wordMs: 200 };
    const c = await started({ ...START, enable_endpoint_detection: true, max_endpoint_delay_ms: 1500 });
    sendChunks(c.ws, Buffer.concat([tone16(480), silence16(1200)]));
    await waitForMessage(c, (m) => m.total_audio_proc_ms === 1680, "all audio processed");
    assert.ok(!finals(c.messages).some((tk) => tk.text === "<end>"), "no endpoint before 1500 ms of silence");
  });

  it("answers finalize with all pending tokens final plus <fin>, once per request", async () => {
    t.sim.options = { script: "alpha beta gamma delta", wordMs: 300 };
    const c = await started();
    sendChunks(c.ws, tone16(480));
    c.ws.send(JSON.stringify({ type: "finalize", trailing_silence_ms: 300 }));
    const first = await waitForMessage(c, (m) => m.tokens.some((tk) => tk.text === "<fin>"), "first <fin>");
    assert.deepStrictEqual(
      first.tokens.map((tk) => [tk.text, tk.is_final]),
      [["alpha", true], [" beta", true], ["<fin>", true]],
    );
    assert.strictEqual(first.final_audio_proc_ms, first.total_audio_proc_ms);
    c.ws.send(JSON.stringify({ type: "finalize" }));
    await waitForMessage(c, (m) => m !== first && m.tokens.some((tk) => tk.text === "<fin>"), "second <fin>");
    assert.strictEqual(finals(c.messages).filter((tk) => tk.text === "<fin>").length, 2);
    await finish(c);
    assert.deepStrictEqual(t.sim.connections[0].controlMessages, [
      { type: "finalize", trailing_silence_ms: 300 },
      { type: "finalize" },
    ]);
  });

  it("keeps a connection alive past the idle timeout with keepalives", async () => {
    t.sim.options = { keepaliveTimeoutMs: 300 };
    const c = await started();
    c.ws.send(tone16(120));
    for (let i = 0; i < 5; i++) {
      await new Promise((r) => setTimeout(r, 100));
      c.ws.send(JSON.stringify({ type: "keepalive" }));
    }
    await finish(c);
    assert.strictEqual(t.sim.connections[0].error, null);
    assert.ok(c.messages.at(-1).finished);
  });

  it("closes an idle connection with 408 Request timeout.", async () => {
    t.sim.options = { keepaliveTimeoutMs: 200 };
    const c = await started();
    c.ws.send(tone16(120));
    await within(c.closed, 2000, "the idle timeout");
    assert.deepStrictEqual(c.messages.at(-1), { error_code: 408, error_message: "Request timeout.", tokens: [] });
  });

  it("sends 408 when the first audio chunk never comes", async () => {
    t.sim.options = { firstAudioTimeoutMs: 150 };
    const c = await started();
    await within(c.closed, 2000, "the first-audio timeout");
    assert.strictEqual(c.messages.at(-1).error_message, "Timed out while waiting for the first audio chunk");
  });

  it("lets keepalives hold off the first-audio timeout only when lenient (UNCONFIRMED; strict is the default)", async () => {
    for (const counts of [true, false]) {
      t.sim.options = counts ? { firstAudioTimeoutMs: 250, strict: false } : { firstAudioTimeoutMs: 250 };
      const c = await started();
      for (let i = 0; i < 4; i++) {
        await new Promise((r) => setTimeout(r, 70));
        if (c.ws.readyState === c.ws.OPEN) c.ws.send(JSON.stringify({ type: "keepalive" }));
      }
      if (c.ws.readyState === c.ws.OPEN) c.ws.send("");
      await within(c.closed, 2000, "close");
      const last = c.messages.at(-1);
      // Held off, the stream ends on "" with the real service's answer to a stream without audio.
      if (counts) assert.strictEqual(last.error_message, "No audio received.");
      else assert.strictEqual(last.error_message, "Timed out while waiting for the first audio chunk");
    }
  });

  it("refuses an unknown control type", async () => {
    const c = await started();
    c.ws.send(JSON.stringify({ type: "pause" }));
    await within(c.closed, 2000, "close");
    assert.deepStrictEqual(c.messages.at(-1), { error_code: 400, error_message: "Control request invalid type.", tokens: [] });
    assert.deepStrictEqual(t.sim.connections[0].controlMessages, [{ type: "pause" }]);
  });

  it("refuses a control frame that is not JSON", async () => {
    const c = await started();
    c.ws.send("finalize please");
    await within(c.closed, 2000, "close");
    assert.strictEqual(c.messages.at(-1).error_message, "Control request is malformed.");
  });

  it("counts an empty binary frame without ending the stream, unless told to", async () => {
    const c = await started();
    c.ws.send(Buffer.alloc(0));
    c.ws.send(tone16(200));
    await waitForMessage(c, (m) => m.total_audio_proc_ms === 200, "a result after the empty frame");
    assert.strictEqual(t.sim.connections[0].emptyBinaryFrames, 1);
    assert.ok(!c.messages.some((m) => m.finished));
    await finish(c);

    t.sim.options = { emptyBinaryEndsStream: true };
    const d = await started();
    d.ws.send(Buffer.alloc(0));
    await within(d.closed, 2000, "close after the empty binary frame");
    // The stream ended there, before any audio, which the real service refuses.
    assert.strictEqual(d.messages.at(-1).error_message, "No audio received.");
  });

  it("logs every frame in order, binary payloads as sizes only", async () => {
    const c = await started();
    c.ws.send(tone16(120));
    await finish(c);
    const log = t.sim.connections[0].frames.map((f) => [f.dir, f.type, f.bytes, f.text === undefined]);
    assert.deepStrictEqual(log.slice(0, 3), [
      ["in", "text", JSON.stringify(START).length, false],
      ["out", "text", JSON.stringify({ tokens: [], final_audio_proc_ms: 0, total_audio_proc_ms: 0 }).length, false],
      ["in", "binary", 3840, true],
    ]);
    assert.deepStrictEqual(log.at(-1).slice(0, 2), ["out", "text"]);
    assert.ok(t.sim.connections[0].frames.every((f, i, all) => i === 0 || f.at >= all[i - 1].at));
  });
});
