#!/usr/bin/env node
/**
 * Runs the Soniox simulator on its own: `node dist/simulator/cli.js [--port 8765] [--host 127.0.0.1]
 * [--key test-key]... [--script "words to hear"]`. It is a local test double, not Soniox.
 */
import { parseArgs } from "node:util";
import { startSimulator } from "./index";

const USAGE =
  'Usage: soniox-simulator [--port 8765] [--host 127.0.0.1] [--key KEY]... [--script "words the fake recogniser hears"]';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: "string", default: "8765" },
      host: { type: "string", default: "127.0.0.1" },
      key: { type: "string", multiple: true },
      script: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`--port must be an integer from 0 to 65535, got "${values.port}".`);
  }
  const keys = values.key && values.key.length > 0 ? values.key : ["test-key"];
  const simulator = await startSimulator({ port, host: values.host, apiKeys: keys, script: values.script });
  console.log(
    [
      "Soniox simulator: a LOCAL TEST DOUBLE of the Soniox real-time speech-to-text API.",
      "It is not Soniox and does not transcribe audio; it reveals a scripted text as audio arrives.",
      `  WebSocket: ${simulator.url}`,
      `  REST:      ${simulator.httpUrl}/v1`,
      `  API keys:  ${keys.join(", ")}`,
      "Press Ctrl+C to stop.",
    ].join("\n"),
  );
  const stop = (): void => {
    simulator.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

main().catch((err: unknown) => {
  console.error(`soniox-simulator: ${err instanceof Error ? err.message : String(err)}\n${USAGE}`);
  process.exit(1);
});
