/**
 * The certificate and SSH modules pull in node-forge and ssh2; callers that must stay cheap to load
 * (the extension at activation, the CLI's start) reach them through these accessors, which require
 * each module on first use. esbuild keeps a bundled require() lazy; a static import would not be.
 */
/* eslint-disable @typescript-eslint/no-require-imports */
export const certsCore = {
  inspect: () => require('./inspect') as typeof import('./inspect'),
  analyse: () => require('./analyse') as typeof import('./analyse'),
  request: () => require('./request') as typeof import('./request'),
  verify: () => require('./verify') as typeof import('./verify'),
  files: () => require('./files') as typeof import('./files'),
  x509: () => require('./x509') as typeof import('./x509'),
  ssh: () => require('../esxi/ssh') as typeof import('../esxi/ssh'),
  deploy: () => require('../esxi/deploy') as typeof import('../esxi/deploy'),
};
/* eslint-enable @typescript-eslint/no-require-imports */
