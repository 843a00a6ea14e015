// ioredis logging in as an ACL user: node acl-auth.js <port>
// The server has user "app" (password "pw", keys app:*, every command but the @dangerous ones). Checks that ioredis
// authenticates with a username, that allowed commands run, and that a refused key and command come back as NOPERM
// errors. Prints one "ok ..." line per step; any failure exits non-zero with the reason.
'use strict';
const Redis = require('ioredis');

const port = Number(process.argv[2]);

function check(condition, message) {
  if (!condition) throw new Error(message);
}

async function refused(promise) {
  try {
    await promise;
  } catch (e) {
    return e.message;
  }
  throw new Error('expected a refusal');
}

async function main() {
  for (const protocol of [2, 3]) {
    const options = { host: '127.0.0.1', port, username: 'app', password: 'pw', lazyConnect: true, maxRetriesPerRequest: 0 };
    const client = new Redis(options);
    try {
      await client.connect();
      if (protocol === 3) await client.call('HELLO', '3', 'AUTH', 'app', 'pw');
      check((await client.call('ACL', 'WHOAMI')) === 'app', 'ACL WHOAMI is app');
      await client.set('app:k', 'v');
      check((await client.get('app:k')) === 'v', 'GET app:k');
      const keyError = await refused(client.get('other'));
      check(keyError.startsWith('NOPERM this user has no permissions to access one of the keys'), keyError);
      const commandError = await refused(client.flushall());
      check(commandError === "NOPERM this user has no permissions to run the 'flushall' command", commandError);
      console.log(`ok resp${protocol} user app`);
    } finally {
      client.disconnect();
    }
  }
  const wrong = new Redis({ host: '127.0.0.1', port, username: 'app', password: 'nope', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  const seen = [];
  wrong.on('error', (e) => seen.push(e.message));
  await refused(wrong.connect());
  wrong.disconnect();
  check(seen.some((m) => m.startsWith('WRONGPASS invalid username-password pair')), `errors: ${seen.join('; ')}`);
  console.log('ok wrong password refused');
}

main().then(() => process.exit(0), (e) => {
  console.error('FAILED:', e.message);
  process.exit(1);
});
