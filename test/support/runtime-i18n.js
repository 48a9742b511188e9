"use strict";
// The flow-test helper stubs RED._ as the identity; this is Node-RED's own i18next with our
// catalogues loaded from dist/nodes/locales the way the runtime loads them.
const path = require("path");

const LOCALES = path.resolve(__dirname, "..", "..", "dist", "nodes", "locales");

/** (lang, node) → a RED whose `_` translates that node's keys in `lang`. */
async function runtimeI18n(nodes, langs = ["de", "ja"]) {
  const { i18n } = require("@node-red/util");
  await i18n.init({ lang: "en-US" });
  for (const node of nodes) await i18n.registerMessageCatalog(node, LOCALES, `${node}.json`);
  await i18n.i.loadLanguages(langs);
  return (lang, node) => ({ _: i18n.i.getFixedT(lang, node) });
}

module.exports = { runtimeI18n };
