"use strict";
// How a stream of each format is cut into messages and when each is due. A plan is
// {periodMs, count, audioMs, dueMs(seq), chunk(seq)}: message `seq` is due `dueMs(seq)` after the
// stream's first, carries the bytes `chunk(seq)` returns (a buffer of its own, as a read gives), and
// the messages hold `audioMs` of audio in all; the streams' phases are spread over `periodMs`, the
// shortest gap between two messages, so that no stream's message waits for another stream's.
// The compressed plans cut a fixture (fixtures.js) and read its timing from the container here,
// apart from the client's container clocks:
// - sliced (Ogg, WebM): message k holds every unit (an Ogg page, a WebM block with the Cluster
//   header before it) whose audio ends by (k + 1) * periodMs, as a recorder's timeslice would;
//   the header bytes go with the first message, as MediaRecorder's first blob carries them;
// - reads (MP3, AAC): fixed-size reads, each due when the audio it completes is: for CBR MP3 that
//   is the file's byte rate; AAC's bit rate follows the sound, so its ADTS frames are counted.
const fs = require("fs");
const { CHUNK_MS, chunkAt } = require("./audio");
const { FORMATS } = require("./formats");

/** Ogg pages as units: [{start, end, endMs}], timed by the granule position (Opus: 48 kHz, less pre-skip). */
function oggUnits(buf) {
  const units = [];
  let preSkip = 0;
  for (let at = 0; at < buf.length; ) {
    if (buf.toString("latin1", at, at + 4) !== "OggS") throw new Error(`not an Ogg page at byte ${at}`);
    const segments = buf[at + 26];
    let body = 0;
    for (let i = 0; i < segments; i++) body += buf[at + 27 + i];
    const start = at;
    const bodyAt = at + 27 + segments;
    at = bodyAt + body;
    if (buf.toString("latin1", bodyAt, bodyAt + 8) === "OpusHead") preSkip = buf.readUInt16LE(bodyAt + 10);
    const granule = buf.readBigInt64LE(start + 6);
    // Header pages (granule 0) and pages where no packet ends (-1) go with the next page that has audio.
    if (granule <= 0n) continue;
    units.push({ start: units.length ? units[units.length - 1].end : 0, end: at, endMs: (Number(granule) - preSkip) / 48 });
  }
  return units;
}

const EBML = { segment: 0x18538067, info: 0x1549a966, timecodeScale: 0x2ad7b1, cluster: 0x1f43b675, timecode: 0xe7, simpleBlock: 0xa3, blockGroup: 0xa0, block: 0xa1 };
// Masters walked into rather than over: what is inside them is read element by element.
const ENTERED = new Set([EBML.segment, EBML.info, EBML.cluster, EBML.blockGroup]);

/** An EBML variable-length integer at `at`: its length and value (the marker bit kept for IDs). */
function vint(buf, at, keepMarker) {
  const first = buf[at];
  let length = 1;
  while (length <= 8 && !(first & (0x80 >> (length - 1)))) length++;
  if (length > 8) throw new Error(`bad EBML length byte at ${at}`);
  let value = keepMarker ? first : first & (0xff >> length);
  let allOnes = value === 0xff >> length;
  for (let i = 1; i < length; i++) {
    value = value * 256 + buf[at + i];
    if (buf[at + i] !== 0xff) allOnes = false;
  }
  return { length, value, unknown: !keepMarker && allOnes };
}

/**
 * WebM blocks as units: [{start, end, endMs}]. A unit starts at its block's element (or at the
 * Cluster or BlockGroup that opens with it) and ends where the next unit starts; a block's audio
 * ends where the next block's starts (the last one: one frame, as long as the one before).
 */
function webmUnits(buf) {
  const blocks = [];
  let scale = 1e6;
  let clusterTime = 0;
  let unitStart = null;
  for (let at = 0; at < buf.length; ) {
    const id = vint(buf, at, true);
    const size = vint(buf, at + id.length, false);
    const dataAt = at + id.length + size.length;
    if (id.value === EBML.cluster || id.value === EBML.blockGroup) unitStart ??= at;
    if (id.value === EBML.timecodeScale) scale = buf.readUIntBE(dataAt, size.value);
    if (id.value === EBML.timecode) clusterTime = buf.readUIntBE(dataAt, size.value);
    if (id.value === EBML.simpleBlock || id.value === EBML.block) {
      const track = vint(buf, dataAt, false);
      const ms = ((clusterTime + buf.readInt16BE(dataAt + track.length)) * scale) / 1e6;
      blocks.push({ start: unitStart ?? at, ms });
      unitStart = null;
    }
    if (ENTERED.has(id.value)) at = dataAt;
    else if (size.unknown) throw new Error(`an element of unknown size at byte ${at} that is not a Segment or Cluster`);
    else at = dataAt + size.value;
  }
  return blocks.map((b, i) => {
    const next = blocks[i + 1];
    const frameMs = next ? next.ms - b.ms : i > 0 ? b.ms - blocks[i - 1].ms : 20;
    return { start: i === 0 ? 0 : b.start, end: next ? next.start : buf.length, endMs: b.ms + frameMs };
  });
}

const ADTS_RATES = [96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350];

/** ADTS frames as units: [{start, end, endMs}], 1024 samples each (AAC-LC). */
function adtsUnits(buf) {
  const units = [];
  let samples = 0;
  for (let at = 0; at + 7 <= buf.length; ) {
    if (buf[at] !== 0xff || (buf[at + 1] & 0xf6) !== 0xf0) throw new Error(`not an ADTS frame at byte ${at}`);
    const rate = ADTS_RATES[(buf[at + 2] >> 2) & 0x0f];
    const length = ((buf[at + 3] & 0x03) << 11) | (buf[at + 4] << 3) | (buf[at + 5] >> 5);
    samples += 1024 * ((buf[at + 6] & 0x03) + 1);
    units.push({ start: at, end: at + length, endMs: (samples * 1000) / rate });
    at += length;
  }
  return units;
}

/** Fixed-size reads of `length` bytes, each due when the audio it completes ends (`endMsAt(offset)`). */
function readsOf(length, size, endMsAt) {
  const reads = [];
  for (let at = 0; at < length; at += size) {
    const end = Math.min(length, at + size);
    reads.push({ start: at, end, endMs: endMsAt(end) });
  }
  const first = reads.length ? reads[0].endMs : 0;
  for (const read of reads) read.dueMs = read.endMs - first;
  return reads;
}

/**
 * Groups units into timeslices of `periodMs`: slice k holds the units whose audio ends in
 * ((k - 1) * periodMs, k * periodMs] and is due at k * periodMs; a slice with no unit is not sent.
 */
function slicesOf(units, periodMs) {
  const slices = [];
  for (const u of units) {
    const k = Math.max(0, Math.ceil(u.endMs / periodMs) - 1);
    const last = slices[slices.length - 1];
    if (last && last.k === k) Object.assign(last, { end: u.end, endMs: u.endMs });
    else slices.push({ k, dueMs: k * periodMs, start: u.start, end: u.end, endMs: u.endMs });
  }
  const first = slices.length ? slices[0].dueMs : 0;
  for (const s of slices) s.dueMs -= first;
  return slices;
}

function pcmPlan(seconds) {
  const count = Math.round((seconds * 1000) / CHUNK_MS);
  return { periodMs: CHUNK_MS, count, audioMs: count * CHUNK_MS, dueMs: (seq) => seq * CHUNK_MS, chunk: chunkAt };
}

/**
 * The plan for `seconds` of `format`: PCM is generated (audio.js), the others cut `fixture`
 * ({file, audioMs} from fixtures.js). Throws if the fixture is too short for `seconds`.
 */
function planFor(format, seconds, fixture) {
  if (format === "pcm") return pcmPlan(seconds);
  const spec = FORMATS[format];
  if (!spec) throw new Error(`Unknown format "${format}".`);
  const bytes = fs.readFileSync(fixture.file);
  const fixtureMs = fixture.audioMs;
  let pieces;
  if (spec.reads) {
    let endMsAt = (offset) => (offset * fixtureMs) / bytes.length;
    if (spec.reads.frames === "adts") {
      const frames = adtsUnits(bytes);
      let i = 0;
      // Reads come in order: walk the frames once.
      endMsAt = (offset) => {
        while (i < frames.length && frames[i].end <= offset) i++;
        return i ? frames[i - 1].endMs : 0;
      };
    }
    pieces = readsOf(bytes.length, spec.reads.bytes, endMsAt);
  } else {
    pieces = slicesOf(spec.slices.kind === "ogg" ? oggUnits(bytes) : webmUnits(bytes), spec.slices.periodMs);
  }
  const sent = pieces.filter((p) => p.dueMs < seconds * 1000);
  if (sent.length === pieces.length) throw new Error(`${fixture.file} is too short for ${seconds} s of messages.`);
  return {
    periodMs: Math.min(...sent.slice(1).map((p, i) => p.dueMs - sent[i].dueMs)),
    count: sent.length,
    audioMs: sent[sent.length - 1].endMs,
    dueMs: (seq) => sent[seq].dueMs,
    chunk: (seq) => Buffer.from(bytes.subarray(sent[seq].start, sent[seq].end)),
    pieces: sent,
  };
}

module.exports = { planFor, oggUnits, webmUnits, adtsUnits, slicesOf, readsOf };
