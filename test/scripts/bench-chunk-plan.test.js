"use strict";
// The bench's compressed streams (--format): each fixture is cut as its source sends it, the
// messages put back together are the fixture byte for byte, and each message is due when the audio
// it completes is, which ffmpeg's decoding of the same bytes confirms.
const assert = require("node:assert/strict");
const fs = require("fs");
const os = require("os");
const path = require("path");
const { execFileSync } = require("child_process");
const { planFor } = require("../../scripts/bench/chunk-plan");
const { fixturesFor } = require("../../scripts/bench/fixtures");
const { chunkAt } = require("../../scripts/bench/audio");
const { findFfmpeg } = require("../../dist/core/audio/ffmpeg-binary");

const SECONDS = 6;
const COMPRESSED = ["ogg-opus", "webm-opus", "mp3", "aac"];

/** Milliseconds of audio ffmpeg decodes from `bytes` (8 kHz mono s16le out: 16 bytes a ms). */
function decodedMs(bytes) {
  const pcm = execFileSync(findFfmpeg(), ["-hide_banner", "-loglevel", "fatal", "-i", "pipe:0", "-ac", "1", "-ar", "8000", "-f", "s16le", "pipe:1"], { input: bytes, maxBuffer: 64 * 1024 * 1024 });
  return pcm.length / 16;
}

/**
 * The top-level ids of a slice after the first, walked by their sizes, a Cluster's header entered:
 * a slice cut between whole elements walks to its exact end.
 */
function elementsOf(slice) {
  const ids = [];
  let at = 0;
  const number = (from, length) => [...slice.subarray(from, from + length)].reduce((n, byte) => n * 256 + byte, 0);
  while (at < slice.length) {
    const idLength = Math.clz32(slice[at]) - 23;
    const id = number(at, idLength);
    const sizeLength = Math.clz32(slice[at + idLength]) - 23;
    const size = number(at + idLength, sizeLength) - 2 ** (7 * sizeLength);
    ids.push(id);
    at += idLength + sizeLength + (id === 0x1f43b675 ? 0 : size);
  }
  return { ids, end: at };
}

const messages = (plan) => Array.from({ length: plan.count }, (_, seq) => plan.chunk(seq));
const dues = (plan) => Array.from({ length: plan.count }, (_, seq) => plan.dueMs(seq));

describe("bench formats: how each fixture is cut and timed", function () {
  this.timeout(60000);
  let dir;
  let fixtures;

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-fixtures-"));
    fixtures = fixturesFor(COMPRESSED, SECONDS, dir);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("sends PCM as the bench always did: 120 ms chunks of its generated audio", () => {
    const plan = planFor("pcm", SECONDS);
    assert.equal(plan.count, 50);
    assert.equal(plan.audioMs, 6000);
    assert.deepEqual(dues(plan).slice(0, 3), [0, 120, 240]);
    assert.deepEqual(plan.chunk(27), chunkAt(27));
  });

  for (const format of COMPRESSED) {
    it(`${format}: the messages are the fixture's first bytes, in order, byte for byte`, () => {
      const plan = planFor(format, SECONDS, fixtures[format]);
      const bytes = fs.readFileSync(fixtures[format].file);
      const sent = Buffer.concat(messages(plan));
      assert.ok(sent.length > 0 && sent.length < bytes.length);
      const same = sent.equals(bytes.subarray(0, sent.length));
      assert.ok(same, "concatenated messages differ from the fixture");
      // Each message a buffer of its own, as a read gives: what a client keeps of it is its own memory.
      const copy = plan.chunk(1);
      copy.fill(0);
      assert.ok(!plan.chunk(1).equals(copy), "a message is a copy, not a view of the fixture");
      const d = dues(plan);
      assert.equal(d[0], 0);
      for (let i = 1; i < d.length; i++) assert.ok(d[i] - d[i - 1] >= plan.periodMs - 1e-9, `message ${i} is due ${d[i] - d[i - 1]} ms after the one before`);
      assert.ok(Math.abs(plan.audioMs - SECONDS * 1000) < 400, `${plan.audioMs} ms sent for ${SECONDS} s`);
    });

    it(`${format}: each message is due when the audio it completes is, as ffmpeg decodes it`, () => {
      const plan = planFor(format, SECONDS, fixtures[format]);
      const all = messages(plan);
      for (const k of [Math.floor(plan.count / 3), plan.count - 1]) {
        const heard = decodedMs(Buffer.concat(all.slice(0, k + 1)));
        const due = plan.dueMs(k) + plan.pieces[0].endMs;
        // Codec priming and a frame the read cut in two: a few tens of ms either way.
        assert.ok(Math.abs(heard - due) <= 80, `${format}: after message ${k}, due at ${due.toFixed(0)} ms, ffmpeg decodes ${heard.toFixed(0)} ms`);
      }
    });
  }

  it("webm-opus: 250 ms MediaRecorder slices of whole elements, each Cluster's header with its first block", () => {
    const plan = planFor("webm-opus", SECONDS, fixtures["webm-opus"]);
    const all = messages(plan);
    assert.equal(all[0].readUInt32BE(0), 0x1a45dfa3, "the first slice starts with the EBML header");
    let clusters = 0;
    for (const [i, m] of all.slice(1).entries()) {
      const { ids, end } = elementsOf(m);
      assert.equal(end, m.length, `slice ${i + 1} ends inside an element`);
      assert.ok([0xa3, 0xa0].includes(ids[ids.length - 1]), `slice ${i + 1} ends with 0x${ids[ids.length - 1].toString(16)}, not a block`);
      clusters += ids.filter((id) => id === 0x1f43b675).length;
    }
    assert.ok(clusters >= 1, "the slices cross a Cluster");
    assert.deepEqual(dues(plan).slice(0, 4), [0, 250, 500, 750]);
    for (let k = 1; k < plan.count; k++) {
      const ms = plan.pieces[k].endMs - plan.pieces[k - 1].endMs;
      assert.ok(ms >= 200 && ms <= 300, `slice ${k} holds ${ms} ms`);
    }
  });

  it("ogg-opus: one 40 ms page per message, the header pages with the first", () => {
    const plan = planFor("ogg-opus", SECONDS, fixtures["ogg-opus"]);
    const pages = (m) => m.toString("latin1").split("OggS").length - 1;
    const all = messages(plan);
    assert.equal(pages(all[0]), 3, "OpusHead, OpusTags and the first audio page");
    for (const m of all.slice(1)) assert.equal(pages(m), 1);
    assert.equal(plan.periodMs, 40);
    assert.equal(plan.dueMs(10), 400);
  });

  for (const format of ["mp3", "aac"]) {
    it(`${format}: 4096-byte reads`, () => {
      const plan = planFor(format, SECONDS, fixtures[format]);
      for (const m of messages(plan)) assert.equal(m.length, 4096);
      if (format === "mp3") {
        // 128 kbps CBR: 4096 bytes are 256 ms.
        assert.ok(Math.abs(plan.periodMs - 256) < 3, `mp3 read every ${plan.periodMs} ms`);
      } else {
        // AAC's rate follows the sound: silence packs more audio into a read than tone does.
        const gaps = dues(plan).slice(1).map((d, i) => d - plan.dueMs(i));
        assert.ok(Math.max(...gaps) > 1.5 * Math.min(...gaps), `aac reads ${Math.min(...gaps)}..${Math.max(...gaps)} ms apart`);
      }
    });
  }
});
