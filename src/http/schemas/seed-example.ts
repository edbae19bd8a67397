/**
 * The example request of the user's document (submit-porting-request.txt), with the one
 * correction the contract asks for: its email address was mangled by the page it was copied from,
 * so the example uses a real one. Used by the OpenAPI document, the start-up banner and tests.
 */
export function seedExampleBody(): Record<string, unknown> {
  return {
    CustomerDescription: 'My Porting Request',
    AuthorisedContactName: 'John Doe',
    AuthorisedContactEmail: 'john.doe@example.com',
    DaytimeContactNumber: '+61299999999',
    CurrentCarrier: 'Optus',
    CurrentCarrierAccountNo: '12345678',
    PortingNumbers: [{ Number: '+61288888888', PortType: 'Cat-A', IncomingActionType: 'Answering Point', IncomingAnswerPoint: '+61277777777' }],
  };
}
