/**
 * soniox-temp-key: mints a short-lived Soniox API key for a browser (the "direct stream" pattern),
 * with the long-lived key of the soniox-config node, which never leaves Node-RED. Typically wired
 * `http in` → soniox-temp-key → `http response`.
 */
import type { Node, NodeAPI, NodeDef, NodeMessageInFlow, NodeStatus } from "node-red";
import { SonioxError } from "../core/errors";
import { checkTempKeyRequest, mintTemporaryKey, tightenTempKeyRequest, type TempKeyRequest } from "../core/keys";
import type { SonioxConfigNode } from "./lib/config-node";
import { guardOutput } from "./lib/safe-output";
import { catalogue, localizedError } from "./lib/i18n";
import { setupFailure } from "./lib/setup-error";
import { describeAccountProblem } from "./lib/status";

interface TempKeyDef extends NodeDef {
  config?: string;
  usageType?: string;
  expiresIn?: number | string;
  singleUse?: boolean;
  maxSessionDuration?: number | string;
  clientReferenceId?: string;
}

type Msg = NodeMessageInFlow & { soniox?: unknown };

/** The node's settings in Soniox's names, so msg.soniox can tighten them field by field. */
function settingsOf(def: TempKeyDef): Record<string, unknown> {
  return {
    usage_type: def.usageType || "transcribe_websocket",
    expires_in_seconds: def.expiresIn === undefined || def.expiresIn === "" ? 60 : def.expiresIn,
    single_use: def.singleUse ?? true,
    max_session_duration_seconds: def.maxSessionDuration,
    client_reference_id: def.clientReferenceId,
  };
}

function asError(err: unknown): SonioxError {
  return err instanceof SonioxError ? err : new SonioxError("protocol", (err as Error).message ?? String(err));
}

export = function register(RED: NodeAPI): void {
  function SonioxTempKey(this: Node, def: TempKeyDef): void {
    RED.nodes.createNode(this, def);
    const node = this;
    const config = RED.nodes.getNode(def.config ?? "") as SonioxConfigNode | null;
    guardOutput(node, () => [config?.apiKey()]);
    let base: TempKeyRequest | null = null;
    let closed = false;
    let defaultsError: SonioxError | null = null;
    // The node's own status, shown again once the account's problem clears.
    let own: NodeStatus = {};
    const tAccount = catalogue(RED, "soniox-config");
    const showStatus = (status: NodeStatus): void => {
      own = status;
      const problem = config?.account.current;
      node.status(problem ? describeAccountProblem(problem, tAccount) : status);
    };
    config?.account.register(node.id, () => showStatus(own));
    try {
      base = checkTempKeyRequest(settingsOf(def));
    } catch (err) {
      defaultsError = asError(err);
      // The node still answers each message itself: msg.soniox.error names the field to fix.
      const failure = setupFailure(RED, "soniox-temp-key", defaultsError, "errors.settings");
      node.error(failure.error.message);
      showStatus(failure.status);
    }

    /** The request for one message: the node's settings, tightened by msg.soniox's fields. */
    const requestFor = (msg: Msg): TempKeyRequest => {
      if (defaultsError || !base) throw defaultsError;
      const overrides = msg.soniox;
      if (overrides !== undefined && (typeof overrides !== "object" || overrides === null || Array.isArray(overrides))) {
        throw new SonioxError("invalid_config", "msg.soniox must be an object of temporary key fields such as {client_reference_id: \"user-42\"}", {
          key: "overrides-not-object",
        });
      }
      return overrides === undefined ? base : tightenTempKeyRequest(base, overrides as Record<string, unknown>);
    };

    node.on("input", (msg: Msg, send, done) => {
      let request: TempKeyRequest;
      let apiUrl: string;
      let apiKey: string | null;
      try {
        if (!config) throw new SonioxError("invalid_config", "No soniox-config node is selected: edit the soniox temp key node and choose one", { key: "no-config" });
        request = requestFor(msg);
        apiUrl = config.apiUrl();
        apiKey = config.apiKey();
        if (apiKey === null) throw new SonioxError("invalid_config", "No Soniox API key: set it in the soniox-config node or in the SONIOX_API_KEY environment variable", { key: "no-api-key" });
      } catch (err) {
        return fail(msg, asError(err), done);
      }
      // The WebSocket URL goes with the key so the page connects to the region the key belongs to.
      const websocketUrl = request.usage_type === "transcribe_websocket" ? endpointOf(config) : null;
      showStatus({ fill: "yellow", shape: "ring", text: RED._("soniox-temp-key.status.minting") });
      mintTemporaryKey({ apiUrl, apiKey, request })
        .then((key) => {
          if (closed) return done();
          config.account.noteSuccess();
          msg.payload = websocketUrl === null ? { ...key } : { ...key, websocket_url: websocketUrl };
          const until = new Date(key.expires_at);
          const text = Number.isNaN(until.getTime()) ? key.expires_at : until.toISOString().slice(11, 19);
          showStatus({ fill: "green", shape: "dot", text: RED._("soniox-temp-key.status.minted", { until: text }) });
          send(msg);
          done();
        })
        .catch((err: unknown) => (closed ? done() : fail(msg, asError(err), done)));
    });

    function endpointOf(cfg: SonioxConfigNode): string | null {
      try {
        return cfg.endpoint();
      } catch {
        return null;
      }
    }

    function fail(msg: Msg, error: SonioxError, done: (err?: Error) => void): void {
      (msg as Record<string, unknown>).soniox = { error: error.toJSON() };
      config?.account.noteFailure(error);
      showStatus({ fill: "red", shape: "ring", text: RED._("soniox-temp-key.status.error", { code: String(error.code) }) });
      done(localizedError(RED, "soniox-temp-key", error));
    }

    node.on("close", (removed: boolean, done: () => void) => {
      closed = true;
      config?.account.deregister(node.id);
      node.status({});
      done();
    });
  }

  RED.nodes.registerType("soniox-temp-key", SonioxTempKey);
};
