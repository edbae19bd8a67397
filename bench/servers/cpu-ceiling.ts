// Baseline "cpu-ceiling": a bare Fastify POST that validates the submit body against the route's
// own schema with the app's strict Ajv (no coercion, every error), and echoes it. No auth, no storage.
import Fastify from 'fastify';
import { installValidators } from '../../src/http/validators.ts';
import { SubmitPortingRequestBody } from '../../src/http/schemas/porting-request.ts';

const app = Fastify({ logger: false });
installValidators(app);
app.post('/echo', { schema: { body: SubmitPortingRequestBody } }, async (request) => request.body);

await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT ?? 0) });
const address = app.server.address();
if (address === null || typeof address === 'string') throw new Error('no TCP address');
process.stdout.write(`listening on http://127.0.0.1:${address.port}\n`);
process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));
