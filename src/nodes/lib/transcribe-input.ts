/** One message to soniox-transcribe taken apart for its stream registry: audio, command, options, reply properties. */
import type { NodeMessageInFlow } from "node-red";
import type { SoxProps } from "../../core/audio";
import { parseControl } from "../../core/control";
import { SonioxError } from "../../core/errors";
import type { StreamInput } from "../../core/streams";
import { toAudioBytes } from "./audio-payload";
import { routingOf } from "./routing";

export type TranscribeMsg = NodeMessageInFlow & SoxProps & { control?: unknown; soniox?: unknown; _session?: unknown; _client?: unknown };

/**
 * The registry's input for a message; throws a SonioxError when it carries neither audio nor a
 * command (or the command or audio is malformed), before its stream key is read.
 */
export function streamInputOf(msg: TranscribeMsg, keyOf: (msg: TranscribeMsg) => string): StreamInput {
  const command = msg.control === undefined ? null : parseControl(msg.control);
  const audio = toAudioBytes(msg.payload, command !== null);
  if (!command && !audio) {
    throw new SonioxError("invalid_config", "msg.payload is empty: send audio bytes or a msg.control command", { key: "empty-payload" });
  }
  return { key: keyOf(msg), audio, command, overrides: msg.soniox, routing: routingOf(msg), props: soxPropsOf(msg) };
}

/** Shared by every message without sox-style properties (most audio chunks): never written to. */
const NO_SOX_PROPS: SoxProps = Object.freeze({ rate: undefined, channels: undefined, bits: undefined, encoding: undefined, format: undefined });

/** The sox-record style audio properties of a message (node-red-contrib-sox-utils names); read-only. */
function soxPropsOf(msg: TranscribeMsg): SoxProps {
  if (msg.rate === undefined && msg.channels === undefined && msg.bits === undefined && msg.encoding === undefined && msg.format === undefined) {
    return NO_SOX_PROPS;
  }
  return { rate: msg.rate, channels: msg.channels, bits: msg.bits, encoding: msg.encoding, format: msg.format };
}
