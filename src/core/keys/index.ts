// Soniox keys: the REST base URL of a region, temporary keys, checking a key, and the account problems every user of a key shares.
// Imports only the shared files; never Node-RED, the simulator or another part.
export * from "./temp-key";
export * from "./rest-base";
export * from "./tighten";
export * from "./check";
export * from "./account-health";
