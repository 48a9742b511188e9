import type { NodeAPI, NodeConstructor, NodeDef } from "node-red";
import { resolveEndpoint } from "../core/session";
import { AccountHealth, resolveApiUrl } from "../core/keys";
import type { AuthMethod } from "../core/session";
import type { SonioxConfigCredentials, SonioxConfigNode } from "./lib/config-node";
import { guardOutput } from "./lib/safe-output";
import { keyCheckRoute } from "./lib/key-check-route";

interface SonioxConfigDef extends NodeDef {
  region?: string;
  url?: string;
  restUrl?: string;
  authMethod?: AuthMethod;
}

export = function register(RED: NodeAPI): void {
  function SonioxConfig(this: SonioxConfigNode, def: SonioxConfigDef): void {
    RED.nodes.createNode(this, def);
    this.region = def.region || "us";
    this.url = def.url ?? "";
    this.restUrl = def.restUrl ?? "";
    this.authMethod = def.authMethod === "subprotocol" ? "subprotocol" : "header";
    this.endpoint = () => resolveEndpoint(this.region, this.url);
    this.apiUrl = () => resolveApiUrl(this.region, this.url, this.restUrl);
    this.apiKey = () => {
      const key = (this.credentials?.apiKey ?? "").trim() || (process.env.SONIOX_API_KEY ?? "").trim();
      return key === "" ? null : key;
    };
    this.account = new AccountHealth();
    guardOutput(this, () => [this.apiKey()]);
  }
  RED.nodes.registerType<SonioxConfigNode, SonioxConfigDef, unknown, SonioxConfigCredentials>(
    "soniox-config",
    SonioxConfig as NodeConstructor<SonioxConfigNode, SonioxConfigDef, SonioxConfigCredentials>,
    { credentials: { apiKey: { type: "password" } } },
  );
  // The dialog's Check button; checking uses the key, so it needs the right to change the node.
  RED.httpAdmin.post("/soniox-config/:id/check", RED.auth.needsPermission("soniox-config.write"), keyCheckRoute(RED));
};
