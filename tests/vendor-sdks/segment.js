// Drives a real Segment-spec client from npm against a running Footfall, through a proxy that answers the client's
// first request with 503 after Footfall has stored it: the client then retries the same messages, as it would after
// a lost answer. Usage: node segment.js <analytics-node|legacy|rudder> <footfallUrl> <writeKey> <runId> <experiment>
// Prints one JSON document: the ids used and every request the proxy saw.
'use strict';
const http = require('http');

function startProxy(target) {
  const requests = [];
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const upstream = http.request(new URL(req.url, target), { method: req.method, headers: { ...req.headers, host: new URL(target).host } }, (answer) => {
        const answerChunks = [];
        answer.on('data', (c) => answerChunks.push(c));
        answer.on('end', () => {
          const text = Buffer.concat(answerChunks).toString('utf8');
          const lost = requests.length === 0;
          requests.push({ path: req.url, encoding: req.headers['content-encoding'] || null, authorization: req.headers.authorization || null,
            bytes: body.length, footfallStatus: answer.statusCode, footfallBody: text, answered: lost ? 503 : answer.statusCode });
          if (lost) {
            res.writeHead(503, { 'content-type': 'application/json' });
            res.end('{"error":"the proxy lost Footfall\'s answer"}');
          } else {
            res.writeHead(answer.statusCode, answer.headers);
            res.end(text);
          }
        });
      });
      upstream.on('error', (e) => { res.writeHead(502); res.end(String(e)); });
      upstream.end(body);
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, requests, url: `http://127.0.0.1:${server.address().port}` })));
}

function messages(run, experiment) {
  const anonymousId = `anon-${run}`;
  const userId = `user-${run}`;
  const sku = `sku-${run}`;
  return {
    anonymousId, userId, sku,
    calls: [
      ['track', { anonymousId, event: 'Product Viewed', properties: { product_id: sku, price: 10, currency: 'EUR' } }],
      ['track', { anonymousId, event: 'Experiment Viewed', properties: { experiment_id: experiment, variation_id: '1' } }],
      ['page', { anonymousId, name: 'Home', properties: { url: 'https://shop.example/', title: 'Shop' } }],
      ['identify', { anonymousId, userId, traits: { plan: 'pro', email: `${run}@example.com` } }],
      ['track', { anonymousId, userId, event: 'Order Completed', properties: { order_id: `order-${run}`, currency: 'EUR',
        products: [{ product_id: sku, price: 10, quantity: 2 }, { product_id: `${sku}-b`, price: 5, quantity: 1 }] } }],
      ['track', { userId, event: 'Signed Up', properties: { plan: 'pro' } }],
      ['group', { userId, groupId: `company-${run}`, traits: { name: 'Acme' } }],
      ['alias', { userId, previousId: `old-${run}` }],
    ],
  };
}

async function runAnalyticsNode(url, writeKey, plan) {
  const { Analytics } = require('@segment/analytics-node');
  // analytics-node builds its URL with new URL(path, host): a path in host would be dropped.
  const analytics = new Analytics({ writeKey, host: url, path: '/segment/v1/batch', flushAt: 100, flushInterval: 60000 });
  const errors = [];
  analytics.on('error', (e) => errors.push(String(e && e.reason ? e.reason : e)));
  for (const [method, message] of plan.calls) analytics[method](message);
  await analytics.closeAndFlush({ timeout: 60000 });
  if (errors.length) throw new Error(`analytics-node reported: ${errors.join('; ')}`);
}

// The legacy and RudderStack clients call each message's callback once its batch is delivered (after retries):
// wait for all of them, not only for flush(), which does not wait for a batch already on its way.
async function sendAll(analytics, plan) {
  const delivered = plan.calls.map(([method, message]) => new Promise((resolve, reject) =>
    analytics[method](message, (error) => (error ? reject(error) : resolve()))));
  await analytics.flush();
  await Promise.all(delivered);
}

async function runLegacy(url, writeKey, plan) {
  const Analytics = require('analytics-node');
  const analytics = new Analytics(writeKey, { host: `${url}/segment`, flushAt: 100, flushInterval: 60000 });
  await sendAll(analytics, plan);
}

async function runRudder(url, writeKey, plan) {
  const Analytics = require('@rudderstack/rudder-sdk-node');
  const analytics = new Analytics(writeKey, { dataPlaneUrl: `${url}/segment`, flushAt: 100, flushInterval: 60000, gzip: true, logLevel: 'error' });
  await sendAll(analytics, plan);
}

async function main() {
  const [client, footfallUrl, writeKey, run, experiment] = process.argv.slice(2);
  if (!client || !footfallUrl || !writeKey || !run || !experiment) {
    throw new Error('usage: node segment.js <analytics-node|legacy|rudder> <footfallUrl> <writeKey> <runId> <experiment>');
  }
  const proxy = await startProxy(footfallUrl);
  const plan = messages(run, experiment);
  try {
    const drive = { 'analytics-node': runAnalyticsNode, legacy: runLegacy, rudder: runRudder }[client];
    if (!drive) throw new Error(`unknown client ${client}`);
    await drive(proxy.url, writeKey, plan);
  } finally {
    proxy.server.close();
  }
  process.stdout.write(JSON.stringify({ anonymousId: plan.anonymousId, userId: plan.userId, sku: plan.sku, requests: proxy.requests }));
}

main().catch((error) => {
  process.stderr.write(`${error && error.stack ? error.stack : error}\n`);
  process.exit(1);
});
