/**
 * Cuts received audio into short pieces of known duration and says whether each is speech.
 * Raw formats are decoded (10 ms windows, RMS gate); containers are not decoded at all, so
 * their bytes count as speech at a fixed fake byte rate.
 */
import { bytesToMs, frameBytes, type RawAudioSpec } from "../core/audio-format";
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

function containerMeter(bytesPerMs: number): AudioMeter {
  return {
    msOf: (bytes) => bytes / bytesPerMs,
    measure: (chunk) => [{ ms: chunk.length / bytesPerMs, speech: true }],
  };
}

export function createAudioMeter(
  audio: StartConfig["audio"],
  options: { silenceThreshold: number; containerBytesPerMs: number },
): AudioMeter {
  return audio.kind === "raw"
    ? rawMeter(audio.spec, options.silenceThreshold)
    : containerMeter(options.containerBytesPerMs);
}
