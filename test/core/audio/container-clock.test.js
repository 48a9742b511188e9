// Every format's own clock against ffmpeg's decode: the time at the end of the stream, and the
// audio after each resume point (header + bytes from there), in random chunkings.
const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");
const { meterFor, AssumedRateMeter } = require("../../../dist/core/audio");
const { decodedMs } = require("./decode-truth");

const DIR = path.join(__dirname, "../../fixtures/audio");

/**
 * The WebM a browser's MediaRecorder writes: Segment and Clusters of unknown size (their 8-byte
 * size fields set to all ones), since it cannot seek back to fill them in.
 */
function unknownSizes(webm) {
  const out = Buffer.from(webm);
  let rewritten = 0;
  for (const id of ["18538067", "1f43b675"]) {
    const pattern = Buffer.from(id + "01", "hex");
    for (let at = out.indexOf(pattern); at >= 0; at = out.indexOf(pattern, at + 1), rewritten++) out.fill(0xff, at + 5, at + 12);
  }
  assert.ok(rewritten >= 5, `only ${rewritten} element sizes rewritten`);
  return out;
}

// Against ffmpeg the tolerance is one codec frame: decoders differ on the partial frames at the
// edges (this ffmpeg trims LAME's start delay and Matroska's DiscardPadding but not LAME's end
// padding or Vorbis's end granule, and applies Opus pre-skip again to a resumed stream).
// `copies` marks the fixtures whose clock is exact to the sample: they end, to within 1 ms, where
// that many copies of the source sentence end (Opus pre-skip, LAME delay and padding, Vorbis and
// FLAC granules all trimmed). Not marked: AAC (ADTS declares no priming, so the clock counts whole
// frames), MP3 files joined (only the first file's delay and padding are trimmed, as decoders do)
// and WebM (not checked against the source here).
const FIXTURES = [
  { file: "speech-16k-mono.wav", frameMs: 1000 / 16000, copies: 1 },
  { file: "speech-16k-mono.s16le", declared: { audio_format: "pcm_s16le", sample_rate: 16000, num_channels: 1 }, input: ["-f", "s16le", "-ar", "16000", "-ac", "1"], frameMs: 1000 / 16000, copies: 1 },
  { file: "speech-8k.mulaw", declared: { audio_format: "mulaw", sample_rate: 8000, num_channels: 1 }, input: ["-f", "mulaw", "-ar", "8000", "-ac", "1"], frameMs: 1000 / 8000, copies: 1 },
  { file: "speech.aiff", frameMs: 1000 / 8000, copies: 1 },
  { file: "speech.ogg", frameMs: 20, copies: 1 },
  { file: "speech-vorbis.ogg", frameMs: 2048 / 16, copies: 1 },
  { file: "speech.ogg", variant: "chained twice", transform: (b) => Buffer.concat([b, b]), frameMs: 20, copies: 2 },
  { file: "speech-vorbis.ogg", variant: "chained twice", transform: (b) => Buffer.concat([b, b]), frameMs: 2048 / 16, copies: 2 },
  { file: "speech-flac.oga", frameMs: 4096 / 16, copies: 1 },
  { file: "speech.webm", frameMs: 20, oneCluster: true },
  { file: "speech-clusters.webm", frameMs: 20 },
  { file: "speech-clusters.webm", variant: "unknown sizes", transform: unknownSizes, frameMs: 20 },
  { file: "speech-16k-cbr-id3.mp3", frameMs: 576 / 16, copies: 1 },
  { file: "speech-44k-stereo.mp3", frameMs: 1152 / 44.1, copies: 1 },
  { file: "speech-44k-vbr-id3.mp3", frameMs: 1152 / 44.1, copies: 1 },
  { file: "speech-8k-mpeg25.mp3", frameMs: 576 / 8, copies: 1 },
  { file: "speech-44k-vbr-id3.mp3", variant: "three files joined", transform: (b) => Buffer.concat([b, b, b]), frameMs: 1152 / 44.1 },
  { file: "speech.flac", frameMs: 4096 / 16, copies: 1 },
  { file: "speech.aac", frameMs: 1024 / 16 },
];

/** A small seeded generator, so a failing chunking can be reproduced. */
function chunker(seed, largest) {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return 1 + (s % largest);
  };
}

function meterOf(fixture, bytes, seed, largestChunk = 4000) {
  const warnings = [];
  const meter = meterFor(fixture.declared ?? { audio_format: "auto" }, bytes.subarray(0, 64), {
    pacing: false,
    clock: { now: () => 0 },
    repace() {},
    warn: (w) => warnings.push(w),
  });
  const next = chunker(seed, largestChunk);
  for (let at = 0; at < bytes.length; ) {
    const n = next();
    meter.observe(bytes.subarray(at, at + n));
    at += n;
  }
  return { meter, warnings };
}

/** The source sentence every fixture was encoded from: its samples, as in the raw 16 kHz file. */
const SOURCE_MS = fs.statSync(path.join(DIR, "speech-16k-mono.s16le")).size / 2 / 16;

const table = [];

describe("container clocks: exact audio time for every format, checked against ffmpeg", function () {
  this.timeout(60000);

  after(() => {
    console.log("\n    format                                   clock ms   ffmpeg ms   error ms");
    for (const r of table) console.log(`    ${r.file.padEnd(40)} ${r.clock.toFixed(1).padStart(8)} ${r.truth.toFixed(1).padStart(11)} ${r.error.toFixed(1).padStart(10)}`);
  });

  for (const fixture of FIXTURES) {
    const name = fixture.variant ? `${fixture.file} (${fixture.variant})` : fixture.file;
    describe(name, () => {
      const raw = fs.readFileSync(path.join(DIR, fixture.file));
      const bytes = fixture.transform ? fixture.transform(raw) : raw;
      const truth = decodedMs(bytes, fixture.input);

      it(`times the whole stream within one codec frame (${fixture.frameMs.toFixed(1)} ms) of ffmpeg's decode, the same in every chunking`, () => {
        // Chunks of up to 4000 bytes, and of up to 7 bytes so every header straddles chunks.
        const ends = [[1, 4000], [2, 4000], [3, 7]].map(([seed, largest]) => {
          const { meter, warnings } = meterOf(fixture, bytes, seed, largest);
          assert.deepEqual(warnings, []);
          assert.equal(meter.approximate, false);
          assert.ok(!(meter instanceof AssumedRateMeter));
          return meter.msAt(bytes.length);
        });
        assert.ok(Math.abs(ends[1] - ends[0]) < 1e-6 && Math.abs(ends[2] - ends[0]) < 1e-6, `chunkings disagree: ${ends}`);
        table.push({ file: name, clock: ends[0], truth, error: ends[0] - truth });
        assert.ok(Math.abs(ends[0] - truth) <= fixture.frameMs, `clock ${ends[0]} ms, ffmpeg ${truth} ms`);
      });

      if (fixture.copies) {
        it(`ends within 1 ms of where the source audio ends (${fixture.copies} × ${SOURCE_MS} ms): the clock is exact to the sample`, () => {
          const { meter } = meterOf(fixture, bytes, 5);
          const end = meter.msAt(bytes.length);
          assert.ok(Math.abs(end - fixture.copies * SOURCE_MS) < 1, `clock ${end} ms, source ${fixture.copies * SOURCE_MS} ms`);
        });
      }

      it("resumes at points whose header + remaining bytes decode to the audio from the point's time on", () => {
        const { meter } = meterOf(fixture, bytes, 7);
        const end = meter.msAt(bytes.length);
        for (const share of [0.25, 0.5, 0.75]) {
          const wanted = end * share;
          const point = meter.resumeAtOrBefore(wanted);
          assert.ok(point, `no resume point at or before ${wanted} ms`);
          assert.ok(point.ms <= wanted, `resume point ${point.ms} ms is after ${wanted} ms`);
          assert.ok(point.offset >= meter.header().length && point.offset < bytes.length);
          if (!fixture.oneCluster) assert.ok(point.ms > 0, "resume point at the very start");
          assert.ok(Math.abs(meter.msAt(point.offset) - point.ms) < 1e-6);
          const resumed = Buffer.concat([meter.header(), bytes.subarray(point.offset)]);
          const decoded = decodedMs(resumed, fixture.input);
          assert.ok(
            Math.abs(decoded - (end - point.ms)) <= fixture.frameMs,
            `from ${point.ms} ms (byte ${point.offset}): decoded ${decoded} ms, clock says ${end - point.ms} ms`,
          );
        }
      });

      it("sizes pacing slices by the same clock: bytesForMs and msForRange agree", () => {
        const { meter } = meterOf(fixture, bytes, 11);
        let offset = 0;
        let ms = 0;
        while (offset < bytes.length) {
          const slice = Math.max(1, Math.min(bytes.length - offset, meter.bytesForMs(offset, 500)));
          const sliceMs = meter.msForRange(offset, slice);
          assert.ok(sliceMs <= 500 + fixture.frameMs, `a 500 ms slice at byte ${offset} holds ${sliceMs} ms`);
          ms += sliceMs;
          offset += slice;
        }
        assert.ok(Math.abs(ms - meter.msAt(bytes.length)) < 1e-6);
      });
    });
  }
});
