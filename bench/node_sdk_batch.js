// The official One AI Node SDK's runBatch over a JSONL file of texts, as a
// user runs it: async pipelines polled every `interval` seconds, `concurrency`
// at a time. Prints the wall time in seconds.
// Usage: node node_sdk_batch.js BASE_URL INPUT.jsonl CONCURRENCY INTERVAL_S
const fs = require('node:fs');
const { OneAI } = require('oneai');

const [baseURL, input, concurrency, interval] = process.argv.slice(2);
const oneai = new OneAI('bench-key', { baseURL, timeout: 600 });
const texts = fs.readFileSync(input, 'utf8').split('\n').filter((l) => l.trim())
  .map((l) => { const v = JSON.parse(l); return typeof v === 'string' ? v : v.text; });

(async () => {
  const pipeline = new oneai.Pipeline(oneai.skills.summarize());
  const started = process.hrtime.bigint();
  const { outputs, errors } = await pipeline.runBatch(texts, {
    sync: false, interval: Number(interval), maxConcurrentRequests: Number(concurrency),
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (errors.length) console.error(`${errors.length} errors`);
  console.log(`${seconds.toFixed(2)} ${outputs.length}`);
})();
