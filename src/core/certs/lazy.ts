/**
 * The certificate and SSH modules pull in node-forge and ssh2; callers that must stay cheap to load
 * (the extension at activation, the CLI's start) reach them through these accessors, which require
 * each module on first use (the convention: core/lazy.ts).
 */
import { lazy } from '../lazy';

export const certsCore = {
  inspect: lazy(() => require('./inspect') as typeof import('./inspect')),
  analyse: lazy(() => require('./analyse') as typeof import('./analyse')),
  request: lazy(() => require('./request') as typeof import('./request')),
  verify: lazy(() => require('./verify') as typeof import('./verify')),
  files: lazy(() => require('./files') as typeof import('./files')),
  x509: lazy(() => require('./x509') as typeof import('./x509')),
  ssh: lazy(() => require('../esxi/ssh') as typeof import('../esxi/ssh')),
  deploy: lazy(() => require('../esxi/deploy') as typeof import('../esxi/deploy')),
  expiry: lazy(() => require('./expiry') as typeof import('./expiry')),
  rotate: lazy(() => require('./rotate') as typeof import('./rotate')),
  routes: lazy(() => require('./routes') as typeof import('./routes')),
};
