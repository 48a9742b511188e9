"use strict";
// The simulator's defaults reproduce what public recordings show of the real service
// (/work/shared/soniox-real-frames/README.md): the numbers asserted here come from there.
const assert = require("assert");
const { START, within, waitForMessage, tone16, silence16, sendChunks, useSimulator } = require("./helpers");

const finalsOf = (m) => (m.tokens || []).filter((tk) => tk.is_final);

describe("simulator: behaves like the recorded service by default", function () {
  const t = useSimulator();

  const started = (start) => t.started(start);

  it("sends finals in batches about 1.3 s of audio apart, the newest final well behind the newest token", async () => {
    // Faster than real time, so pacing is off; batches are counted in audio time.
    t.sim.options = { script: Array.from({ length: 30 }, (_, i) => `w${i}`).join(" "), pacing: { enforce: false } };
    const c = await started();
    sendChunks(c.ws, tone16(8000));
    await waitForMessage(c, (m) => m.total_audio_proc_ms === 8000, "the 8000 ms result");
    const batches = c.messages.filter((m) => finalsOf(m).length > 0);
    assert.ok(batches.length >= 4, `final batches: ${batches.length}`);
    const at = batches.map((m) => m.total_audio_proc_ms);
    for (let i = 1; i < at.length; i++) {
      const gap = at[i] - at[i - 1];
      assert.ok(gap >= 1200 && gap <= 1400, `batch gaps ${at}`);
    }
    for (const m of batches) {
      const newestFinal = Math.max(...finalsOf(m).map((tk) => tk.end_ms));
      const newest = Math.max(...m.tokens.map((tk) => tk.end_ms));
      assert.ok(newest - newestFinal >= 2000, `final ${newestFinal} trails newest ${newest} too little`);
    }
  });

  it("can turn the first piece of a word final in one batch and the rest in the next", async () => {
    t.sim.options = { script: Array.from({ length: 30 }, () => "wonderful").join(" "), pacing: { enforce: false } };
    const c = await started();
    sendChunks(c.ws, tone16(9000));
    await waitForMessage(c, (m) => m.total_audio_proc_ms === 9000, "the 9000 ms result");
    const batches = c.messages.filter((m) => finalsOf(m).length > 0).map((m) => finalsOf(m).map((tk) => tk.text));
    const splitAt = batches.findIndex((b, i) => i > 0 && !b[0].startsWith(" "));
    assert.ok(splitAt > 0, `no batch boundary inside a word: ${JSON.stringify(batches)}`);
    assert.strictEqual(batches[splitAt - 1].at(-1).trim(), "wonde");
    assert.strictEqual(batches[splitAt][0], "rful");
    // final_audio_proc_ms then points inside the word, where the real service puts it.
    const m = c.messages.find((x) => finalsOf(x).length > 0 && finalsOf(x).at(-1).text.trim() === "wonde");
    assert.strictEqual(m.final_audio_proc_ms, finalsOf(m).at(-1).end_ms);
  });

  it("starts every session without a leading space, a timed script's too", async () => {
    const words = [
      { text: "alpha", startMs: 0, endMs: 300 },
      { text: "bravo", startMs: 400, endMs: 700 },
      { text: "charlie", startMs: 800, endMs: 1100 },
    ];
    t.sim.options = { timedScript: { words, locate: () => 350 } };
    const c = await started();
    sendChunks(c.ws, tone16(1000));
    c.ws.send("");
    await within(c.closed, 3000, "close");
    const text = c.messages.flatMap(finalsOf).map((tk) => tk.text);
    assert.deepStrictEqual(text, ["bravo", " char", "lie"]);
  });

  it("puts <end> last among the finals of the response that closes the utterance", async () => {
    t.sim.options = { script: "one two three four five six", wordMs: 200 };
    const c = await started({ ...START, enable_endpoint_detection: true });
    sendChunks(c.ws, Buffer.concat([tone16(600), silence16(1000)]));
    const m = await waitForMessage(c, (x) => x.tokens.some((tk) => tk.text === "<end>"), "<end>");
    assert.deepStrictEqual(
      finalsOf(m).map((tk) => tk.text),
      ["one", " two", " three", "<end>"],
    );
  });

  it("answers finalize with <fin> 350-500 ms later, the audio sent before it final and what came after not", async () => {
    t.sim.options = { script: "one two three four", wordMs: 200 };
    const c = await started();
    sendChunks(c.ws, tone16(400), 6400);
    await waitForMessage(c, (m) => m.total_audio_proc_ms === 400, "the 400 ms result");
    const sentAt = Date.now();
    c.ws.send(JSON.stringify({ type: "finalize" }));
    sendChunks(c.ws, tone16(400), 6400);
    const fin = await waitForMessage(c, (m) => m.tokens.some((tk) => tk.text === "<fin>"), "<fin>", 3000);
    const waited = Date.now() - sentAt;
    assert.ok(waited >= 350, `<fin> after ${waited} ms`);
    assert.deepStrictEqual(
      finalsOf(fin).map((tk) => tk.text),
      ["one", " two", "<fin>"],
    );
    assert.deepStrictEqual(
      fin.tokens.filter((tk) => !tk.is_final).map((tk) => tk.text),
      [" three", " four"],
    );
    assert.strictEqual(fin.final_audio_proc_ms, 400);
  });

  it("still gives a pending finalize its <fin> when the stream ends first", async () => {
    t.sim.options = { script: "one two", wordMs: 200 };
    const c = await started();
    sendChunks(c.ws, tone16(400));
    c.ws.send(JSON.stringify({ type: "finalize" }));
    c.ws.send("");
    await within(c.closed, 3000, "close");
    const texts = c.messages.flatMap(finalsOf).map((tk) => tk.text);
    assert.deepStrictEqual(texts, ["one", " two", "<fin>"]);
    assert.ok(c.messages.at(-1).finished);
  });

  it("answers an end of stream without audio with 400 No audio received.", async () => {
    const c = await started();
    c.ws.send("");
    await within(c.closed, 2000, "close");
    assert.deepStrictEqual(c.messages, [
      { tokens: [], final_audio_proc_ms: 0, total_audio_proc_ms: 0 },
      { error_code: 400, error_message: "No audio received.", tokens: [] },
    ]);
  });

  it("keeps the old behaviour reachable: whole-word finals at once, immediate <fin>, no acknowledgement", async () => {
    t.sim.options = { script: "one two", wordMs: 200, finalLagMs: 100, finalBatchMs: 0, finDelayMs: 0, ackStart: false };
    const c = await started();
    sendChunks(c.ws, tone16(400));
    c.ws.send(JSON.stringify({ type: "finalize" }));
    const fin = await waitForMessage(c, (m) => m.tokens.some((tk) => tk.text === "<fin>"), "<fin>");
    assert.ok(c.messages[0].total_audio_proc_ms > 0, "no acknowledgement frame first");
    assert.ok(c.messages.indexOf(fin) >= 0);
    const first = c.messages.find((m) => finalsOf(m).length > 0);
    assert.deepStrictEqual(finalsOf(first).map((tk) => tk.text), ["one"]);
  });
});
