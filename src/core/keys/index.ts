// Temporary API keys: the REST base URL of a region and minting short-lived keys.
// Imports only the shared files; never Node-RED, the simulator or another part.
export * from "./temp-key";
export * from "./rest-base";
export * from "./tighten";
