/**
 * Soniox real-time protocol simulator: a local TEST DOUBLE of the Soniox speech-to-text
 * WebSocket API for client tests, flow tests and offline demos. It is not Soniox and transcribes
 * nothing; it reveals a scripted text as audio arrives.
 */
import { SonioxSimulator } from "./server";
import type { SimulatorOptions } from "./options";

export { SonioxSimulator, WEBSOCKET_PATH } from "./server";
export type { SimConnection, FrameRecord } from "./connection";
export type { SimulatorOptions, AuthOptions, PacingOptions, FaultSpec, FaultAction } from "./options";
export { DEFAULT_SCRIPT } from "./options";
export { DOCUMENTED, INVENTED, cannotContinueText, defaultErrorText } from "./messages";
export { scriptText } from "./script";

/** Creates a simulator and waits until it listens (default 127.0.0.1 on a free port). */
export async function startSimulator(
  options: SimulatorOptions & { port?: number; host?: string } = {},
): Promise<SonioxSimulator> {
  const { port, host, ...rest } = options;
  const simulator = new SonioxSimulator(rest);
  await simulator.listen(port ?? 0, host ?? "127.0.0.1");
  return simulator;
}
