/**
 * Certificate deploy routes by generation: the contract (./types), the choice (./choose) and
 * `createRoute`, which binds a choice to one server and its credentials. The route modules load
 * lazily (they pull in the certificate core, ssh2, https).
 */
import { LabError } from '../../errors';
import { lazy } from '../../lazy';
import type { CreateRoute } from './types';

export * from './types';
export { chooseRoute, parseRouteId, routeRefusal } from './choose';

const mods = {
  ssh: lazy(() => require('./ssh') as typeof import('./ssh')),
  api: lazy(() => require('./hostApi') as typeof import('./hostApi')),
  rest: lazy(() => require('./vcsaRest') as typeof import('./vcsaRest')),
  vecs: lazy(() => require('./vecs') as typeof import('./vecs')),
};

/** The route a choice names, bound to `target` with `access` (throws a LabError when access lacks what it needs). */
export const createRoute: CreateRoute = (choice, target, access) => {
  switch (choice.method) {
    case 'ssh-hostd':
    case 'ssh-rhttpproxy':
      return new (mods.ssh().SshHostRoute)(target, access, choice.method);
    case 'host-api':
      return new (mods.api().HostApiRoute)(target, access);
    case 'vcsa-rest':
      return new (mods.rest().VcsaRestRoute)(target, access);
    case 'vcsa-vecs':
      return new (mods.vecs().VecsRoute)(target, access);
    case 'windows-checklist':
      throw new LabError('invalidArgument', 'vCenter Server on Windows has no automated route: follow the checklist.');
  }
};
