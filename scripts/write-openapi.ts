// Writes openapi.json from the route schemas. A test compares the committed file with what the
// server serves, so a stale document fails the suite.
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock } from '../src/lib/clock.ts';
import { Store } from '../src/store/database.ts';
import { buildApp } from '../src/http/build-app.ts';

const dir = mkdtempSync(join(tmpdir(), 'portline-openapi-'));
const store = await Store.open({ url: join(dir, 'openapi.db') });
const app = await buildApp(
  {
    store,
    clock: systemClock,
    listeners: [],
    settings: { portDateRules: { minBusinessDaysAhead: 2, maxCalendarDaysAhead: 30 }, allowPrivateWebhooks: false, rejectedExpiryBusinessDays: 10, secretKey: 'unused' },
  },
  { bodyLimitBytes: 1024 * 1024, operatorToken: undefined, logger: false },
);
await app.ready();
writeFileSync('openapi.json', `${JSON.stringify(app.swagger(), null, 2)}\n`);
await app.close();
await store.close();
rmSync(dir, { recursive: true, force: true });
console.log('wrote openapi.json');
