"use strict";
const assert = require("assert");
const { EnergyVad, specFromMessage, mulawToLinear, alawToLinear } = require("../../../dist/core/control/vad");
const { pcm, tone, silence, noise } = require("./vad-generate");

const S16 = { format: "pcm_s16le", sampleRate: 16000, channels: 1 };

function runs(windows) {
  // Collapses windows into [speech, ms] spans so spans can be compared with what was generated.
  const out = [];
  for (const w of windows) {
    const last = out[out.length - 1];
    if (last && last[0] === w.speech) last[1] = Math.round((last[1] + w.ms) * 1000) / 1000;
    else out.push([w.speech, w.ms]);
  }
  return out;
}

function analyseInChunks(vad, buf, size) {
  const windows = [];
  for (let i = 0; i < buf.length; i += size) windows.push(...vad.analyse(buf.subarray(i, i + size)));
  return windows;
}

describe("EnergyVad", function () {
  it("measures RMS level in dBFS", function () {
    const vad = new EnergyVad(S16, -40);
    assert.ok(Math.abs(vad.levelDb(pcm(S16, [tone(100, 0.5)])) - 20 * Math.log10(0.5 / Math.SQRT2)) < 0.1);
    assert.strictEqual(vad.levelDb(pcm(S16, [silence(100)])), -Infinity);
  });

  it("finds the generated speech and silence spans, in 10 ms windows", function () {
    const audio = pcm(S16, [tone(200), silence(300), noise(100, 0.001), tone(150)]);
    const vad = new EnergyVad(S16, -40);
    assert.deepStrictEqual(runs(vad.analyse(audio)), [
      [true, 200],
      [false, 400],
      [true, 150],
    ]);
  });

  it("gives the same windows whatever the chunk size, frames split across chunks included", function () {
    const audio = pcm({ ...S16, channels: 2 }, [tone(120), silence(230), tone(50)]);
    const whole = new EnergyVad({ ...S16, channels: 2 }, -40).analyse(audio);
    const chunked = analyseInChunks(new EnergyVad({ ...S16, channels: 2 }, -40), audio, 333);
    assert.deepStrictEqual(chunked, whole);
    assert.deepStrictEqual(runs(whole), [
      [true, 120],
      [false, 230],
      [true, 50],
    ]);
  });

  it("respects the threshold: quiet speech is silence under a high threshold", function () {
    const audio = pcm(S16, [tone(100, 0.01)]);
    assert.deepStrictEqual(runs(new EnergyVad(S16, -50).analyse(audio)), [[true, 100]]);
    assert.deepStrictEqual(runs(new EnergyVad(S16, -30).analyse(audio)), [[false, 100]]);
  });

  for (const format of ["pcm_s8", "pcm_u8", "pcm_s16be", "pcm_u16le", "pcm_s24le", "pcm_u24be", "pcm_s32be", "pcm_u32le", "pcm_f32le", "pcm_f64be", "mulaw", "alaw"]) {
    it(`decodes ${format}`, function () {
      const spec = { format, sampleRate: 8000, channels: 1 };
      const windows = new EnergyVad(spec, -40).analyse(pcm(spec, [silence(50), tone(70), silence(30)]));
      assert.deepStrictEqual(runs(windows), [
        [false, 50],
        [true, 70],
        [false, 30],
      ]);
    });
  }
});

describe("G.711 decoding", function () {
  it("matches the reference values", function () {
    assert.deepStrictEqual([0xff, 0x7f, 0x80, 0x00].map(mulawToLinear), [0, 0, 32124, -32124]);
    assert.deepStrictEqual([0xd5, 0x55, 0xaa, 0x2a].map(alawToLinear), [8, -8, 32256, -32256]);
  });
});

describe("specFromMessage (sox-record properties)", function () {
  it("reads sox-record's properties, little-endian implied", function () {
    assert.deepStrictEqual(
      specFromMessage({ rate: 48000, channels: 2, bits: 16, encoding: "signed-integer" }, S16),
      { format: "pcm_s16le", sampleRate: 48000, channels: 2 },
    );
    assert.deepStrictEqual(specFromMessage({ rate: 8000, bits: 8, encoding: "mu-law" }, S16), {
      format: "mulaw",
      sampleRate: 8000,
      channels: 1,
    });
    assert.deepStrictEqual(specFromMessage({ bits: 32, encoding: "floating-point" }, S16).format, "pcm_f32le");
    assert.deepStrictEqual(specFromMessage({ bits: 8, encoding: "unsigned-integer" }, S16).format, "pcm_u8");
  });

  it("falls back to the node's setting for whatever the message leaves out", function () {
    assert.deepStrictEqual(specFromMessage({}, { format: "pcm_f32be", sampleRate: 22050, channels: 2 }), {
      format: "pcm_f32be",
      sampleRate: 22050,
      channels: 2,
    });
    assert.deepStrictEqual(specFromMessage({ bits: 24 }, S16).format, "pcm_s24le");
  });

  it("names the property that cannot be analysed", function () {
    assert.match(specFromMessage({ encoding: "gsm" }, S16).error, /msg\.encoding "gsm"/);
    assert.match(specFromMessage({ rate: "fast" }, S16).error, /msg\.rate fast/);
    assert.match(specFromMessage({ channels: 0 }, S16).error, /msg\.channels 0/);
  });
});
