// Worker threads start without the parent's module hooks: register tsx, then load the TypeScript.
import { register } from 'tsx/esm/api';

register();
await import('./submission-writer-worker.ts');
