// The official One AI Node SDK, unchanged but for its baseURL, against the
// emulator: a sync run, an async run with polling, a file upload and runBatch.
// Prints one line per check and "N passed, N failed" at the end.
'use strict';
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { OneAI } = require('oneai');

const [baseURL, workDir] = process.argv.slice(2);
const oneai = new OneAI('compat-test-key', { baseURL, timeout: 30 });

// The SDK logs progress and errors to the console; keep our report readable.
const quiet = (fn) => async () => {
  const saved = [console.log, console.error, process.stdout.write];
  console.log = console.error = () => {};
  process.stdout.write = () => true;
  try { return await fn(); } finally { [console.log, console.error, process.stdout.write] = saved; }
};

const text = 'Maria Lopez met the board in London on Tuesday. The team will publish the full report next week. ' +
  'Revenue grew by 12 percent, and customers were delighted with the great service.';

function expectLabels(labels, skill) {
  assert.ok(Array.isArray(labels), `${skill}: labels array`);
  assert.ok(labels.length > 0, `${skill}: at least one label`);
  for (const l of labels) {
    assert.equal(l.skill, skill);
    if (l.span) assert.equal(typeof l.spanText, 'string');
  }
}

function makeWav(seconds) {
  const rate = 8000, bytes = seconds * rate * 2, b = Buffer.alloc(44 + bytes);
  b.write('RIFF', 0); b.writeUInt32LE(36 + bytes, 4); b.write('WAVEfmt ', 8);
  b.writeUInt32LE(16, 16); b.writeUInt16LE(1, 20); b.writeUInt16LE(1, 22);
  b.writeUInt32LE(rate, 24); b.writeUInt32LE(rate * 2, 28); b.writeUInt16LE(2, 32); b.writeUInt16LE(16, 34);
  b.write('data', 36); b.writeUInt32LE(bytes, 40);
  return b;
}

const checks = {
  'sync run: summary text and labels': quiet(async () => {
    const pipeline = new oneai.Pipeline(oneai.skills.names(), oneai.skills.summarize(), oneai.skills.keywords());
    const output = await pipeline.run(text);
    assert.equal(output.text, text);
    expectLabels(output.names, 'names');
    assert.equal(typeof output.summary.text, 'string');
    assert.ok(output.summary.text.length > 0, 'summary text present');
    expectLabels(output.summary.keywords, 'keywords');
    assert.match(output.requestId, /^[0-9a-f-]{36}$/);
  }),
  'async run with polling: generator first': quiet(async () => {
    const pipeline = new oneai.Pipeline(oneai.skills.summarize(), oneai.skills.names());
    const output = await pipeline.run(text, { sync: false, interval: 0.05 });
    assert.equal(output.text, text, 'original text read from the top-level input');
    assert.ok(output.summary.text.length > 0, 'summary text present');
    expectLabels(output.summary.names, 'names');
  }),
  'async run: conversation input': quiet(async () => {
    const conversation = [
      { speaker: 'John', utterance: 'We should schedule a call with Maria Lopez.', timestamp: '0:00' },
      { speaker: 'Ann', utterance: 'I am delighted, let us do it on Friday.', timestamp: '0:05' },
    ];
    const pipeline = new oneai.Pipeline(oneai.skills.actionItems(), oneai.skills.emotions());
    const output = await pipeline.run(conversation, { sync: false, interval: 0.05 });
    assert.ok(Array.isArray(output.text) && output.text.length === 2, 'utterances');
    expectLabels(output.actionItems, 'action-items');
    expectLabels(output.emotions, 'emotions');
  }),
  'file upload: async/file with transcription': quiet(async () => {
    const file = path.join(workDir, 'compat-recording.wav');
    fs.writeFileSync(file, makeWav(12));
    const pipeline = new oneai.Pipeline(oneai.skills.transcribe(), oneai.skills.summarize());
    const output = await pipeline.runFile(file, { interval: 0.05 });
    assert.ok(Array.isArray(output.transcription.text), 'transcript utterances');
    assert.ok(output.transcription.text.length >= 2);
    assert.equal(typeof output.transcription.text[0].speaker, 'string');
    assert.ok(output.transcription.summary.text.length > 0, 'summary of the transcript');
  }),
  'runBatch: 100 inputs, 10 concurrent': quiet(async () => {
    const inputs = Array.from({ length: 100 }, (_, i) =>
      `Report ${i}: the team in Paris will ship release ${i} next week. Customers were happy with the great results.`);
    const pipeline = new oneai.Pipeline(oneai.skills.summarize(), oneai.skills.keywords());
    const { outputs, errors } = await pipeline.runBatch(inputs, { maxConcurrentRequests: 10 });
    assert.equal(errors.length, 0, `no errors (${errors.map((e) => e.error && e.error.message)})`);
    assert.equal(outputs.length, 100);
    assert.deepEqual(outputs.map((o) => o.index).sort((a, b) => a - b), [...Array(100).keys()]);
    for (const { input, output } of outputs) {
      assert.equal(output.text, input);
      assert.ok(output.summary.text.length > 0);
      expectLabels(output.summary.keywords, 'keywords');
    }
  }),
};

(async () => {
  let passed = 0, failed = 0;
  for (const [name, check] of Object.entries(checks)) {
    try {
      await check();
      passed++;
      console.log(`ok   ${name}`);
    } catch (e) {
      failed++;
      console.log(`FAIL ${name}: ${e && e.stack ? e.stack : e}`);
    }
  }
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed === 0 ? 0 : 1);
})();
