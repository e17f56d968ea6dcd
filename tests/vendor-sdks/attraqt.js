// Drives the real @attraqt/activity SDK against a running Footfall. The SDK's URL is fixed to Attraqt's host,
// but init(options, httpClient) takes the HTTP client: this one sends to {footfall}/collect/{projectId}.
// Usage: node attraqt.js <footfallUrl> <projectId> <customerId>
// Prints one JSON document to stdout: the activities sent and Footfall's answers.
'use strict';
const { Activity } = require('@attraqt/activity');

async function main() {
  const [url, projectId, customerId] = process.argv.slice(2);
  if (!url || !projectId || !customerId) {
    throw new Error('usage: node attraqt.js <footfallUrl> <projectId> <customerId>');
  }
  const requests = [];
  const httpClient = {
    async send(request) {
      if (!request.url.endsWith(`/${projectId}`)) throw new Error(`unexpected SDK url ${request.url}`);
      requests.push(JSON.parse(request.body));
      const response = await fetch(`${url}/collect/${encodeURIComponent(projectId)}`, {
        method: request.method,
        headers: request.headers,
        body: request.body,
      });
      const text = await response.text();
      return { status: response.status, body: text ? JSON.parse(text) : null };
    },
  };
  const activity = new Activity();
  activity.init({ trackerKey: projectId }, httpClient);
  activity.setUser({ identities: { customerId }, segments: ['vip'], traits: { tier: 'gold' } });
  const sent = [
    { action: 'view', target: { product: 'sku-1' }, metadata: { price: 19.99, currency: 'EUR' } },
    { action: 'view', target: { category: 'shoes' } },
    { action: 'click', target: { product: 'sku-2' }, sourceId: 'resp-42' },
    { action: 'add-to-cart', target: { product: 'sku-1' }, metadata: { price: 19.99, quantity: 2, currency: 'EUR' } },
    { action: 'add-to-cart', target: { product: 'sku-1' }, opposite: true, metadata: { quantity: 1 } },
    [
      { action: 'purchase', target: { product: 'sku-1' }, metadata: { price: 19.99, quantity: 1, currency: 'EUR', orderId: 'o-1', market: 'de' } },
      { action: 'newsletter-signup', target: { page: 'footer' } },
    ],
  ];
  const answers = [];
  for (const payload of sent) {
    const answer = await activity.send(payload);
    if (answer.status !== 200) throw new Error(`Footfall answered ${answer.status}: ${JSON.stringify(answer.body)}`);
    answers.push(answer.body);
  }
  process.stdout.write(JSON.stringify({ requests, answers }));
}

main().catch((error) => {
  process.stderr.write(`${error && error.stack ? error.stack : error}\n`);
  process.exit(1);
});
