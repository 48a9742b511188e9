/**
 * Decodes container audio (Ogg, WebM, MP3, FLAC, AAC, AIFF...) with ffmpeg and hands back the
 * PCM it produces, so the simulator times compressed audio by counting decoded samples, not by
 * reading the container the way the client does.
 */
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { existsSync } from "node:fs";

/** The decoder's PCM: 16-bit little-endian mono at the stream's own rate. */
export interface DecodedFormat {
  sampleRate: number;
}

export interface DecoderEvents {
  /** The output format, once ffmpeg's WAV header has arrived. */
  onFormat(format: DecodedFormat): void;
  onPcm(pcm: Buffer): void;
  /** ffmpeg ended; `failed` when it could not decode the input. */
  onEnd(failed: boolean): void;
}

/** The decoder binary; a simulator that cannot decode must not pretend to, so its absence throws. */
export function decoderPath(): string {
  let path: unknown;
  try {
    path = (require("@ffmpeg-installer/ffmpeg") as { path?: unknown }).path;
  } catch (err) {
    throw new Error(`simulator: timing container audio needs @ffmpeg-installer/ffmpeg (${(err as Error).message})`);
  }
  if (typeof path !== "string" || !existsSync(path)) throw new Error(`simulator: the ffmpeg binary of @ffmpeg-installer/ffmpeg is missing (${String(path)})`);
  return path;
}

/** Reads ffmpeg's WAV output header by itself: the rate, and where the samples start. */
function readWavOutputHeader(b: Buffer): { rate: number; dataAt: number } | null {
  if (b.length < 12) return null;
  let rate = 0;
  for (let at = 12; at + 8 <= b.length; ) {
    const id = b.toString("latin1", at, at + 4);
    const size = b.readUInt32LE(at + 4);
    if (id === "data") return rate > 0 ? { rate, dataAt: at + 8 } : null;
    if (id === "fmt " && at + 16 <= b.length) rate = b.readUInt32LE(at + 12);
    at += 8 + size + (size & 1);
  }
  return null;
}

export class ContainerDecoder {
  private readonly child: ChildProcessWithoutNullStreams;
  private head: Buffer | null = Buffer.alloc(0);
  private ended = false;

  constructor(private readonly events: DecoderEvents) {
    // The smallest probe and no analysis: a live stream is decoded as it comes; a 32 kB probe held
    // back the first output of an MP3 or AAC stream until 32 kB had arrived.
    this.child = spawn(decoderPath(), [
      "-hide_banner", "-loglevel", "error", "-probesize", "2048", "-analyzeduration", "0",
      "-i", "pipe:0", "-ac", "1", "-c:a", "pcm_s16le", "-fflags", "+bitexact", "-flush_packets", "1", "-f", "wav", "pipe:1",
    ]);
    this.child.on("error", (err) => {
      throw new Error(`simulator: the audio decoder could not run: ${err.message}`);
    });
    // The client may send audio after ffmpeg gave up on it; that is reported through onEnd.
    this.child.stdin.on("error", () => {});
    this.child.stdout.on("data", (data: Buffer) => this.onOutput(data));
    this.child.on("close", (code) => {
      if (this.ended) return;
      this.ended = true;
      this.events.onEnd(code !== 0 || this.head !== null);
    });
  }

  write(chunk: Buffer): void {
    if (!this.child.stdin.destroyed) this.child.stdin.write(chunk);
  }

  /** No more input: ffmpeg drains and exits, then onEnd is called. */
  end(): void {
    this.child.stdin.end();
  }

  /** The connection is gone: stop the decoder now, and report nothing more. */
  kill(): void {
    this.ended = true;
    this.child.stdout.removeAllListeners("data");
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill("SIGKILL");
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  private onOutput(data: Buffer): void {
    if (this.head === null) return this.events.onPcm(data);
    this.head = Buffer.concat([this.head, data]);
    const header = readWavOutputHeader(this.head);
    if (!header) return;
    const pcm = this.head.subarray(header.dataAt);
    this.head = null;
    this.events.onFormat({ sampleRate: header.rate });
    if (pcm.length > 0) this.events.onPcm(pcm);
  }
}
