"use strict";
const assert = require("assert");
const { sampleReader, rmsLevel } = require("../../dist/simulator/silence");
const { createAudioMeter } = require("../../dist/simulator/audio-meter");
const { bytesPerSample } = require("../../dist/core/audio/audio-format");

/** Encodes floats (-1..1) in a PCM format, as a client would send them. */
function encode(format, values) {
  const size = bytesPerSample(format);
  const be = format.endsWith("be");
  const buf = Buffer.alloc(values.length * size);
  values.forEach((v, i) => {
    const off = i * size;
    if (format.startsWith("pcm_f")) {
      if (size === 4) be ? buf.writeFloatBE(v, off) : buf.writeFloatLE(v, off);
      else be ? buf.writeDoubleBE(v, off) : buf.writeDoubleLE(v, off);
      return;
    }
    const full = 2 ** (size * 8 - 1);
    const int = Math.max(-full, Math.min(full - 1, Math.round(v * (full - 1))));
    if (format.startsWith("pcm_u")) be ? buf.writeUIntBE(int + full, off, size) : buf.writeUIntLE(int + full, off, size);
    else be ? buf.writeIntBE(int, off, size) : buf.writeIntLE(int, off, size);
  });
  return buf;
}

const sine = (n) => Array.from({ length: n }, (_, i) => 0.5 * Math.sin((2 * Math.PI * i) / 16));
const zeros = (n) => new Array(n).fill(0);

describe("simulator: PCM energy", function () {
  const PCM = [
    "pcm_s8", "pcm_u8", "pcm_s16le", "pcm_s16be", "pcm_u16le", "pcm_s24le", "pcm_s24be",
    "pcm_s32le", "pcm_s32be", "pcm_u32be", "pcm_f32le", "pcm_f32be", "pcm_f64le", "pcm_f64be",
  ];
  for (const format of PCM) {
    it(`tells a tone from silence in ${format}`, () => {
      const read = sampleReader(format);
      const size = bytesPerSample(format);
      const loud = rmsLevel(encode(format, sine(160)), read, size);
      const quiet = rmsLevel(encode(format, zeros(160)), read, size);
      assert.ok(Math.abs(loud - 0.5 / Math.SQRT2) < 0.02, `tone RMS ${loud}`);
      assert.ok(quiet < 0.01, `silence RMS ${quiet}`);
    });
  }

  it("decodes G.711 mu-law: 0xFF is zero, 0x80/0x00 are near full scale", () => {
    const read = sampleReader("mulaw");
    assert.strictEqual(read(Buffer.from([0xff]), 0), 0);
    assert.ok(read(Buffer.from([0x80]), 0) > 0.97 && read(Buffer.from([0x00]), 0) < -0.97);
    assert.ok(rmsLevel(Buffer.alloc(80, 0xff), read, 1) < 0.01);
    assert.ok(rmsLevel(Buffer.from(new Array(80).fill(0).map((_, i) => (i % 2 ? 0x80 : 0x00))), read, 1) > 0.9);
  });

  it("decodes G.711 A-law: 0xD5 is the smallest positive step, 0xAA/0x2A near full scale", () => {
    const read = sampleReader("alaw");
    assert.strictEqual(read(Buffer.from([0xd5]), 0), 8 / 32768);
    assert.ok(read(Buffer.from([0xaa]), 0) > 0.97 && read(Buffer.from([0x2a]), 0) < -0.97);
    assert.ok(rmsLevel(Buffer.alloc(80, 0xd5), read, 1) < 0.01);
  });

  it("meters stereo f32be in 10 ms windows and holds partial frames for the next chunk", () => {
    const meter = createAudioMeter(
      { kind: "raw", spec: { format: "pcm_f32be", sampleRate: 8000, channels: 2 } },
      { silenceThreshold: 0.01, containerBytesPerMs: 4 },
    );
    // 20 ms of tone then 20 ms of zeros, 2 channels interleaved: 320 samples * 4 bytes.
    const audio = encode("pcm_f32be", [...sine(320), ...zeros(320)]);
    const first = meter.measure(audio.subarray(0, 1001)); // ends 1 byte into a frame (8 bytes per frame)
    const second = meter.measure(audio.subarray(1001));
    const pieces = [...first, ...second];
    const total = pieces.reduce((s, p) => s + p.ms, 0);
    assert.ok(Math.abs(total - 40) < 1e-9, `total ${total}`);
    // Windows restart at each chunk: 640 + 360 bytes of tone, then a window straddling the
    // tone's last 280 bytes (still loud enough), then silence.
    assert.deepStrictEqual(first.map((p) => [p.ms, p.speech]), [[10, true], [5.625, true]]);
    assert.deepStrictEqual(second.map((p) => [p.ms, p.speech]), [[10, true], [10, false], [4.375, false]]);
    assert.strictEqual(meter.msOf(audio.length), 40);
  });

  it("counts container bytes as speech at the fake byte rate", () => {
    const meter = createAudioMeter({ kind: "container", format: "ogg" }, { silenceThreshold: 0.01, containerBytesPerMs: 4 });
    assert.deepStrictEqual(meter.measure(Buffer.alloc(480)), [{ ms: 120, speech: true }]);
  });

  it("with a bench's speech cycle, cuts the counted audio into its speech and silence", () => {
    const options = { silenceThreshold: 0.01, containerBytesPerMs: 4, containerSpeech: { speechMs: 300, cycleMs: 360 } };
    const meter = createAudioMeter({ kind: "container", format: "webm" }, options);
    const heard = [0, 1, 2, 3].map(() => meter.measure(Buffer.alloc(1000)).map((p) => [p.ms, p.speech]));
    assert.deepStrictEqual(heard, [
      [[250, true]],
      [[50, true], [60, false], [140, true]],
      [[160, true], [60, false], [30, true]],
      [[250, true]],
    ]);
    assert.strictEqual(meter.msOf(4000), 1000);
  });
});

describe("simulator: WAV sent as a container", function () {
  /** A 44-byte PCM WAV header for s16le mono at `rate`. */
  function wavHeader(rate, dataBytes) {
    const h = Buffer.alloc(44);
    h.write("RIFF", 0, "latin1");
    h.writeUInt32LE(36 + dataBytes, 4);
    h.write("WAVEfmt ", 8, "latin1");
    h.writeUInt32LE(16, 16);
    h.writeUInt16LE(1, 20);
    h.writeUInt16LE(1, 22);
    h.writeUInt32LE(rate, 24);
    h.writeUInt32LE(rate * 2, 28);
    h.writeUInt16LE(2, 32);
    h.writeUInt16LE(16, 34);
    h.write("data", 36, "latin1");
    h.writeUInt32LE(dataBytes, 40);
    return h;
  }
  const meterFor = () =>
    createAudioMeter({ kind: "container", format: "auto" }, { silenceThreshold: 0.01, containerBytesPerMs: 4 });

  it("times a PCM WAV by its header, even when the header arrives in pieces", () => {
    const data = encode("pcm_s16le", [...sine(160), ...zeros(160)]); // 20 ms at 16 kHz
    const wav = Buffer.concat([wavHeader(16000, data.length), data]);
    const meter = meterFor();
    assert.deepStrictEqual(meter.measure(wav.subarray(0, 20)), [], "nothing is audio before the header is complete");
    assert.strictEqual(meter.msOf(20), 0);
    const pieces = meter.measure(wav.subarray(20));
    assert.deepStrictEqual(pieces.map((p) => [p.ms, p.speech]), [[10, true], [10, false]]);
    assert.strictEqual(meter.msOf(wav.length), 20);
  });

  it("falls back to the fake byte rate for anything else", () => {
    const meter = meterFor();
    assert.deepStrictEqual(meter.measure(Buffer.from("OggS" + "x".repeat(396))), [{ ms: 100, speech: true }]);
    assert.strictEqual(meter.msOf(400), 100);
  });
});
