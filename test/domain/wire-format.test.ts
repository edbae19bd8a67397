import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { portingRequestToWire, wireFormatVersion } from '../../src/domain/wire-format.ts';
import { everyColumnSubmission } from '../support/submission-rows.ts';

/**
 * The wire JSON of a request with every field set, as each wireFormatVersion writes it. Status pages
 * serve the JSON stored with a request while its version is the current one (store/stored-wire.ts),
 * so output that changes under the same version would leave old rows answering in the old shape.
 */
const writtenBy: Record<number, unknown> = {
  1: {
    PortingNo: 'R-FULL', AccountSid: 'A1', PropertySid: 'P1', CustomerDescription: 'Head office', AuthorisedContactName: 'Ada',
    AuthorisedContactEmail: 'ada@example.com', DaytimeContactNumber: '0299999999', CurrentCarrier: 'Telstra', CurrentCarrierAccountNo: 'ACC-1',
    PreferredPortSchedule: 'Date', PreferredPortDate: '2027-01-05', WebHookURL: 'https://example.com/hook', Status: 'ActionRequired',
    Created: 1700000000, LastUpdated: 1700000100,
    PortingNumbers: [
      {
        Number: '+61200000001', PortType: 'Cat-A', PortAddress: '1 Main St', IncomingActionType: 'Flow', IncomingActionId: 'F-1', Status: 'Rejected',
        StatusReason: { Code: 'ACCOUNT_MISMATCH', Message: 'Account number "x" \\ differs' }, LastUpdated: 1700000100,
      },
      {
        Number: '+61200000002', PortType: 'Cat-A', IncomingActionType: 'Answering Point', IncomingAnswerPoint: '+61299990000', Status: 'Completed',
        ScheduledPortTime: 1700000050, PortedTime: 1700000060, LastUpdated: 1700000100,
      },
    ],
  },
};

describe('the wire format version', () => {
  it('names what portingRequestToWire writes, key order included', () => {
    const written = JSON.stringify(portingRequestToWire(everyColumnSubmission('R-FULL', ['+61200000001', '+61200000002']).request));
    assert.equal(
      written,
      JSON.stringify(writtenBy[wireFormatVersion]),
      'the wire output changed: raise wireFormatVersion, record the new output under it, and add a migration that runs renderStoredWire',
    );
  });
});
