// A thread that takes and gives back the write lock on command, for test/store/write-lock.test.ts.
import { register } from 'tsx/esm/api';

register();
await import('./lock-holder.ts');
