import { SonioxError } from "../errors";
import { commandNamed } from "./command-table";

/**
 * The error for a msg.payload that is a command word ("stop", " Pause ", "end") instead of audio,
 * or null. Commands sometimes end up in msg.payload instead of msg.control; sent as audio they
 * would be three or four bytes of noise and the command would never happen.
 */
export function commandWordProblem(payload: string): SonioxError | null {
  const compact = payload.replace(/\s+/g, "");
  const command = commandNamed(compact);
  if (command === null) return null;
  const text = payload.trim();
  return new SonioxError(
    "invalid_config",
    `msg.payload is the text "${text}", not audio: to send a command, put it in msg.control (e.g. msg.control = "${command}").`,
    { key: "audio.payload-command-word", params: { text, command } },
  );
}
