// Drives the real @contentstack/personalize-edge-sdk against a running Footfall.
// Usage: node personalize.js <footfallUrl> <projectId> <users> <experienceShortUid> <eventKey>
// Prints one JSON document to stdout describing exactly what was sent, so the caller can check the results.
'use strict';
const Personalize = require('@contentstack/personalize-edge-sdk');

async function main() {
  const [url, projectId, usersText, experience, eventKey] = process.argv.slice(2);
  if (!url || !projectId || !usersText || !experience || !eventKey) {
    throw new Error('usage: node personalize.js <footfallUrl> <projectId> <users> <experienceShortUid> <eventKey>');
  }
  Personalize.setEdgeApiUrl(`${url}/personalize`);
  const users = [];
  // init keeps module-level state in Node, so users are initialised one after another.
  for (let i = 0; i < Number(usersText); i++) {
    const sdk = await Personalize.init(projectId);
    const uid = sdk.getUserId();
    if (!uid) throw new Error('the manifest answer carried no user uid');
    const experiences = sdk.getExperiences();
    const aliases = sdk.getVariantAliases();
    const variant = sdk.getActiveVariant(experience);
    // Both ways of sending an impression; impressions are unique per person, so this is one impression.
    await sdk.triggerImpression(experience);
    await sdk.triggerImpressions({ aliases });
    const converted = i % 3 !== 0;
    if (converted) {
      await sdk.triggerEvent(eventKey);
    }
    await sdk.set({ plan: 'anonymous-plan', visits: i });
    let finalUid = uid;
    if (i % 4 === 1) {
      // A visitor who signs in: the anonymous uid is merged into the customer's, then events go by the new uid.
      finalUid = `customer-${i}-${uid.slice(0, 6)}`;
      await sdk.setUserId(finalUid, { preserveUserAttributes: true });
      await sdk.triggerEvent('signed_in');
    }
    users.push({ uid, finalUid, variant, experiences, aliases, converted });
  }
  process.stdout.write(JSON.stringify({ users }));
}

main().catch((error) => {
  process.stderr.write(`${error && error.stack ? error.stack : error}\n`);
  process.exit(1);
});
