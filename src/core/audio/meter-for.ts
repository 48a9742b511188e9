import { isRawFormat, type ContainerFormat, type RawFormat } from "./audio-format";
import { AdtsClock } from "./adts-clock";
import { readAiffHeader } from "./aiff";
import { AssumedRateMeter, HeaderRateMeter, RawMeter, WavMeter, type AudioMeter } from "./audio-meter";
import { ClockMeter, type ContainerClock } from "./clock-meter";
import { DamageWarnings } from "./damage-warnings";
import { FlacClock } from "./flac-clock";
import { MatroskaClock } from "./matroska-clock";
import { MpegClock } from "./mpeg-clock";
import { OggClock } from "./ogg-clock";
import type { Clock } from "../clock";
import type { MessageKey } from "../errors";
import { createDurationProbe } from "./ffmpeg-probe";
import { ProbeMeter } from "./probe-meter";
import { sniffContainer } from "./sniff";

/** Bytes per ms assumed for compressed audio whose duration cannot be measured (32 kbit/s). */
const ASSUMED_CONTAINER_BYTES_PER_MS = 4;

/** The audio fields of a start message, as Soniox names them. */
export interface DeclaredAudio {
  audio_format: string;
  sample_rate?: number;
  num_channels?: number;
}

export interface MeterContext {
  pacing: boolean;
  /** False keeps ffmpeg out of it even when installed (the stream's own clocks must do). */
  ffmpeg?: boolean;
  clock: Clock;
  /** Asks the pacer to look again (the meter learned something). */
  repace(): void;
  warn(message: string, i18n?: MessageKey): void;
}

/** Containers whose own framing states the time of every unit. */
const CLOCKS: Partial<Record<ContainerFormat, () => ContainerClock>> = {
  ogg: () => new OggClock(),
  webm: () => new MatroskaClock(),
  mp3: () => new MpegClock(),
  aac: () => new AdtsClock(),
  flac: () => new FlacClock(),
};

const EXACT_ADVICE = 'turn on "convert to PCM 16 kHz mono" for exact timing';

/**
 * Meter for the declared format and the stream's first bytes: exact for raw audio, WAV and AIFF
 * (header) and for every container with a clock of its own (Ogg, WebM, MP3, AAC ADTS, FLAC).
 * Others (AMR, ASF/WMA, anything unrecognised) are measured by an ffmpeg decode when pacing needs
 * it, else a flagged guess, and the stream is told so once.
 */
export function meterFor(start: DeclaredAudio, head: Uint8Array, ctx: MeterContext): AudioMeter {
  if (isRawFormat(start.audio_format)) {
    return new RawMeter({
      format: start.audio_format as RawFormat,
      sampleRate: start.sample_rate ?? 16000,
      channels: start.num_channels ?? 1,
    });
  }
  const container = start.audio_format === "auto" ? sniffContainer(head) : start.audio_format;
  if (container === "wav") return new WavMeter();
  if (container === "aiff") return new HeaderRateMeter(readAiffHeader);
  const clock = container === null ? undefined : CLOCKS[container as ContainerFormat];
  if (clock) {
    const c = clock();
    return new ClockMeter(
      c,
      (reason) =>
        ctx.warn(`The ${c.name} audio could not be timed from its own framing (${reason}); pacing is approximate from here. If this persists, ${EXACT_ADVICE}.`, {
          key: "audio.untimed-framing",
          params: { container: c.name, reason },
        }),
      new DamageWarnings(c.name, ctx.clock, (message, i18n) => ctx.warn(message, i18n)),
    );
  }
  if (container !== null) {
    ctx.warn(`${container.toUpperCase()} audio has no clock this node can read without decoding, so its timing is approximate; ${EXACT_ADVICE}.`, {
      key: "audio.no-clock",
      params: { container: container.toUpperCase() },
    });
  } else {
    ctx.warn(
      'Audio format is "auto" but the audio does not start with a known container header (WAV, MP3, OGG, WebM, FLAC, AAC, AIFF, AMR, ASF). ' +
        "If it is raw PCM, set the audio format, sample rate and channels in the node (or send msg.soniox.audio_format, or sox-style msg.rate/bits/encoding); " +
        'for M4A/MP4 or other formats turn on "convert to PCM 16 kHz mono".',
      { key: "audio.auto-unknown" },
    );
  }
  const probe = ctx.pacing && ctx.ffmpeg !== false ? createDurationProbe() : null;
  if (!probe) return new AssumedRateMeter(ASSUMED_CONTAINER_BYTES_PER_MS);
  return new ProbeMeter(probe, ctx.clock, ASSUMED_CONTAINER_BYTES_PER_MS, ctx.repace, (err) =>
    ctx.warn(
      `Could not measure the duration of this ${container ?? "container"} audio with ffmpeg (${err.message}); pacing is approximate`,
      container === null
        ? { key: "audio.ffmpeg-measure-failed-unknown", params: { detail: err.message } }
        : { key: "audio.ffmpeg-measure-failed", params: { container, detail: err.message } },
    ),
  );
}

