import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createFlow, createProperty } from '../../src/app/accounts.ts';
import { seedExample, startTestApp, uniqueNumber } from '../support/test-app.ts';
import { assertFieldErrors, assertResponseStatus } from '../support/error-assertions.ts';

describe('POST /v2/Properties/{PropertySid}/Porting — validation errors', async () => {
  const t = await startTestApp();
  const tenant = await t.tenant();
  const submit = (body: unknown, headers: Record<string, string> = {}) =>
    t.as(tenant, { method: 'POST', url: `/v2/Properties/${tenant.propertySid}/Porting`, payload: body as object, headers });
  /** Submits a raw JSON text (for bodies `app.inject` would not serialise as JSON). */
  const submitRaw = (json: string) =>
    t.as(tenant, { method: 'POST', url: `/v2/Properties/${tenant.propertySid}/Porting`, payload: json, headers: { 'content-type': 'application/json' } });
  /** The seed example with one number entry changed. */
  const withNumber = (entry: Record<string, unknown>) => seedExample({ PortingNumbers: [{ Number: uniqueNumber(), ...entry }] });
  const storedRequests = async () =>
    Number((await t.ctx.store.db.selectFrom('porting_requests').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

  describe('PortingNumbers', () => {
    it('missing → 400 PARAMETER_REQUIRED', async () => {
      const body = seedExample();
      delete body.PortingNumbers;
      assertFieldErrors(await submit(body), 400, 'PARAMETER_REQUIRED', [['PARAMETER_REQUIRED', 'PortingNumbers']]);
    });

    it('empty array → 400 PARAMETER_REQUIRED', async () => {
      assertFieldErrors(await submit(seedExample({ PortingNumbers: [] })), 400, 'PARAMETER_REQUIRED', [['PARAMETER_REQUIRED', 'PortingNumbers']]);
    });

    it('not an array (a string, an object) → 400 PARAMETER_INVALID', async () => {
      assertFieldErrors(await submit(seedExample({ PortingNumbers: '+61288888888' })), 400, 'PARAMETER_INVALID', [['PARAMETER_INVALID', 'PortingNumbers']]);
      assertFieldErrors(await submit(seedExample({ PortingNumbers: { Number: '+61288888888' } })), 400, 'PARAMETER_INVALID', [['PARAMETER_INVALID', 'PortingNumbers']]);
    });

    it('an item that is not an object → 400 PARAMETER_INVALID on that item', async () => {
      const res = await submit(seedExample({ PortingNumbers: [{ Number: uniqueNumber() }, '+61288888888'] }));
      assertFieldErrors(res, 400, 'PARAMETER_INVALID', [['PARAMETER_INVALID', 'PortingNumbers[1]']]);
    });

    it('101 items → 400 PARAMETER_INVALID, and nothing is stored', async () => {
      const before = await storedRequests();
      const numbers = Array.from({ length: 101 }, () => ({ Number: uniqueNumber() }));
      assertFieldErrors(await submit(seedExample({ PortingNumbers: numbers })), 400, 'PARAMETER_INVALID', [['PARAMETER_INVALID', 'PortingNumbers']]);
      assert.equal(await storedRequests(), before);
    });
  });

  describe('Number', () => {
    it('missing → 400 PARAMETER_REQUIRED', async () => {
      const res = await submit(seedExample({ PortingNumbers: [{ PortType: 'Cat-A' }] }));
      assertFieldErrors(res, 400, 'PARAMETER_REQUIRED', [['PARAMETER_REQUIRED', 'PortingNumbers[0].Number']]);
    });

    it('empty or only blanks → 400 PARAMETER_REQUIRED (strings are trimmed first)', async () => {
      for (const blank of ['', '   ']) {
        const res = await submit(seedExample({ PortingNumbers: [{ Number: blank }] }));
        assertFieldErrors(res, 400, 'PARAMETER_REQUIRED', [['PARAMETER_REQUIRED', 'PortingNumbers[0].Number']]);
      }
    });

    for (const raw of ['0288888888', '+61 2 8888 8888', '+6128888888', '61288888888', '+61 (02) 8888 8888']) {
      it(`not E.164: ${JSON.stringify(raw)} → 400 PARAMETER_INVALID, reported once`, async () => {
        const res = await submit(seedExample({ PortingNumbers: [{ Number: raw }] }));
        assertFieldErrors(res, 400, 'PARAMETER_INVALID', [['PARAMETER_INVALID', 'PortingNumbers[0].Number']]);
      });
    }

    it('a JSON number where a string belongs → 400 PARAMETER_INVALID, never coerced', async () => {
      const before = await storedRequests();
      const res = await submit(seedExample({ PortingNumbers: [{ Number: 61288888888 }] }));
      assertFieldErrors(res, 400, 'PARAMETER_INVALID', [['PARAMETER_INVALID', 'PortingNumbers[0].Number']]);
      assert.equal(await storedRequests(), before);
    });

    it('other wrong JSON types for strings (boolean, object, array) → PARAMETER_INVALID on each field', async () => {
      const res = await submit(seedExample({ CurrentCarrier: true, CustomerDescription: { text: 'x' }, PortingNumbers: [{ Number: ['+61288888888'] }] }));
      assertFieldErrors(res, 400, 'PARAMETER_INVALID', [
        ['PARAMETER_INVALID', 'CurrentCarrier'],
        ['PARAMETER_INVALID', 'CustomerDescription'],
        ['PARAMETER_INVALID', 'PortingNumbers[0].Number'],
      ]);
    });

    for (const [kind, number] of [
      ['mobile', '+61412345678'],
      ['1300', '+611300123456'],
      ['1800', '+611800123456'],
      ['13xxxx', '+61131234'],
      ['premium 1900', '+611900123456'],
      ['inbound 180 + 4 (unknown to libphonenumber)', '+611801234'],
      ['satellite 014 (unknown to libphonenumber)', '+61141234567'],
      ['non-AU (UK fixed line)', '+442079460000'],
      ['non-AU (NZ fixed line)', '+6496543210'],
    ] as const) {
      it(`${kind} ${number} → 400 NUMBER_NOT_PORTABLE`, async () => {
        const res = await submit(seedExample({ PortingNumbers: [{ Number: number }] }));
        assertFieldErrors(res, 400, 'NUMBER_NOT_PORTABLE', [['NUMBER_NOT_PORTABLE', 'PortingNumbers[0].Number']]);
        if (kind.startsWith('inbound 180')) assert.match(res.json().ResponseStatus.Errors[0].Message, /is an inbound 180 number/);
        if (kind.startsWith('satellite')) assert.match(res.json().ResponseStatus.Errors[0].Message, /is a satellite number, which cannot be ported/);
      });
    }
  });

  describe('PortType and incoming action', () => {
    it('PortType other than Cat-A → 400 PARAMETER_INVALID', async () => {
      for (const portType of ['Cat-C', 'CatA', 'Mobile']) {
        assertFieldErrors(await submit(withNumber({ PortType: portType })), 400, 'PARAMETER_INVALID', [['PARAMETER_INVALID', 'PortingNumbers[0].PortType']]);
      }
    });

    it('IncomingActionType invalid → 400 PARAMETER_INVALID', async () => {
      const res = await submit(withNumber({ IncomingActionType: 'Voicemail' }));
      assertFieldErrors(res, 400, 'PARAMETER_INVALID', [['PARAMETER_INVALID', 'PortingNumbers[0].IncomingActionType']]);
    });

    it('IncomingActionType invalid with an IncomingAnswerPoint → one PARAMETER_INVALID, not also "required"', async () => {
      const res = await submit(withNumber({ IncomingActionType: 'Voicemail', IncomingAnswerPoint: '+61277777777' }));
      assertFieldErrors(res, 400, 'PARAMETER_INVALID', [['PARAMETER_INVALID', 'PortingNumbers[0].IncomingActionType']]);
    });

    it('IncomingAnswerPoint without IncomingActionType → 400 PARAMETER_REQUIRED on IncomingActionType', async () => {
      const res = await submit(withNumber({ IncomingAnswerPoint: '+61277777777' }));
      assertFieldErrors(res, 400, 'PARAMETER_REQUIRED', [['PARAMETER_REQUIRED', 'PortingNumbers[0].IncomingActionType']]);
    });

    it('Answering Point without IncomingAnswerPoint → 400 PARAMETER_REQUIRED', async () => {
      const res = await submit(withNumber({ IncomingActionType: 'Answering Point' }));
      assertFieldErrors(res, 400, 'PARAMETER_REQUIRED', [['PARAMETER_REQUIRED', 'PortingNumbers[0].IncomingAnswerPoint']]);
    });

    it('Answering Point with an empty IncomingAnswerPoint → one PARAMETER_REQUIRED entry', async () => {
      const res = await submit(withNumber({ IncomingActionType: 'Answering Point', IncomingAnswerPoint: ' ' }));
      assertFieldErrors(res, 400, 'PARAMETER_REQUIRED', [['PARAMETER_REQUIRED', 'PortingNumbers[0].IncomingAnswerPoint']]);
    });

    it('Answering Point with an invalid IncomingAnswerPoint → 400 PARAMETER_INVALID', async () => {
      for (const answerPoint of ['reception', '0277777777', '+6127777777']) {
        const res = await submit(withNumber({ IncomingActionType: 'Answering Point', IncomingAnswerPoint: answerPoint }));
        assertFieldErrors(res, 400, 'PARAMETER_INVALID', [['PARAMETER_INVALID', 'PortingNumbers[0].IncomingAnswerPoint']]);
      }
    });

    it('Flow without IncomingActionId → 400 PARAMETER_REQUIRED', async () => {
      const res = await submit(withNumber({ IncomingActionType: 'Flow' }));
      assertFieldErrors(res, 400, 'PARAMETER_REQUIRED', [['PARAMETER_REQUIRED', 'PortingNumbers[0].IncomingActionId']]);
    });

    it('Flow with an unknown ConfigId → 400 PARAMETER_INVALID', async () => {
      const res = await submit(withNumber({ IncomingActionType: 'Flow', IncomingActionId: 'F0000000000000000000000000000000' }));
      assertFieldErrors(res, 400, 'PARAMETER_INVALID', [['PARAMETER_INVALID', 'PortingNumbers[0].IncomingActionId']]);
    });

    it('Flow with a ConfigId of another account\'s property → 400 PARAMETER_INVALID', async () => {
      const other = await t.tenant('Other');
      const res = await submit(withNumber({ IncomingActionType: 'Flow', IncomingActionId: other.flowConfigId }));
      assertFieldErrors(res, 400, 'PARAMETER_INVALID', [['PARAMETER_INVALID', 'PortingNumbers[0].IncomingActionId']]);
    });

    it('Flow with a ConfigId of another property of the same account → 400 PARAMETER_INVALID', async () => {
      const second = await createProperty(t.ctx, tenant.accountSid, 'Second property');
      const flow = await createFlow(t.ctx, second.sid, 'Second flow');
      const res = await submit(withNumber({ IncomingActionType: 'Flow', IncomingActionId: flow.config_id }));
      assertFieldErrors(res, 400, 'PARAMETER_INVALID', [['PARAMETER_INVALID', 'PortingNumbers[0].IncomingActionId']]);
    });

    it('an over-long IncomingActionId is reported once', async () => {
      const res = await submit(withNumber({ IncomingActionType: 'Flow', IncomingActionId: 'F'.repeat(65) }));
      assertFieldErrors(res, 400, 'PARAMETER_INVALID', [['PARAMETER_INVALID', 'PortingNumbers[0].IncomingActionId']]);
    });
  });

  describe('schedule and PreferredPortDate (today is Tue 2026-12-01 in Sydney)', () => {
    it('PreferredPortSchedule invalid → 400 PARAMETER_INVALID', async () => {
      const res = await submit({ ...withNumber({}), PreferredPortSchedule: 'Tomorrow' });
      assertFieldErrors(res, 400, 'PARAMETER_INVALID', [['PARAMETER_INVALID', 'PreferredPortSchedule']]);
    });

    it('Date without PreferredPortDate → 400 PARAMETER_REQUIRED', async () => {
      const res = await submit({ ...withNumber({}), PreferredPortSchedule: 'Date' });
      assertFieldErrors(res, 400, 'PARAMETER_REQUIRED', [['PARAMETER_REQUIRED', 'PreferredPortDate']]);
    });

    it('Date with an empty PreferredPortDate → one PARAMETER_REQUIRED entry', async () => {
      const res = await submit({ ...withNumber({}), PreferredPortSchedule: 'Date', PreferredPortDate: '' });
      assertFieldErrors(res, 400, 'PARAMETER_REQUIRED', [['PARAMETER_REQUIRED', 'PreferredPortDate']]);
    });

    it('ASAP (explicit or by default) with a PreferredPortDate → 400 PARAMETER_INVALID', async () => {
      for (const schedule of [{ PreferredPortSchedule: 'ASAP' }, {}]) {
        const res = await submit({ ...withNumber({}), ...schedule, PreferredPortDate: '2026-12-04' });
        assertFieldErrors(res, 400, 'PARAMETER_INVALID', [['PARAMETER_INVALID', 'PreferredPortDate']]);
      }
    });

    for (const malformed of ['04/12/2026', '2026-12-4', '2026-02-30', '2026-13-01', 'next week', '2026-12-04T09:00:00+11:00', 20261204]) {
      it(`malformed date ${JSON.stringify(malformed)} → 400 PARAMETER_INVALID, reported once`, async () => {
        const res = await submit({ ...withNumber({}), PreferredPortSchedule: 'Date', PreferredPortDate: malformed });
        assertFieldErrors(res, 400, 'PARAMETER_INVALID', [['PARAMETER_INVALID', 'PreferredPortDate']]);
      });
    }

    for (const [why, date] of [
      ['a Saturday', '2026-12-05'],
      ['a Sunday', '2026-12-06'],
      ['Christmas Day', '2026-12-25'],
      ['Boxing Day, observed on Monday 28th', '2026-12-28'],
      ['in the past', '2026-11-30'],
      ['today', '2026-12-01'],
      ['only 1 business day ahead', '2026-12-02'],
      ['more than 30 days ahead', '2027-01-04'],
    ] as const) {
      it(`PreferredPortDate ${date} (${why}) → 400 PORT_DATE_INVALID`, async () => {
        const res = await submit({ ...withNumber({}), PreferredPortSchedule: 'Date', PreferredPortDate: date });
        assertFieldErrors(res, 400, 'PORT_DATE_INVALID', [['PORT_DATE_INVALID', 'PreferredPortDate']]);
      });
    }

    it('the window edges are accepted: 2 business days (Thu 3rd) and 30 days (Thu 31st)', async () => {
      for (const date of ['2026-12-03', '2026-12-31']) {
        const res = await submit({ ...withNumber({}), PreferredPortSchedule: 'Date', PreferredPortDate: date });
        assert.equal(res.statusCode, 200, `${date}: ${res.body}`);
      }
    });
  });

  describe('contact fields, lengths and WebHookURL', () => {
    it('the seed\'s mangled email "[email protected]" stays 400 PARAMETER_INVALID', async () => {
      const res = await submit({ ...withNumber({}), AuthorisedContactEmail: '[email protected]' });
      assertFieldErrors(res, 400, 'PARAMETER_INVALID', [['PARAMETER_INVALID', 'AuthorisedContactEmail']]);
    });

    it('other non-emails → 400 PARAMETER_INVALID', async () => {
      for (const email of ['john.doe', 'john@', '@example.com', 'john doe@example.com']) {
        const res = await submit({ ...withNumber({}), AuthorisedContactEmail: email });
        assertFieldErrors(res, 400, 'PARAMETER_INVALID', [['PARAMETER_INVALID', 'AuthorisedContactEmail']]);
      }
    });

    it('DaytimeContactNumber invalid → 400 PARAMETER_INVALID', async () => {
      for (const daytime of ['call me', '0299999999', '+61 2 9999 9999', '+6129999999']) {
        const res = await submit({ ...withNumber({}), DaytimeContactNumber: daytime });
        assertFieldErrors(res, 400, 'PARAMETER_INVALID', [['PARAMETER_INVALID', 'DaytimeContactNumber']]);
      }
    });

    it('CustomerDescription of 1001 characters → 400 PARAMETER_INVALID; 1000 (after trimming) is fine', async () => {
      assertFieldErrors(await submit({ ...withNumber({}), CustomerDescription: 'x'.repeat(1001) }), 400, 'PARAMETER_INVALID', [['PARAMETER_INVALID', 'CustomerDescription']]);
      const ok = await submit({ ...withNumber({}), CustomerDescription: `  ${'x'.repeat(1000)}  ` });
      assert.equal(ok.statusCode, 200, ok.body);
      assert.equal(ok.json().PortingRequest.CustomerDescription.length, 1000);
    });

    it('CurrentCarrier of 256 characters → 400 PARAMETER_INVALID; 255 is fine', async () => {
      assertFieldErrors(await submit({ ...withNumber({}), CurrentCarrier: 'c'.repeat(256) }), 400, 'PARAMETER_INVALID', [['PARAMETER_INVALID', 'CurrentCarrier']]);
      const ok = await submit({ ...withNumber({}), CurrentCarrier: 'c'.repeat(255) });
      assert.equal(ok.statusCode, 200, ok.body);
    });

    it('other 255-character caps: AuthorisedContactName, CurrentCarrierAccountNo, PortAddress', async () => {
      const long = 'a'.repeat(256);
      const res = await submit({ ...withNumber({ PortAddress: long }), AuthorisedContactName: long, CurrentCarrierAccountNo: long });
      assertFieldErrors(res, 400, 'PARAMETER_INVALID', [
        ['PARAMETER_INVALID', 'AuthorisedContactName'],
        ['PARAMETER_INVALID', 'CurrentCarrierAccountNo'],
        ['PARAMETER_INVALID', 'PortingNumbers[0].PortAddress'],
      ]);
    });

    it('a WebHookURL that is not a URL at all → 400 PARAMETER_INVALID (malformed, not "not allowed")', async () => {
      // Spaces and control characters inside too: the parser drops some silently, so the URL stored would not be the one called.
      for (const url of ['hooks/porting', 'https://', 'example.com/hook', 'https://example.com/x\nX-Injected: yes', 'https://example.com/a\tb', 'https://example.com/a b']) {
        const res = await submit({ ...withNumber({}), WebHookURL: url });
        assertFieldErrors(res, 400, 'PARAMETER_INVALID', [['PARAMETER_INVALID', 'WebHookURL']]);
      }
    });

    it('a WebHookURL with another scheme → 400 WEBHOOK_URL_NOT_ALLOWED', async () => {
      const res = await submit({ ...withNumber({}), WebHookURL: 'ftp://example.com/hook' });
      assertFieldErrors(res, 400, 'WEBHOOK_URL_NOT_ALLOWED', [['WEBHOOK_URL_NOT_ALLOWED', 'WebHookURL']]);
    });
  });

  describe('numbers already taken', () => {
    it('the same number twice in one request → 409 DUPLICATE_NUMBER on the second', async () => {
      const number = uniqueNumber();
      const res = await submit(seedExample({ PortingNumbers: [{ Number: number }, { Number: ` ${number} ` }] }));
      assertFieldErrors(res, 409, 'DUPLICATE_NUMBER', [['DUPLICATE_NUMBER', 'PortingNumbers[1].Number']]);
    });

    it('a duplicate together with a 400 problem → 400, and both are listed', async () => {
      const number = uniqueNumber();
      const res = await submit(seedExample({ AuthorisedContactEmail: 'nope', PortingNumbers: [{ Number: number }, { Number: number }] }));
      assertFieldErrors(res, 400, 'PARAMETER_INVALID', [
        ['PARAMETER_INVALID', 'AuthorisedContactEmail'],
        ['DUPLICATE_NUMBER', 'PortingNumbers[1].Number'],
      ]);
    });

    it('a number already in another active request → 409 NUMBER_ALREADY_IN_PORTING naming it', async () => {
      const taken = uniqueNumber();
      const first = await submit(seedExample({ PortingNumbers: [{ Number: taken }] }));
      assert.equal(first.statusCode, 200, first.body);
      const before = await storedRequests();
      const res = await submit(seedExample({ PortingNumbers: [{ Number: uniqueNumber() }, { Number: taken }] }));
      const rs = assertFieldErrors(res, 409, 'NUMBER_ALREADY_IN_PORTING', [['NUMBER_ALREADY_IN_PORTING', 'PortingNumbers[1].Number']]);
      assert.ok(rs.Errors[0]!.Message.includes(taken), rs.Errors[0]!.Message);
      assert.equal(await storedRequests(), before, 'nothing of the refused request is stored');
    });

    it('the active number is refused for another account too (one active port per number on the platform)', async () => {
      const taken = uniqueNumber();
      assert.equal((await submit(seedExample({ PortingNumbers: [{ Number: taken }] }))).statusCode, 200);
      const other = await t.tenant('Rival');
      const res = await t.as(other, { method: 'POST', url: `/v2/Properties/${other.propertySid}/Porting`, payload: seedExample({ PortingNumbers: [{ Number: taken }] }) });
      assertFieldErrors(res, 409, 'NUMBER_ALREADY_IN_PORTING', [['NUMBER_ALREADY_IN_PORTING', 'PortingNumbers[0].Number']]);
    });
  });

  describe('many problems at once', () => {
    it('reports every problem with its JSON path, led by the most specific code', async () => {
      const res = await submit(
        seedExample({
          AuthorisedContactEmail: '[email protected]',
          PortingNumbers: [
            { Number: '+61412345678' },
            { Number: uniqueNumber(), IncomingActionType: 'Answering Point', IncomingAnswerPoint: 'front desk' },
          ],
        }),
      );
      assertFieldErrors(res, 400, 'NUMBER_NOT_PORTABLE', [
        ['PARAMETER_INVALID', 'AuthorisedContactEmail'],
        ['NUMBER_NOT_PORTABLE', 'PortingNumbers[0].Number'],
        ['PARAMETER_INVALID', 'PortingNumbers[1].IncomingAnswerPoint'],
      ]);
    });

    it('mixes schema problems (types, required) with business-rule problems in one answer', async () => {
      const res = await submit({
        DaytimeContactNumber: 299999999,
        PreferredPortSchedule: 'Date',
        PreferredPortDate: '2026-12-05',
        PortingNumbers: [{ Number: uniqueNumber(), PortType: 'Cat-C' }, { IncomingActionType: 'Flow' }],
      });
      assertFieldErrors(res, 400, 'PORT_DATE_INVALID', [
        ['PARAMETER_REQUIRED', 'AuthorisedContactName'],
        ['PARAMETER_REQUIRED', 'AuthorisedContactEmail'],
        ['PARAMETER_REQUIRED', 'CurrentCarrier'],
        ['PARAMETER_REQUIRED', 'CurrentCarrierAccountNo'],
        ['PARAMETER_INVALID', 'DaytimeContactNumber'],
        ['PORT_DATE_INVALID', 'PreferredPortDate'],
        ['PARAMETER_INVALID', 'PortingNumbers[0].PortType'],
        ['PARAMETER_REQUIRED', 'PortingNumbers[1].Number'],
        ['PARAMETER_REQUIRED', 'PortingNumbers[1].IncomingActionId'],
      ]);
    });
  });

  describe('the body is not a JSON object', () => {
    for (const [what, json] of [
      ['an array', '[{"Number":"+61288888888"}]'],
      ['null', 'null'],
      ['a string', '"PortingNumbers"'],
      ['a number', '42'],
    ] as const) {
      it(`${what} → 400 in the ResponseStatus shape`, async () => {
        const before = await storedRequests();
        const res = await submitRaw(json);
        const rs = assertResponseStatus(res, 400, 'PARAMETER_INVALID');
        assert.ok(Array.isArray((rs as { Errors?: unknown[] }).Errors), res.body);
        assert.equal(await storedRequests(), before);
      });
    }
  });
});

describe('POST /v2/Properties/{PropertySid}/Porting — WebHookURL when private webhooks are not allowed', async () => {
  const t = await startTestApp({ settings: { allowPrivateWebhooks: false } });
  const tenant = await t.tenant();
  const submit = (webHookUrl: string) =>
    t.as(tenant, {
      method: 'POST',
      url: `/v2/Properties/${tenant.propertySid}/Porting`,
      payload: seedExample({ WebHookURL: webHookUrl, PortingNumbers: [{ Number: uniqueNumber() }] }),
    });

  for (const url of [
    'http://example.com/hooks',
    'https://127.0.0.1/x',
    'https://169.254.169.254/',
    'https://localhost/',
    'https://10.0.0.5/hooks',
    'https://[::1]/hooks',
    'https://user:secret@example.com/hooks',
  ]) {
    it(`${url} → 400 WEBHOOK_URL_NOT_ALLOWED`, async () => {
      assertFieldErrors(await submit(url), 400, 'WEBHOOK_URL_NOT_ALLOWED', [['WEBHOOK_URL_NOT_ALLOWED', 'WebHookURL']]);
    });
  }

  it('a public https URL is accepted and echoed', async () => {
    const res = await submit('https://hooks.example.com/porting');
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json().PortingRequest.WebHookURL, 'https://hooks.example.com/porting');
  });

  describe('a host name is judged by what it resolves to', () => {
    const dns: Record<string, string[] | undefined> = {
      'intranet.example.com': ['10.1.2.3'],
      'split.example.com': ['93.184.215.14', '127.0.0.1'],
      'metadata.example.com': ['fd00:ec2::254'],
      'hooks.example.net': ['93.184.215.14', '2606:2800:21f:cb07:6820:80da:af6b:8b2c'],
    };
    const stored = async () => Number((await t.ctx.store.db.selectFrom('porting_requests').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

    const refused: [string, string][] = [['intranet.example.com', '10.1.2.3'], ['split.example.com', '127.0.0.1'], ['metadata.example.com', 'fd00:ec2::254']];
    for (const [host, address] of refused) {
      it(`https://${host}/ resolving to ${address} → 400 WEBHOOK_URL_NOT_ALLOWED, without telling what the name resolves to; nothing stored`, async () => {
        t.ctx.resolveWebhookHost = async (name) => dns[name];
        const before = await stored();
        const res = await submit(`https://${host}/hooks`);
        assertFieldErrors(res, 400, 'WEBHOOK_URL_NOT_ALLOWED', [['WEBHOOK_URL_NOT_ALLOWED', 'WebHookURL']]);
        const message = res.json().ResponseStatus.Errors[0].Message as string;
        assert.equal(message, `WebHookURL host ${host} resolves to an address that is not public (private, loopback or link-local).`);
        assert.ok(!message.includes(address), 'an internal name is not mapped for the caller');
        assert.equal(await stored(), before);
      });
    }

    it('reported together with the other problems of the same body', async () => {
      t.ctx.resolveWebhookHost = async (name) => dns[name];
      const res = await t.as(tenant, {
        method: 'POST',
        url: `/v2/Properties/${tenant.propertySid}/Porting`,
        payload: seedExample({ WebHookURL: 'https://intranet.example.com/hooks', AuthorisedContactEmail: 'not-an-email', PortingNumbers: [{ Number: uniqueNumber() }] }),
      });
      assert.deepEqual(res.json().ResponseStatus.Errors.map((e: { FieldName: string }) => e.FieldName).sort(), ['AuthorisedContactEmail', 'WebHookURL']);
    });

    it('a name resolving only to public addresses, or one that cannot be resolved now, is accepted (each delivery checks again)', async () => {
      t.ctx.resolveWebhookHost = async (name) => dns[name];
      for (const url of ['https://hooks.example.net/porting', 'https://unknown.example.org/porting']) {
        const res = await submit(url);
        assert.equal(res.statusCode, 200, `${url}: ${res.body}`);
      }
    });
  });
});
