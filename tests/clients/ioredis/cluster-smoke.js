// ioredis's cluster client against a running cluster: node cluster-smoke.js <seed port>
// Checks that the client learns the slot map, that keys spread over every primary, and that it follows ASK during a
// slot migration and MOVED after it. Prints one "ok ..." line per step; any failure exits non-zero with the reason.
'use strict';
const Redis = require('ioredis');

const seedPort = Number(process.argv[2]);
const host = '127.0.0.1';
const keyCount = 600;

function check(condition, message) {
  if (!condition) throw new Error(message);
}

async function ownerOf(direct, slot) {
  for (const [start, end, primary] of await direct[0].cluster('SLOTS')) {
    if (slot >= start && slot <= end) return primary[1];
  }
  throw new Error(`slot ${slot} has no owner`);
}

function stat(info, name) {
  const match = info.match(new RegExp(`^${name}:calls=(\\d+)`, 'm'));
  return match ? Number(match[1]) : 0;
}

async function main() {
  const cluster = new Redis.Cluster([{ host, port: seedPort }], { enableReadyCheck: true, scaleReads: 'master' });
  const direct = [];
  try {
    for (let i = 0; i < keyCount; i++) await cluster.set(`key:${i}`, `value:${i}`);
    for (let i = 0; i < keyCount; i++) check(await cluster.get(`key:${i}`) === `value:${i}`, `key:${i} read back wrong`);
    console.log(`ok wrote and read ${keyCount} keys`);

    const primaries = cluster.nodes('master');
    check(primaries.length >= 3, `the client sees ${primaries.length} primaries`);
    const sizes = [];
    for (const node of primaries) sizes.push(await node.dbsize());
    check(sizes.every(size => size > 0), `keys did not spread over every primary: ${sizes}`);
    check(sizes.reduce((a, b) => a + b, 0) === keyCount, `primaries hold ${sizes} keys, not ${keyCount} in all`);
    console.log(`ok keys spread over ${primaries.length} primaries: ${sizes.join(' ')}`);

    for (const node of primaries) direct.push(new Redis({ host, port: node.options.port, lazyConnect: false }));
    const tagged = Array.from({ length: 10 }, (_, i) => `{moving}:${i}`);
    for (const key of tagged) await cluster.set(key, `before:${key}`);
    const slot = await direct[0].cluster('KEYSLOT', tagged[0]);
    const sourcePort = await ownerOf(direct, slot);
    const source = direct.find(d => d.options.port === sourcePort);
    const target = direct.find(d => d.options.port !== sourcePort);
    const sourceId = await source.cluster('MYID'), targetId = await target.cluster('MYID');

    // Half the slot's keys move; the slot stays MIGRATING/IMPORTING, so the source answers ASK for the moved half.
    check(await target.cluster('SETSLOT', slot, 'IMPORTING', sourceId) === 'OK', 'SETSLOT IMPORTING');
    check(await source.cluster('SETSLOT', slot, 'MIGRATING', targetId) === 'OK', 'SETSLOT MIGRATING');
    check(await source.migrate(host, target.options.port, '', 0, 5000, 'KEYS', ...tagged.slice(0, 5)) === 'OK', 'MIGRATE');
    const askingBefore = stat(await target.info('commandstats'), 'cmdstat_asking');
    for (const key of tagged.slice(0, 5)) check(await cluster.get(key) === `before:${key}`, `${key} not found through ASK`);
    for (const key of tagged.slice(5)) check(await cluster.get(key) === `before:${key}`, `${key} not served by the source`);
    check(await cluster.set('{moving}:new', 'written during the move') === 'OK', 'a new key during the move');
    const askingAfter = stat(await target.info('commandstats'), 'cmdstat_asking');
    // A plain connection must say ASKING too: the importing node does not own the slot yet.
    const [[, asked], [, written]] = await target.pipeline().asking().get('{moving}:new').exec();
    check(asked === 'OK' && written === 'written during the move', 'the new key went to the importing node');
    check(askingAfter - askingBefore >= 6, `the client sent ASKING ${askingAfter - askingBefore} times, expected at least 6`);
    console.log(`ok followed ASK ${askingAfter - askingBefore} times during the migration of slot ${slot}`);

    // The rest moves and the slot is handed over: the client's cached map is stale, so the source answers MOVED.
    check(await source.migrate(host, target.options.port, '', 0, 5000, 'KEYS', ...tagged.slice(5)) === 'OK', 'MIGRATE rest');
    for (const node of direct) check(await node.cluster('SETSLOT', slot, 'NODE', targetId) === 'OK', 'SETSLOT NODE');
    const movedBefore = (await source.info('errorstats')).match(/^errorstat_MOVED:count=(\d+)/m);
    for (const key of tagged) check(await cluster.get(key) === `before:${key}`, `${key} not found after MOVED`);
    const movedAfter = (await source.info('errorstats')).match(/^errorstat_MOVED:count=(\d+)/m);
    const moved = (movedAfter ? Number(movedAfter[1]) : 0) - (movedBefore ? Number(movedBefore[1]) : 0);
    check(moved >= 1, 'the source never answered MOVED');
    check(await target.exists(...tagged) === tagged.length, 'the target holds every moved key');
    check(await source.cluster('COUNTKEYSINSLOT', slot) === 0, 'the source kept keys of the slot');
    console.log(`ok followed MOVED (${moved} redirect(s)) after slot ${slot} moved to ${target.options.port}`);
  } finally {
    for (const d of direct) d.disconnect();
    cluster.disconnect();
  }
}

main().then(() => process.exit(0), error => {
  console.error(`FAILED: ${error && error.stack ? error.stack : error}`);
  process.exit(1);
});
