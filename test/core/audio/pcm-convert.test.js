"use strict";
const assert = require("assert");
const fs = require("fs");
const path = require("path");
const { execFileSync } = require("child_process");
const { PcmConverter } = require("../../../dist/core/audio/pcm-convert");
const { parseWavHeader } = require("../../../dist/core/audio/wav");
const { ffmpegPath } = require("../../support/ffmpeg");

const AUDIO = path.join(__dirname, "..", "..", "fixtures", "audio");
const read = (f) => fs.readFileSync(path.join(AUDIO, f));
const wavBody = (f) => {
  const bytes = read(f);
  const { dataOffset, dataBytes } = parseWavHeader(bytes).info;
  return bytes.subarray(dataOffset, dataBytes === null ? undefined : dataOffset + dataBytes);
};
const samples = (buf) => Array.from({ length: buf.length / 2 }, (_, i) => buf.readInt16LE(i * 2));
const convert = (format, channels, bytes) => new PcmConverter({ format, sampleRate: 16000, channels }).push(bytes);

/** Feeds `bytes` in pieces of the given sizes (cycled) and joins the output. */
function convertInPieces(spec, bytes, sizes) {
  const converter = new PcmConverter(spec);
  const out = [];
  for (let at = 0, i = 0; at < bytes.length; i++) {
    const size = sizes[i % sizes.length];
    out.push(converter.push(bytes.subarray(at, at + size)));
    at += size;
  }
  assert.strictEqual(converter.flush(), 0, "no partial frame left at the end");
  return Buffer.concat(out);
}

describe("in-process PCM conversion to 16-bit mono", function () {
  it("24-bit WAV samples become exactly the 16-bit samples they were made from", function () {
    // Both fixtures are the same phrase at 16 kHz; sox wrote the 24-bit one without dither.
    const out = convert("pcm_s24le", 1, wavBody("speech-16k-s24-extensible.wav"));
    assert.ok(out.equals(wavBody("speech-16k-list-chunk.wav")));
  });

  it("browser-style Float32 48 kHz matches ffmpeg's conversion to within one step", function () {
    const f32 = read("speech-48k-f32le.raw");
    const ours = new PcmConverter({ format: "pcm_f32le", sampleRate: 48000, channels: 1 }).push(f32);
    const ffmpeg = execFileSync(ffmpegPath(), ["-loglevel", "error", "-f", "f32le", "-ar", "48000", "-ac", "1", "-i", "pipe:0", "-f", "s16le", "pipe:1"], { input: f32, timeout: 10000 });
    assert.strictEqual(ours.length, ffmpeg.length);
    for (let i = 0; i < ours.length; i += 2) assert.ok(Math.abs(ours.readInt16LE(i) - ffmpeg.readInt16LE(i)) <= 1, `sample ${i / 2}`);
  });

  it("gives the same bytes whatever the chunk boundaries, even inside a sample", function () {
    const f32 = read("speech-48k-f32le.raw").subarray(0, 40000);
    const spec = { format: "pcm_f32le", sampleRate: 48000, channels: 2 };
    const whole = new PcmConverter(spec).push(f32);
    assert.ok(convertInPieces(spec, f32, [1, 3, 7, 4096, 5, 2]).equals(whole));
    assert.strictEqual(whole.length, f32.length / 4);
  });

  it("keeps its own copy of an incomplete frame, so the caller may reuse its buffer", function () {
    // Big-endian: the carried byte is a sample's high byte, so a changed one shows in the output.
    const spec = { format: "pcm_s16be", sampleRate: 16000, channels: 1 };
    const bytes = Buffer.from(Array.from({ length: 3002 }, (_, i) => (i * 37) & 0xff));
    const expected = convertInPieces(spec, bytes, [1001]);
    const converter = new PcmConverter(spec);
    const buffer = Buffer.alloc(1001);
    const out = [];
    for (let at = 0; at < bytes.length; at += 1001) {
      const n = bytes.copy(buffer, 0, at, at + 1001);
      out.push(converter.push(buffer.subarray(0, n)));
      buffer.fill(0x7f);
    }
    assert.ok(Buffer.concat(out).equals(expected), "1001-byte chunks end inside a sample: the carried byte must survive");
  });

  it("keeps an incomplete frame for the next chunk and reports it if the stream ends on it", function () {
    const converter = new PcmConverter({ format: "pcm_s24le", sampleRate: 16000, channels: 2 });
    assert.strictEqual(converter.push(Buffer.alloc(10)).length, 2, "one 6-byte frame converted");
    assert.strictEqual(converter.pendingBytes, 4);
    assert.strictEqual(converter.flush(), 4);
  });

  it("mixes stereo down by averaging the channels", function () {
    const stereo = Buffer.alloc(12);
    [1000, 3000, -2000, 2000, 32767, 32767].forEach((v, i) => stereo.writeInt16LE(v, i * 2));
    assert.deepStrictEqual(samples(convert("pcm_s16le", 2, stereo)), [2000, 0, 32767]);
  });

  it("float: clips beyond ±1, rounds, and turns NaN into silence", function () {
    const f = Buffer.alloc(24);
    [0.5, -1, 1, 2, -3, NaN].forEach((v, i) => f.writeFloatLE(v, i * 4));
    assert.deepStrictEqual(samples(convert("pcm_f32le", 1, f)), [16384, -32768, 32767, 32767, -32768, 0]);
    const d = Buffer.alloc(16);
    d.writeDoubleLE(-0.25, 0);
    d.writeDoubleBE(0.25, 8);
    assert.deepStrictEqual(samples(convert("pcm_f64le", 1, d.subarray(0, 8))), [-8192]);
    assert.deepStrictEqual(samples(convert("pcm_f64be", 1, d.subarray(8))), [8192]);
  });

  it("integer formats of every size, signedness and byte order", function () {
    assert.deepStrictEqual(samples(convert("pcm_u8", 1, Buffer.from([0x00, 0x80, 0xff]))), [-32768, 0, 32512]);
    assert.deepStrictEqual(samples(convert("pcm_s8", 1, Buffer.from([0x80, 0x00, 0x7f]))), [-32768, 0, 32512]);
    assert.deepStrictEqual(samples(convert("pcm_s16be", 1, Buffer.from([0x12, 0x34]))), [0x1234]);
    assert.deepStrictEqual(samples(convert("pcm_u16le", 1, Buffer.from([0x00, 0x00, 0x00, 0x80]))), [-32768, 0]);
    assert.deepStrictEqual(samples(convert("pcm_s24be", 1, Buffer.from([0xff, 0x00, 0x00]))), [-256]);
    assert.deepStrictEqual(samples(convert("pcm_u24le", 1, Buffer.from([0x00, 0x00, 0x80, 0x00, 0x00, 0x00]))), [0, -32768]);
    const s32 = Buffer.alloc(8);
    s32.writeInt32LE(0x7fffffff, 0);
    s32.writeUInt32BE(0x40000000, 4);
    assert.deepStrictEqual(samples(convert("pcm_s32le", 1, s32.subarray(0, 4))), [32767]);
    assert.deepStrictEqual(samples(convert("pcm_u32be", 1, s32.subarray(4))), [-16384]);
  });

  it("refuses G.711, which Soniox takes as it is", function () {
    assert.throws(() => new PcmConverter({ format: "mulaw", sampleRate: 8000, channels: 1 }), /mulaw is not linear PCM/);
  });
});
