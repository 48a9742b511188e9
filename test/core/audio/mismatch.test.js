"use strict";
const assert = require("assert");
const fs = require("fs");
const path = require("path");
const { MismatchDetector, stringPayloadProblem } = require("../../../dist/core/audio/mismatch");
const { sniffContainer, containerByMagic } = require("../../../dist/core/audio/sniff");
const { CONTAINER_FORMATS } = require("../../../dist/core/audio/audio-format");

const AUDIO = path.join(__dirname, "..", "..", "fixtures", "audio");
const read = (f) => fs.readFileSync(path.join(AUDIO, f));
const S16 = { format: "pcm_s16le", sampleRate: 16000, channels: 1 };
const F32_48K = { format: "pcm_f32le", sampleRate: 48000, channels: 1 };
const detector = (declared = S16, firstProps = {}) => new MismatchDetector({ declared, declaredBy: "the node's audio setting", firstProps });

/** Every report from feeding `bytes` in `size`-byte chunks, then ending. */
function feed(d, bytes, size, props) {
  const reports = [];
  for (let at = 0; at < bytes.length; at += size) reports.push(...d.check(bytes.subarray(at, at + size), props));
  return reports.concat(d.end());
}
const kinds = (reports) => reports.map((r) => r.kind);

describe("format mismatch detection", function () {
  it("correctly declared fixtures produce no report, in any chunking", function () {
    assert.deepStrictEqual(feed(detector(), read("speech-16k-mono.s16le"), 4096), []);
    assert.deepStrictEqual(feed(detector(), read("speech-16k-mono.s16le"), 1001), [], "odd chunks carried across boundaries are fine");
    assert.deepStrictEqual(feed(detector(F32_48K), read("speech-48k-f32le.raw"), 3000), []);
    assert.deepStrictEqual(feed(detector({ format: "mulaw", sampleRate: 8000, channels: 1 }), read("speech-8k.mulaw"), 160), []);
  });

  it("a WAV header under a declared raw format is reported once, with what the header says", function () {
    const d = detector();
    const reports = feed(d, Buffer.concat([read("speech-48k-f32.wav"), read("speech-48k-f32.wav")]), 65536);
    assert.deepStrictEqual(kinds(reports).filter((k) => k === "container-header"), ["container-header"]);
    const message = reports.find((r) => r.kind === "container-header").message;
    assert.match(message, /A WAV header \(it says pcm_f32le 48000 Hz mono\) arrived at the start of the stream/);
    assert.match(message, /declared as raw pcm_s16le 16000 Hz mono by the node's audio setting/);
    assert.match(message, /"auto"/);
  });

  for (const file of ["speech.ogg", "speech.flac", "speech.webm", "speech-44k-stereo.mp3"]) {
    it(`${file} under a declared raw format is reported as compressed audio read as noise`, function () {
      const reports = detector().check(read(file));
      assert.strictEqual(reports[0].kind, "container-header");
      assert.match(reports[0].message, /compressed audio read as PCM is noise/);
    });
  }

  it("reports every container sniff names by its magic, and no bare frame sync, so a container added to sniff.ts is seen here", function () {
    const id3 = (body) => Buffer.concat([Buffer.from([0x49, 0x44, 0x33, 4, 0, 0, 0, 0, 0, 5, 0, 0, 0, 0, 0]), body]);
    const mp3 = read("speech-44k-stereo.mp3");
    const bareMp3 = mp3.subarray(10 + ((mp3[6] << 21) | (mp3[7] << 14) | (mp3[8] << 7) | mp3[9]));
    const heads = {
      "speech-16k-mono.wav": read("speech-16k-mono.wav"),
      "speech.aiff": read("speech.aiff"),
      AIFC: Buffer.from("FORM\0\0\0\x10AIFCFVER"),
      "speech.ogg": read("speech.ogg"),
      "speech.flac": read("speech.flac"),
      AMR: Buffer.from("#!AMR\n\x3c"),
      "speech.webm": read("speech.webm"),
      "speech.wma": read("speech.wma"),
      "speech-44k-stereo.mp3": mp3,
      "ID3 + ADTS": id3(read("speech.aac")),
      "ID3 + fLaC": id3(read("speech.flac")),
      "speech.aac (bare ADTS)": read("speech.aac"),
      "MP3 without ID3 (bare frame sync)": bareMp3,
    };
    const named = new Set();
    for (const [name, bytes] of Object.entries(heads)) {
      const sniffed = sniffContainer(bytes.subarray(0, 4096));
      assert.ok(sniffed, `${name} is a container`);
      const byMagic = containerByMagic(bytes.subarray(0, 4096));
      assert.ok(byMagic === null || byMagic === sniffed, name);
      const header = detector().check(bytes).filter((r) => r.kind === "container-header");
      if (byMagic === null) {
        assert.deepStrictEqual(header, [], `${name} starts with a frame sync only, which raw audio can too`);
        continue;
      }
      named.add(byMagic);
      assert.strictEqual(header.length, 1, `${name} (${byMagic}) under a raw format is reported`);
      assert.match(header[0].message, new RegExp(`^A ${byMagic.toUpperCase()} header`), name);
    }
    // A container Soniox accepts without a head here is a magic this test does not try.
    assert.deepStrictEqual([...named].sort(), [...CONTAINER_FORMATS].sort());
  });

  it("a header arriving mid-stream (a second file) is reported with its position", function () {
    const d = detector();
    assert.deepStrictEqual(d.check(read("speech-16k-mono.s16le").subarray(0, 3200)), []);
    const [report] = d.check(read("speech-16k-mono.wav"));
    assert.match(report.message, /arrived after 3200 bytes/);
  });

  it("odd byte counts for 16-bit: reported once when they persist, not for one odd chunk", function () {
    const d = detector();
    assert.deepStrictEqual(d.check(Buffer.alloc(101)), []);
    assert.deepStrictEqual(d.check(Buffer.alloc(101)), [], "the second odd chunk completes the sample");
    const reports = [];
    for (let i = 0; i < 10; i++) reports.push(...d.check(Buffer.alloc(2)), ...d.check(Buffer.alloc(1)));
    assert.deepStrictEqual(kinds(reports), []);
    const d2 = detector();
    const persistent = [];
    // One stray byte shifts every later sample by half: the total stays odd chunk after chunk.
    persistent.push(...d2.check(Buffer.alloc(1, 0)));
    for (let i = 0; i < 10; i++) persistent.push(...d2.check(Buffer.alloc(320, 0)));
    assert.deepStrictEqual(kinds(persistent.concat(d2.end())), ["misaligned"]);
    assert.match(persistent[0].message, /an odd number of bytes/);
  });

  it("a stream ending inside a frame is reported; frames of stereo 24-bit are checked too", function () {
    const d = detector({ format: "pcm_s24le", sampleRate: 48000, channels: 2 });
    assert.deepStrictEqual(d.check(Buffer.alloc(4000)), []);
    const [report] = d.end();
    assert.strictEqual(report.kind, "misaligned");
    assert.match(report.message, /4000 bytes, not a multiple of its 6-byte frame \(24-bit × 2 channels\)/);
  });

  it("browser Float32 declared as 16-bit PCM is recognised, once", function () {
    const reports = feed(detector(), read("speech-48k-f32le.raw"), 2048);
    assert.deepStrictEqual(kinds(reports), ["float-as-integer"]);
    assert.match(reports[0].message, /looks like 32-bit float samples/);
    assert.match(reports[0].message, /pcm_f32le/);
  });

  it("16-bit PCM declared as Float32 is recognised", function () {
    const reports = feed(detector(F32_48K), read("speech-16k-mono.s16le"), 4096);
    assert.deepStrictEqual(kinds(reports), ["integer-as-float"]);
  });

  it("silence gives no verdict on the sample format", function () {
    assert.deepStrictEqual(feed(detector(), Buffer.alloc(64000), 4096), []);
  });

  it("sox properties that change mid-stream are reported once, naming old and new values", function () {
    const first = { rate: 16000, channels: 1, bits: 16, encoding: "signed-integer" };
    const d = detector(S16, first);
    const chunk = Buffer.alloc(3200);
    assert.deepStrictEqual(d.check(chunk, first), []);
    const [report] = d.check(chunk, { ...first, rate: 44100 });
    assert.strictEqual(report.kind, "format-changed");
    assert.match(report.message, /msg\.rate 16000 → 44100/);
    assert.deepStrictEqual(d.check(chunk, { ...first, rate: 48000 }), [], "once per stream");
    assert.deepStrictEqual(d.check(chunk, {}), [], "messages without properties change nothing");
  });

  it("container streams are only checked for format changes", function () {
    const d = detector(null, {});
    assert.deepStrictEqual(feed(d, read("speech.ogg"), 333), []);
  });

  describe("string payloads", function () {
    it("accepts what the exec node makes of UTF-8-valid audio bytes", function () {
      const bytes = Buffer.from([0x41, 0x42, 0x0a, 0xc3, 0xa9, 0x7e, 0x20, 0x21]);
      assert.strictEqual(stringPayloadProblem(bytes.toString("utf8")), null);
    });

    it("refuses binary that was decoded as text upstream (bytes lost)", function () {
      const mangled = read("speech-16k-mono.s16le").subarray(0, 512).toString("utf8");
      assert.match(stringPayloadProblem(mangled).message, /replacement characters.*bytes were lost/);
    });

    it("refuses base64 and data: URLs with the decoding to do", function () {
      const b64 = read("speech-16k-mono.s16le").subarray(0, 300).toString("base64");
      assert.match(stringPayloadProblem(b64).message, /looks like base64 text.*Buffer\.from\(msg\.payload, "base64"\)/);
      assert.match(stringPayloadProblem(`data:audio/webm;codecs=opus;base64,${b64}`).message, /data: URL/);
    });
  });
});
