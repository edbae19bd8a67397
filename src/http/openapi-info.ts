/** Top of the OpenAPI document; the paths come from the route schemas. */
export const openApiInfo = {
  openapi: '3.0.3',
  info: {
    title: 'Portline API',
    version: '2.0.0',
    description:
      'Australian number porting, wire-compatible with the Fone Dynamics REST API v2. ' +
      'Authenticate with HTTP Basic: your AccountSid as user name and your auth token as password. ' +
      'Every error response carries a ResponseStatus object.',
  },
  components: {
    securitySchemes: {
      basicAuth: { type: 'http' as const, scheme: 'basic' },
      operatorToken: { type: 'http' as const, scheme: 'bearer', description: 'Porting-desk operator token (PORTLINE_OPERATOR_TOKEN).' },
    },
  },
  security: [{ basicAuth: [] }],
};
