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
      throw new LabError('invalidArgument', 'The vecs-cli route for vCenter appliance 6.5/6.7 is not automated yet: follow the vSphere 6.7 guide "Replace Machine SSL Certificate with Custom Certificate".');
    case 'windows-checklist':
      throw new LabError('invalidArgument', 'vCenter Server on Windows has no automated route: follow the checklist.');
  }
};
