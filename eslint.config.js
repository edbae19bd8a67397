// Lint: TypeScript rules plus the layer directions of docs (design.md): imports point inward.
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';

const layer = (target, forbidden, message) =>
  forbidden.map((from) => ({ target: `./src/${target}`, from: `./src/${from}`, message }));

export default tseslint.config(
  { ignores: ['node_modules/**', 'data/**', 'bench/results/**'] },
  ...tseslint.configs.recommended,
  {
    plugins: { 'import-x': importX },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true }],
      'import-x/no-restricted-paths': [
        'error',
        {
          zones: [
            ...layer('lib', ['domain', 'store', 'app', 'carrier', 'webhooks', 'http', 'cli', 'main.ts', 'config.ts'], 'lib/ imports nothing of ours.'),
            ...layer('domain', ['store', 'app', 'carrier', 'webhooks', 'http', 'cli', 'main.ts', 'config.ts'], 'domain/ imports only lib/.'),
            ...layer('store', ['app', 'carrier', 'webhooks', 'http', 'cli', 'main.ts', 'config.ts'], 'store/ imports only domain/ and lib/.'),
            ...layer('app', ['carrier', 'webhooks', 'http', 'cli', 'main.ts', 'config.ts'], 'app/ imports only store/, domain/ and lib/.'),
            ...layer('carrier', ['store', 'webhooks', 'http', 'cli', 'main.ts', 'config.ts'], 'carrier/ imports app/, domain/ and lib/.'),
            ...layer('webhooks', ['app', 'carrier', 'http', 'cli', 'main.ts', 'config.ts'], 'webhooks/ imports store/, domain/ and lib/.'),
            ...layer('http', ['store', 'carrier', 'webhooks', 'cli', 'main.ts', 'config.ts'], 'http/ never imports store/ (it calls app/ use cases).'),
          ],
        },
      ],
    },
  },
);
