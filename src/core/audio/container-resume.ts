import type { ContainerFormat } from "./audio-format";

/**
 * A new Soniox session needs a decodable stream from its first byte. Raw audio always is; a
 * container is only after its header. These functions find the header of a stream and the next
 * point where decoding can pick up again, so a replacement session can get header + the rest.
 */

const OGG = [0x4f, 0x67, 0x67, 0x53]; // "OggS"
const WEBM_CLUSTER = [0x1f, 0x43, 0xb6, 0x75];

function indexOf(buf: Uint8Array, pattern: number[], from = 0): number {
  outer: for (let i = Math.max(0, from); i <= buf.length - pattern.length; i++) {
    for (let j = 0; j < pattern.length; j++) if (buf[i + j] !== pattern[j]) continue outer;
    return i;
  }
  return -1;
}

/** Ogg page length from its header, or -1 if the page is not complete in `buf`. */
function oggPageLength(buf: Uint8Array, at: number): number {
  if (at + 27 > buf.length) return -1;
  const segments = buf[at + 26];
  if (at + 27 + segments > buf.length) return -1;
  let body = 0;
  for (let i = 0; i < segments; i++) body += buf[at + 27 + i];
  const length = 27 + segments + body;
  return at + length <= buf.length ? length : -1;
}

/** Opus and Vorbis keep their setup in the first pages (granule position 0); audio pages follow. */
function oggHeaderEnd(head: Uint8Array): number {
  let at = 0;
  while (indexOf(head, OGG, at) === at) {
    const length = oggPageLength(head, at);
    if (length < 0) return -1;
    const granuleZero = head.subarray(at + 6, at + 14).every((b) => b === 0);
    if (!granuleZero) return at;
    at += length;
  }
  return at > 0 && at < head.length ? at : -1;
}

/** FLAC: "fLaC" then metadata blocks; the last one has the top bit of its type byte set. */
function flacHeaderEnd(head: Uint8Array): number {
  let at = 4;
  for (;;) {
    if (at + 4 > head.length) return -1;
    const last = (head[at] & 0x80) !== 0;
    const length = (head[at + 1] << 16) | (head[at + 2] << 8) | head[at + 3];
    at += 4 + length;
    if (last) return at <= head.length ? at : -1;
  }
}

/**
 * The stream's header: the bytes a decoder needs before any audio. Null when the format needs
 * none (MP3, AAC ADTS frames carry their own parameters) or the header is not complete yet.
 */
export function containerHeader(format: ContainerFormat, head: Uint8Array): Uint8Array | null {
  let end = -1;
  if (format === "ogg") end = oggHeaderEnd(head);
  else if (format === "webm") end = indexOf(head, WEBM_CLUSTER);
  else if (format === "flac") end = flacHeaderEnd(head);
  else return null;
  return end > 0 ? head.subarray(0, end) : null;
}

/** Whether a header is needed for this format (so callers know to keep collecting bytes). */
export function needsHeader(format: ContainerFormat): boolean {
  return format === "ogg" || format === "webm" || format === "flac";
}

function frameSyncAt(buf: Uint8Array, i: number, format: ContainerFormat): boolean {
  if (i + 1 >= buf.length || buf[i] !== 0xff) return false;
  if (format === "flac") return (buf[i + 1] & 0xfe) === 0xf8;
  if (format === "aac") return (buf[i + 1] & 0xf6) === 0xf0;
  return (buf[i + 1] & 0xe0) === 0xe0; // mp3
}

/**
 * Where decoding can resume in `buf` (bytes from the middle of a stream): the next Ogg page, WebM
 * cluster or frame sync. Returns -1 when there is none, 0 for formats that need no resync.
 */
export function resumePoint(format: ContainerFormat, buf: Uint8Array): number {
  if (format === "ogg") return indexOf(buf, OGG);
  if (format === "webm") return indexOf(buf, WEBM_CLUSTER);
  if (format === "flac" || format === "mp3" || format === "aac") {
    for (let i = 0; i < buf.length - 1; i++) if (frameSyncAt(buf, i, format)) return i;
    return -1;
  }
  return 0;
}
