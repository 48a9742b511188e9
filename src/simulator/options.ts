import type { SonioxToken } from "../core/session";
import type { TimedScript } from "./timed-recogniser";

/**
 * Options of the Soniox simulator. Everything is optional; `resolveOptions` fills in the
 * defaults documented on each field. Points the Soniox docs leave UNCONFIRMED are switches here
 * so tests can exercise both readings.
 */

/** A bench source's pattern: `speechMs` of speech, then silence, repeating every `cycleMs`. */
export interface SpeechCycle {
  speechMs: number;
  cycleMs: number;
}

export type FaultAction = "error" | "abrupt-close" | "stop-responding";

/** A fault the simulator injects by itself once a connection reaches a chosen point. */
export interface FaultSpec {
  /** Connection index (0-based, in accept order) to hit; every connection when omitted. */
  connection?: number;
  /** Fire once this much audio (ms, per the declared format) has been received. */
  afterAudioMs?: number;
  /** Fire this many wall-clock ms after the connection opened. */
  afterMs?: number;
  action: FaultAction;
  /** Error code for action "error" (default 503). */
  code?: number;
  /** Error text for action "error" (default: the documented text for `code`). */
  message?: string;
}

export interface AuthOptions {
  /** Accept `Authorization: Bearer <key>` on the upgrade (default true). */
  header?: boolean;
  /** Accept `Sec-WebSocket-Protocol: soniox-api-key, <key>` (default true). */
  subprotocol?: boolean;
  /** Accept the deprecated `api_key` field of the start message (default true). */
  startMessage?: boolean;
  /** From this date (YYYY-MM-DD at 00:00 UTC, or a full ISO date) a key sent only as `api_key` is refused (default "2027-01-15"). */
  startMessageCutoff?: string;
  /** Clock for the cutoff check and temporary-key expiry (default `() => new Date()`). */
  now?: () => Date;
}

export interface PacingOptions {
  /** How far (ms) the client may run ahead of real time before 400 "Received too much audio data in total." (default 4000). */
  maxLeadMs?: number;
  /** Send that error when exceeded (default true). The lead is recorded either way. */
  enforce?: boolean;
  /** Optional lag check, measured on each audio frame: 408 "Input too slow" beyond `maxLagMs`. */
  tooSlow?: { maxLagMs: number; enforce?: boolean };
}

export interface SimulatorOptions {
  /** Long-lived keys the simulator accepts (default ["test-key"]). */
  apiKeys?: string[];
  auth?: AuthOptions;
  /**
   * How a bad or missing key is refused. "frame" (default): the upgrade succeeds, then an error
   * frame 401 and a close, which is what Soniox is reported to do. "http": HTTP 401 on the upgrade.
   */
  badKeyResponse?: "frame" | "http";
  /** UNCONFIRMED (3P): refuse a key sent both as header and as protocol with 400 (default false). */
  rejectHeaderAndSubprotocolTogether?: boolean;
  /** Open connections allowed at once; the next gets 429 (default unlimited). */
  maxConcurrentConnections?: number;
  /** Models the start message may name (default ["stt-rt-v5", "stt-rt-v4"]). */
  models?: string[];
  /** Models that accept `translation` (default: all of `models`). */
  translationModels?: string[];
  /**
   * Strict (default true): where Soniox's behaviour is UNCONFIRMED, take the reading that is
   * harder on the client: unknown start-message fields are refused, and a keepalive does not count
   * as the first audio. `strict: false` is the lenient reading; the two switches below override
   * either part.
   */
  strict?: boolean;
  /** UNCONFIRMED: refuse unknown start-message fields with 400 (default: `strict`). */
  rejectUnknownFields?: boolean;
  /**
   * The words the simulated recogniser "hears" (default "Hello from the Soniox simulator. How are
   * you doing today?"). Markers switch the speaker (`[S2]`) or the spoken language (`[de]`).
   * A function gets the start message and the connection index.
   */
  script?: string | ((start: Record<string, unknown>, connIndex: number) => string);
  /**
   * Tests only: words at known times in a file, heard by each connection from where its audio
   * begins in the file (the test locates it). Replaces `script`; endpoints are not produced.
   */
  timedScript?: TimedScript;
  /**
   * Tests only: the token lists of a recorded real session's responses, played back in order
   * instead of recognising (recorded-session.ts). Replaces `script` and `timedScript`.
   */
  recording?: SonioxToken[][];
  /** Speech audio (ms) it takes to hear one word (default 350). */
  wordMs?: number;
  /**
   * A word piece turns final in the first batch after received audio passes its end by this many
   * ms (default 2400: the recorded session's newest final trails its newest token by 2.2-3.0 s).
   */
  finalLagMs?: number;
  /**
   * Finals leave in batches, one per this many ms of received audio (default 1300, the recorded
   * service's median); a batch can end inside a word. 0 sends each piece as soon as it is due.
   */
  finalBatchMs?: number;
  /** A result is sent after every this many ms of received audio (default 200: about 5 a second, as recorded). */
  responseEveryMs?: number;
  /**
   * Wall-clock delay (ms) from a finalize message to the response carrying `<fin>`, as [min, max]
   * (default [350, 500], as observed; each finalize of a connection takes the next value of a
   * fixed sequence in that range). 0 answers at once.
   */
  finDelayMs?: number | [number, number];
  /** Answer a valid start message with the empty frame the real service sends (default true). */
  ackStart?: boolean;
  /** End of stream with no audio received gets 400 "No audio received." as on the real service (default true). */
  noAudioError?: boolean;
  /** Silence (ms) that triggers `<end>`; default: the start message's max_endpoint_delay_ms, else 500. */
  endpointSilenceMs?: number;
  /** RMS level (0..1 of full scale) below which PCM audio counts as silence (default 0.01, about -40 dBFS). */
  silenceThreshold?: number;
  /**
   * Container audio (`auto`, ogg, mp3...) is decoded with ffmpeg (@ffmpeg-installer) and timed by the
   * samples it outputs. Set this to count its bytes as speech at a fake byte rate instead (4 = 32 kbit/s),
   * e.g. for bytes that are not real audio. A stream that starts with a PCM WAV header is timed by its header.
   */
  containerBytesPerMs?: number;
  /**
   * Bench only, with containerBytesPerMs: which stretches of the counted audio are speech, as the
   * bench's own source audio has them (`speechMs` of tone, then silence, every `cycleMs`), so a
   * compressed stream gets the silences, endpoints and responses its PCM original gets. Default:
   * all speech.
   */
  containerSpeech?: SpeechCycle;
  /** On `""`, reveal script words not heard yet so the final text is the whole script (default true). */
  flushScriptOnEnd?: boolean;
  /** UNCONFIRMED: treat an empty binary frame as end of stream (default false: counted, no-op). */
  emptyBinaryEndsStream?: boolean;
  /** 408 "Start request timeout" when no start message arrives within this many ms (default 10000). */
  startTimeoutMs?: number;
  /** UNCONFIRMED: a keepalive before the start message restarts the start timeout (default true). */
  keepaliveBeforeStartCounts?: boolean;
  /** 408 "Timed out while waiting for the first audio chunk" after the start message (default 20000). */
  firstAudioTimeoutMs?: number;
  /** UNCONFIRMED: a keepalive restarts the first-audio timeout (default: not `strict`). */
  firstAudioKeepaliveCounts?: boolean;
  /** 408 "Request timeout." when neither audio nor keepalive arrives for this long (default 20000). */
  keepaliveTimeoutMs?: number;
  pacing?: PacingOptions;
  /**
   * 400 "Audio is too long." once a session is this old, counted in wall-clock time from the start
   * message with pauses included (default 300 minutes). Soniox does not say how it counts; a
   * client that counts only the audio it sent would be caught out by the wall-clock reading.
   */
  maxSessionMs?: number;
  faults?: FaultSpec[];
  /**
   * Clock (ms) for audio timing: lead, lag and first-audio time (default `Date.now()`). Benchmarks
   * pass a monotonic clock shared with other processes, such as `process.hrtime` in ms.
   */
  clock?: () => number;
  /**
   * Bench only: stamp every token of a result with `bench_sent_ms`, the `clock` reading just before
   * the result is sent, so a client can measure its own added latency (default false). Not Soniox.
   */
  stampSentTime?: boolean;
  /**
   * Keep every frame, sent message and audio byte for tests to inspect, and emit "frame" events
   * (default true). Benchmarks at hundreds of streams turn it off: the log would grow by every
   * audio byte and cost more than the protocol being measured.
   */
  recordFrames?: boolean;
}

export interface ResolvedOptions {
  apiKeys: string[];
  auth: Required<AuthOptions> & { startMessageCutoffMs: number };
  badKeyResponse: "frame" | "http";
  rejectHeaderAndSubprotocolTogether: boolean;
  maxConcurrentConnections: number;
  models: string[];
  translationModels: string[];
  rejectUnknownFields: boolean;
  script: string | ((start: Record<string, unknown>, connIndex: number) => string);
  timedScript: TimedScript | null;
  recording: SonioxToken[][] | null;
  wordMs: number;
  finalLagMs: number;
  finalBatchMs: number;
  responseEveryMs: number;
  finDelayMs: [number, number];
  ackStart: boolean;
  noAudioError: boolean;
  endpointSilenceMs: number | undefined;
  silenceThreshold: number;
  containerBytesPerMs: number | null;
  containerSpeech: SpeechCycle | null;
  flushScriptOnEnd: boolean;
  emptyBinaryEndsStream: boolean;
  startTimeoutMs: number;
  keepaliveBeforeStartCounts: boolean;
  firstAudioTimeoutMs: number;
  firstAudioKeepaliveCounts: boolean;
  keepaliveTimeoutMs: number;
  pacing: { maxLeadMs: number; enforce: boolean; tooSlow: { maxLagMs: number; enforce: boolean } | null };
  maxSessionMs: number;
  faults: FaultSpec[];
  clock: () => number;
  stampSentTime: boolean;
  recordFrames: boolean;
}

export const DEFAULT_SCRIPT = "Hello from the Soniox simulator. How are you doing today?";

/** Milliseconds of a YYYY-MM-DD (midnight UTC) or full ISO date; throws a clear error otherwise. */
function parseCutoff(value: string): number {
  const ms = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value);
  if (Number.isNaN(ms)) {
    throw new Error(`auth.startMessageCutoff must be a date such as "2027-01-15", got "${value}".`);
  }
  return ms;
}

function delayRange(value: number | [number, number]): [number, number] {
  const [min, max] = typeof value === "number" ? [value, value] : value;
  if (!(min >= 0 && max >= min)) throw new Error(`finDelayMs must be a number or [min, max] with 0 <= min <= max, got ${JSON.stringify(value)}.`);
  return [min, max];
}

/**
 * Fills in defaults. Called per connection, so changing `simulator.options` affects the next one.
 * Throws when an option cannot be understood (for example an unreadable cutoff date).
 */
export function resolveOptions(o: SimulatorOptions = {}): ResolvedOptions {
  const models = o.models ?? ["stt-rt-v5", "stt-rt-v4"];
  const strict = o.strict ?? true;
  const startMessageCutoff = o.auth?.startMessageCutoff ?? "2027-01-15";
  return {
    apiKeys: o.apiKeys ?? ["test-key"],
    auth: {
      header: o.auth?.header ?? true,
      subprotocol: o.auth?.subprotocol ?? true,
      startMessage: o.auth?.startMessage ?? true,
      startMessageCutoff,
      startMessageCutoffMs: parseCutoff(startMessageCutoff),
      now: o.auth?.now ?? (() => new Date()),
    },
    badKeyResponse: o.badKeyResponse ?? "frame",
    rejectHeaderAndSubprotocolTogether: o.rejectHeaderAndSubprotocolTogether ?? false,
    maxConcurrentConnections: o.maxConcurrentConnections ?? Infinity,
    models,
    translationModels: o.translationModels ?? models,
    rejectUnknownFields: o.rejectUnknownFields ?? strict,
    script: o.script ?? DEFAULT_SCRIPT,
    timedScript: o.timedScript ?? null,
    recording: o.recording ?? null,
    wordMs: o.wordMs ?? 350,
    finalLagMs: o.finalLagMs ?? 2400,
    finalBatchMs: o.finalBatchMs ?? 1300,
    responseEveryMs: o.responseEveryMs ?? 200,
    finDelayMs: delayRange(o.finDelayMs ?? [350, 500]),
    ackStart: o.ackStart ?? true,
    noAudioError: o.noAudioError ?? true,
    endpointSilenceMs: o.endpointSilenceMs,
    silenceThreshold: o.silenceThreshold ?? 0.01,
    containerBytesPerMs: o.containerBytesPerMs ?? null,
    containerSpeech: o.containerSpeech ?? null,
    flushScriptOnEnd: o.flushScriptOnEnd ?? true,
    emptyBinaryEndsStream: o.emptyBinaryEndsStream ?? false,
    startTimeoutMs: o.startTimeoutMs ?? 10_000,
    keepaliveBeforeStartCounts: o.keepaliveBeforeStartCounts ?? true,
    firstAudioTimeoutMs: o.firstAudioTimeoutMs ?? 20_000,
    firstAudioKeepaliveCounts: o.firstAudioKeepaliveCounts ?? !strict,
    keepaliveTimeoutMs: o.keepaliveTimeoutMs ?? 20_000,
    pacing: {
      maxLeadMs: o.pacing?.maxLeadMs ?? 4000,
      enforce: o.pacing?.enforce ?? true,
      tooSlow: o.pacing?.tooSlow
        ? { maxLagMs: o.pacing.tooSlow.maxLagMs, enforce: o.pacing.tooSlow.enforce ?? false }
        : null,
    },
    maxSessionMs: o.maxSessionMs ?? 300 * 60_000,
    faults: o.faults ?? [],
    clock: o.clock ?? (() => Date.now()),
    stampSentTime: o.stampSentTime ?? false,
    recordFrames: o.recordFrames ?? true,
  };
}
