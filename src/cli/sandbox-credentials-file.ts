import { basename, dirname, join } from 'node:path';

/**
 * Where the first start on an embedded database saves the sandbox credentials: beside the database,
 * named after it (`portline.db` → `portline.db.sandbox-credentials.json`). One name per folder let
 * a second database in the same folder overwrite the first one's file, and that file is the only
 * place its auth token can be read again.
 */
export function sandboxCredentialsFile(databasePath: string): string {
  return join(dirname(databasePath), `${basename(databasePath)}.sandbox-credentials.json`);
}
