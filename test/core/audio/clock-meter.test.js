// The clock meter's bookkeeping: a bounded index, a loud and safe fallback when a stream stops
// making sense as its container, and a warning for containers without a readable clock.
const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");
const { ByteCursor, ClockIndex, ClockMeter, OggClock, AdtsClock, FlacClock, MatroskaClock, MpegClock, meterFor } = require("../../../dist/core/audio");

const DIR = path.join(__dirname, "../../fixtures/audio");
const read = (f) => fs.readFileSync(path.join(DIR, f));
const ctx = (warnings) => ({ pacing: false, clock: { now: () => 0 }, repace() {}, warn: (w) => warnings.push(w) });

describe("clock meter bookkeeping", () => {
  it("reads a chunk in place but keeps its own copy of the unread tail, so a caller may reuse its buffer", () => {
    const cur = new ByteCursor();
    const chunk = Uint8Array.from([1, 2, 3, 4, 5]);
    cur.append(chunk);
    cur.skip(3);
    cur.settle();
    chunk.fill(9);
    cur.append(Uint8Array.from([6]));
    assert.deepEqual([cur.at(0), cur.at(1), cur.at(2), cur.available, cur.pos], [4, 5, 6, 3, 3]);
    cur.skip(5);
    cur.append(Uint8Array.from([7, 8, 10]));
    assert.deepEqual([cur.available, cur.at(0), cur.pos], [1, 10, 8], "a skip past the bytes held goes on into the next chunk");
  });

  it("reads little-endian 32-bit fields in place, the top bit included, and skips a whole chunk it was told to skip", () => {
    const cur = new ByteCursor();
    cur.append(Uint8Array.from([0xaa, 1, 2, 3, 4, 0xff, 0xff, 0xff, 0xff]));
    cur.skip(1);
    assert.deepEqual([cur.uint32le(0), cur.uint32le(4)], [0x04030201, 0xffffffff]);
    cur.skip(12);
    cur.append(Uint8Array.from([5, 6, 7, 8]));
    assert.deepEqual([cur.available, cur.pos], [0, 13], "the four bytes skipped before they came");
    cur.append(Uint8Array.from([9]));
    assert.deepEqual([cur.available, cur.at(0)], [1, 9]);
  });

  for (const [file, Clock] of [["speech.webm", MatroskaClock], ["speech.ogg", OggClock], ["speech-44k-stereo.mp3", MpegClock], ["speech.aac", AdtsClock], ["speech.flac", FlacClock]]) {
    it(`times ${file} the same when the caller overwrites each chunk's buffer after handing it over`, () => {
      const bytes = read(file);
      const fresh = new ClockMeter(new Clock());
      const reused = new ClockMeter(new Clock());
      const buffer = Buffer.alloc(333);
      for (let at = 0; at < bytes.length; at += buffer.length) {
        const piece = bytes.subarray(at, at + buffer.length);
        fresh.observe(piece);
        piece.copy(buffer);
        reused.observe(buffer.subarray(0, piece.length));
        buffer.fill(0x55);
      }
      assert.equal(reused.approximate, false, `${file}: still read as its container`);
      for (const offset of [bytes.length >> 2, bytes.length >> 1, bytes.length]) {
        assert.equal(reused.msAt(offset), fresh.msAt(offset), `${file}: time at byte ${offset}`);
      }
      assert.ok(fresh.msAt(bytes.length) > 4000, `${file}: ${fresh.msAt(bytes.length)} ms`);
      assert.ok(Buffer.from(reused.header()).equals(Buffer.from(fresh.header())), `${file}: the header kept to send again`);
    });
  }

  it("keeps the index as small as its unreleased part on a long stream", () => {
    const index = new ClockIndex();
    index.headerEnd = 0;
    let largest = 0;
    for (let i = 0; i < 200000; i++) {
      index.mark(i * 100, i * 20, true);
      if (i % 50 === 0) index.release(i * 100 - 1000);
      largest = Math.max(largest, index.size);
    }
    assert.ok(largest <= 2100, `index grew to ${largest} entries`);
    assert.equal(index.msAt(199999 * 100 + 50, null, true), 199999 * 20);
    assert.deepEqual(index.resumeAtOrBefore(199999 * 20 - 10, Infinity), { offset: 199998 * 100, ms: 199998 * 20 });
  });

  it("answers as a plain list of marks would while it grows and compacts in place", () => {
    const index = new ClockIndex();
    index.headerEnd = 0;
    const model = [];
    let released = 0;
    let seed = 7;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    for (let i = 0; i < 20000; i++) {
      // Uneven times, so a lost or misplaced mark cannot be interpolated back by chance.
      const mark = { offset: i * 50, ms: i * 10 + (i % 7), resumable: i % 3 === 0 };
      index.mark(mark.offset, mark.ms, mark.resumable);
      model.push(mark);
      // None released at first, so the room has to grow; then releases, so it compacts.
      if (i > 3000 && rand() < 0.02) {
        // Release up to a mark a little behind the newest, as Soniox's finals trail the audio.
        released = Math.max(released, (i - Math.floor(rand() * 600)) * 50);
        index.release(released);
      }
      if (i % 997 === 0 || i === 19999) {
        const live = model.filter((m, k) => m.offset >= released || (model[k + 1] && model[k + 1].offset > released));
        assert.equal(index.size, live.length, `size after ${i + 1} marks`);
        live.forEach((probe, k) => {
          const next = live[k + 1];
          assert.equal(index.msAt(probe.offset + 25, null, true), next ? (probe.ms + next.ms) / 2 : probe.ms, `mark ${k} of ${live.length}`);
        });
        for (const probe of [live[0], live[Math.floor(live.length / 2)], live[live.length - 1]]) {
          const r = model.filter((m) => m.resumable && m.ms <= probe.ms && live.includes(m)).pop() ?? null;
          assert.deepEqual(index.resumeAtOrBefore(probe.ms, Infinity), r && { offset: r.offset, ms: r.ms });
        }
      }
    }
  });

  it("still times and resumes after release on a concatenated ADTS stream", () => {
    const one = read("speech.aac");
    const meter = new ClockMeter(new AdtsClock());
    let perCopy = 0;
    for (let copy = 0; copy < 20; copy++) {
      meter.observe(one);
      if (copy === 0) perCopy = meter.msAt(one.length);
      meter.release(copy * one.length);
    }
    assert.ok(Math.abs(meter.msAt(20 * one.length) - 20 * perCopy) < 1e-6);
    assert.equal(meter.resumeAtOrBefore(perCopy), null, "points before the released offset are forgotten");
    const late = meter.resumeAtOrBefore(19.5 * perCopy);
    assert.ok(late && late.offset > 19 * one.length && late.ms <= 19.5 * perCopy);
  });

  it("says once why an Ogg stream cannot be timed, and goes on at its average rate, flagged approximate", () => {
    const ogg = read("speech.ogg");
    const reasons = [];
    const meter = new ClockMeter(new OggClock(), (r) => reasons.push(r));
    meter.observe(ogg);
    const atEnd = meter.msAt(ogg.length);
    assert.equal(meter.approximate, false);
    meter.observe(Buffer.alloc(70000, 0x55));
    meter.observe(Buffer.alloc(10000, 0x55));
    assert.equal(reasons.length, 1);
    assert.match(reasons[0], /no Ogg page/);
    assert.equal(meter.approximate, true);
    const later = meter.msAt(ogg.length + 80000);
    assert.ok(later > atEnd + 1000, `junk after the clock was lost still counts as time: ${later}`);
  });

  for (const [file, clock, said] of [
    ["speech.flac", () => new FlacClock(), /no FLAC frame follows on/],
    ["speech-clusters.webm", () => new MatroskaClock(), /second WebM/],
  ]) {
    it(`says so when a second ${file} is joined on, rather than freezing time`, () => {
      const one = read(file);
      const reasons = [];
      const meter = new ClockMeter(clock(), (r) => reasons.push(r));
      for (let copy = 0; copy < 4; copy++) meter.observe(one);
      assert.equal(reasons.length, 1);
      assert.match(reasons[0], said);
      assert.equal(meter.approximate, true);
      assert.ok(meter.msAt(4 * one.length) > 3 * meter.msAt(one.length), "the joined bytes still count as time");
    });
  }

  for (const [name, start, head] of [
    ["ASF/WMA", { audio_format: "auto" }, read("speech.wma").subarray(0, 64)],
    ["AMR", { audio_format: "amr" }, Buffer.from("#!AMR\n")],
  ]) {
    it(`${name}: warns once, naming the format and suggesting convert to PCM, and meters approximately`, () => {
      const warnings = [];
      const meter = meterFor(start, head, ctx(warnings));
      assert.equal(warnings.length, 1);
      assert.match(warnings[0], new RegExp(name.split("/")[0], "i"));
      assert.match(warnings[0], /convert to PCM/);
      assert.equal(meter.approximate, true);
      assert.equal(meter.resumeAtOrBefore(1000), null);
    });
  }
});
