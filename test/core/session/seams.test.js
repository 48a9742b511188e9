"use strict";
// What a flow sees where one Soniox session hands over to the next (fake transport and clock,
// Soniox's side played as the real service behaves: every session starts its text without a
// leading space, sub-word pieces can turn final mid-word, translations follow their segment).
const assert = require("assert");
const { TranscriptionStream } = require("../../../dist/core/session/stream");
const { UtteranceAssembler } = require("../../../dist/core/filter");
const { fakeClock, fakeTransportFactory, fakeStreamOptions } = require("../../support/fake-transport");

const BPMS = 32;
const START = { model: "stt-rt-v5", audio_format: "pcm_s16le", sample_rate: 16000, num_channels: 1 };

function makeStream(start = {}) {
  const clock = fakeClock();
  const transport = fakeTransportFactory();
  const stream = new TranscriptionStream(fakeStreamOptions(transport, clock, { start: { ...START, ...start } }));
  const events = { responses: [], restarts: [] };
  stream.on("response", (r) => events.responses.push(r));
  stream.on("restart", (r) => events.restarts.push(r));
  return { stream, clock, transport, events };
}

function pcm(ms) {
  const b = Buffer.alloc(ms * BPMS);
  for (let i = 0; i < b.length; i += 4) b.writeUInt32LE(i / BPMS, i);
  return b;
}

/** Drops the connection and opens the replacement; returns it. */
function reconnect(clock, transport) {
  transport.last().serverClose(1006, "");
  clock.tick(3000);
  const t = transport.last();
  t.open();
  return t;
}

const w = (text, start_ms, end_ms, extra = {}) => ({ text, start_ms, end_ms, is_final: true, ...extra });
const END = { text: "<end>", is_final: true };
const finalText = (events) => events.responses.map((r) => r.final_text).join("");

describe("seams between sessions", function () {
  it("keeps a word boundary: a space before the new session's first word (English), none in Japanese", function () {
    for (const [language, first, second, expected] of [
      ["en", [w("lights", 100, 400), w(" please.", 400, 800)], [w("The", 100, 300), w(" quick", 300, 600)], "lights please. The quick"],
      ["ja", [w("こんにちは", 100, 400)], [w("元気", 100, 300), w("です", 300, 600)], "こんにちは元気です"],
    ]) {
      const { stream, clock, transport, events } = makeStream({ language_hints: [language] });
      stream.audio(pcm(2000));
      const t1 = transport.last();
      t1.open();
      t1.result({ tokens: [...first.map((t) => ({ ...t, language })), END], final_audio_proc_ms: 1000, total_audio_proc_ms: 2000 });
      const t2 = reconnect(clock, transport);
      t2.result({ tokens: second.map((t) => ({ ...t, language })), final_audio_proc_ms: 700, total_audio_proc_ms: 1000 });
      assert.strictEqual(finalText(events), expected, language);
    }
  });

  it("decides from the hints when tokens carry no language; a non-final first word is spaced too", function () {
    const { stream, clock, transport, events } = makeStream({ language_hints: ["zh"] });
    stream.audio(pcm(2000));
    const t1 = transport.last();
    t1.open();
    t1.result({ tokens: [w("你好", 100, 400), END], final_audio_proc_ms: 1000, total_audio_proc_ms: 2000 });
    reconnect(clock, transport).result({ tokens: [w("再见", 100, 300)], final_audio_proc_ms: 700, total_audio_proc_ms: 1000 });
    assert.strictEqual(finalText(events), "你好再见");
    const en = makeStream();
    en.stream.audio(pcm(2000));
    en.transport.last().open();
    en.transport.last().result({ tokens: [w("charlie", 100, 400), END], final_audio_proc_ms: 1000, total_audio_proc_ms: 2000 });
    const t2 = reconnect(en.clock, en.transport);
    t2.result({ tokens: [{ text: "hotel", start_ms: 100, end_ms: 300, is_final: false }], final_audio_proc_ms: 0, total_audio_proc_ms: 400 });
    assert.strictEqual(en.events.responses[en.events.responses.length - 1].non_final_text, " hotel");
    t2.result({ tokens: [w("hotel", 100, 300)], final_audio_proc_ms: 700, total_audio_proc_ms: 1000 });
    assert.strictEqual(finalText(en.events), "charlie hotel");
  });

  it("resumes at the start of a word Soniox finalized only in part, and delivers the rest of it without a space", function () {
    const { stream, clock, transport, events } = makeStream();
    const audio = pcm(3000);
    stream.audio(audio);
    const t1 = transport.last();
    t1.open();
    // " gre" is final, "at" is not yet; final_audio_proc_ms points inside the word.
    t1.result({ tokens: [w("It", 100, 300), w(" was", 300, 600), w(" gre", 1000, 1200), { text: "at", start_ms: 1200, end_ms: 1400, is_final: false }], final_audio_proc_ms: 1200, total_audio_proc_ms: 2000 });
    const t2 = reconnect(clock, transport);
    assert.deepStrictEqual(events.restarts.map((r) => r.offset_ms), [1000], "from the word's start, not from inside it");
    assert.strictEqual(t2.audio().readUInt32LE(0), 1000);
    t2.result({ tokens: [w("gre", 0, 200), w("at", 200, 400), w(" day", 500, 800), END], final_audio_proc_ms: 1000, total_audio_proc_ms: 1000 });
    assert.strictEqual(finalText(events), "It was great day");
  });

  it("one utterance when the drop falls between its last word and its <end>; one <end> when the old session had sent it", function () {
    const { stream, clock, transport, events } = makeStream();
    stream.audio(pcm(4000));
    const t1 = transport.last();
    t1.open();
    t1.result({ tokens: [w("no", 100, 300), w(" no", 400, 600), w(" no", 700, 900)], final_audio_proc_ms: 1200, total_audio_proc_ms: 1500 });
    const t2 = reconnect(clock, transport);
    // The replacement hears the last "no" again (dropped), then the silence: its own <end>.
    t2.result({ tokens: [w("no", 0, 200), END, w(" yes", 1000, 1200), END], final_audio_proc_ms: 1000, total_audio_proc_ms: 2000 });
    const t3 = reconnect(clock, transport);
    assert.deepStrictEqual(events.restarts.map((r) => r.offset_ms), [700, 1700]);
    // Soniox had finalized only through the start of " yes": the replay re-hears it and its <end>, both repeats.
    t3.result({ tokens: [w("yes", 0, 200), END, w(" maybe", 500, 700), END], final_audio_proc_ms: 1000, total_audio_proc_ms: 1000 });
    const assembler = new UtteranceAssembler();
    const utterances = events.responses.flatMap((r) => assembler.push(r.tokens, false)).map((u) => u.text);
    assert.deepStrictEqual(utterances, ["no no no", "yes", "maybe"]);
  });

  it("finalizes again when the session dropped after a finalize went out and before its <fin> came", function () {
    const { stream, clock, transport, events } = makeStream();
    stream.audio(pcm(2000));
    const t1 = transport.last();
    t1.open();
    t1.result({ tokens: [w("kitchen", 100, 500), w(" lights", 500, 900)], final_audio_proc_ms: 1000, total_audio_proc_ms: 2000 });
    stream.control({ type: "finalize" });
    const t2 = reconnect(clock, transport);
    assert.deepStrictEqual(t2.kinds().filter((k, i, all) => !(k === "audio" && all[i - 1] === "audio")), ["start", "audio", "finalize"], "the replay, then the finalize again");
    t2.result({ tokens: [w("lights", 0, 400), { text: "<fin>", is_final: true }], final_audio_proc_ms: 1500, total_audio_proc_ms: 1500 });
    stream.audio(pcm(500));
    t2.result({ tokens: [w(" off", 1600, 1900), { text: "<fin>", is_final: true }], final_audio_proc_ms: 2000, total_audio_proc_ms: 2000 });
    const assembler = new UtteranceAssembler();
    const utterances = events.responses.flatMap((r) => assembler.push(r.tokens, false)).map((u) => u.text);
    assert.deepStrictEqual(utterances, ["kitchen lights", "off"]);
  });

  it("delivers each translation once: a replay that re-hears a translated segment does not translate it again", function () {
    const tr = { translation_status: "translation", language: "de" };
    const orig = { translation_status: "original", language: "en" };
    const { stream, clock, transport, events } = makeStream({ translation: { type: "one_way", target_language: "de" } });
    stream.audio(pcm(4000));
    const t1 = transport.last();
    t1.open();
    t1.result({ tokens: [w("good", 100, 300, orig), w(" day", 300, 600, orig), { text: "guten Tag", is_final: true, ...tr }, w(" my", 900, 1000, orig)], final_audio_proc_ms: 1000, total_audio_proc_ms: 1500 });
    const t2 = reconnect(clock, transport);
    // The replay starts at " my" (the open word); a coarser one would re-hear "day" and its translation.
    t2.result({ tokens: [w("day", -600, -300, orig), { text: "Tag", is_final: true, ...tr }, w(" my", 0, 100, orig), w(" friend", 100, 400, orig), { text: " mein Freund", is_final: true, ...tr }], final_audio_proc_ms: 500, total_audio_proc_ms: 500 });
    const translated = events.responses.map((r) => (r.translation ? r.translation.final_text : "")).join("");
    assert.strictEqual(translated, "guten Tag mein Freund");
    assert.strictEqual(finalText(events), "good day my friend");
  });
});
