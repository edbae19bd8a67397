import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Webhook } from 'standardwebhooks';
import { generateWebhookSecret, signatureFor, webhookHeaders } from '../../src/domain/webhook-signing.ts';

// The independent verifier rejects timestamps more than 5 minutes from its own clock, so sign "now".
const nowSec = (): number => Math.floor(Date.now() / 1000);
const body = JSON.stringify({ Action: 'Webhook', Event: 'Porting.StatusChanged', EventId: 'evt_1', Sequence: 3 });

test('generateWebhookSecret: whsec_ + base64 of 32 random bytes, different each time', () => {
  const a = generateWebhookSecret();
  const b = generateWebhookSecret();
  assert.match(a, /^whsec_[A-Za-z0-9+/]{43}=$/);
  assert.equal(Buffer.from(a.slice('whsec_'.length), 'base64').length, 32);
  assert.notEqual(a, b);
});

test('signatureFor matches the Standard Webhooks published test vector', () => {
  const sig = signatureFor(
    'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
    'msg_p5jXN8AQM9LWM0D4loKWxJek',
    1614265330,
    '{"test": 2432232314}',
  );
  assert.equal(sig, 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
});

test('signatureFor agrees with the standardwebhooks library sign()', () => {
  const secret = generateWebhookSecret();
  const ts = 1_700_000_000;
  assert.equal(signatureFor(secret, 'evt_1', ts, body), new Webhook(secret).sign('evt_1', new Date(ts * 1000), body));
});

test('signatureFor rejects malformed secrets and non-integer timestamps', () => {
  assert.throws(() => signatureFor('MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'id', 1, body), TypeError);
  assert.throws(() => signatureFor('whsec_', 'id', 1, body), TypeError);
  assert.throws(() => signatureFor('whsec_not base64!', 'id', 1, body), TypeError);
  assert.throws(() => signatureFor(generateWebhookSecret(), 'id', 1.5, body), RangeError);
});

test('webhookHeaders: id, timestamp, one signature per secret, JSON content type', () => {
  const s1 = generateWebhookSecret();
  const s2 = generateWebhookSecret();
  const h = webhookHeaders([s1, s2], 'evt_9', 1_700_000_000, body);
  assert.deepEqual(Object.keys(h).sort(), ['content-type', 'webhook-id', 'webhook-signature', 'webhook-timestamp']);
  assert.equal(h['webhook-id'], 'evt_9');
  assert.equal(h['webhook-timestamp'], '1700000000');
  assert.equal(h['content-type'], 'application/json');
  assert.equal(
    h['webhook-signature'],
    `${signatureFor(s1, 'evt_9', 1_700_000_000, body)} ${signatureFor(s2, 'evt_9', 1_700_000_000, body)}`,
  );
  assert.throws(() => webhookHeaders([], 'evt_9', 1_700_000_000, body), RangeError);
});

test('during rotation, standardwebhooks verifies with either the old or the new secret', () => {
  const oldSecret = generateWebhookSecret();
  const newSecret = generateWebhookSecret();
  const headers = webhookHeaders([oldSecret, newSecret], 'evt_2', nowSec(), body);
  assert.deepEqual(new Webhook(oldSecret).verify(body, headers), JSON.parse(body));
  assert.deepEqual(new Webhook(newSecret).verify(body, headers), JSON.parse(body));
});

test('standardwebhooks rejects a tampered body', () => {
  const secret = generateWebhookSecret();
  const headers = webhookHeaders([secret], 'evt_3', nowSec(), body);
  const tampered = body.replace('"Sequence":3', '"Sequence":4');
  assert.notEqual(tampered, body);
  assert.throws(() => new Webhook(secret).verify(tampered, headers), /No matching signature/);
});

test('standardwebhooks rejects a signature made with another secret', () => {
  const headers = webhookHeaders([generateWebhookSecret(), generateWebhookSecret()], 'evt_4', nowSec(), body);
  assert.throws(() => new Webhook(generateWebhookSecret()).verify(body, headers), /No matching signature/);
});

test('standardwebhooks rejects a changed webhook-id (the id is signed)', () => {
  const secret = generateWebhookSecret();
  const headers = { ...webhookHeaders([secret], 'evt_5', nowSec(), body), 'webhook-id': 'evt_6' };
  assert.throws(() => new Webhook(secret).verify(body, headers), /No matching signature/);
});
