import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import importX from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

const SERVICES = ['gateway', 'auth', 'crm', 'billing', 'notifications', 'reporting'];

export default tseslint.config(
  { ignores: ['**/dist/**', 'node_modules/**', 'libs/contracts/src/generated/**', 'bench/results/**', 'coverage/**'] },
  ...tseslint.configs.recommended,
  {
    plugins: { 'import-x': importX },
    // Resolves `./x.js` to the `x.ts` beside it and @kinship/* to libs/, so the path rules see real files.
    settings: { 'import-x/resolver-next': [createTypeScriptImportResolver({ project: './tsconfig.json' })] },
    rules: {
      'no-console': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'import-x/no-restricted-paths': [
        'error',
        {
          zones: [
            // A service reaches another only over NATS: never by importing its code.
            ...SERVICES.map((service) => ({
              target: `./services/${service}/src`,
              from: './services',
              except: [`./${service}`],
              message: 'A service must not import another service; send a request or consume an event instead.',
            })),
            // Shared libraries hold no service's business rules, so they never import a service.
            { target: './libs', from: './services', message: 'A lib must not import a service.' },
          ],
        },
      ],
    },
  },
  {
    // A service-tier suite may start another service whole, as a peer answering its requests
    // (startServiceTest's `peers`): it imports that service's definition and nothing else of it.
    files: ['services/*/src/**/*.service-test.ts'],
    rules: {
      'import-x/no-restricted-paths': [
        'error',
        {
          zones: SERVICES.map((service) => ({
            target: `./services/${service}/src`,
            from: './services',
            except: [`./${service}`, ...SERVICES.filter((other) => other !== service).map((other) => `./${other}/src/${other}.service.ts`)],
            message: 'A service-tier suite may import another service’s definition (<name>.service.ts) to start it as a peer, nothing else.',
          })),
        },
      ],
    },
  },
  {
    // Tests read JSON responses by their shape; the assertions, not the types, check them.
    files: ['**/test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['bench/**', 'scripts/**', 'console/scripts/**'],
    rules: { 'no-console': 'off' },
  },
);
