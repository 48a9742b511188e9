/**
 * Cuts received audio into short pieces of known duration and says whether each is speech.
 * Raw formats are read directly (10 ms windows, RMS gate). A stream that starts with a PCM WAV
 * header is timed by that header and read like raw audio. Every other container is decoded by
 * ffmpeg and timed by the samples it outputs, never by the client's container clocks; only when
 * a test sets `containerBytesPerMs` do its bytes count as speech at that fake rate instead.
 */
import { bytesToMs, frameBytes, type RawAudioSpec } from "../core/audio";
import { parseWavHeader } from "../core/audio";
import { ContainerDecoder } from "./container-decoder";
import { rmsLevel, sampleReader } from "./silence";
import type { SpeechCycle } from "./options";
import type { StartConfig } from "./start-validation";

export interface AudioPiece {
  ms: number;
  speech: boolean;
}

export interface AudioMeter {
  /** Audio time (ms) in the first `bytes` bytes received, as far as measured (decoded) yet. */
  msOf(bytes: number): number;
  /**
   * Classifies a received chunk; partial frames are held until the next chunk completes them.
   * A decoded container returns the pieces decoded since the last call (decoding lags a little).
   */
  measure(chunk: Buffer): AudioPiece[];
  /** No more audio: calls `done` with the pieces still to come once all of it is measured (at once unless decoding). */
  finish(done: (pieces: AudioPiece[]) => void): void;
  /** The connection closed: stop any decoder. */
  close(): void;
}

/** What the connection must hear about a container the decoder cannot decode. */
export type DecodeFailure = () => void;

const WINDOW_MS = 10;

function rawMeter(spec: RawAudioSpec, threshold: number): AudioMeter {
  const read = sampleReader(spec.format);
  const frame = frameBytes(spec);
  const sampleSize = frame / spec.channels;
  const windowBytes = Math.max(1, Math.round((spec.sampleRate * WINDOW_MS) / 1000)) * frame;
  let carry: Buffer = Buffer.alloc(0);
  return {
    msOf: (bytes) => bytesToMs(bytes, spec),
    finish: (done) => done([]),
    close() {},
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

function fakeRateMeter(bytesPerMs: number, cycle: SpeechCycle | null): AudioMeter {
  let heardMs = 0;
  return {
    msOf: (bytes) => bytes / bytesPerMs,
    measure(chunk) {
      const ms = chunk.length / bytesPerMs;
      const pieces = cycle ? cycledPieces(heardMs, ms, cycle) : [{ ms, speech: true }];
      heardMs += ms;
      return pieces;
    },
    finish: (done) => done([]),
    close() {},
  };
}

/** The stretch [fromMs, fromMs + ms) cut where the cycle turns from speech to silence and back. */
function cycledPieces(fromMs: number, ms: number, { speechMs, cycleMs }: SpeechCycle): AudioPiece[] {
  const pieces: AudioPiece[] = [];
  let at = fromMs;
  const end = fromMs + ms;
  while (at < end) {
    const inCycle = at % cycleMs;
    const speech = inCycle < speechMs;
    const turn = at - inCycle + (speech ? speechMs : cycleMs);
    const to = Math.min(end, turn);
    pieces.push({ ms: to - at, speech });
    at = to;
  }
  return pieces;
}

/** Times container audio by what ffmpeg decodes from it; the PCM is gated like raw audio. */
function decodingMeter(threshold: number, onFailure: DecodeFailure): AudioMeter {
  let pcm: AudioMeter | null = null;
  let ready: AudioPiece[] = [];
  let deliveredMs = 0;
  let finishing: ((pieces: AudioPiece[]) => void) | null = null;
  let failed = false;
  const decoder = new ContainerDecoder({
    onFormat: ({ sampleRate }) => (pcm = rawMeter({ format: "pcm_s16le", sampleRate, channels: 1 }, threshold)),
    onPcm: (data) => ready.push(...(pcm as AudioMeter).measure(data)),
    onEnd: (bad) => {
      failed = bad;
      if (bad) onFailure();
      if (finishing) finishing(take());
    },
  });
  function take(): AudioPiece[] {
    const pieces = ready;
    ready = [];
    for (const p of pieces) deliveredMs += p.ms;
    return pieces;
  }
  return {
    msOf: () => deliveredMs,
    measure(chunk) {
      decoder.write(chunk);
      return take();
    },
    finish(done) {
      if (failed) return done(take());
      finishing = done;
      decoder.end();
    },
    close: () => decoder.kill(),
  };
}

/** A WAV header larger than this is not worth waiting for; the stream is then timed at the fake rate. */
const MAX_HEADER_BYTES = 64 * 1024;
const WAV_MAGICS = ["RIFF", "RF64"];

/**
 * Holds the first bytes until it knows whether the stream is a PCM WAV. Until then no audio time
 * has passed; header bytes never count as audio.
 */
function containerMeter(threshold: number, bytesPerMs: number | null, cycle: SpeechCycle | null, onFailure: DecodeFailure): AudioMeter {
  let prefix: Buffer = Buffer.alloc(0);
  let decided: { meter: AudioMeter; skipBytes: number } | null = null;

  function decide(): AudioPiece[] | null {
    const magic = prefix.subarray(0, 4).toString("latin1");
    if (!WAV_MAGICS.some((m) => m.startsWith(magic))) return useContainerMeter();
    const parsed = parseWavHeader(prefix);
    if (parsed.status === "need-more" && prefix.length < MAX_HEADER_BYTES) return null;
    if (parsed.status !== "ok") return useContainerMeter();
    const { format, sampleRate, channels, dataOffset } = parsed.info;
    decided = { meter: rawMeter({ format, sampleRate, channels }, threshold), skipBytes: dataOffset };
    return decided.meter.measure(prefix.subarray(dataOffset));
  }

  function useContainerMeter(): AudioPiece[] {
    const meter = bytesPerMs === null ? decodingMeter(threshold, onFailure) : fakeRateMeter(bytesPerMs, cycle);
    decided = { meter, skipBytes: 0 };
    return decided.meter.measure(prefix);
  }

  return {
    msOf: (bytes) => (decided ? decided.meter.msOf(Math.max(0, bytes - decided.skipBytes)) : 0),
    measure(chunk) {
      if (decided) return decided.meter.measure(chunk);
      prefix = Buffer.concat([prefix, chunk]);
      return decide() ?? [];
    },
    finish(done) {
      const early = !decided && prefix.length > 0 ? useContainerMeter() : [];
      if (decided) decided.meter.finish((pieces) => done([...early, ...pieces]));
      else done([]);
    },
    close: () => decided?.meter.close(),
  };
}

export function createAudioMeter(
  audio: StartConfig["audio"],
  options: { silenceThreshold: number; containerBytesPerMs: number | null; containerSpeech?: SpeechCycle | null },
  onDecodeFailure: DecodeFailure = () => {},
): AudioMeter {
  return audio.kind === "raw"
    ? rawMeter(audio.spec, options.silenceThreshold)
    : containerMeter(options.silenceThreshold, options.containerBytesPerMs, options.containerSpeech ?? null, onDecodeFailure);
}
