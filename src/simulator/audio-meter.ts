/**
 * Cuts received audio into short pieces of known duration and says whether each is speech.
 * Raw formats are decoded (10 ms windows, RMS gate). Containers are not decoded, so their bytes
 * count as speech at a fixed fake byte rate, except a stream that starts with a PCM WAV header:
 * that one is timed by its header and decoded like raw audio, so a client pacing a WAV file at
 * real time is seen as real time.
 */
import { bytesToMs, frameBytes, type RawAudioSpec } from "../core/audio";
import { parseWavHeader } from "../core/audio";
import { rmsLevel, sampleReader } from "./silence";
import type { StartConfig } from "./start-validation";

export interface AudioPiece {
  ms: number;
  speech: boolean;
}

export interface AudioMeter {
  /** Audio time (ms) in `bytes` bytes, per the declared format. */
  msOf(bytes: number): number;
  /** Classifies a received chunk; partial frames are held until the next chunk completes them. */
  measure(chunk: Buffer): AudioPiece[];
}

const WINDOW_MS = 10;

function rawMeter(spec: RawAudioSpec, threshold: number): AudioMeter {
  const read = sampleReader(spec.format);
  const frame = frameBytes(spec);
  const sampleSize = frame / spec.channels;
  const windowBytes = Math.max(1, Math.round((spec.sampleRate * WINDOW_MS) / 1000)) * frame;
  let carry: Buffer = Buffer.alloc(0);
  return {
    msOf: (bytes) => bytesToMs(bytes, spec),
    measure(chunk) {
      const data = carry.length > 0 ? Buffer.concat([carry, chunk]) : chunk;
      const whole = data.length - (data.length % frame);
      carry = Buffer.from(data.subarray(whole));
      const pieces: AudioPiece[] = [];
      for (let offset = 0; offset < whole; offset += windowBytes) {
        const window = data.subarray(offset, Math.min(whole, offset + windowBytes));
        pieces.push({ ms: bytesToMs(window.length, spec), speech: rmsLevel(window, read, sampleSize) >= threshold });
      }
      return pieces;
    },
  };
}

function fakeRateMeter(bytesPerMs: number): AudioMeter {
  return {
    msOf: (bytes) => bytes / bytesPerMs,
    measure: (chunk) => [{ ms: chunk.length / bytesPerMs, speech: true }],
  };
}

/** A WAV header larger than this is not worth waiting for; the stream is then timed at the fake rate. */
const MAX_HEADER_BYTES = 64 * 1024;
const WAV_MAGICS = ["RIFF", "RF64"];

/**
 * Holds the first bytes until it knows whether the stream is a PCM WAV. Until then no audio time
 * has passed; header bytes never count as audio.
 */
function containerMeter(threshold: number, bytesPerMs: number): AudioMeter {
  let prefix: Buffer = Buffer.alloc(0);
  let decided: { meter: AudioMeter; skipBytes: number } | null = null;

  function decide(): AudioPiece[] | null {
    const magic = prefix.subarray(0, 4).toString("latin1");
    if (!WAV_MAGICS.some((m) => m.startsWith(magic))) return useFakeRate();
    const parsed = parseWavHeader(prefix);
    if (parsed.status === "need-more" && prefix.length < MAX_HEADER_BYTES) return null;
    if (parsed.status !== "ok") return useFakeRate();
    const { format, sampleRate, channels, dataOffset } = parsed.info;
    decided = { meter: rawMeter({ format, sampleRate, channels }, threshold), skipBytes: dataOffset };
    return decided.meter.measure(prefix.subarray(dataOffset));
  }

  function useFakeRate(): AudioPiece[] {
    decided = { meter: fakeRateMeter(bytesPerMs), skipBytes: 0 };
    return decided.meter.measure(prefix);
  }

  return {
    msOf: (bytes) => (decided ? decided.meter.msOf(Math.max(0, bytes - decided.skipBytes)) : 0),
    measure(chunk) {
      if (decided) return decided.meter.measure(chunk);
      prefix = Buffer.concat([prefix, chunk]);
      return decide() ?? [];
    },
  };
}

export function createAudioMeter(
  audio: StartConfig["audio"],
  options: { silenceThreshold: number; containerBytesPerMs: number },
): AudioMeter {
  return audio.kind === "raw"
    ? rawMeter(audio.spec, options.silenceThreshold)
    : containerMeter(options.silenceThreshold, options.containerBytesPerMs);
}
