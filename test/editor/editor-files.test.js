"use strict";
// Checks the editor files as Node-RED will load them from dist/nodes, without a browser:
// the registerType script runs in a vm with a recording RED stub, messages are translated by
// Node-RED's own i18n under the namespace the editor uses, and the forms are read with cheerio.

const assert = require("assert");
const fs = require("fs");
const path = require("path");
const vm = require("vm");
const cheerio = require("cheerio");
const { i18n, util: nodeRedUtil } = require("@node-red/util");
const { RAW_FORMATS } = require("../../dist/core/audio/audio-format");
const { SAMPLE_RATE_RANGE } = require("../../dist/core/session/start-message");
const { START_FIELD_TABLE } = require("../../dist/core/session/start-field-table");
const pkg = require("../../package.json");

const nodesDir = path.resolve(__dirname, "../../dist/nodes");
const localesDir = path.join(nodesDir, "locales");

const CONTRACT = {
  "soniox-config": {
    prefix: "node-config-input",
    defaults: { name: "", region: "us", url: "", restUrl: "", authMethod: "header" },
  },
  "soniox-temp-key": {
    prefix: "node-input",
    defaults: {
      name: "",
      config: "",
      usageType: "transcribe_websocket",
      expiresIn: 60,
      singleUse: true,
      maxSessionDuration: "",
      clientReferenceId: "",
    },
  },
  "soniox-transcribe": {
    prefix: "node-input",
    defaults: {
      name: "",
      config: "",
      model: "stt-rt-v5",
      audioFormat: "auto",
      sampleRate: 16000,
      numChannels: 1,
      convertToPcm: false,
      floatHandling: "send",
      passUnknownOptions: false,
      everyResponse: false,
      languageHints: "",
      languageHintsStrict: false,
      enableSpeakerDiarization: false,
      enableLanguageIdentification: false,
      enableEndpointDetection: true,
      maxEndpointDelayMs: "",
      endpointSensitivity: "",
      endpointLatencyAdjustmentLevel: "",
      clientReferenceId: "",
      contextGeneral: [],
      contextText: "",
      contextTerms: "",
      contextTranslationTerms: [],
      translation: "none",
      translationTargetLanguage: "",
      translationLanguageA: "",
      translationLanguageB: "",
      streamKeyProperty: "topic",
      maxStreams: 10,
      idleTimeout: 60,
      keepaliveInterval: 8,
      pacing: true,
      maxQueueMb: 16,
      connectTimeout: 10,
      finishTimeout: 10,
      formatTimeout: 10,
      reconnect: true,
      reconnectAttempts: 5,
      reconnectDelay: 1,
      rotateAfter: 280,
      heartbeat: 10,
      outputs: 2,
    },
  },
};

/** Objects made inside the vm have the vm's prototypes; compare them as plain data. */
function plain(value) {
  return JSON.parse(JSON.stringify(value));
}

/** Node-RED names a node set "<module>/<key in package.json node-red.nodes>" and uses that as the catalogue namespace. */
function namespaceOf(type) {
  return `${pkg.name}/${type}`;
}

function readDist(...parts) {
  return fs.readFileSync(path.join(nodesDir, ...parts), "utf8");
}

/**
 * The options a node module passes to RED.nodes.registerType. The stub runtime logs nothing (the
 * transcribe module reports the ffmpeg it found later, through RED.log).
 */
function registrationOptions(type) {
  let options = {};
  const RED = { nodes: { registerType: (_name, _ctor, opts) => (options = opts || {}) }, log: { info() {}, warn() {} }, _: (key) => key };
  require(path.join(nodesDir, `${type}.js`))(RED);
  return options;
}

/**
 * RED.settings as the editor gets it from a runtime that loaded `type`: the values of the node
 * settings its module registers as exportable (what Node-RED's exportNodeSettings sends). Only the
 * transcribe node registers any, and its module registers without other runtime APIs.
 */
function editorSettings(type) {
  if (type !== "soniox-transcribe") return {};
  const options = registrationOptions(type);
  const settings = {};
  for (const [name, setting] of Object.entries(options.settings || {})) if (setting.exportable) settings[name] = setting.value;
  return settings;
}

/**
 * Runs the editor script of one node file and returns what it registered.
 * `dialog` maps property names to the values of an open edit dialog (absent: no dialog open);
 * `settings` replaces RED.settings (null: an editor without it).
 */
function loadEditorFile(type, options = {}) {
  const $doc = cheerio.load(readDist(`${type}.html`));
  const scripts = $doc('script[type="text/javascript"]');
  assert.strictEqual(scripts.length, 1, `${type}.html must hold exactly one inline editor script`);
  const registered = [];
  const configNodes = options.configNodes || {};
  const dialog = options.dialog || {};
  const prefix = CONTRACT[type].prefix;
  const fakeJquery = (selector) => {
    const match = new RegExp(`^#${prefix}-(\\w+)$`).exec(selector);
    if (!match || !(match[1] in dialog)) return { length: 0 };
    const value = dialog[match[1]];
    return {
      length: 1,
      val: () => value,
      attr: (name) => (name === "type" && typeof value === "boolean" ? "checkbox" : undefined),
      prop: () => value,
    };
  };
  const context = vm.createContext({
    RED: {
      nodes: {
        registerType: (name, definition) => registered.push({ name, definition }),
        node: (id) => configNodes[id] || null,
      },
      settings: options.settings === undefined ? editorSettings(type) : options.settings || undefined,
    },
    $: fakeJquery,
    URL,
  });
  vm.runInContext(scripts.html(), context, { filename: `${type}.html` });
  assert.strictEqual(registered.length, 1, `${type}.html must register exactly one type`);
  assert.strictEqual(registered[0].name, type);
  return { definition: registered[0].definition, $doc };
}

/** The editor's node._: keys without a namespace resolve in the node set's catalogue; a missing key fails the test. */
function translatorFor(type) {
  return (key, args) => {
    const fullKey = key.includes(":") ? key : `${namespaceOf(type)}:${key}`;
    assert.ok(i18n.i.exists(fullKey), `missing message ${fullKey}`);
    return i18n._(fullKey, args);
  };
}

function makeNode(type, values) {
  const node = { type, _: translatorFor(type) };
  for (const [prop, value] of Object.entries(CONTRACT[type].defaults)) node[prop] = value;
  return Object.assign(node, values);
}

function validate(type, prop, value, options = {}) {
  const { definition } = loadEditorFile(type, options);
  const node = makeNode(type, Object.assign({}, options.node, { [prop]: value }));
  return definition.defaults[prop].validate.call(node, value, {});
}

function label(type, prop) {
  return translatorFor(type)(`${type}.label.${prop}`);
}

function assertValid(type, prop, values, options) {
  for (const value of values) {
    const result = validate(type, prop, value, options);
    assert.strictEqual(result, true, `${prop} = ${JSON.stringify(value)} should be valid, got ${JSON.stringify(result)}`);
  }
}

/** Invalid values must give a message that names the field, plus any fragments the user needs (e.g. the range). */
function assertInvalid(type, prop, values, mentions = [], options) {
  for (const value of values) {
    const result = validate(type, prop, value, options);
    assert.strictEqual(typeof result, "string", `${prop} = ${JSON.stringify(value)} should be invalid`);
    assert.ok(result.startsWith(`${label(type, prop)}:`), `"${result}" should name the field ${label(type, prop)}`);
    for (const fragment of mentions) {
      assert.ok(result.includes(String(fragment)), `"${result}" should mention ${fragment}`);
    }
  }
}

before(async function () {
  i18n.init({ lang: "en-US" });
  for (const type of Object.keys(CONTRACT)) {
    await i18n.registerMessageCatalog(namespaceOf(type), localesDir, `${type}.json`);
  }
});

for (const type of Object.keys(CONTRACT)) {
  describe(`${type} editor files`, function () {
    const { prefix } = CONTRACT[type];

    it("sit beside the node's .js under the name Node-RED derives from it", function () {
      const entry = pkg["node-red"].nodes[type];
      assert.strictEqual(entry, `dist/nodes/${type}.js`);
      for (const file of [`${type}.html`, `locales/en-US/${type}.json`, `locales/en-US/${type}.html`]) {
        assert.ok(fs.existsSync(path.join(nodesDir, file)), `dist/nodes/${file} is missing`);
      }
    });

    it("registers defaults whose keys and values match the contract exactly", function () {
      const { definition } = loadEditorFile(type);
      const expected = CONTRACT[type].defaults;
      assert.deepStrictEqual(Object.keys(definition.defaults).sort(), Object.keys(expected).sort());
      for (const [prop, value] of Object.entries(expected)) {
        assert.deepStrictEqual(plain(definition.defaults[prop].value), value, `default of ${prop}`);
      }
    });

    it("gives every validator two parameters, so Node-RED shows its message instead of ignoring it", function () {
      const { definition } = loadEditorFile(type);
      for (const [prop, spec] of Object.entries(definition.defaults)) {
        if (spec.validate) assert.strictEqual(spec.validate.length, 2, `${prop}.validate`);
      }
    });

    it("accepts every default value as valid", function () {
      const { definition } = loadEditorFile(type, {
        configNodes: { cfg: { type: "soniox-config" } },
      });
      const node = makeNode(type, { config: "cfg" });
      for (const [prop, spec] of Object.entries(definition.defaults)) {
        if (spec.validate) {
          assert.strictEqual(spec.validate.call(node, node[prop], {}), true, `${prop} default should be valid`);
        }
      }
    });

    it("validates a property missing from a saved flow as its default, as the runtime will use it", function () {
      const { definition } = loadEditorFile(type, { configNodes: { cfg: { type: "soniox-config" } } });
      const node = { type, _: translatorFor(type), config: "cfg" };
      for (const [prop, spec] of Object.entries(definition.defaults)) {
        if (spec.validate && prop !== "config") {
          assert.strictEqual(spec.validate.call(node, undefined, {}), true, `missing ${prop} should be valid`);
        }
      }
    });

    it("has a form element for every property, and none that Node-RED would read into an unknown property", function () {
      const { definition, $doc } = loadEditorFile(type);
      const form = cheerio.load($doc(`script[data-template-name="${type}"]`).html());
      const properties = Object.keys(definition.defaults).filter((prop) => prop !== "outputs");
      for (const prop of properties) {
        const value = definition.defaults[prop].value;
        if (Array.isArray(value)) {
          // Node-RED reads #<prefix>-<prop> after oneditsave and would overwrite the array with "".
          assert.strictEqual(form(`#${prefix}-${prop}`).length, 0, `${prop} must not have a #${prefix}-${prop} element`);
          assert.strictEqual(form(`#${prefix}-${prop}-list`).length, 1, `${prop} needs its editable list`);
        } else {
          const input = form(`#${prefix}-${prop}`);
          assert.strictEqual(input.length, 1, `#${prefix}-${prop} is missing`);
          if (typeof value === "boolean") assert.strictEqual(input.attr("type"), "checkbox", `${prop} is a checkbox`);
        }
      }
      const credentials = Object.keys(definition.credentials || {});
      form(`[id^="${prefix}-"]`).each((index, element) => {
        const prop = element.attribs.id.slice(prefix.length + 1).replace(/-list$/, "");
        assert.ok(properties.includes(prop) || credentials.includes(prop), `#${element.attribs.id} is not a property`);
      });
    });

    it("resolves every data-i18n key of the form in the node set's catalogue", function () {
      const { $doc } = loadEditorFile(type);
      const form = cheerio.load($doc(`script[data-template-name="${type}"]`).html());
      const keys = [];
      form("[data-i18n]").each((index, element) => {
        for (const entry of element.attribs["data-i18n"].split(";")) keys.push(entry.replace(/^\[[^\]]*\]/, ""));
      });
      assert.ok(keys.length > 5, "the form should be translated");
      const translate = translatorFor(type);
      for (const key of keys) {
        assert.ok(key.startsWith(`${type}.`), `${key} should live under "${type}." in ${type}.json`);
        translate(key);
      }
    });

    it("resolves every message key the script uses in the node set's catalogue", function () {
      const { $doc } = loadEditorFile(type);
      const script = $doc('script[type="text/javascript"]').html();
      const literalKeys = [...script.matchAll(/\bt\((?:node|this), "([^"]+)"\s*[,)]/g)].map((match) => match[1]);
      assert.ok(literalKeys.length > 0);
      const translate = translatorFor(type);
      for (const key of literalKeys) translate(`${type}.${key}`);
      for (const prop of Object.keys(CONTRACT[type].defaults).filter((p) => p !== "outputs")) {
        translate(`${type}.label.${prop}`);
      }
    });

    it("has help in core style: tooltip paragraph first, then the sections, and references", function () {
      const $help = cheerio.load(readDist("locales", "en-US", `${type}.html`));
      const block = $help(`script[data-help-name="${type}"]`);
      assert.strictEqual(block.length, 1);
      const help = cheerio.load(block.html(), null, false);
      assert.strictEqual(help.root().children().first().prop("tagName"), "P", "the first element is the palette tooltip");
      const headings = help("h3").map((index, element) => help(element).text()).get();
      const expected = type === "soniox-config" ? ["Properties", "Details", "References"] : ["Inputs", "Outputs", "Details", "References"];
      assert.deepStrictEqual(headings, expected);
      assert.ok(help("a[href^='https://soniox.com/docs']").length > 0, "links to the Soniox docs");
    });
  });
}

describe("soniox-config editor definition", function () {
  it("keeps the API key a password credential with a password input, never a default", function () {
    const { definition, $doc } = loadEditorFile("soniox-config");
    assert.deepStrictEqual(plain(definition.credentials), { apiKey: { type: "password" } });
    assert.ok(!("apiKey" in definition.defaults));
    const form = cheerio.load($doc('script[data-template-name="soniox-config"]').html());
    assert.strictEqual(form("input#node-config-input-apiKey").attr("type"), "password");
    assert.strictEqual(definition.category, "config");
  });

  it("explains the SONIOX_API_KEY fallback in the dialog and in the help", function () {
    const catalogue = JSON.parse(readDist("locales", "en-US", "soniox-config.json"))["soniox-config"];
    assert.ok(catalogue.hint.apiKeyEnv.includes("SONIOX_API_KEY"));
    assert.ok(readDist("locales", "en-US", "soniox-config.html").includes("SONIOX_API_KEY"));
  });

  it("labels the node by name, else by region or custom URL", function () {
    const { definition } = loadEditorFile("soniox-config");
    assert.strictEqual(definition.label.call(makeNode("soniox-config", { name: "prod" })), "prod");
    assert.strictEqual(definition.label.call(makeNode("soniox-config", { region: "eu" })), "soniox eu");
    const custom = makeNode("soniox-config", { region: "custom", url: "wss://proxy.example/ws" });
    assert.strictEqual(definition.label.call(custom), "soniox wss://proxy.example/ws");
  });

  it("accepts the four regions and two auth methods only", function () {
    assertValid("soniox-config", "region", ["us", "eu", "jp", "custom"]);
    assertInvalid("soniox-config", "region", ["", "US", "ap"], ["us, eu, jp, custom"]);
    assertValid("soniox-config", "authMethod", ["header", "subprotocol"]);
    assertInvalid("soniox-config", "authMethod", ["bearer", ""], ["header, subprotocol"]);
  });

  it("requires wss://, or ws:// to a loopback host, for a custom URL", function () {
    const custom = { node: { region: "custom" } };
    assertValid(
      "soniox-config",
      "url",
      ["wss://stt-rt.example.com/transcribe-websocket", "ws://127.0.0.1:8080/x", "ws://localhost:1/", "ws://[::1]:9/"],
      custom,
    );
    assertInvalid("soniox-config", "url", ["ws://example.com/x", "https://stt-rt.soniox.com", "ws://10.0.0.1/"], ["wss://"], custom);
    assertInvalid("soniox-config", "url", ["", "stt-rt.soniox.com", "wss//x"], ["wss://"], custom);
  });

  it("ignores the URL unless the region is custom, reading the region from an open dialog first", function () {
    assertValid("soniox-config", "url", ["", "not a url"], { node: { region: "us" } });
    assertInvalid("soniox-config", "url", ["not a url"], [], { node: { region: "us" }, dialog: { region: "custom" } });
    assertValid("soniox-config", "url", ["not a url"], { node: { region: "custom" }, dialog: { region: "eu" } });
  });
});

describe("soniox-config REST URL", function () {
  it("accepts an empty REST URL (derived from the custom URL), https://, or http:// to a loopback host", function () {
    const custom = { node: { region: "custom" } };
    assertValid("soniox-config", "restUrl", ["", "https://api.soniox.com", "https://proxy.example/soniox", "http://127.0.0.1:8765", "http://localhost:1"], custom);
    assertInvalid("soniox-config", "restUrl", ["http://api.example.com"], ["https://", "127.0.0.1"], custom);
    assertInvalid("soniox-config", "restUrl", ["wss://api.soniox.com", "api.soniox.com"], ["https://"], custom);
  });

  it("ignores the REST URL unless the region is custom, reading the region from an open dialog first", function () {
    assertValid("soniox-config", "restUrl", ["not a url"], { node: { region: "eu" } });
    assertInvalid("soniox-config", "restUrl", ["not a url"], [], { node: { region: "us" }, dialog: { region: "custom" } });
  });
});

describe("soniox-temp-key editor definition", function () {
  const T = "soniox-temp-key";

  it("is a soniox-category node with one input and one output, the soniox icon and a config node", function () {
    const { definition } = loadEditorFile(T);
    assert.strictEqual(definition.category, "soniox");
    assert.strictEqual(definition.inputs, 1);
    assert.strictEqual(definition.outputs, 1);
    assert.strictEqual(definition.icon, "soniox.svg");
    assert.strictEqual(definition.defaults.config.type, "soniox-config");
    assert.strictEqual(definition.label.call(makeNode(T, {})), "soniox temp key");
    assert.strictEqual(definition.label.call(makeNode(T, { name: "browser key" })), "browser key");
    assert.ok(!("apiKey" in definition.defaults) && !definition.credentials, "the node holds no key of its own");
  });

  it("requires a soniox-config node", function () {
    const options = { configNodes: { good: { type: "soniox-config" }, other: { type: "mqtt-broker" } } };
    assertValid(T, "config", ["good"], options);
    assertInvalid(T, "config", ["", "other", "gone"], ["soniox-config"], options);
  });

  it("bounds expiry to 1-3600 s and the stream length to 1-18000 s (blank: no limit), as Soniox does", function () {
    assertValid(T, "expiresIn", [1, "60", 3600]);
    assertInvalid(T, "expiresIn", [0, 3601, "", "1.5", "soon"], [1, 3600]);
    assertValid(T, "maxSessionDuration", ["", 1, "18000"]);
    assertInvalid(T, "maxSessionDuration", [0, 18001, "2.5"], [1, 18000]);
  });

  it("takes the two usage types, a boolean single use and a client reference of at most 256 characters", function () {
    assertValid(T, "usageType", ["transcribe_websocket", "tts_rt"]);
    assertInvalid(T, "usageType", ["stt", ""], ["transcribe_websocket, tts_rt"]);
    assertValid(T, "singleUse", [true, false]);
    assertInvalid(T, "singleUse", ["true", 1]);
    assertValid(T, "clientReferenceId", ["", "x".repeat(256)]);
    assertInvalid(T, "clientReferenceId", ["x".repeat(257)], [256, 257]);
  });

  it("documents the colon problem of temp: keys in browsers and the 2027 cutoff", function () {
    const help = readDist("locales", "en-US", `${T}.html`);
    for (const fragment of ["soniox-api-key", "colon", "api_key", "2027", "httpNodeAuth"]) assert.ok(help.includes(fragment), fragment);
  });
});

describe("soniox-transcribe editor definition", function () {
  const T = "soniox-transcribe";

  it("is a soniox-category node with one input, responses and utterances outputs, and its icon", function () {
    const { definition } = loadEditorFile(T);
    assert.strictEqual(definition.category, "soniox");
    assert.strictEqual(definition.inputs, 1);
    assert.strictEqual(definition.outputs, 2);
    // Port and palette labels are functions so they follow the editor's language.
    const node = makeNode(T, {});
    assert.deepStrictEqual([0, 1].map((i) => definition.outputLabels.call(node, i)), ["responses", "utterances"]);
    assert.strictEqual(definition.inputLabels.call(node), "audio / control");
    assert.strictEqual(definition.icon, "soniox-transcribe.svg");
    assert.strictEqual(definition.paletteLabel.call(node), "soniox transcribe");
    assert.strictEqual(definition.label.call(makeNode(T, {})), "soniox transcribe");
    assert.strictEqual(definition.label.call(makeNode(T, { name: "kitchen" })), "kitchen");
    assert.deepStrictEqual(definition.defaults.config.type, "soniox-config");
  });

  it("takes a new node's values from the node setting the runtime exports, named as Node-RED requires", function () {
    const options = registrationOptions(T);
    // Node-RED drops (with a warning) a node setting whose name does not start with the type in camelCase.
    const prefix = nodeRedUtil.normaliseNodeTypeName(T);
    assert.deepStrictEqual(Object.keys(options.settings), [`${prefix}Defaults`]);
    const { value: exported, exportable } = options.settings[`${prefix}Defaults`];
    assert.strictEqual(exportable, true);
    const { definition } = loadEditorFile(T);
    for (const [prop, value] of Object.entries(exported)) assert.deepStrictEqual(plain(definition.defaults[prop].value), value, prop);
    // Read from the setting, not from literals that happen to agree.
    const marked = Object.fromEntries(Object.keys(exported).map((prop) => [prop, `from-setting-${prop}`]));
    const { definition: fromSetting } = loadEditorFile(T, { settings: { [`${prefix}Defaults`]: marked } });
    for (const prop of Object.keys(exported)) assert.strictEqual(fromSetting.defaults[prop].value, marked[prop]);
  });

  it("registers without that setting, so the palette still loads", function () {
    const { definition } = loadEditorFile(T, { settings: null });
    assert.deepStrictEqual(Object.keys(definition.defaults).sort(), Object.keys(CONTRACT[T].defaults).sort());
  });

  it("bounds each start field's property by the start-field table's range", function () {
    const raw = { node: { audioFormat: "pcm_s16le" } };
    for (const field of START_FIELD_TABLE.filter((f) => f.dialog !== null && f.min !== undefined)) {
      const step = field.kind === "integer" ? 1 : 0.5;
      assertValid(T, field.dialog, [field.min, field.max], raw);
      assertInvalid(T, field.dialog, [field.min - step, field.max + step], [field.min, field.max], raw);
    }
  });

  it("still requires what has no usable default when it is missing", function () {
    const { definition } = loadEditorFile(T);
    const node = { type: T, _: translatorFor(T), translation: "one_way" };
    assert.ok(String(definition.defaults.config.validate.call(node, undefined, {})).startsWith(label(T, "config")));
    const target = definition.defaults.translationTargetLanguage.validate.call(node, undefined, {});
    assert.ok(String(target).startsWith(label(T, "translationTargetLanguage")), target);
    const raw = { type: T, _: translatorFor(T), audioFormat: "pcm_s16le", sampleRate: 5 };
    assert.strictEqual(typeof definition.defaults.sampleRate.validate.call(raw, 5, {}), "string");
  });

  it("requires a soniox-config node", function () {
    const options = { configNodes: { good: { type: "soniox-config" }, other: { type: "mqtt-broker" } } };
    assertValid(T, "config", ["good"], options);
    assertInvalid(T, "config", ["", "_ADD_", "other", "gone"], ["soniox-config"], options);
  });

  it("accepts exactly auto and the raw formats of the core audio table", function () {
    assertValid(T, "audioFormat", ["auto", ...RAW_FORMATS]);
    assertInvalid(T, "audioFormat", ["wav", "s16le", "", null, "PCM_S16LE"]);
  });

  it("checks sample rate and channels only for raw formats, as whole numbers in the runtime's range (which the README states)", function () {
    const raw = { node: { audioFormat: "pcm_s16le" } };
    const { min, max } = SAMPLE_RATE_RANGE;
    assertValid(T, "sampleRate", [min, 16000, "48000", ` ${max} `], raw);
    assertInvalid(T, "sampleRate", [min - 1, max + 1, "16000.5", "1e4", "", "abc"], [min, max], raw);
    const readme = fs.readFileSync(path.resolve(__dirname, "../../README.md"), "utf8");
    assert.ok(readme.includes(`Raw formats only: ${min}–${max} Hz`), "README states the same sample-rate range");
    assertValid(T, "numChannels", [1, 2, "2"], raw);
    assertInvalid(T, "numChannels", [0, 3, "1.5", ""], [1, 2], raw);
    assertValid(T, "sampleRate", ["", 5], { node: { audioFormat: "auto" } });
    assertInvalid(T, "sampleRate", [5], [], { node: { audioFormat: "auto" }, dialog: { audioFormat: "mulaw" } });
  });

  it("requires a model", function () {
    assertValid(T, "model", ["stt-rt-v5", "stt-rt-v4", "future-model"]);
    assertInvalid(T, "model", ["", "   ", null]);
  });

  it("takes unique two-letter language hints separated by commas", function () {
    assertValid(T, "languageHints", ["", "en", "en, es", " de ,fr,it "]);
    assertInvalid(T, "languageHints", ["en, en"], ['"en"', "more than once"]);
    assertInvalid(T, "languageHints", ["eng", "en; es", "EN", "en-US"], ["ISO 639-1"]);
  });

  it("checks the boolean switches", function () {
    for (const prop of ["languageHintsStrict", "enableSpeakerDiarization", "enableLanguageIdentification", "enableEndpointDetection", "pacing", "convertToPcm"]) {
      assertValid(T, prop, [true, false]);
      assertInvalid(T, prop, ["true", 1, null]);
    }
  });

  it("other PCM is sent as it is or converted, nothing else", function () {
    assertValid(T, "floatHandling", ["send", "convert"]);
    assertInvalid(T, "floatHandling", ["", "s16le", null], ["send", "convert"]);
  });

  it("allows blank endpoint tuning (server default) or a value in Soniox's range", function () {
    assertValid(T, "maxEndpointDelayMs", ["", 500, "3000"]);
    assertInvalid(T, "maxEndpointDelayMs", [499, 3001, "750.5", "fast"], [500, 3000, "2000"]);
    assertValid(T, "endpointSensitivity", ["", -1, "0.25", "1", "-0.5"]);
    assertInvalid(T, "endpointSensitivity", ["-1.01", 2, "high"], [-1, 1]);
    assertValid(T, "endpointLatencyAdjustmentLevel", ["", 0, "3"]);
    assertInvalid(T, "endpointLatencyAdjustmentLevel", [-1, 4, "1.5"], [0, 3]);
  });

  it("limits the client reference ID to 256 characters", function () {
    assertValid(T, "clientReferenceId", ["", "x".repeat(256)]);
    assertInvalid(T, "clientReferenceId", ["x".repeat(257)], [256, 257]);
  });

  it("needs both halves of every context pair", function () {
    assertValid(T, "contextGeneral", [[], [{ key: "domain", value: "Healthcare" }]]);
    assertInvalid(T, "contextGeneral", [[{ key: "domain", value: "x" }, { key: "topic", value: " " }]], ["entry 2", "key", "value"]);
    assertInvalid(T, "contextGeneral", ["domain=x", null]);
    assertValid(T, "contextTranslationTerms", [[{ source: "Mr. Smith", target: "Sr. Smith" }]]);
    assertInvalid(T, "contextTranslationTerms", [[{ source: "Mr. Smith" }]], ["entry 1", "source", "target"]);
    assertInvalid(T, "contextTerms", [["Soniox"]]);
  });

  it("keeps the whole serialised context within 10000 characters", function () {
    const near = { node: { contextTerms: "t".repeat(9960) } };
    assertValid(T, "contextText", ["short background"], near);
    const result = validate(T, "contextText", "a longer background text", {
      node: { contextTerms: "t".repeat(9960), contextGeneral: [{ key: "domain", value: "Healthcare" }] },
    });
    assert.strictEqual(typeof result, "string");
    assert.ok(result.startsWith(`${label(T, "context")}:`) && result.includes("10000"), result);
    assertInvalid(T, "contextText", [42]);
  });

  it("requires the language fields of the chosen translation type only", function () {
    const oneWay = { node: { translation: "one_way" } };
    const twoWay = { node: { translation: "two_way", translationLanguageA: "en" } };
    assertValid(T, "translation", ["none", "one_way", "two_way"]);
    assertInvalid(T, "translation", ["oneway", ""], ["none, one_way, two_way"]);
    assertValid(T, "translationTargetLanguage", ["fr"], oneWay);
    assertInvalid(T, "translationTargetLanguage", ["", "french"], ["ISO 639-1"], oneWay);
    assertValid(T, "translationTargetLanguage", [""], twoWay);
    assertValid(T, "translationLanguageA", ["en"], twoWay);
    assertInvalid(T, "translationLanguageA", [""], [], twoWay);
    assertValid(T, "translationLanguageB", ["es"], twoWay);
    assertInvalid(T, "translationLanguageB", ["en"], [label(T, "translationLanguageA")], twoWay);
    assertValid(T, "translationLanguageB", ["", "en"], { node: { translation: "none" } });
    assertInvalid(T, "translationLanguageB", [""], [], { node: { translation: "none" }, dialog: { translation: "two_way" } });
  });

  it("takes the stream key as a message property path without the msg. prefix", function () {
    assertValid(T, "streamKeyProperty", ["topic", "_session.id", 'req.headers["x-id"]', "parts[0]", "$x.y_1"]);
    assertInvalid(T, "streamKeyProperty", ["msg.topic"], ["topic"]);
    assertInvalid(T, "streamKeyProperty", ["", "a..b", "1abc", "topic.", "a b"]);
  });

  it("bounds the stream limits and timers", function () {
    const cases = [
      ["maxStreams", [1, "1000"], [0, 1001, "2.5"], [1, 1000]],
      ["idleTimeout", [0, "86400", "0.5"], [-1, 86401, ""], [0, 86400]],
      ["keepaliveInterval", [1, "15", 7.5], [0, 16, ""], [1, 15]],
      ["maxQueueMb", [1, "1024"], [0, 1025, "lots"], [1, 1024]],
      ["connectTimeout", [1, "120"], [0, 121], [1, 120]],
      ["finishTimeout", [1, "300"], [0.5, 301], [1, 300]],
      ["formatTimeout", [1, "300"], [0.5, 301], [1, 300]],
      ["reconnectAttempts", [1, "100"], [0, 101, "2.5"], [1, 100]],
      ["reconnectDelay", [0, "60", 0.05], [-1, 61], [0, 60]],
      ["rotateAfter", [0, "295", 0.01], [-1, 296], [0, 295]],
      ["heartbeat", [0, "300", 0.3], [-1, 301], [0, 300]],
    ];
    for (const [prop, valid, invalid, mentions] of cases) {
      assertValid(T, prop, valid);
      assertInvalid(T, prop, invalid, mentions);
    }
  });

  it("documents msg.payload, msg.control, msg.soniox, both outputs, billing and the raw-format requirements", function () {
    const help = cheerio.load(cheerio.load(readDist("locales", "en-US", `${T}.html`))(`script[data-help-name="${T}"]`).html());
    const inputs = help("h3:contains('Inputs') + dl.message-properties > dt").map((i, el) => help(el).text().split(" ")[0]).get();
    for (const property of ["payload", "control", "soniox"]) assert.ok(inputs.includes(property), `Inputs documents ${property}`);
    const ports = help("h3:contains('Outputs') + ol.node-ports > li");
    assert.strictEqual(ports.length, 2);
    assert.ok(ports.eq(0).text().includes("final_text") && ports.eq(0).text().includes("non_final_text"));
    assert.ok(ports.eq(1).text().includes("utterance"));
    const details = help.root().text();
    for (const fragment of ["paused time", "keepalive", "Sample rate", "Channels", "Idle timeout", "Pacing", "default"]) {
      assert.ok(details.includes(fragment), `Details mention ${fragment}`);
    }
  });
});

describe("icons", function () {
  const icons = ["soniox-transcribe.svg", "soniox-control.svg", "soniox-token-filter.svg", "soniox.svg", "wyoming.svg"];

  it("are referenced icons that exist in dist/nodes/icons", function () {
    assert.ok(fs.existsSync(path.join(nodesDir, "icons", loadEditorFile("soniox-transcribe").definition.icon)));
    assert.ok(fs.existsSync(path.join(nodesDir, "icons", loadEditorFile("soniox-config").definition.icon)));
  });

  for (const icon of icons) {
    it(`${icon} is white on transparent at 2:3`, function () {
      const svg = cheerio.load(readDist("icons", icon), { xmlMode: true })("svg");
      assert.strictEqual(svg.attr("viewBox"), "0 0 40 60");
      assert.ok(svg.children().length > 0);
      const colours = readDist("icons", icon).match(/(?:fill|stroke)="[^"]*"/g);
      for (const colour of colours) {
        assert.ok(/="(#fff|#ffffff|white|none)"/i.test(colour), `${icon}: ${colour} is not white`);
      }
    });
  }
});
