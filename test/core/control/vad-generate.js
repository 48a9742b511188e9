"use strict";
// Generates PCM with known speech / silence spans for the voice-activity tests: a sine "voice",
// digital silence and faint noise, encoded in any raw format Soniox accepts.

const tone = (ms, amp = 0.5, hz = 440) => ({ ms, sample: (t) => amp * Math.sin(2 * Math.PI * hz * t) });
const silence = (ms) => ({ ms, sample: () => 0 });
function noise(ms, amp) {
  let seed = 12345; // deterministic, so a failing test fails the same way every run
  return {
    ms,
    sample: () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return ((seed / 0x7fffffff) * 2 - 1) * amp;
    },
  };
}

function linearToMulaw(s16) {
  const BIAS = 0x84;
  let sign = 0;
  let v = s16;
  if (v < 0) {
    sign = 0x80;
    v = -v;
  }
  v = Math.min(v, 32635) + BIAS;
  let exp = 7;
  for (let mask = 0x4000; (v & mask) === 0 && exp > 0; mask >>= 1) exp--;
  const mant = (v >> (exp + 3)) & 0x0f;
  return ~(sign | (exp << 4) | mant) & 0xff;
}

function linearToAlaw(s16) {
  let sign = 0x80;
  let v = s16;
  if (v < 0) {
    sign = 0;
    v = -v - 1;
  }
  v = Math.min(v, 32767);
  let out;
  if (v < 256) out = v >> 4;
  else {
    let exp = 1;
    while (v >= 512 << (exp - 1) && exp < 7) exp++;
    out = (exp << 4) | ((v >> (exp + 3)) & 0x0f);
  }
  return (sign | out) ^ 0x55;
}

function writeSample(buf, offset, format, v) {
  const c = Math.max(-1, Math.min(1, v));
  const int = (bits) => Math.max(-(2 ** (bits - 1)), Math.min(2 ** (bits - 1) - 1, Math.round(c * 2 ** (bits - 1))));
  switch (format) {
    case "pcm_s8": case "pcm_s8le": case "pcm_s8be": return buf.writeInt8(int(8), offset);
    case "pcm_u8": case "pcm_u8le": case "pcm_u8be": return buf.writeUInt8(int(8) + 128, offset);
    case "pcm_s16le": return buf.writeInt16LE(int(16), offset);
    case "pcm_s16be": return buf.writeInt16BE(int(16), offset);
    case "pcm_u16le": return buf.writeUInt16LE(int(16) + 32768, offset);
    case "pcm_u16be": return buf.writeUInt16BE(int(16) + 32768, offset);
    case "pcm_s24le": return buf.writeIntLE(int(24), offset, 3);
    case "pcm_s24be": return buf.writeIntBE(int(24), offset, 3);
    case "pcm_u24le": return buf.writeUIntLE(int(24) + 2 ** 23, offset, 3);
    case "pcm_u24be": return buf.writeUIntBE(int(24) + 2 ** 23, offset, 3);
    case "pcm_s32le": return buf.writeInt32LE(int(32), offset);
    case "pcm_s32be": return buf.writeInt32BE(int(32), offset);
    case "pcm_u32le": return buf.writeUInt32LE(int(32) + 2 ** 31, offset);
    case "pcm_u32be": return buf.writeUInt32BE(int(32) + 2 ** 31, offset);
    case "pcm_f32le": return buf.writeFloatLE(c, offset);
    case "pcm_f32be": return buf.writeFloatBE(c, offset);
    case "pcm_f64le": return buf.writeDoubleLE(c, offset);
    case "pcm_f64be": return buf.writeDoubleBE(c, offset);
    case "mulaw": return buf.writeUInt8(linearToMulaw(int(16)), offset);
    case "alaw": return buf.writeUInt8(linearToAlaw(int(16)), offset);
    default: throw new Error(`generator does not know ${format}`);
  }
}

function sampleBytes(format) {
  if (format === "mulaw" || format === "alaw") return 1;
  return Number(/(\d+)/.exec(format)[1]) / 8;
}

/** PCM for `segments` (from tone / silence / noise) in `spec` ({format, sampleRate, channels}). */
function pcm(spec, segments) {
  const size = sampleBytes(spec.format);
  const total = segments.reduce((n, s) => n + Math.round((s.ms * spec.sampleRate) / 1000), 0);
  const buf = Buffer.alloc(total * size * spec.channels);
  let frame = 0;
  for (const seg of segments) {
    const frames = Math.round((seg.ms * spec.sampleRate) / 1000);
    for (let i = 0; i < frames; i++, frame++) {
      const v = seg.sample(i / spec.sampleRate);
      for (let ch = 0; ch < spec.channels; ch++) writeSample(buf, (frame * spec.channels + ch) * size, spec.format, v);
    }
  }
  return buf;
}

/** A canonical 44-byte WAV header for 16-bit PCM followed by `data`. */
function wav(data, sampleRate = 16000, channels = 1) {
  const h = Buffer.alloc(44);
  h.write("RIFF", 0, "latin1");
  h.writeUInt32LE(36 + data.length, 4);
  h.write("WAVEfmt ", 8, "latin1");
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(1, 20);
  h.writeUInt16LE(channels, 22);
  h.writeUInt32LE(sampleRate, 24);
  h.writeUInt32LE(sampleRate * channels * 2, 28);
  h.writeUInt16LE(channels * 2, 32);
  h.writeUInt16LE(16, 34);
  h.write("data", 36, "latin1");
  h.writeUInt32LE(data.length, 40);
  return Buffer.concat([h, data]);
}

/** Splits a buffer into chunks of `bytes` (the last may be shorter). */
function chunks(buf, bytes) {
  const out = [];
  for (let i = 0; i < buf.length; i += bytes) out.push(buf.subarray(i, i + bytes));
  return out;
}

module.exports = { tone, silence, noise, pcm, wav, chunks };
