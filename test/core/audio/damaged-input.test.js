// Corrupt input is reported: real fixtures with garbage spliced in, in every compressed format a
// container clock covers. The clock says where and how much (once a minute per stream), counts
// it, and goes on: the time at the end and the resume points after the damage are the clean file's.
const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");
const { meterFor, ClockMeter, MpegClock, DamageWarnings } = require("../../../dist/core/audio");

const DIR = path.join(__dirname, "../../fixtures/audio");
const { CLOCKED_FILES, spliced } = require("../../support/damaged-audio");

const read = (f) => fs.readFileSync(path.join(DIR, f));

function meter(bytes, declared = { audio_format: "auto" }, chunk = 777) {
  const warnings = [];
  const m = meterFor(declared, bytes.subarray(0, 64), {
    pacing: false,
    clock: { now: () => 0 },
    repace() {},
    warn: (text, i18n) => warnings.push({ text, i18n }),
  });
  for (let at = 0; at < bytes.length; at += chunk) m.observe(bytes.subarray(at, at + chunk));
  return { m, warnings };
}

// The clock passes exactly the spliced bytes, except: native FLAC has no frame lengths, so the frame
// the garbage landed in fails its CRC-16 and is reported whole (garbage included); in WebM a few
// garbage bytes can read as a small element of the right shape before the clock sees the damage.
const FORMATS = CLOCKED_FILES.map((file) => ({ file, exact: !/\.(webm|flac)$/.test(file) }));

describe("container clocks: a damaged stretch is reported, counted and passed", () => {
  for (const { file, exact } of FORMATS) {
    for (const size of [300, 5000]) {
      it(`${file}: ${size} bytes of garbage spliced in mid-stream`, () => {
        const clean = read(file);
        const at = Math.floor(clean.length * 0.5);
        const damaged = spliced(clean, at, size);
        const before = meter(clean);
        const after = meter(damaged);
        assert.deepEqual(before.warnings, [], "the clean file reads clean");

        assert.equal(after.warnings.length, 1, after.warnings.map((w) => w.text).join("\n"));
        const [{ text, i18n }] = after.warnings;
        assert.equal(i18n.key, "audio.damaged");
        const { offset, bytes } = i18n.params;
        if (exact) {
          assert.equal(bytes, size);
          // Framing is lost where the unit the garbage landed in should have ended, and found again right after the garbage.
          assert.ok(offset >= at && offset - at < 64 * 1024, `stretch ${offset}+${bytes}, garbage at ${at}`);
        } else {
          assert.ok(bytes > size - 64 && bytes < size + 8192, `${bytes} bytes`);
          assert.ok(offset <= at + 8192 && offset + bytes >= at + size - 64, `stretch ${offset}+${bytes}, garbage at ${at}`);
        }
        assert.ok(text.includes(`at byte ${offset}`) && text.includes(`${bytes} bytes`), text);
        assert.deepEqual(after.m.damage, { stretches: 1, bytes });

        // The stream goes on: still exact, the same end time, and resume points past the damage.
        assert.equal(after.m.approximate, false);
        const end = before.m.msAt(clean.length);
        assert.ok(Math.abs(after.m.msAt(damaged.length) - end) < 0.01, `${after.m.msAt(damaged.length)} ms against ${end} ms`);
        const late = after.m.resumeAtOrBefore(end - 300);
        const cleanLate = before.m.resumeAtOrBefore(end - 300);
        assert.equal(late.ms, cleanLate.ms);
        // A one-cluster WebM resumes only at its start; every other fixture has points past the damage.
        if (cleanLate.offset > at) assert.equal(late.offset, cleanLate.offset + size);
      });
    }
  }

  it("warns once a minute per stream, counting what it held back, and says the rest when the stream ends", () => {
    const clean = read("speech-44k-stereo.mp3");
    const cuts = [0.2, 0.3, 0.4, 0.5, 0.6].map((f) => Math.floor(clean.length * f));
    let damaged = clean;
    for (const at of [...cuts].reverse()) damaged = spliced(damaged, at, 200);
    let now = 0;
    const warnings = [];
    const m = new ClockMeter(
      new MpegClock(),
      () => {},
      new DamageWarnings("MP3", { now: () => now }, (text, i18n) => warnings.push({ text, i18n })),
    );
    const step = Math.ceil(damaged.length / 10);
    for (let at = 0; at < damaged.length; at += step) {
      m.observe(damaged.subarray(at, at + step));
      now += 20_000;
    }
    m.destroy();
    assert.deepEqual(m.damage, { stretches: 5, bytes: 1000 });
    const keys = warnings.map((w) => [w.i18n.key, w.i18n.params.count ?? 0]);
    assert.equal(keys[0][0], "audio.damaged");
    assert.ok(keys.length >= 2 && keys.length < 5, JSON.stringify(keys));
    const said = warnings.filter((w) => w.i18n.key !== "audio.damaged-held").length;
    const counted = warnings.reduce((n, w) => n + (w.i18n.params.count ?? 0), 0);
    assert.equal(said + counted, 5, "every stretch said or counted");
    assert.match(warnings.at(-1).text, /more damaged stretches/);
  });

  it("takes a stream picked up mid-frame for what it is, not damage", () => {
    const clean = read("speech-44k-stereo.mp3");
    const { m, warnings } = meter(clean.subarray(1001), { audio_format: "mp3" });
    assert.deepEqual(warnings, []);
    assert.deepEqual(m.damage, { stretches: 0, bytes: 0 });
  });
});
