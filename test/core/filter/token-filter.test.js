"use strict";
const assert = require("assert");
const { TokenFilter } = require("../../../dist/core/filter/token-filter");
const { DEFAULT_SELECTION } = require("../../../dist/core/filter/selection");
const { responses } = require("../../fixtures/tokens/load");

/** Runs a whole fixture through a fresh filter and returns [port, payload] per output. */
function run(fixture, options, stream = "s1") {
  const filter = new TokenFilter(options);
  const outputs = responses(fixture).flatMap((r) => filter.push(stream, r.tokens, r.finished === true).outputs);
  return { filter, outputs, pairs: outputs.map((o) => [o.port, o.payload]) };
}

function sel(overrides) {
  return { ...DEFAULT_SELECTION, ...overrides };
}

const p0 = (...payloads) => payloads.map((p) => [0, p]);

// One row per mode × selector combination: fixture, options, expected [port, payload] sequence.
const TABLE = [
  // text mode × finality
  {
    name: "text, final only: the final text each response adds",
    fixture: "endpoint-revisions",
    options: { mode: "text" },
    expected: p0("How", " are you", " doing?", " Fine,", " thanks."),
  },
  {
    name: "text, non-final only: each response's provisional tail, revisions included",
    fixture: "endpoint-revisions",
    options: { mode: "text", selection: sel({ finality: "non_final" }) },
    expected: p0("How are", " are you do", " doing?", " Fine", " thanks"),
  },
  {
    name: "text, both: final then non-final text of each response",
    fixture: "endpoint-revisions",
    options: { mode: "text", selection: sel({ finality: "both" }) },
    expected: p0("How are", "How are you do", " are you doing?", " doing?", " Fine", " Fine, thanks", " thanks."),
  },
  {
    // The marker setting is shown for tokens mode only: text is what was said, markers are not.
    name: "text: no <end>/<fin> in the text even when dropMarkers is off",
    fixture: "multi-fin",
    options: { mode: "text", selection: sel({ dropMarkers: false }) },
    expected: p0("Turn on the lights", " please."),
  },
  // selectors
  {
    name: "minimum confidence drops tokens below it",
    fixture: "endpoint-revisions",
    options: { mode: "text", selection: sel({ minConfidence: 0.9 }) },
    expected: p0("How", " are you", " doing?", ",", "."),
  },
  {
    name: "speakers keep only the listed speakers",
    fixture: "speakers-languages",
    options: { mode: "text", selection: sel({ speakers: ["2"] }) },
    expected: p0(" Hi there, hola.", " Thanks!"),
  },
  {
    name: "languages keep only the listed languages",
    fixture: "speakers-languages",
    options: { mode: "text", selection: sel({ languages: ["es"] }) },
    expected: p0(" hola"),
  },
  {
    name: "translation status spoken: originals and untranslated speech",
    fixture: "translation-two-way",
    options: { mode: "text", selection: sel({ translation: "spoken" }) },
    expected: p0("Hello everyone,", " thank you.", " Guten", " Morgen merci"),
  },
  {
    name: "translation status original",
    fixture: "translation-two-way",
    options: { mode: "text", selection: sel({ translation: "original" }) },
    expected: p0("Hello everyone,", " thank you.", " Guten", " Morgen"),
  },
  {
    name: "translation status translation",
    fixture: "translation-two-way",
    options: { mode: "text", selection: sel({ translation: "translation" }) },
    expected: p0("Hallo zusammen,", " danke.", " Good morning"),
  },
  {
    name: "translation status none: speech in a third language",
    fixture: "translation-two-way",
    options: { mode: "text", selection: sel({ translation: "none" }) },
    expected: p0(" merci"),
  },
  {
    name: "language selector applies to translated tokens too (target language)",
    fixture: "translation-two-way",
    options: { mode: "text", selection: sel({ languages: ["de"] }) },
    expected: p0("Hallo zusammen,", " danke.", " Guten", " Morgen"),
  },
  {
    name: "split translation: spoken text on port 0, translated on port 1, interleaved as received",
    fixture: "translation-two-way",
    options: { mode: "text", splitTranslation: true },
    expected: [
      [0, "Hello everyone,"],
      [1, "Hallo zusammen,"],
      [0, " thank you."],
      [1, " danke."],
      [0, " Guten"],
      [0, " Morgen merci"],
      [1, " Good morning"],
    ],
  },
  // tokens mode
  {
    name: "tokens: one message per kept final token, markers dropped",
    fixture: "multi-fin",
    options: { mode: "tokens" },
    expected: p0("Turn", " on", " the", " lights", " please", "."),
  },
  {
    name: "tokens: markers kept when dropMarkers is off, every <fin> of one response included",
    fixture: "multi-fin",
    options: { mode: "tokens", selection: sel({ dropMarkers: false }) },
    expected: p0("Turn", " on", "<fin>", " the", " lights", "<fin>", "<fin>", " please", ".", "<fin>"),
  },
  {
    name: "tokens: non-final only",
    fixture: "multi-fin",
    options: { mode: "tokens", selection: sel({ finality: "non_final" }) },
    expected: p0("Turn", " on", " please"),
  },
  // caption mode
  {
    name: "caption: final so far plus the current non-final tail, sent only when it changes",
    fixture: "endpoint-revisions",
    options: { mode: "caption", selection: sel({ finality: "both" }) },
    expected: p0(
      "How are",
      "How are you do",
      "How are you doing?",
      "How are you doing?",
      "How are you doing? Fine",
      "How are you doing? Fine, thanks",
      "How are you doing? Fine, thanks.",
    ),
  },
  {
    name: "caption: bounded, cut at word boundaries",
    fixture: "endpoint-revisions",
    options: { mode: "caption", captionMaxChars: 12, selection: sel({ finality: "both" }) },
    expected: p0("How are", "How are you do", "How are you doing?", "you doing?", "you doing? Fine", "doing? Fine, thanks", "thanks."),
  },
  // utterance mode
  {
    name: "utterance: one message per segment (<end>, then finished)",
    fixture: "endpoint-revisions",
    options: { mode: "utterance" },
    expected: p0("How are you doing?", "Fine, thanks."),
  },
  {
    name: "utterance: several <fin> in one response give several utterances",
    fixture: "multi-fin",
    options: { mode: "utterance" },
    expected: p0("Turn on", "the lights", "please."),
  },
  {
    name: "utterance ignores the finality and marker selectors (it needs both)",
    fixture: "multi-fin",
    options: { mode: "utterance", selection: sel({ finality: "non_final", dropMarkers: true }) },
    expected: p0("Turn on", "the lights", "please."),
  },
  {
    name: "utterance with a speaker selector: only that speaker's words",
    fixture: "endpoint-revisions",
    options: { mode: "utterance", selection: sel({ speakers: ["2"] }) },
    expected: p0("Fine, thanks."),
  },
  {
    name: "utterance, split translation: text on port 0, translation on port 1",
    fixture: "translation-two-way",
    options: { mode: "utterance", splitTranslation: true },
    expected: [
      [0, "Hello everyone, thank you."],
      [1, "Hallo zusammen, danke."],
      [0, "Guten Morgen merci"],
      [1, "Good morning"],
    ],
  },
  {
    name: "utterance keeping only translations: the payload is the translation",
    fixture: "translation-two-way",
    options: { mode: "utterance", selection: sel({ translation: "translation" }) },
    expected: p0("Hallo zusammen, danke.", "Good morning"),
  },
  // speaker turns
  {
    name: "turns: the finished turn each time the speaker changes, the last at finished",
    fixture: "speakers-languages",
    options: { mode: "turns" },
    expected: p0("Good morning.", "Hi there, hola.", "I need a table.", "Thanks!"),
  },
  // phrase trigger
  {
    name: "phrase: case- and punctuation-tolerant whole-word match on final utterances only",
    fixture: "phrase-commands",
    options: {
      mode: "phrase",
      phrases: ["Turn on the kitchen lights", "turn off the kitchen lights", "what time", "everything"],
    },
    expected: p0("Turn on the kitchen lights", "what time", "turn off the kitchen lights"),
  },
  {
    name: "phrase: regular expression, reports the matched text",
    fixture: "phrase-commands",
    options: { mode: "phrase", phraseRegex: "turn (on|off) the (\\w+) lights" },
    expected: p0("turn on the kitchen lights", "turn off the kitchen lights"),
  },
];

describe("TokenFilter (table)", function () {
  for (const row of TABLE) {
    it(row.name, function () {
      assert.deepStrictEqual(run(row.fixture, row.options).pairs, row.expected);
    });
  }
});

describe("TokenFilter details", function () {
  it("text mode leaves markers out of msg.tokens too, even when dropMarkers is off", function () {
    const { outputs } = run("multi-fin", { mode: "text", selection: sel({ dropMarkers: false }) });
    assert.deepStrictEqual(
      outputs.map((o) => o.tokens.map((t) => t.text)),
      [["Turn", " on", " the", " lights"], [" please", "."]],
    );
  });

  it("text mode carries the kept tokens and the final / non-final split", function () {
    const { outputs } = run("endpoint-revisions", { mode: "text", selection: sel({ finality: "both" }) });
    assert.deepStrictEqual(outputs[1].text, { final: "How", non_final: " are you do" });
    assert.deepStrictEqual(
      outputs[1].tokens.map((t) => t.text),
      ["How", " are", " you", " do"],
    );
  });

  it("caption mode gives final and non-final separately for styling", function () {
    const { outputs } = run("endpoint-revisions", { mode: "caption", selection: sel({ finality: "both" }) });
    assert.deepStrictEqual(outputs[4].caption, {
      final: "How are you doing?",
      non_final: " Fine",
      text: "How are you doing? Fine",
    });
    assert.deepStrictEqual(outputs[0].caption, { final: "", non_final: "How are", text: "How are" });
  });

  it("utterance mode carries speaker, language, times, mean confidence and tokens", function () {
    const { outputs } = run("endpoint-revisions", { mode: "utterance" });
    const u = outputs[1].utterance;
    assert.strictEqual(u.speaker, "2");
    assert.strictEqual(u.language, "en");
    assert.strictEqual(u.start_ms, 2100);
    assert.strictEqual(u.end_ms, 2820);
    assert.strictEqual(u.reason, "finished");
    assert.ok(Math.abs(u.confidence - (0.89 + 0.92 + 0.86 + 0.97) / 4) < 1e-12);
    assert.strictEqual(u.tokens.length, 4);
  });

  it("turns name the speaker, who takes over, and the time span", function () {
    const { outputs } = run("speakers-languages", { mode: "turns" });
    assert.deepStrictEqual(
      outputs.map((o) => [o.turn.speaker, o.turn.next_speaker, o.turn.start_ms, o.turn.end_ms]),
      [
        ["1", "2", 0, 620],
        ["2", "1", 1000, 1920],
        ["1", "2", 2500, 3220],
        ["2", null, 3600, 3920],
      ],
    );
  });

  it("phrase matches carry the regex groups, the phrase index and the utterance", function () {
    const { outputs } = run("phrase-commands", { mode: "phrase", phrases: ["what time"], phraseRegex: "turn (on|off) the (\\w+) lights" });
    assert.deepStrictEqual(outputs[0].match, {
      phrase: "turn on the kitchen lights",
      index: -1,
      groups: ["on", "kitchen"],
      normalized: "okay turn on the kitchen lights please",
    });
    assert.strictEqual(outputs[0].utterance.text, "Okay, turn on the Kitchen-lights, please.");
    assert.strictEqual(outputs[1].match.index, 0);
  });

  it("keeps state per stream and frees it when the stream finishes", function () {
    const filter = new TokenFilter({ mode: "utterance" });
    filter.push("a", [{ text: "alpha", is_final: true }], false);
    filter.push("b", [{ text: "beta", is_final: true }], false);
    assert.strictEqual(filter.streamCount, 2);
    const a = filter.push("a", [{ text: "<end>", is_final: true }], false).outputs;
    assert.deepStrictEqual(
      a.map((o) => o.payload),
      ["alpha"],
    );
    const b = filter.push("b", [], true).outputs;
    assert.deepStrictEqual(
      b.map((o) => o.payload),
      ["beta"],
    );
    assert.strictEqual(filter.streamCount, 1);
  });

  it("answers a response that yields nothing with one shared, frozen result, and still emits from the next", function () {
    const filter = new TokenFilter({ mode: "text" });
    const provisional = [{ text: "Hel", is_final: false }];
    const first = filter.push("a", provisional, false);
    const second = filter.push("b", provisional, false);
    assert.deepStrictEqual(first, { outputs: [], evicted: null });
    assert.strictEqual(second, first, "no result, outputs or kept-tokens array made per such response");
    assert.ok(Object.isFrozen(first) && Object.isFrozen(first.outputs), "a caller cannot change what every stream shares");
    const next = filter.push("a", [{ text: "Hello", is_final: true }, { text: " wor", is_final: false }], false);
    assert.deepStrictEqual(next.outputs.map((o) => [o.payload, o.text.final]), [["Hello", "Hello"]]);
    assert.deepStrictEqual(filter.push("a", provisional, false).outputs, []);
  });

  it("forgets the least recently used stream past maxStreams and says which", function () {
    const filter = new TokenFilter({ mode: "utterance", maxStreams: 2 });
    filter.push("a", [{ text: "alpha", is_final: true }], false);
    filter.push("b", [{ text: "beta", is_final: true }], false);
    filter.push("a", [], false);
    const r = filter.push("c", [], false);
    assert.strictEqual(r.evicted, "b");
    assert.strictEqual(filter.streamCount, 2);
    assert.deepStrictEqual(
      filter.push("b", [], true).outputs,
      [],
    );
  });

  it("rejects bad options with messages that name them", function () {
    assert.throws(() => new TokenFilter({ mode: "nope" }), /Unknown output mode "nope"/);
    assert.throws(() => new TokenFilter({ mode: "phrase" }), /at least one phrase or a regular expression/);
    assert.throws(() => new TokenFilter({ mode: "phrase", phraseRegex: "(" }), /Phrase regular expression \/\(\/ is invalid/);
    assert.throws(() => new TokenFilter({ mode: "caption", captionMaxChars: 0 }), /Caption length/);
    assert.throws(() => new TokenFilter({ maxStreams: 0 }), /Max streams/);
    assert.throws(() => new TokenFilter({ selection: sel({ minConfidence: 2 }) }), /Minimum confidence/);
  });
});

describe("PhraseMatcher", function () {
  const { PhraseMatcher, normalizeForMatch } = require("../../../dist/core/filter/phrase-matcher");

  it("normalises case and punctuation, keeping letters of any script", function () {
    assert.strictEqual(normalizeForMatch("  Ça va?! Très-bien… 42 "), "ça va très bien 42");
  });

  it("matches whole words only", function () {
    const m = new PhraseMatcher(["on"]);
    assert.deepStrictEqual(m.match("Number one"), []);
    assert.strictEqual(m.match("Lights on.").length, 1);
  });

  it("fires once for a phrase listed twice in different spellings", function () {
    const m = new PhraseMatcher(["Lights on", "lights ON!"]);
    assert.strictEqual(m.match("lights on").length, 1);
  });
});

describe("filterOptionsFromSettings (editor values)", function () {
  const { filterOptionsFromSettings } = require("../../../dist/core/filter/config");

  it("turns blanks into defaults and lists into arrays", function () {
    const o = filterOptionsFromSettings({
      mode: "phrase",
      finality: "",
      speakers: " 1, 2 ,",
      languages: "",
      minConfidence: "",
      captionMaxChars: "",
      phrases: "lights on\r\nlights off",
      maxStreams: "5",
    });
    assert.strictEqual(o.mode, "phrase");
    assert.deepStrictEqual(o.selection, {
      finality: "final",
      dropMarkers: true,
      speakers: ["1", "2"],
      languages: [],
      minConfidence: 0,
      translation: "any",
    });
    assert.deepStrictEqual(o.phrases, ["lights on", "lights off"]);
    assert.strictEqual(o.captionMaxChars, 200);
    assert.strictEqual(o.maxStreams, 5);
    assert.strictEqual(new TokenFilter(o).streamCount, 0);
  });

  it("names a setting that is not one the editor offers", function () {
    assert.throws(() => filterOptionsFromSettings({ finality: "later" }), /Unknown token finality "later"/);
    assert.throws(() => filterOptionsFromSettings({ translation: "xx" }), /Unknown translation status "xx"/);
    assert.throws(() => new TokenFilter(filterOptionsFromSettings({ maxStreams: "many" })), /Max streams/);
  });
});
