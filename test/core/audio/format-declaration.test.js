"use strict";
const assert = require("assert");
const fs = require("fs");
const path = require("path");
const { resolveFormat, soxSpecOf, TRANSCODED_AUDIO } = require("../../../dist/core/audio/format-declaration");

const AUDIO = path.join(__dirname, "..", "..", "fixtures", "audio");
const read = (f) => fs.readFileSync(path.join(AUDIO, f));

const AUTO = { audio_format: "auto" };
const S16_16K = { audio_format: "pcm_s16le", sample_rate: 16000, num_channels: 1 };
const request = (over = {}) => ({ declared: AUTO, sox: {}, convertToPcm: false, floatHandling: "send", ...over });
const SOX_RECORD = { rate: 16000, channels: 1, bits: 16, encoding: "signed-integer" };

function resolved(req, head = Buffer.alloc(0), complete = false) {
  const r = resolveFormat(req, head, complete);
  assert.strictEqual(r.status, "resolved", `expected a decision, got ${JSON.stringify(r)}`);
  return r;
}

describe("format declaration", function () {
  describe("audio_format auto: the data decides", function () {
    const cases = [
      ["speech-16k-mono.wav", S16_16K],
      ["speech-8k-mulaw.wav", { audio_format: "mulaw", sample_rate: 8000, num_channels: 1 }],
      ["speech-48k-f32.wav", { audio_format: "pcm_f32le", sample_rate: 48000, num_channels: 1 }],
      ["speech-16k-list-chunk.wav", S16_16K],
      ["speech-16k-s24-extensible.wav", { audio_format: "pcm_s24le", sample_rate: 16000, num_channels: 1 }],
    ];
    for (const [file, audio] of cases) {
      it(`${file}: raw format from the header, header skipped`, function () {
        const r = resolved(request(), read(file));
        assert.deepStrictEqual(r.audio, audio);
        assert.strictEqual(r.plan.action, "skip-wav-header");
        assert.strictEqual(r.source, "wav-header");
        assert.deepStrictEqual(r.warnings, []);
      });
    }

    for (const [file, container] of [["speech-44k-stereo.mp3", "mp3"], ["speech.ogg", "ogg"], ["speech.webm", "webm"], ["speech.flac", "flac"], ["speech.aac", "aac"], ["speech.aiff", "aiff"], ["speech.wma", "asf"]]) {
      it(`${file}: container ${container} stays auto and is sent as is`, function () {
        const r = resolved(request(), read(file));
        assert.deepStrictEqual(r.audio, { audio_format: "auto" });
        assert.deepStrictEqual(r.plan, { action: "send" });
        assert.strictEqual(r.container, container);
        assert.deepStrictEqual(r.warnings, []);
      });
    }

    it("raw audio under auto is sent as is (the stream warns when it meters it)", function () {
      const r = resolved(request(), read("speech-16k-mono.s16le"));
      assert.deepStrictEqual(r.audio, { audio_format: "auto" });
      assert.deepStrictEqual(r.plan, { action: "send" });
      assert.strictEqual(r.source, "unknown");
    });

    it("with no audio yet (a start command opened the stream) the setting stands", function () {
      const r = resolved(request(), Buffer.alloc(0), true);
      assert.deepStrictEqual(r.audio, { audio_format: "auto" });
      assert.deepStrictEqual(r.plan, { action: "send" });
      assert.deepStrictEqual(r.warnings, []);
    });

    it("waits for more bytes while a WAV header straddles chunks, then decides", function () {
      const wav = read("speech-16k-list-chunk.wav");
      assert.deepStrictEqual(resolveFormat(request(), wav.subarray(0, 8)), { status: "need-more" });
      assert.deepStrictEqual(resolveFormat(request(), wav.subarray(0, 60)), { status: "need-more" });
      assert.deepStrictEqual(resolved(request(), wav.subarray(0, 200)).audio, S16_16K);
    });

    it("waits for a full sniff head before calling headerless data raw, unless the stream is complete", function () {
      const raw = read("speech-16k-mono.s16le").subarray(0, 1000);
      assert.deepStrictEqual(resolveFormat(request(), raw), { status: "need-more" });
      assert.strictEqual(resolved(request(), raw, true).source, "unknown");
    });

    it("a WAV whose encoding cannot be raw (ADPCM) is sent whole, with a warning naming it", function () {
      const wav = Buffer.from(read("speech-16k-mono.wav"));
      wav.writeUInt16LE(0x0011, 20); // IMA ADPCM format tag
      const r = resolved(request(), wav);
      assert.deepStrictEqual(r.audio, { audio_format: "auto" });
      assert.deepStrictEqual(r.plan, { action: "keep-wav-header" });
      assert.match(r.warnings[0], /IMA ADPCM/);
    });
  });

  describe("sox-record message properties", function () {
    it("describe the bytes under auto without looking at them", function () {
      const r = resolved(request({ sox: SOX_RECORD }));
      assert.deepStrictEqual(r.audio, S16_16K);
      assert.deepStrictEqual(r.plan, { action: "send" });
      assert.strictEqual(r.source, "message");
      assert.deepStrictEqual(r.warnings, []);
    });

    it("little-endian is implied; every sox encoding maps to a Soniox format", function () {
      const fallback = { format: "pcm_s16le", sampleRate: 16000, channels: 1 };
      const formatOf = (encoding, bits) => soxSpecOf({ rate: 8000, channels: 1, encoding, bits }, fallback).format;
      assert.strictEqual(formatOf("signed-integer", 16), "pcm_s16le");
      assert.strictEqual(formatOf("signed-integer", 24), "pcm_s24le");
      assert.strictEqual(formatOf("signed-integer", 8), "pcm_s8");
      assert.strictEqual(formatOf("unsigned-integer", 8), "pcm_u8");
      assert.strictEqual(formatOf("floating-point", 32), "pcm_f32le");
      assert.strictEqual(formatOf("floating-point", 64), "pcm_f64le");
      assert.strictEqual(formatOf("mu-law", 8), "mulaw");
      assert.strictEqual(formatOf("a-law", 8), "alaw");
    });

    it("missing properties come from the node's raw setting; msg.rate alone changes only the rate", function () {
      const r = resolved(request({ declared: { audio_format: "mulaw", sample_rate: 8000, num_channels: 1 }, sox: { rate: 16000 } }));
      assert.deepStrictEqual(r.audio, { audio_format: "mulaw", sample_rate: 16000, num_channels: 1 });
    });

    it("agreeing with an explicit setting is silent", function () {
      assert.deepStrictEqual(resolved(request({ declared: S16_16K, sox: SOX_RECORD })).warnings, []);
    });

    it("disagreeing with an explicit setting: the message wins, one warning names both", function () {
      const r = resolved(request({ declared: S16_16K, sox: { ...SOX_RECORD, rate: 44100, channels: 2 } }));
      assert.deepStrictEqual(r.audio, { audio_format: "pcm_s16le", sample_rate: 44100, num_channels: 2 });
      assert.strictEqual(r.warnings.length, 1);
      assert.match(r.warnings[0], /pcm_s16le 44100 Hz stereo/);
      assert.match(r.warnings[0], /pcm_s16le 16000 Hz mono/);
    });

    it("an explicit container setting with raw message properties warns once", function () {
      const r = resolved(request({ declared: { audio_format: "mp3" }, sox: SOX_RECORD }));
      assert.deepStrictEqual(r.audio, S16_16K);
      assert.strictEqual(r.warnings.length, 1);
      assert.match(r.warnings[0], /"mp3"/);
    });

    it('msg.format "wav" (sox-record wav mode) reads the header, which wins over disagreeing properties', function () {
      const wav = read("speech-8k-mulaw.wav");
      const agree = resolved(request({ sox: { format: "wav", rate: 8000, channels: 1, bits: 8, encoding: "mu-law" } }), wav);
      assert.deepStrictEqual(agree.audio, { audio_format: "mulaw", sample_rate: 8000, num_channels: 1 });
      assert.strictEqual(agree.plan.action, "skip-wav-header");
      assert.deepStrictEqual(agree.warnings, []);
      const disagree = resolved(request({ sox: { format: "wav", ...SOX_RECORD } }), wav);
      assert.deepStrictEqual(disagree.audio, { audio_format: "mulaw", sample_rate: 8000, num_channels: 1 });
      assert.strictEqual(disagree.warnings.length, 1);
      assert.match(disagree.warnings[0], /WAV header says mulaw 8000 Hz mono/);
    });

    it('msg.format "wav" without a header falls back to the properties, with a warning', function () {
      const r = resolved(request({ sox: { format: "wav", ...SOX_RECORD } }), read("speech-16k-mono.s16le"));
      assert.deepStrictEqual(r.audio, S16_16K);
      assert.match(r.warnings[0], /does not start with a WAV \(RIFF\) header/);
    });

    for (const [props, pattern] of [
      [{ rate: "fast" }, /msg\.rate "fast" is not a sample rate/],
      [{ channels: 0 }, /msg\.channels 0 is not a channel count/],
      [{ encoding: "gsm" }, /msg\.encoding "gsm" is not one of signed-integer/],
      [{ encoding: "floating-point", bits: 16 }, /msg\.bits 16 does not fit msg\.encoding "floating-point"/],
    ]) {
      it(`refuses ${JSON.stringify(props)} with an error naming the property`, function () {
        assert.throws(() => resolveFormat(request({ sox: props }), Buffer.alloc(0)), (err) => err.code === "invalid_config" && pattern.test(err.message));
      });
    }

    it("an unknown msg.format is named in a warning and ignored", function () {
      const r = resolved(request({ sox: { ...SOX_RECORD, format: "mp3" } }));
      assert.deepStrictEqual(r.audio, S16_16K);
      assert.match(r.warnings[0], /msg\.format "mp3"/);
    });
  });

  describe("the node setting", function () {
    it("a raw setting is used as is without looking at the data", function () {
      const r = resolved(request({ declared: { audio_format: "alaw", sample_rate: 8000, num_channels: 1 } }));
      assert.deepStrictEqual(r.audio, { audio_format: "alaw", sample_rate: 8000, num_channels: 1 });
      assert.strictEqual(r.source, "setting");
    });

    it('an explicit "wav" keeps the header; other containers are sent as declared', function () {
      assert.deepStrictEqual(resolved(request({ declared: { audio_format: "wav" } })).plan, { action: "keep-wav-header" });
      const ogg = resolved(request({ declared: { audio_format: "ogg" } }));
      assert.deepStrictEqual(ogg.audio, { audio_format: "ogg" });
      assert.deepStrictEqual(ogg.plan, { action: "send" });
    });
  });

  describe("conversion choices", function () {
    it("convert to PCM 16 kHz mono: always pcm_s16le 16 kHz mono; raw input is described to ffmpeg, containers are not", function () {
      const wanted = { audio_format: "pcm_s16le", sample_rate: 16000, num_channels: 1 };
      const mp3 = resolved(request({ convertToPcm: true }), read("speech-44k-stereo.mp3"));
      assert.deepStrictEqual(mp3.audio, wanted);
      assert.deepStrictEqual(mp3.plan, { action: "transcode", input: null });
      const wav = resolved(request({ convertToPcm: true }), read("speech-48k-f32.wav"));
      assert.deepStrictEqual(wav.plan, { action: "transcode", input: null });
      const mulaw = resolved(request({ convertToPcm: true, declared: { audio_format: "mulaw", sample_rate: 8000, num_channels: 1 } }));
      assert.deepStrictEqual(mulaw.plan, { action: "transcode", input: { format: "mulaw", sampleRate: 8000, channels: 1 } });
      assert.deepStrictEqual(TRANSCODED_AUDIO, { format: "pcm_s16le", sampleRate: 16000, channels: 1 });
    });

    it("float handling send: browser Float32 48 kHz goes out as pcm_f32le", function () {
      const r = resolved(request({ sox: { rate: 48000, channels: 1, bits: 32, encoding: "floating-point" } }));
      assert.deepStrictEqual(r.audio, { audio_format: "pcm_f32le", sample_rate: 48000, num_channels: 1 });
      assert.deepStrictEqual(r.plan, { action: "send" });
    });

    it("float handling convert: non-16-bit or stereo PCM becomes pcm_s16le mono at the same rate", function () {
      const f32 = resolved(request({ floatHandling: "convert", declared: { audio_format: "pcm_f32le", sample_rate: 48000, num_channels: 2 } }));
      assert.deepStrictEqual(f32.audio, { audio_format: "pcm_s16le", sample_rate: 48000, num_channels: 1 });
      assert.deepStrictEqual(f32.plan, { action: "convert", input: { format: "pcm_f32le", sampleRate: 48000, channels: 2 }, wav: null });
      const wav = resolved(request({ floatHandling: "convert" }), read("speech-16k-s24-extensible.wav"));
      assert.strictEqual(wav.plan.action, "convert");
      assert.strictEqual(wav.plan.wav.dataOffset > 44, true);
    });

    it("float handling convert leaves 16-bit mono and G.711 alone", function () {
      assert.deepStrictEqual(resolved(request({ floatHandling: "convert", sox: SOX_RECORD })).plan, { action: "send" });
      assert.strictEqual(resolved(request({ floatHandling: "convert" }), read("speech-8k-mulaw.wav")).plan.action, "skip-wav-header");
    });

    it("more than 2 channels without conversion is refused with the way out; with conversion it is mixed down", function () {
      const req = request({ sox: { ...SOX_RECORD, channels: 6 } });
      assert.throws(() => resolveFormat(req, Buffer.alloc(0)), /6 channels but Soniox takes 1 or 2: turn on "convert to PCM 16 kHz mono"/);
      assert.strictEqual(resolved({ ...req, floatHandling: "convert" }).audio.num_channels, 1);
    });
  });
});
